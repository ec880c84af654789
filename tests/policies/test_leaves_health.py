"""leaves/health.py, early_years.py, programmes.py, sustained_evidence.py: the health and
early-years measures of Herefordshire TF 2020 (7, 20–29) and the FL-TF-3 sustainment."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from leaf_helpers import run, status
from policy_helpers import rec

from sftimeline.projections.months import add_months
from sftimeline.records import Record

N = dt.date(2024, 1, 10)


def fam(*children: tuple[str, str]) -> list[Record]:
    out = [rec("person_joined", "2024-01-10", person="P1", role="adult", born_on="1985-01-01")]
    out += [
        rec("person_joined", "2024-01-10", person=c, role="child", born_on=born)
        for c, born in children
    ]
    return out


def health(on: str, person: str, kind: str) -> Record:
    return rec("health_event_recorded", on, person=person, kind=kind)


GP = {"good": "gp_registered", "bad": "gp_deregistered", "months": 6}


def test_registration_of_every_member_sustained_from_identification() -> None:
    recs = [*fam(("C1", "2015-01-01")), health("2023-01-01", "P1", "gp_registered")]
    assert status(run("health_state", GP, recs, "2024-07-10"))[0] == "insufficient_data"
    recs.append(health("2024-02-01", "C1", "gp_registered"))
    assert status(run("health_state", GP, recs, "2024-07-31")) == ("pending", "2024-08-01")
    assert status(run("health_state", GP, recs, "2024-08-01"))[0] == "met"
    recs.append(health("2024-09-01", "C1", "gp_deregistered"))
    assert status(run("health_state", GP, recs, "2024-09-01")) == ("pending", None)
    recs.append(health("2024-10-01", "C1", "gp_registered"))
    assert status(run("health_state", GP, recs, "2024-10-01")) == ("pending", "2025-04-01")


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(min_value=-300, max_value=300),
    months=st.integers(min_value=0, max_value=12),
    on=st.integers(min_value=0, max_value=800),
)
def test_sustained_state_is_met_exactly_from_the_later_of_start_and_identification_plus_months(
    start: int, months: int, on: int
) -> None:
    s = N + dt.timedelta(days=start)
    d = N + dt.timedelta(days=on)
    recs = [*fam(), health(s.isoformat(), "P1", "gp_registered")]
    r = run("health_state", {**GP, "months": months}, recs, d)
    if s > d:
        assert r.status.value == "insufficient_data"
        return
    due = add_months(max(s, N), months)
    assert (r.status.value == "met") == (due <= d)
    if r.status.value == "pending":
        assert r.expected_on == due


def test_dental_check_within_the_last_12_months() -> None:
    recs = [*fam(), health("2023-09-15", "P1", "dental_check")]
    args = {"kind": "dental_check", "months": 12}
    assert status(run("check_within", args, recs, "2024-09-14"))[0] == "met"
    assert status(run("check_within", args, recs, "2024-09-15")) == ("pending", None)


def test_no_child_in_scope_is_insufficient_unless_the_rule_holds_vacuously() -> None:
    # TF 2020: a children's measure with no child cannot be shown; Hampshire HEALTH: an
    # expectant parent's "children registered with the dentist" holds with no child yet
    adults_only = fam()
    dentist = {"good": "dentist_registered", "bad": "dentist_deregistered", "who": "every_child"}
    check = {"kind": "dental_check", "months": 12, "who": "every_child"}
    for name, args in (("health_state", dentist), ("check_within", check)):
        assert status(run(name, args, adults_only, "2024-07-10"))[0] == "insufficient_data"
        held = run(name, {**args, "if_nobody": "holds"}, adults_only, "2024-07-10")
        assert held.status.value == "met" and held.met_since == N
        with_child = [*fam(("C1", "2018-01-01"))]
        assert status(run(name, {**args, "if_nobody": "holds"}, with_child, "2024-07-10"))[0] in (
            "insufficient_data",
            "pending",
        )


def test_immunisations_every_child_only() -> None:
    recs = [*fam(("C1", "2020-01-01")), health("2023-12-01", "C1", "immunisations_up_to_date")]
    args = {
        "good": "immunisations_up_to_date",
        "bad": "immunisations_overdue",
        "who": "every_child",
    }
    assert status(run("health_state", args, recs, "2024-01-10"))[0] == "met"
    assert status(run("health_state", args, fam(), "2024-01-10"))[0] == "insufficient_data"


def test_pregnancy_care_needs_midwife_and_antenatal_assessment() -> None:
    recs = [*fam(), rec("pregnancy_recorded", "2024-01-20", person="P1", due_on="2024-08-01")]
    assert status(run("pregnancy_care", {}, [*fam()], "2024-03-01"))[0] == "insufficient_data"
    recs.append(health("2024-02-01", "P1", "midwife_booked"))
    assert status(run("pregnancy_care", {}, recs, "2024-03-14")) == ("pending", None)
    recs.append(health("2024-03-15", "P1", "antenatal_assessment"))
    assert status(run("pregnancy_care", {}, recs, "2024-03-15"))[0] == "met"
    old = [*fam(), rec("pregnancy_recorded", "2023-01-01", person="P1", due_on="2023-09-01")]
    assert status(run("pregnancy_care", {}, old, "2024-03-15"))[0] == "insufficient_data"


def test_asq_for_children_from_30_months() -> None:
    recs = [*fam(("C1", "2021-07-31"))]
    assert status(run("development_review", {}, recs, "2024-01-30"))[0] == "insufficient_data"
    assert status(run("development_review", {}, recs, "2024-01-31")) == ("pending", None)
    early = health("2023-07-30", "C1", "asq_completed")  # before the 2nd birthday
    assert status(run("development_review", {}, [*recs, early], "2024-01-31")) == ("pending", None)
    done = health("2023-07-31", "C1", "asq_completed")
    assert status(run("development_review", {}, [*recs, done], "2024-01-31"))[0] == "met"


def test_not_registered_at_identification_entry() -> None:
    recs = [*fam(), health("2023-01-01", "P1", "gp_registered")]
    assert status(run("not_registered_at_identification", {}, recs, N))[0] == "met"
    recs.append(health("2023-01-01", "P1", "dentist_registered"))
    assert status(run("not_registered_at_identification", {}, recs, N))[0] == "insufficient_data"


def test_early_years_place_for_every_child_in_the_band() -> None:
    recs = [*fam(("C1", "2021-06-15"), ("C2", "2018-02-01"))]
    args = {"min_age": 2, "max_age": 4, "months": 6}
    assert status(run("early_years_taken_up", args, recs, "2024-03-01")) == ("pending", None)
    recs.append(
        rec("early_years_place_started", "2024-03-04", person="C1", entitlement="two_year_old")
    )
    assert status(run("early_years_taken_up", args, recs, "2024-09-03")) == (
        "pending",
        "2024-09-04",
    )
    assert status(run("early_years_taken_up", args, recs, "2024-09-04"))[0] == "met"
    assert status(run("early_years_taken_up", args, fam(("C2", "2018-02-01")), "2024-09-04"))[
        0
    ] == ("insufficient_data")
    entry = {"min_age": 2, "max_age": 2}
    assert status(run("early_years_not_taken_up", entry, recs, N, person="C1"))[0] == "met"
    assert status(run("early_years_not_taken_up", entry, recs, N, person="C2"))[0] == (
        "insufficient_data"
    )


def test_programme_engaged_sustained_and_completed() -> None:
    start = rec(
        "programme_started", "2024-02-15", programme="S1", kind="smoking_cessation", person="P1"
    )
    args = {"kinds": ["smoking_cessation"], "months": 6}
    assert status(run("programme_engaged", args, [start], "2024-08-14", person="P1")) == (
        "pending",
        "2024-08-15",
    )
    done = rec("programme_ended", "2024-05-01", programme="S1", outcome="completed", person="P1")
    assert (
        status(run("programme_engaged", args, [start, done], "2024-08-15", person="P1"))[0] == "met"
    )
    dropped = rec("programme_ended", "2024-05-01", programme="S1", outcome="dropped", person="P1")
    assert status(run("programme_engaged", args, [start, dropped], "2024-08-15", person="P1")) == (
        "pending",
        None,
    )
    comp = {"kinds": ["smoking_cessation"]}
    assert (
        status(run("programme_completed", comp, [start, done], "2024-05-01", person="P1"))[0]
        == "met"
    )
    assert status(
        run("programme_completed", comp, [start, dropped], "2024-05-01", person="P1")
    ) == (
        "pending",
        None,
    )


def evidence(on: str, kind: str, achieved: bool = True, **extra: str) -> Record:
    return rec(
        "evidence_recorded",
        on,
        criterion="herefordshire-tf-2020:T",
        evidence=kind,
        outcome_achieved=achieved,
        **extra,
    )


def test_evidence_sustained_from_its_period_and_withdrawn_by_a_later_no() -> None:
    args = {"kinds": ["practitioner_assessment"], "months": 6}
    assert status(run("evidence_sustained", args, [], "2024-03-01"))[0] == "evidence_required"
    covering = evidence("2024-03-01", "practitioner_assessment", period_from="2024-02-01")
    assert status(run("evidence_sustained", args, [covering], "2024-07-31")) == (
        "pending",
        "2024-08-01",
    )
    assert status(run("evidence_sustained", args, [covering], "2024-08-01"))[0] == "met"
    no = evidence("2024-09-01", "practitioner_assessment", achieved=False)
    assert status(run("evidence_sustained", args, [covering, no], "2024-09-01"))[0] == (
        "evidence_required"
    )
    before_n = evidence("2023-12-01", "practitioner_assessment")
    assert status(run("evidence_sustained", args, [before_n], "2024-08-01"))[0] == (
        "evidence_required"
    )
