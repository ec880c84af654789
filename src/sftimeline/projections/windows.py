"""Window primitives over record sequences (docs/policies-dsl.md, docs/semantics.md §2).

Pure functions over :class:`~sftimeline.records.Record` sequences and dates. Only records
dated on or before ``on`` (the date D) are ever looked at, so a later record never changes
the result on D. The month arithmetic is :mod:`sftimeline.projections.months`.

Which records fall in a window (used by these primitives and by the framework leaves in
:mod:`sftimeline.policies.leaves`, so that both read one rule):

- :func:`in_months_before` — records in the N months before (and including) a day:
  ``e <= c < e + N months``.
- :func:`in_months_after` — records in the N months following an anchor:
  ``c < e < c + N months``.
- :func:`no_x_since` — "no X for N months" with a period start (semantics §2, AMB-A03): the
  day counting starts from and the earliest day it holds, ``add_months(max(last X, start), N)``.

The catalogue §8 primitives, each returning a
:class:`~sftimeline.projections.results.Result`:

- :func:`count_in_window` — P01: records of the given types/kinds in the N months
  ending on D (``e <= D < e + N months``), compared with ``at_least``/``at_most``.
- :func:`exists_in_lookback` — P02: at least one such record in the N months
  before an anchor (identification): ``e <= c < e + N months``.
- :func:`no_x_for_months` — P03: "no X for N months" with a period start.
- :func:`none_before_anchor` — P04: no X in the N months prior to an anchor.
- :func:`none_after_anchor` — P05: no X in the N months following an anchor.

Reductions against a baseline (P07–P10) are :mod:`sftimeline.projections.reductions`;
exact ``met_since`` / ``expected_on`` over change points are
:mod:`sftimeline.projections.change_points`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date

from sftimeline.projections.days import day_after, day_before
from sftimeline.projections.months import (
    add_months,
    months_back_from,
    within_months_after,
)
from sftimeline.projections.results import Result, Window, met, not_met, pending
from sftimeline.records import Record


def matching(
    records: Sequence[Record],
    on: date,
    types: Collection[str],
    kinds: Collection[str] | None = None,
    persons: Collection[str] | None = None,
) -> list[Record]:
    """Records dated ``<= on`` whose type is in ``types``, whose ``kind`` (if
    ``kinds`` given) is in ``kinds`` and whose person (if ``persons`` given, i.e.
    person scope) is one of ``persons``; sorted by :meth:`Record.sort_key`."""
    out = [
        r
        for r in records
        if r.occurred_on <= on
        and r.type in types
        and (kinds is None or r.get("kind") in kinds)
        and (persons is None or r.person in persons)
    ]
    out.sort(key=Record.sort_key)
    return out


def record_keys(rs: Iterable[Record]) -> tuple[str, ...]:
    """The keys of ``rs``, in order: the facts a result rests on."""
    return tuple(r.key for r in rs)


def in_months_before(records: Iterable[Record], day: date, months: int) -> list[Record]:
    """The records in the ``months`` months before (and including) ``day``:
    ``e <= day < add_months(e, N)`` (semantics §2), in the order given.

    :func:`~sftimeline.projections.months.within_months_before` written out: this runs
    over a family's records for every window of every need."""
    return [r for r in records if r.occurred_on <= day < add_months(r.occurred_on, months)]


def in_months_after(records: Iterable[Record], anchor: date, months: int) -> list[Record]:
    """The records in the ``months`` months following ``anchor``:
    ``anchor < e < add_months(anchor, N)`` (semantics §2), in the order given."""
    return [r for r in records if within_months_after(r.occurred_on, anchor, months)]


def no_x_since(last: date | None, period_start: date, months: int) -> tuple[date, date]:
    """ "No X for N months" (semantics §2, AMB-A03): the day the count runs from — the last
    X or the period start, whichever is later — and the earliest day it holds,
    ``add_months(max(last X, period_start), N)``."""
    base = max(last, period_start) if last is not None else period_start
    return base, add_months(base, months)


def count_in_window(
    records: Sequence[Record],
    on: date,
    months: int,
    *,
    types: Collection[str] = ("incident_recorded",),
    kinds: Collection[str] | None = None,
    persons: Collection[str] | None = None,
    at_least: int | None = None,
    at_most: int | None = None,
) -> Result:
    """P01 (catalogue §8): count of matching records in the ``months`` months ending
    on ``on`` (semantics §2: ``e <= D < e + N months``). Met when the count satisfies
    ``at_least`` / ``at_most``; a too-high count is ``pending`` (expected when enough
    records age out, if that can satisfy it), a too-low count is ``not_met``."""
    rs = in_months_before(matching(records, on, types, kinds, persons), on, months)
    n = len(rs)
    start = months_back_from(on, months)
    win = (Window(f"{months} months ending {on}", start, on),)
    vals = {"count": n, "at_least": at_least, "at_most": at_most}
    ok_low = at_least is None or n >= at_least
    ok_high = at_most is None or n <= at_most
    text = f"{n} matching record(s) in the {months} months to {on.isoformat()}"
    if ok_low and ok_high:
        return met(text + ".", since=None, windows=win, values=vals, facts=record_keys(rs))
    if not ok_high and at_most is not None:
        drop = n - at_most
        ages = sorted(add_months(r.occurred_on, months) for r in rs)
        when = ages[drop - 1]
        if at_least is None or n - drop >= at_least:
            return pending(
                text + f", more than {at_most}; expected {when.isoformat()} when old ones age out.",
                expected_on=when,
                windows=win,
                values=vals,
                facts=record_keys(rs),
            )
    return not_met(text + ".", windows=win, values=vals, facts=record_keys(rs))


