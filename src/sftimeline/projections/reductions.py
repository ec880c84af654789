"""Reductions against a baseline (catalogue §8 P07–P10; AMB-B02, B04, B05).

- :func:`reduction_ok` — the AMB-B05 exact integer test of rates per month.
- :func:`reduction` — P09/P10: at least r% fewer matching records per month in the outcome
  window than in the baseline (a fixed count, the months before an anchor, or "the previous
  N months"), with exact ``met_since`` / ``expected_on``.
- :func:`consistent_measure` — P07: the kinds measured (the need's ``measure`` or default).
- :func:`baseline_band` — P08: the baseline count and the band/route it selects.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sftimeline.projections.change_points import held_since, next_true
from sftimeline.projections.months import add_months, months_back_from, within_previous_months
from sftimeline.projections.results import Result, Window, met, not_met, pending
from sftimeline.projections.windows import in_months_before, matching, record_keys
from sftimeline.records import Record


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
        base_rs = in_months_before(past, anchor, bm)
        baseline = len(base_rs)
    else:
        base_rs = []

    def counts(d: date) -> tuple[int, int, list[Record], list[Record]]:
        now_rs = in_months_before(past, d, om)
        if previous:
            b_rs = [r for r in past if within_previous_months(r.occurred_on, d, om)]
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
    win = [Window(f"outcome: {om} months to {on}", months_back_from(on, om), on)]
    if previous:
        win.append(
            Window(
                f"previous {om} months",
                months_back_from(on, 2 * om),
                add_months(on, -om),
            )
        )
    elif anchor is not None:
        win.append(
            Window(
                f"baseline: {bm} months to {anchor}",
                months_back_from(anchor, bm),
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
    facts = record_keys(b_rs) + record_keys(now_rs)
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
    rs = in_months_before(matching(records, anchor, types, kinds, persons), anchor, months)
    route = None
    for lo, name in sorted(bands):
        if len(rs) >= lo:
            route = name
    return len(rs), route, record_keys(rs)
