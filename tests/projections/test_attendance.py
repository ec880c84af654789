"""Tests for projections/attendance.py (catalogue §8 P12/P13, semantics §3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from sftimeline.calendar import DEFAULT_TERM_CALENDAR as CAL
from sftimeline.calendar import Term
from sftimeline.projections.attendance import (
    compare,
    every_child_attendance,
    last_n_terms_attendance,
    measure_value,
)
from sftimeline.projections.results import Status
from sftimeline.records import Record

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def post(term: str, p: int, a: int, au: int | None = None, person: str = "c1") -> Record:
    t = Term.parse(term)
    data: dict[str, object] = {"term": term, "possible_sessions": p, "attended_sessions": a}
    if au is not None:
        data["authorised_absence_sessions"] = au
    return Record(
        f"{person}-{term}", "term_attendance_posted", "f", CAL.end(t), T0, person=person, data=data
    )


def joined(person: str, born: date | None, on: date = date(2020, 1, 1)) -> Record:
    return Record(
        f"j-{person}",
        "person_joined",
        "f",
        on,
        T0,
        person=person,
        data={"role": "child", "born_on": born},
    )


def test_measures_exact() -> None:
    rs = [post("2023-autumn", 100, 90, 6), post("2024-spring", 100, 80, 10)]
    assert measure_value(rs, "overall") == Fraction(170, 200)
    assert measure_value(rs, "xauth_A") == 1 - Fraction(14, 200)
    assert measure_value(rs, "xauth_B") == Fraction(170, 184)
    assert measure_value(rs, "unauth_rate") == Fraction(14, 200)
    assert compare(Fraction(9, 10), ">=", 90) and not compare(Fraction(9, 10), ">", 90)


def test_last_n_terms() -> None:
    rs = [post("2023-autumn", 100, 95), post("2024-spring", 100, 85), post("2024-summer", 100, 91)]
    kw = dict(n=3, measure="overall", op=">=", threshold=90, identified_on=date(2023, 10, 1))
    r = last_n_terms_attendance(rs, date(2024, 8, 31), "c1", **kw)  # type: ignore[arg-type]
    assert r.met and r.met_since == date(2024, 8, 31)
    r = last_n_terms_attendance(rs, date(2024, 8, 30), "c1", **kw)  # type: ignore[arg-type]
    assert r.status is Status.PENDING and r.expected_on is None
    r = last_n_terms_attendance(rs[:2], date(2024, 9, 5), "c1", **kw)  # type: ignore[arg-type]
    assert r.status is Status.INSUFFICIENT_DATA
    kw["threshold"] = 91
    r = last_n_terms_attendance(rs, date(2024, 9, 5), "c1", **kw)  # type: ignore[arg-type]
    assert r.status is Status.NOT_MET


def test_every_child() -> None:
    rs = [post("2024-spring", 100, 95), joined("c1", date(2012, 5, 1)), joined("c2", None)]
    r = every_child_attendance(rs, date(2024, 4, 2), n=1, measure="overall", op=">=", threshold=90)
    assert r.status is Status.INSUFFICIENT_DATA
    rs[2] = joined("c2", date(2020, 5, 1))  # 3 on 31 Aug 2023: not school age
    r = every_child_attendance(rs, date(2024, 4, 2), n=1, measure="overall", op=">=", threshold=90)
    assert r.met


TERMS = ["2022-autumn", "2023-spring", "2023-summer", "2023-autumn", "2024-spring"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(70, 100), min_size=5, max_size=5),
    st.dates(min_value=date(2023, 1, 1), max_value=date(2024, 6, 30)),
    st.integers(1, 3),
)
def test_met_since_exact(att: list[int], on: date, n: int) -> None:
    rs = [post(t, 100, a) for t, a in zip(TERMS, att, strict=True)]

    def ev(d: date) -> bool:
        return last_n_terms_attendance(
            rs, d, "c1", n=n, measure="overall", op=">=", threshold=90
        ).met

    r = last_n_terms_attendance(rs, on, "c1", n=n, measure="overall", op=">=", threshold=90)
    if r.met:
        s = r.met_since
        assert s is not None and not ev(s - timedelta(days=1))
        d = s
        while d <= on:
            assert ev(d)
            d += timedelta(days=3)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(70, 100), min_size=5, max_size=5),
    st.dates(min_value=date(2023, 1, 1), max_value=date(2024, 6, 30)),
    st.integers(1, 3),
)
def test_later_records_ignored(att: list[int], on: date, n: int) -> None:
    rs = [post(t, 100, a) for t, a in zip(TERMS, att, strict=True)]
    past = [r for r in rs if r.occurred_on <= on]
    kw: dict[str, object] = dict(n=n, measure="xauth_B", op=">", threshold=85)
    assert last_n_terms_attendance(rs, on, "c1", **kw) == last_n_terms_attendance(  # type: ignore[arg-type]
        past,
        on,
        "c1",
        **kw,  # type: ignore[arg-type]
    )
