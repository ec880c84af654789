"""Tests for projections/scores.py (P11, P14, P15, P22, P24, P25, P33)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

from sftimeline.projections.results import Status
from sftimeline.projections.scores import (
    average_improved,
    closure_lag,
    domains_at_least,
    exclusions_in_terms,
    improvement_points,
    latest_better,
    no_severe_offence,
)
from sftimeline.records import Record

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def rec(type_: str, day: date, person: str | None = None, **data: Any) -> Record:
    return Record(f"{type_}-{day}", type_, "f", day, T0, person=person, data=data)


def star(day: date, a: int, b: int) -> Record:
    return rec("assessment_scored", day, tool="fs", scores={"x": a, "y": b})


def test_readings() -> None:
    rs = [star(date(2024, 1, 1), 3, 4), star(date(2024, 3, 1), 7, 7), star(date(2024, 6, 1), 8, 7)]
    r = domains_at_least(rs, date(2024, 6, 1), "fs", ["x", "y"], 7, after=date(2024, 2, 1))
    assert r.met and r.met_since == date(2024, 6, 1)
    r = domains_at_least(rs, date(2024, 5, 1), "fs", ["x", "y"], 7, after=date(2024, 2, 1))
    assert r.status is Status.PENDING and r.expected_on is None
    assert average_improved(rs, date(2024, 6, 1), "fs", ["x", "y"], 4).met
    assert not average_improved(rs, date(2024, 6, 1), "fs", ["x", "y"], 5).met
    assert latest_better(rs, date(2024, 6, 1), "fs", "x").met
    assert not latest_better(rs, date(2024, 6, 1), "fs", "x", higher_is_better=False).met


def test_guards() -> None:
    assert improvement_points(Fraction(80, 100), Fraction(90, 100), 10).met
    assert not improvement_points(Fraction(80, 100), Fraction(89, 100), 10).met
    assert improvement_points(Fraction(80, 100), Fraction(89, 100), 10, floor=88).met
    ex = [rec("exclusion_recorded", date(2024, 2, 1), "c", kind="fixed_term", days=3)]
    assert exclusions_in_terms(ex, date(2024, 4, 1), "c", n=1, max_count=1).met
    assert not exclusions_in_terms(ex, date(2024, 4, 1), "c", n=1, max_count=0).met
    sev = [rec("incident_recorded", date(2024, 2, 1), "c", kind="offence", severe=True)]
    assert not no_severe_offence(sev, date(2024, 3, 1), date(2024, 1, 1)).met
    assert no_severe_offence(sev, date(2024, 3, 1), date(2024, 2, 1)).met
    cl = [rec("case_closed", date(2023, 8, 31))]
    r = closure_lag(cl, date(2024, 2, 28), 6)
    assert r.status is Status.PENDING and r.expected_on == date(2024, 2, 29)
    assert closure_lag(cl, date(2024, 2, 29), 6).met
