"""What a window or a rule found: a status, its dates, its numbers and its records.

docs/semantics.md §5 fixes the statuses and how they combine: for AND the result is the
worst of the parts in the order ``not_met < insufficient_data < evidence_required <
pending < met``; for OR the best. ``expected_on`` combines as the latest (AND) or the
earliest (OR) of the parts that carry one.

Besides ``expected_on`` (when a pending result will be met if nothing else is
recorded) a met result carries ``met_since``: the earliest date from which it has
held without a break up to the on-date, given only the records known. The family's
``eligible_from`` is built from both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    NOT_MET = "not_met"
    INSUFFICIENT_DATA = "insufficient_data"
    EVIDENCE_REQUIRED = "evidence_required"
    PENDING = "pending"
    MET = "met"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __str__(self) -> str:
        return self.value


_RANK = {
    Status.NOT_MET: 0,
    Status.INSUFFICIENT_DATA: 1,
    Status.EVIDENCE_REQUIRED: 2,
    Status.PENDING: 3,
    Status.MET: 4,
}


def worst(statuses: Iterable[Status]) -> Status:
    return min(statuses, key=_RANK.__getitem__)


def best(statuses: Iterable[Status]) -> Status:
    return max(statuses, key=_RANK.__getitem__)


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open date interval ``[start, end)`` a rule looked at, with its label."""

    label: str
    start: date
    end: date

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one primitive or one combination of them.

    - ``explanation``: one sentence a person can read, with dates and numbers.
    - ``windows``: the intervals examined.
    - ``values``: the numbers computed (counts, rates, thresholds), by name.
    - ``facts``: keys of the records the result relied on.
    - ``expected_on``: for ``pending``, when it will be met if nothing else is
      recorded; None when that depends on records not yet known.
    - ``met_since``: for ``met``, the earliest date from which it has held
      continuously up to the on-date (None when it cannot be said).
    - ``parts``: the sub-results a combination was made of (for explanations).
    - ``contradicted``: for a result that is not met, whether the records show the
      opposite (an attendance rate above an entry threshold, a registration open on the
      day) rather than merely not showing it (no qualifying record). It decides an entry
      condition's verdict (``contradicted`` against ``not_shown``) and never the status.
    """

    status: Status
    explanation: str = ""
    windows: tuple[Window, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    facts: tuple[str, ...] = ()
    expected_on: date | None = None
    met_since: date | None = None
    parts: tuple[Result, ...] = ()
    label: str = ""
    contradicted: bool = False

    @property
    def met(self) -> bool:
        return self.status is Status.MET

    def with_label(self, label: str) -> Result:
        return _replace(self, label=label)

    def all_facts(self) -> tuple[str, ...]:
        """Facts of this result and every part, each once, in first-seen order (this
        result's, then each part's depth first). One dictionary gathers the whole tree:
        a decision asks this of every criterion's tree twice, and a dictionary and a
        tuple per node made it ≈ 5% of deciding a family."""
        seen: dict[str, None] = dict.fromkeys(self.facts)
        if self.parts:
            _gather_facts(self.parts, seen)
        return tuple(seen)


def _gather_facts(parts: tuple[Result, ...], seen: dict[str, None]) -> None:
    for part in parts:
        seen.update(dict.fromkeys(part.facts))
        if part.parts:
            _gather_facts(part.parts, seen)


def _replace(result: Result, **changes: Any) -> Result:
    values = {name: getattr(result, name) for name in Result.__dataclass_fields__}
    values.update(changes)
    return Result(**values)


def all_of(parts: Sequence[Result], explanation: str = "", label: str = "") -> Result:
    """AND: the worst status; a pending whole is expected when its last part is."""
    if not parts:
        raise ValueError("all_of needs at least one part")
    status = worst(p.status for p in parts)
    expected: date | None = None
    since: date | None = None
    if status is Status.PENDING:
        dates = [p.expected_on for p in parts if p.status is Status.PENDING]
        expected = None if any(d is None for d in dates) else max(d for d in dates if d)
    elif status is Status.MET:
        sinces = [p.met_since for p in parts]
        since = None if any(s is None for s in sinces) else max(s for s in sinces if s)
    return Result(
        status=status,
        explanation=explanation or " and ".join(p.explanation for p in parts if p.explanation),
        expected_on=expected,
        met_since=since,
        parts=tuple(parts),
        label=label,
        # AND: shown false as soon as one failing part is shown false
        contradicted=status is not Status.MET
        and any(p.contradicted and p.status is not Status.MET for p in parts),
    )


#: The label of an OR of alternatives (explanations say "any of these").
ANY_OF = "any_of"


def any_of(parts: Sequence[Result], explanation: str = "", label: str = "") -> Result:
    """OR (and AND/OR): the best status; a pending whole is expected with its first
    pending part."""
    if not parts:
        raise ValueError("any_of needs at least one part")
    status = best(p.status for p in parts)
    expected: date | None = None
    since: date | None = None
    if status is Status.PENDING:
        dates = [p.expected_on for p in parts if p.status is Status.PENDING and p.expected_on]
        expected = min(dates) if dates else None
    elif status is Status.MET:
        sinces = [p.met_since for p in parts if p.status is Status.MET]
        since = None if any(s is None for s in sinces) else min(s for s in sinces if s)
    return Result(
        status=status,
        explanation=explanation or " or ".join(p.explanation for p in parts if p.explanation),
        expected_on=expected,
        met_since=since,
        parts=tuple(parts),
        label=label,
        # OR: shown false only when every part is
        contradicted=status is not Status.MET and all(p.contradicted for p in parts),
    )


def met(explanation: str, *, since: date | None, **kw: Any) -> Result:
    return Result(Status.MET, explanation, met_since=since, **kw)


def pending(explanation: str, *, expected_on: date | None, **kw: Any) -> Result:
    return Result(Status.PENDING, explanation, expected_on=expected_on, **kw)


def not_met(explanation: str, **kw: Any) -> Result:
    return Result(Status.NOT_MET, explanation, **kw)


def insufficient(explanation: str, **kw: Any) -> Result:
    return Result(Status.INSUFFICIENT_DATA, explanation, **kw)


def evidence_required(explanation: str, **kw: Any) -> Result:
    return Result(Status.EVIDENCE_REQUIRED, explanation, **kw)
