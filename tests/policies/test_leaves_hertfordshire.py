"""Leaf primitives added for Hertfordshire 2018: Family Star Plus readings (AMB-H01/H02),
the Business Manager's approval (FL-HT-8), exclusions counted over months (strand 2 O-a),
school age and the age transition (FL-HT-5), no school-age child (FL-HT-4, AMB-K06)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from leaf_helpers import run, status
from policy_helpers import rec

from sftimeline.projections.months import add_months
from sftimeline.records import Record

CRIT = "hertfordshire-2018:1.6"


def child(born: str = "2012-05-01") -> Record:
    return rec("person_joined", "2023-01-01", person="C1", role="child", born_on=born)


def star(on: str, **scores: float) -> Record:
    return rec("assessment_scored", on, tool="family_star_plus", scores=scores)


def since(r: Any) -> str | None:
    return r.met_since.isoformat() if r.met_since else None


def test_domains_need_the_two_latest_readings_after_identification() -> None:
    args = {"domains": ["a", "b"]}
    recs = [star("2024-01-01", a=9, b=9), star("2024-02-01", a=7, b=7)]
    assert status(run("star_domains_at_least", args, recs, "2024-03-01")) == ("pending", None)
    recs.append(star("2024-03-01", a=7, b=8))
    assert since(run("star_domains_at_least", args, recs, "2024-03-01")) == "2024-03-01"
    recs.append(star("2024-04-01", a=6.5, b=9))
    assert status(run("star_domains_at_least", args, recs, "2024-04-01")) == ("pending", None)
    missing = [star("2024-02-01", a=7), star("2024-03-01", a=7, b=7)]
    assert status(run("star_domains_at_least", args, missing, "2024-04-01"))[0] == (
        "insufficient_data"
    )


def test_average_improved_against_the_first_reading_on_each_later_reading() -> None:
    recs = [
        star("2024-01-05", a=4, b=5),
        star("2024-03-01", a=7, b=6),
        star("2024-05-01", a=6, b=7),
    ]
    # first 4.5; later 6.5 (+2.0) and 6.5 (+2.0): exactly 2 points is enough
    assert since(run("star_average_improved", {}, recs, "2024-05-01")) == "2024-05-01"
    assert status(run("star_average_improved", {"delta": 2.5}, recs, "2024-05-01")) == (
        "pending",
        None,
    )
    assert status(run("star_average_improved", {}, [], "2024-05-01"))[0] == "insufficient_data"


def test_reading_at_entry_by_domain_or_first_average() -> None:
    recs = [star("2024-01-05", a=6, b=8), star("2024-03-01", a=9, b=9)]
    args = {"domains": ["a"], "at_most": 6}
    assert status(run("star_reading_at", args, recs, "2024-06-01"))[0] == "met"
    assert status(run("star_reading_at", {"average_below": 7}, recs, "2024-06-01"))[0] == "not_met"
    assert status(run("star_reading_at", {"average_below": 7.5}, recs, "2024-06-01"))[0] == "met"


def approval(on: str, role: str = "business_manager", decision: str = "approved") -> Record:
    return rec("approval_recorded", on, criterion=CRIT, approver="R. Patel", role=role,
               decision=decision)  # fmt: skip


def test_approval_needs_the_named_role_and_the_latest_record_decides() -> None:
    def st_(recs: list[Record]) -> str:
        return run("approval", {}, recs, "2024-06-01", criterion=CRIT, person="P1").status.value

    assert st_([]) == "evidence_required"
    assert st_([approval("2024-04-01", role="team_manager")]) == "evidence_required"
    assert st_([approval("2024-04-01")]) == "met"
    assert st_([approval("2024-04-01"), approval("2024-05-01", decision="refused")]) == "not_met"
    assert st_([approval("2024-04-01", decision="refused"), approval("2024-05-01")]) == "met"


def fte(on: str, days: float = 1) -> Record:
    return rec("exclusion_recorded", on, person="C1", kind="fixed_term", days=days)


def test_exclusions_in_months_forecast_when_enough_leave_the_window() -> None:
    recs = [child(), fte("2023-11-01"), fte("2024-02-10"), fte("2024-03-05")]
    r = run("exclusions_in_months", {}, recs, "2024-06-01", person="C1")
    # three in the 12 months; fewer than 3 once 2023-11-01 leaves on 2024-11-01
    assert status(r) == ("pending", "2024-11-01")
    r = run("exclusions_in_months", {}, recs, "2024-11-01", person="C1")
    assert (r.status.value, since(r)) == ("met", "2024-11-01")
    r = run("exclusions_in_months", {"kinds": ["permanent"], "fewer_than": 1}, recs, "2024-06-01",
            person="C1")  # fmt: skip
    assert (r.status.value, since(r)) == ("met", "2024-01-10")


@settings(max_examples=40, deadline=None)
@given(offsets=st.lists(st.integers(0, 700), min_size=1, max_size=5), d=st.integers(0, 900))
def test_exclusions_in_months_forecast_is_the_day_it_becomes_met(
    offsets: list[int], d: int
) -> None:
    start = dt.date(2023, 1, 1)
    recs = [child(), *(fte((start + dt.timedelta(days=o)).isoformat()) for o in offsets)]
    on = start + dt.timedelta(days=d)
    args = {"fewer_than": 2}
    r = run("exclusions_in_months", args, recs, on, identified="2023-01-01", person="C1")
    inside = [o for o in offsets if start + dt.timedelta(days=o) <= on
              < add_months(start + dt.timedelta(days=o), 12)]  # fmt: skip
    assert (r.status.value == "met") == (len(inside) < 2)
    if r.status.value == "pending":
        assert r.expected_on is not None
        known = [x for x in recs if x.occurred_on <= on]
        ident = "2023-01-01"
        later = run(
            "exclusions_in_months", args, known, r.expected_on, identified=ident, person="C1"
        )
        assert later.status.value == "met"
        day_before = r.expected_on - dt.timedelta(days=1)
        before = run("exclusions_in_months", args, known, day_before, identified=ident, person="C1")
        assert before.status.value == "pending"


def test_school_age_changes_on_1_september() -> None:
    recs = [child("2008-07-15")]
    r = run("school_age", {"school_age": True}, recs, "2024-08-31", person="C1")
    assert r.status.value == "met"
    r = run("school_age", {"school_age": False}, recs, "2024-09-01", person="C1")
    assert (r.status.value, since(r)) == ("met", "2024-09-01")
    r = run("school_age", {"school_age": True}, recs, "2024-09-01", person="C1")
    assert r.status.value == "not_met"
    r = run("school_age", {"school_age": True, "at": "identified"}, recs, "2024-09-01", person="C1")
    assert r.status.value == "met"


def test_no_school_age_child_holds_vacuously() -> None:
    assert run("no_school_age_child", {}, [child("2021-01-01")], "2024-09-01").status.value == "met"
    assert run("no_school_age_child", {}, [child()], "2024-09-01").status.value == "not_met"
