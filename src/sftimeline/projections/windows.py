"""Window primitives over record sequences (docs/policies-dsl.md, docs/semantics.md §2).

Pure functions over :class:`~sftimeline.records.Record` sequences and dates; each
returns a :class:`~sftimeline.projections.results.Result`. Only records dated on or
before ``on`` (the date D) are ever looked at, so a later record never changes the
result on D.

Functions:

- :func:`count_in_window` — P01: records of the given types/kinds in the N months
  ending on D (``e <= D < e + N months``), compared with ``at_least``/``at_most``.
- :func:`exists_in_lookback` — P02: at least one such record in the N months
  before an anchor (identification): ``e <= c < e + N months``.
- :func:`no_x_for_months` — P03: "no X for N months" with a period start
  (semantics §2, AMB-A03): earliest = ``add_months(max(last X, start), N)``.
- :func:`none_before_anchor` — P04: no X in the N months prior to an anchor.
- :func:`none_after_anchor` — P05: no X in the N months following an anchor.
- :func:`reduction` — P09/P10: reduction against a baseline (fixed count, months
  before an anchor, or "the previous N months"), exact rational rates (AMB-B04/B05).
- :func:`consistent_measure` — P07: kinds measured (the need's ``measure`` or default).
- :func:`baseline_band` — P08: baseline count and the band/route it selects.
- :func:`reduction_ok` — the AMB-B05 integer test on its own.
- :func:`held_since` / :func:`next_true` — exact ``met_since`` / ``expected_on`` for
  a condition that can only change on given days.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date, timedelta

from sftimeline.projections.months import add_months
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


def _keys(rs: Sequence[Record]) -> tuple[str, ...]:
    return tuple(r.key for r in rs)


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
    rs = [
        r
        for r in matching(records, on, types, kinds, persons)
        if on < add_months(r.occurred_on, months)
    ]
    n = len(rs)
    start = add_months(on, -months) + timedelta(days=1)
    win = (Window(f"{months} months ending {on}", start, on),)
    vals = {"count": n, "at_least": at_least, "at_most": at_most}
    ok_low = at_least is None or n >= at_least
    ok_high = at_most is None or n <= at_most
    text = f"{n} matching record(s) in the {months} months to {on.isoformat()}"
    if ok_low and ok_high:
        return met(text + ".", since=None, windows=win, values=vals, facts=_keys(rs))
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
                facts=_keys(rs),
            )
    return not_met(text + ".", windows=win, values=vals, facts=_keys(rs))


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
    rs = [
        r
        for r in matching(records, anchor, types, kinds, persons)
        if anchor < add_months(r.occurred_on, months)
    ]
    win = (
        Window(
            f"{months} months to {anchor}", add_months(anchor, -months) + timedelta(days=1), anchor
        ),
    )
    text = (
        f"{len(rs)} matching record(s) in the {months} months "
        f"before {anchor.isoformat()} (need {at_least})."
    )
    vals = {"count": len(rs), "at_least": at_least}
    if len(rs) >= at_least:
        return met(text, since=anchor, windows=win, values=vals, facts=_keys(rs))
    return not_met(text, windows=win, values=vals, facts=_keys(rs))


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
    base = max(last, period_start) if last is not None else period_start
    earliest = add_months(base, months)
    win = (Window(f"{months} months from {base}", base, earliest),)
    vals = {"last": last.isoformat() if last else None, "months": months}
    facts = _keys(rs[-1:])
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
    rs = [
        r
        for r in matching(records, anchor, types, kinds, persons)
        if anchor < add_months(r.occurred_on, months)
    ]
    win = (
        Window(
            f"{months} months to {anchor}", add_months(anchor, -months) + timedelta(days=1), anchor
        ),
    )
    if rs:
        return not_met(
            f"{len(rs)} matching record(s) in the {months} months before "
            f"{anchor.isoformat()}, the last on {rs[-1].occurred_on.isoformat()}.",
            windows=win,
            values={"count": len(rs)},
            facts=_keys(rs),
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
    rs = [r for r in matching(records, on, types, kinds, persons) if anchor < r.occurred_on < end]
    win = (
        Window(
            f"{months} months after {anchor}", anchor + timedelta(days=1), end - timedelta(days=1)
        ),
    )
    if rs:
        return not_met(
            f"A matching record on {rs[0].occurred_on.isoformat()} fell within "
            f"{months} months after {anchor.isoformat()}.",
            windows=win,
            values={"count": len(rs)},
            facts=_keys(rs[:1]),
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


# ---------------------------------------------------------------------------
# Exact met_since / expected_on over piecewise-constant conditions
# ---------------------------------------------------------------------------


def held_since(ok: Callable[[date], bool], on: date, points: Collection[date]) -> date:
    """The earliest day from which ``ok`` held without a break up to ``on``, given
    every day ``p`` on which ``ok(p)`` may differ from ``ok(p - 1)`` (``ok(on)`` true)."""
    for p in sorted({p for p in points if p <= on}, reverse=True):
        if not ok(p - timedelta(days=1)):
            return p
    return min(points, default=on)


def next_true(ok: Callable[[date], bool], on: date, points: Collection[date]) -> date | None:
    """The first change point after ``on`` on which ``ok`` holds, or None."""
    for p in sorted({p for p in points if p > on}):
        if ok(p):
            return p
    return None


def reduction_ok(
    outcome: int, baseline: int, percent: int, outcome_months: int = 1, baseline_months: int = 1
) -> bool:
    """AMB-B05/B04 exact test of rates per month: ``outcome×100×Bm ≤ baseline×(100−r)×Om``;
    a zero baseline is met only by a zero outcome."""
    if baseline == 0:
        return outcome == 0
    return outcome * 100 * baseline_months <= baseline * (100 - percent) * outcome_months


def reduction(
    records: Sequence[Record],
    on: date,
    *,
    percent: int,
    outcome_months: int,
    anchor: date | None = None,
    baseline_months: int | None = None,
    baseline: int | None = None,
    previous: bool = False,
    not_before: date | None = None,
    types: Collection[str] = ("incident_recorded",),
    kinds: Collection[str] | None = None,
    persons: Collection[str] | None = None,
) -> Result:
    """P09/P10 (catalogue §8; AMB-B02 (a), B04, B05): at least ``percent``% fewer
    matching records per month in the ``outcome_months`` months ending on D than in
    the baseline. The baseline is one of: ``baseline`` (a given count over
    ``baseline_months``); the ``baseline_months`` months before ``anchor``
    (``e <= c < e + Bm``, semantics §2); or with ``previous=True`` "the previous N
    months" (``e + N <= D < e + 2N``, semantics §2). Not met before ``not_before``
    (default ``add_months(anchor, outcome_months)``) — pending then. With a fixed
    baseline, a failing outcome is ``pending`` with the exact date old records age
    out; ``met_since`` is exact."""
    past = matching(records, on, types, kinds, persons)
    om = outcome_months
    bm = om if previous else (baseline_months or om)
    if not_before is None and anchor is not None:
        not_before = add_months(anchor, om)
    if not previous and baseline is None:
        if anchor is None:
            raise ValueError("reduction needs a baseline count, an anchor or previous=True")
        base_rs = [r for r in past if r.occurred_on <= anchor < add_months(r.occurred_on, bm)]
        baseline = len(base_rs)
    else:
        base_rs = []

    def counts(d: date) -> tuple[int, int, list[Record], list[Record]]:
        now_rs = [r for r in past if r.occurred_on <= d < add_months(r.occurred_on, om)]
        if previous:
            b_rs = [
                r
                for r in past
                if add_months(r.occurred_on, om) <= d < add_months(r.occurred_on, 2 * om)
            ]
            return len(now_rs), len(b_rs), now_rs, b_rs
        assert baseline is not None
        return len(now_rs), baseline, now_rs, base_rs

    def ok(d: date) -> bool:
        if not_before is not None and d < not_before:
            return False
        n, b, _, _ = counts(d)
        return reduction_ok(n, b, percent, om, bm)

    points: set[date] = set()
    for r in past:
        points |= {r.occurred_on, add_months(r.occurred_on, om), add_months(r.occurred_on, 2 * om)}
    if not_before is not None:
        points.add(not_before)
    n, b, now_rs, b_rs = counts(on)
    win = [Window(f"outcome: {om} months to {on}", add_months(on, -om) + timedelta(days=1), on)]
    if previous:
        win.append(
            Window(
                f"previous {om} months",
                add_months(on, -2 * om) + timedelta(days=1),
                add_months(on, -om),
            )
        )
    elif anchor is not None:
        win.append(
            Window(
                f"baseline: {bm} months to {anchor}",
                add_months(anchor, -bm) + timedelta(days=1),
                anchor,
            )
        )
    vals = {
        "outcome": n,
        "baseline": b,
        "percent": percent,
        "outcome_months": om,
        "baseline_months": bm,
    }
    facts = _keys(b_rs) + _keys(now_rs)
    text = (
        f"{n} matching record(s) in the {om} months to {on.isoformat()} against a "
        f"baseline of {b} in {bm} months (needs a {percent}% reduction)"
    )
    if ok(on):
        since = held_since(ok, on, points)
        return met(
            text + f"; holds since {since.isoformat()}.",
            since=since,
            windows=tuple(win),
            values=vals,
            facts=facts,
        )
    when = next_true(ok, on, points)
    if when is None:
        return not_met(text + ".", windows=tuple(win), values=vals, facts=facts)
    return pending(
        text + f"; met on {when.isoformat()} if nothing else is recorded.",
        expected_on=when,
        windows=tuple(win),
        values=vals,
        facts=facts,
    )


def consistent_measure(need: Record | None, default: Collection[str]) -> tuple[str, ...]:
    """P07 (catalogue §8; semantics §4): the incident kinds measured for a need — the
    need_identified record's ``measure`` when given, else the framework default."""
    measure = need.get("measure") if need is not None else None
    return tuple(measure) if measure else tuple(default)


def baseline_band(
    records: Sequence[Record],
    anchor: date,
    months: int,
    bands: Sequence[tuple[int, str]],
    *,
    types: Collection[str] = ("incident_recorded",),
    kinds: Collection[str] | None = None,
    persons: Collection[str] | None = None,
) -> tuple[int, str | None, tuple[str, ...]]:
    """P08 (catalogue §8): count the baseline (the ``months`` months before
    ``anchor``, ``e <= c < e + N``) and pick the route of the highest band whose
    minimum count it reaches; ``bands`` is ``[(min_count, route), ...]``. Returns
    (count, route or None, record keys)."""
    rs = [
        r
        for r in matching(records, anchor, types, kinds, persons)
        if anchor < add_months(r.occurred_on, months)
    ]
    route = None
    for lo, name in sorted(bands):
        if len(rs) >= lo:
            route = name
    return len(rs), route, _keys(rs)
