"""The core of the primitive catalogue: what every leaf primitive of the framework DSL
shares (docs/policies-dsl.md) — the argument base class, the rule type, the anchors, and the
registry the compiler reads.

Each primitive has a model of its arguments, declared as a pydantic model and validated by
pydantic when a framework is loaded, so a council's typo is reported with its location
(its class is plain, :mod:`sftimeline.policies.lazy_models`: importing and using it imports
no pydantic), and a ``build`` function that turns validated arguments into a closure
``Context -> Result``. The primitives themselves live in
:mod:`sftimeline.policies.leaves`, one module per topic (evidence, incidents, windows
anchored on a day, attendance, exclusions, states, look-backs, justice, employment, health,
…), each registering its own with :func:`register_primitive` when imported;
:func:`primitive` imports the one module a name needs (a framework uses a few topics), and
:func:`sftimeline.policies.leaves.load_all` imports them all. A leaf says which records,
which window and which threshold; the window and count arithmetic itself (months counted
forward from a date, whole weeks, reductions) lives in :mod:`sftimeline.projections`
(``months``, ``weeks``, ``windows``), docs/semantics.md §2–4, and the school calendar
(terms, ages) in :mod:`sftimeline.calendar`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, ClassVar, Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import LazyModel
from sftimeline.projections.results import (
    Result,
    Status,
)

Rule = Callable[[Context], Result]
#: ``case_closed`` = the latest closure not followed by a reopening (closure as a state);
#: ``latest_case_closed`` = the latest closure whatever followed it (Hertfordshire 3.1, where
#: the reopening is what the window watches for)
Anchor = Literal["identified", "nomination", "case_closed", "latest_case_closed", "on"]


class Args(LazyModel):
    model_config: ClassVar[dict[str, Any]] = {
        "extra": "forbid",
        "frozen": True,
        "populate_by_name": True,
    }


def _kinds(ctx: Context, kinds: Sequence[str] | str | None) -> Sequence[str] | None:
    if kinds == "need_measure":
        return ctx.measure
    if isinstance(kinds, str):
        return (kinds,)
    return kinds


def _who(ctx: Context, who: str) -> str | None:
    return ctx.person if who == "person" else None


def _d(day: date | None) -> str:
    return day.isoformat() if day else "?"


#: name → (argument model, builder, one-line doc).
PRIMITIVES: dict[str, tuple[type[Args], Callable[[Any], Rule], str]] = {}


def register_primitive(name: str, args: type[Args], build: Callable[[Any], Rule], doc: str) -> None:
    """Add a leaf primitive (used by the topic modules in :mod:`sftimeline.policies.leaves`).

    A name can be registered once: two modules claiming one name is a programming error.
    """
    if name in PRIMITIVES and PRIMITIVES[name][1] is not build:
        raise ValueError(f"primitive {name!r} is already registered")
    PRIMITIVES[name] = (args, build, doc)


def primitive(name: str) -> tuple[type[Args], Callable[[Any], Rule], str] | None:
    """The registered (argument model, builder, doc) of primitive ``name``, its topic
    module imported on first use (None for a name no module registers)."""
    found = PRIMITIVES.get(name)
    if found is None:
        from sftimeline.policies import leaves

        if leaves.load(name):
            found = PRIMITIVES.get(name)
    return found


_ = Status  # re-exported for callers building custom primitives