def exists_in_lookback(
    records: Sequence[Record],
    anchor: date,
    months: int,
    *,
    types: Collection[str] = ("incident_recorded",),
    kinds: Collection[str] | None = None,
    persons: Collection[str] | None = None,
    at_least: int = 1,
) -> Result:
    """P02 (catalogue §8): at least ``at_least`` matching records in the ``months``
    months before ``anchor`` (identification): ``e <= c < e + N months`` (semantics §2)."""
    rs = in_months_before(matching(records, anchor, types, kinds, persons), anchor, months)
    win = (Window(f"{months} months to {anchor}", months_back_from(anchor, months), anchor),)
    text = (
        f"{len(rs)} matching record(s) in the {months} months "
        f"before {anchor.isoformat()} (need {at_least})."
    )
    vals = {"count": len(rs), "at_least": at_least}
    if len(rs) >= at_least:
        return met(text, since=anchor, windows=win, values=vals, facts=record_keys(rs))
    return not_met(text, windows=win, values=vals, facts=record_keys(rs))


def no_x_for_months(
    records: Sequence[Record],
    on: date,
    months: int,
    *,
    period_start: date,
    types: Collection[str] = ("incident_recorded",),
    kinds: Collection[str] | None = None,
    persons: Collection[str] | None = None,
) -> Result:
    """P03 (catalogue §8; semantics §2; AMB-A03): no matching record for ``months``
    months. Holds on D when ``add_months(max(last X <= D, period_start), N) <= D``;
    that date is ``met_since`` when met and ``expected_on`` when pending."""
    rs = matching(records, on, types, kinds, persons)
    last = rs[-1].occurred_on if rs else None
    base, earliest = no_x_since(last, period_start, months)
    win = (Window(f"{months} months from {base}", base, earliest),)
    vals = {"last": last.isoformat() if last else None, "months": months}
    facts = record_keys(rs[-1:])
    lastx = f"the last on {last.isoformat()}" if last else "none recorded"
    if earliest <= on:
        return met(
            f"No matching record for {months} months since {base.isoformat()} "
            f"({lastx}); holds from {earliest.isoformat()}.",
            since=earliest,
            windows=win,
            values=vals,
            facts=facts,
        )
    return pending(
        f"Counting {months} months from {base.isoformat()} ({lastx}); "
        f"met on {earliest.isoformat()} if nothing else is recorded.",
        expected_on=earliest,
        windows=win,
        values=vals,
        facts=facts,
    )


def none_before_anchor(
    records: Sequence[Record],
    anchor: date,
    months: int,
    *,
    types: Collection[str] = ("incident_recorded",),
    kinds: Collection[str] | None = None,
    persons: Collection[str] | None = None,
) -> Result:
    """P04 (catalogue §8; semantics §2): no matching record in the ``months`` months
    prior to ``anchor`` (e.g. closure): no X with ``e <= c < e + N months``."""
    rs = in_months_before(matching(records, anchor, types, kinds, persons), anchor, months)
    win = (Window(f"{months} months to {anchor}", months_back_from(anchor, months), anchor),)
    if rs:
        return not_met(
            f"{len(rs)} matching record(s) in the {months} months before "
            f"{anchor.isoformat()}, the last on {rs[-1].occurred_on.isoformat()}.",
            windows=win,
            values={"count": len(rs)},
            facts=record_keys(rs),
        )
    return met(
        f"No matching record in the {months} months before {anchor.isoformat()}.",
        since=anchor,
        windows=win,
        values={"count": 0},
    )


def none_after_anchor(
    records: Sequence[Record],
    on: date,
    anchor: date,
    months: int,
    *,
    types: Collection[str] = ("incident_recorded",),
    kinds: Collection[str] | None = None,
    persons: Collection[str] | None = None,
) -> Result:
    """P05 (catalogue §8; semantics §2): no matching record with ``c < e < c + N months``.
    Pending until ``c + N months`` (expected then); not met once one occurred (that
    record is the fact)."""
    end = add_months(anchor, months)
    rs = in_months_after(matching(records, on, types, kinds, persons), anchor, months)
    win = (Window(f"{months} months after {anchor}", day_after(anchor), day_before(end)),)
    if rs:
        return not_met(
            f"A matching record on {rs[0].occurred_on.isoformat()} fell within "
            f"{months} months after {anchor.isoformat()}.",
            windows=win,
            values={"count": len(rs)},
            facts=record_keys(rs[:1]),
        )
    if on >= end:
        return met(
            f"No matching record in the {months} months after "
            f"{anchor.isoformat()} (to {end.isoformat()}).",
            since=end,
            windows=win,
            values={"count": 0},
        )
    return pending(
        f"No matching record since {anchor.isoformat()}; the {months}-month "
        f"window completes on {end.isoformat()}.",
        expected_on=end,
        windows=win,
        values={"count": 0},
    )
