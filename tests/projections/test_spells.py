"""Tests for projections/spells.py (P17–P21)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sftimeline.projections.results import Status
from sftimeline.projections.spells import (
    continuous_spell,
    earnings_at_least,
    notice_withdrawn,
    plan_level_at,
    plan_reduced,
    status_changed,
    weeks_in_spell,
)
from sftimeline.records import Record

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def rec(type_: str, day: date, person: str | None = None, **data: Any) -> Record:
    return Record(f"{type_}-{day}", type_, "f", day, T0, person=person, data=data)


def test_plans() -> None:
    rs = [
        rec("plan_opened", date(2024, 1, 1), plan="p", level="cp"),
        rec("plan_stepped_down", date(2024, 3, 1), plan="p", level="cin"),
    ]
    assert plan_level_at(rs, date(2024, 2, 1)) == "cp"
    assert plan_reduced(rs, date(2024, 2, 29), date(2024, 1, 15)).status is Status.NOT_MET
    r = plan_reduced(rs, date(2024, 4, 1), date(2024, 1, 15))
    assert r.met and r.met_since == date(2024, 3, 1)


def test_neet_eet_and_notice() -> None:
    rs = [
        rec("neet_status_recorded", date(2024, 1, 1), "y", status="neet"),
        rec("neet_status_recorded", date(2024, 5, 1), "y", status="eet"),
    ]
    r = status_changed(
        rs,
        date(2024, 6, 1),
        type_="neet_status_recorded",
        to="eet",
        from_="neet",
        anchor=date(2024, 2, 1),
        person="y",
    )
    assert r.met and r.met_since == date(2024, 5, 1)
    ns = [
        rec("notice_served", date(2024, 1, 1), notice="section_21"),
        rec("notice_withdrawn", date(2024, 2, 1), notice="section_21"),
    ]
    assert not notice_withdrawn(ns, date(2024, 1, 31)).met
    assert notice_withdrawn(ns, date(2024, 2, 1)).met_since == date(2024, 2, 1)


def test_spells_and_weeks() -> None:
    rs = [rec("employment_started", date(2023, 8, 31), "a")]
    r = continuous_spell(rs, date(2024, 2, 28), "a", "employment", 6)
    assert r.status is Status.PENDING and r.expected_on == date(2024, 2, 29)
    assert continuous_spell(rs, date(2024, 2, 29), "a", "employment", 6).met
    # started Wed 2024-01-03: first whole week Mon 8 – Sun 14 Jan
    rs = [rec("employment_started", date(2024, 1, 3), "a")]
    r = weeks_in_spell(rs, date(2024, 1, 20), "a", "employment", k=2, n=4)
    assert r.status is Status.PENDING and r.expected_on == date(2024, 1, 21)
    r = weeks_in_spell(rs, date(2024, 1, 27), "a", "employment", k=2, n=4)
    assert r.met and r.met_since == date(2024, 1, 21)
    rs.append(rec("employment_ended", date(2024, 1, 13), "a"))
    r = weeks_in_spell(rs, date(2024, 1, 27), "a", "employment", k=2, n=4)
    assert r.status is Status.NOT_MET


def test_earnings() -> None:
    rs = [rec("earnings_reported", date(2024, 1, 1), "a", gross_pay=90000, household="single")]
    assert earnings_at_least(rs, date(2024, 2, 1), "a", 89000).met
    assert not earnings_at_least(rs, date(2024, 2, 1), "a", 90001).met
