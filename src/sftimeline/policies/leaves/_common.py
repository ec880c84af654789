"""Helpers shared by the topic leaf modules: sustainment, open spells, household members.

Not a primitive module (it registers nothing). Sustainment follows docs/semantics.md §2 and
the Troubled Families 2020 default (FL-TF-3, "Unless otherwise stated all outcomes must be
sustained for a minimum of 6 months"): a state that began on ``start`` is sustained for
``months`` on ``max(start, anchor) + months`` (AMB-A03: the window lies after the anchor,
by default the need's identification).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from sftimeline.policies.context import Context
from sftimeline.policies.primitives import Anchor as Anchor  # re-exported for the leaves
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, Window, met, pending
from sftimeline.records import Record


def as_date(value: object) -> date | None:
    """A record field holding a date (stored as ``date`` or ISO text)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def sustain(
    ctx: Context,
    start: date,
    months: int,
    anchor: Anchor,
    text: str,
    facts: Sequence[str] = (),
) -> Result:
    """``met`` once the state that began on ``start`` has held ``months`` months counted
    from no earlier than ``anchor``; otherwise ``pending`` with that date."""
    lo = ctx.anchor(anchor) or ctx.identified
    begun = max(start, lo)
    since = add_months(begun, months) if months else begun
    window = (Window(f"sustained {months} months", begun, since),) if months else ()
    if since <= ctx.on:
        held = f" for {months} months (from {begun.isoformat()})" if months else ""
        return met(f"{text}{held}", since=since, facts=tuple(facts), windows=window)
    return pending(
        f"{text}; sustained {months} months on {since.isoformat()} (counted from "
        f"{begun.isoformat()}, FL-TF-3)",
        expected_on=since,
        facts=tuple(facts),
        windows=window,
    )


def open_since(
    starts: Iterable[Record],
    ends: Iterable[Record],
    same: Callable[[Record, Record], bool],
    on: date,
) -> Record | None:
    """The start record of a spell open on ``on``: started on or before ``on`` and not
    ended before ``on`` (an ``…_ended`` record's date is the spell's last day)."""
    ends = list(ends)
    found: Record | None = None
    for s in starts:
        if s.occurred_on > on:
            continue
        closed = any(same(s, e) and s.occurred_on <= e.occurred_on < on for e in ends)
        if not closed and (found is None or s.occurred_on < found.occurred_on):
            found = s
    return found


def household_members(ctx: Context, role: str | None = None) -> list[str]:
    """Members of the household on D (FL-TF-5: "family member" = a child or an adult)."""
    return ctx.members(role)
