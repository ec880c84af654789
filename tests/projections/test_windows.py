"""Unit and property tests for projections/windows.py (catalogue §8 P01–P05)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sftimeline.projections.months import add_months
from sftimeline.projections.results import Status
from sftimeline.projections.windows import (
    count_in_window,
    no_x_for_months,
    none_after_anchor,
    none_before_anchor,
)
from sftimeline.records import Record


def inc(day: date, n: int = 0, kind: str = "asb", person: str = "p1") -> Record:
    return Record(
        key=f"k{n}-{day}",
        type="incident_recorded",
        family="f",
        occurred_on=day,
        recorded_at=datetime(2030, 1, 1, tzinfo=UTC),
        person=person,
        data={"kind": kind},
    )


def test_no_x_boundary_31_aug_plus_6() -> None:
    rs = [inc(date(2023, 8, 31))]
    start = date(2023, 1, 1)
    r = no_x_for_months(rs, date(2024, 2, 28), 6, period_start=start)
    assert r.status is Status.PENDING and r.expected_on == date(2024, 2, 29)
    r = no_x_for_months(rs, date(2024, 2, 29), 6, period_start=start)
    assert r.status is Status.MET and r.met_since == date(2024, 2, 29)
    rs = [inc(date(2022, 8, 31))]
    r = no_x_for_months(rs, date(2023, 2, 28), 6, period_start=start.replace(year=2022))
    assert r.status is Status.MET and r.met_since == date(2023, 2, 28)


def test_no_x_period_start_dominates() -> None:
    r = no_x_for_months([], date(2024, 1, 1), 6, period_start=date(2023, 9, 30))
    assert r.status is Status.PENDING and r.expected_on == date(2024, 3, 30)


def test_count_pending_age_out() -> None:
    rs = [inc(date(2024, 1, 10), 1), inc(date(2024, 3, 31), 2)]
    r = count_in_window(rs, date(2024, 6, 1), 6, at_most=1)
    assert r.status is Status.PENDING and r.expected_on == date(2024, 7, 10)
    assert count_in_window(rs, date(2024, 7, 9), 6, at_most=1).status is Status.PENDING
    assert count_in_window(rs, date(2024, 7, 10), 6, at_most=1).status is Status.MET
    assert count_in_window(rs, date(2024, 6, 1), 6, at_least=3).status is Status.NOT_MET


def test_after_anchor() -> None:
    c = date(2024, 1, 31)
    assert none_after_anchor([], date(2024, 2, 28), c, 1).status is Status.PENDING
    assert none_after_anchor([], date(2024, 2, 28), c, 1).expected_on == date(2024, 2, 29)
    assert none_after_anchor([], date(2024, 2, 29), c, 1).status is Status.MET
    r = none_after_anchor([inc(date(2024, 2, 10))], date(2024, 2, 12), c, 1)
    assert r.status is Status.NOT_MET and r.facts == ("k0-2024-02-10",)
    assert none_after_anchor([inc(date(2024, 2, 29))], date(2024, 3, 1), c, 1).met


def test_before_anchor() -> None:
    c = date(2024, 3, 28)
    assert none_before_anchor([inc(date(2024, 2, 29))], c, 1).status is Status.NOT_MET
    assert none_before_anchor([inc(date(2024, 2, 28))], c, 1).met
    assert none_before_anchor([inc(date(2024, 3, 29))], c, 1).met


days = st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 12, 31))


def oracle_no_x(rs: list[Record], on: date, n: int, start: date) -> bool:
    return add_months(start, n) <= on and all(
        add_months(r.occurred_on, n) <= on for r in rs if r.occurred_on <= on
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(days, max_size=4), days, days, st.integers(1, 24))
def test_no_x_exact(ds: list[date], on: date, start: date, n: int) -> None:
    rs = [inc(d, i) for i, d in enumerate(ds)]
    r = no_x_for_months(rs, on, n, period_start=start)
    assert r.met == oracle_no_x(rs, on, n, start)
    past = [x for x in rs if x.occurred_on <= on]
    assert no_x_for_months(past, on, n, period_start=start) == r
    if r.status is Status.PENDING:
        e = r.expected_on
        assert e is not None
        assert not oracle_no_x(past, e - timedelta(days=1), n, start)
        assert oracle_no_x(past, e, n, start)
    if r.met:
        s = r.met_since
        assert s is not None and s <= on
        assert not oracle_no_x(past, s - timedelta(days=1), n, start)
        d = s
        while d <= on:
            assert oracle_no_x(past, d, n, start)
            d += timedelta(days=17)


@settings(max_examples=150, deadline=None)
@given(st.lists(days, max_size=5), days, st.integers(1, 12), st.integers(0, 3))
def test_count_expected_exact(ds: list[date], on: date, n: int, k: int) -> None:
    rs = [inc(d, i) for i, d in enumerate(ds)]
    r = count_in_window(rs, on, n, at_most=k)
    past = [x for x in rs if x.occurred_on <= on]
    if r.status is Status.PENDING:
        e = r.expected_on
        assert e is not None
        assert not count_in_window(past, e - timedelta(days=1), n, at_most=k).met
        assert count_in_window(past, e, n, at_most=k).met


def test_reduction_anchor_baseline() -> None:
    from sftimeline.projections.reductions import reduction

    anchor = date(2024, 1, 31)
    base = [inc(date(2023, 9, 1), i) for i in range(4)]
    after = [inc(date(2024, 3, 15), 10), inc(date(2024, 5, 1), 11), inc(date(2024, 6, 1), 12)]
    rs = base + after
    # baseline 4 in 6 months; need ≤ 2 in the 6 months to D; not before 2024-07-31
    r = reduction(
        rs, date(2024, 7, 30), percent=50, outcome_months=6, anchor=anchor, baseline_months=6
    )
    assert r.status is Status.PENDING and r.expected_on == date(2024, 9, 15)
    r2 = reduction(
        rs, date(2024, 9, 15), percent=50, outcome_months=6, anchor=anchor, baseline_months=6
    )
    assert r2.met and r2.met_since == date(2024, 9, 15)
    assert not reduction(
        rs, date(2024, 9, 14), percent=50, outcome_months=6, anchor=anchor, baseline_months=6
    ).met


def test_reduction_zero_baseline() -> None:
    from sftimeline.projections.reductions import reduction_ok

    assert reduction_ok(0, 0, 50) and not reduction_ok(1, 0, 50)
    assert reduction_ok(2, 3, 33) and not reduction_ok(2, 3, 34)
    assert reduction_ok(1, 2, 50, 6, 6) and not reduction_ok(1, 1, 50)


def oracle_reduction(
    rs: list[Record], d: date, om: int, r: int, nb: date, prev: bool, base: int
) -> bool:
    from sftimeline.projections.reductions import reduction_ok

    if d < nb:
        return False
    now = sum(1 for x in rs if x.occurred_on <= d < add_months(x.occurred_on, om))
    if prev:
        base = sum(
            1 for x in rs if add_months(x.occurred_on, om) <= d < add_months(x.occurred_on, 2 * om)
        )
    return reduction_ok(now, base, r, om, om)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(days, max_size=6),
    days,
    days,
    st.integers(1, 12),
    st.sampled_from([33, 50, 60]),
    st.booleans(),
    st.integers(0, 4),
)
def test_reduction_exact(
    ds: list[date], on: date, nb: date, om: int, pct: int, prev: bool, base: int
) -> None:
    from sftimeline.projections.reductions import reduction

    rs = [inc(d, i) for i, d in enumerate(ds)]
    kw = dict(
        percent=pct,
        outcome_months=om,
        previous=prev,
        not_before=nb,
        baseline=None if prev else base,
    )
    res = reduction(rs, on, **kw)  # type: ignore[arg-type]
    past = [x for x in rs if x.occurred_on <= on]
    assert res.met == oracle_reduction(past, on, om, pct, nb, prev, base)
    assert reduction(past, on, **kw) == res  # type: ignore[arg-type]
    if res.status is Status.PENDING:
        e = res.expected_on
        assert e is not None
        assert not oracle_reduction(past, e - timedelta(days=1), om, pct, nb, prev, base)
        assert oracle_reduction(past, e, om, pct, nb, prev, base)
        d = on + timedelta(days=1)
        while d < e:
            assert not oracle_reduction(past, d, om, pct, nb, prev, base)
            d += timedelta(days=5)
    if res.met:
        s = res.met_since
        assert s is not None
        assert not oracle_reduction(past, s - timedelta(days=1), om, pct, nb, prev, base)
        d = s
        while d <= on:
            assert oracle_reduction(past, d, om, pct, nb, prev, base)
            d += timedelta(days=1)


@settings(max_examples=150, deadline=None)
@given(st.lists(days, max_size=4), days, days, st.integers(1, 24))
def test_after_anchor_exact(ds: list[date], on: date, anchor: date, n: int) -> None:
    rs = [inc(d, i) for i, d in enumerate(ds)]
    r = none_after_anchor(rs, on, anchor, n)
    past = [x for x in rs if x.occurred_on <= on]
    assert none_after_anchor(past, on, anchor, n) == r
    end = add_months(anchor, n)
    broken = any(anchor < x.occurred_on < end for x in past)
    assert r.met == (not broken and on >= end)
    if r.status is Status.PENDING:
        assert r.expected_on == end
        assert not none_after_anchor(past, end - timedelta(days=1), anchor, n).met
        assert none_after_anchor(past, end, anchor, n).met


def test_baseline_band_and_measure() -> None:
    from sftimeline.projections.reductions import baseline_band, consistent_measure

    rs = [inc(date(2024, 1, i + 1), i) for i in range(3)]
    assert baseline_band(rs, date(2024, 2, 1), 12, [(1, "low"), (3, "high")])[:2] == (3, "high")
    assert baseline_band(rs[:1], date(2024, 2, 1), 12, [(1, "low"), (3, "high")])[1] == "low"
    assert consistent_measure(None, ["arrest"]) == ("arrest",)
