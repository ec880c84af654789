"""herefordshire-tf-2020: every named reading (parameter) at its default and an alternative,
and the family-level rules (FL-TF-1 two headlines, FL-TF-2 additional issues, FL-TF-3 default
sustainment, FL-TF-6 plan-selected outcomes).

Each test builds a small family, states the hand-worked answer under the default reading and
under the alternative, and checks both, so a council changing a default sees what changes.
"""

from __future__ import annotations

from typing import Any

import pytest
from policy_helpers import LATE, rec

from sftimeline.policies.evaluator import Decision, evaluate_family
from sftimeline.policies.loader import load_framework
from sftimeline.records import Record

FW = "herefordshire-tf-2020"
N = "2024-01-10"


def need(code: str, on: str = N, person: str | None = None) -> Record:
    extra: dict[str, Any] = {"person": person} if person else {}
    return rec("need_identified", on, criterion=f"{FW}:{code}", **extra)


def ev(code: str, on: str, kind: str, person: str | None = None, **fields: Any) -> Record:
    extra: dict[str, Any] = {"person": person} if person else {}
    return rec(
        "evidence_recorded",
        on,
        criterion=f"{FW}:{code}",
        evidence=kind,
        outcome_achieved=True,
        **extra,
        **fields,
    )


def base() -> list[Record]:
    return [
        rec("family_nominated", N),
        rec("person_joined", N, person="P1", role="adult", born_on="1985-01-01"),
        rec("person_joined", N, person="C1", role="child", born_on="2010-01-01"),
        rec("person_joined", N, person="C2", role="child", born_on="2012-01-01"),
    ]


def decide(records: list[Record], on: str, **overrides: Any) -> Decision:
    import datetime as dt

    fw = load_framework(FW, overrides or None)
    return evaluate_family(fw, "F1", records, dt.date.fromisoformat(on), LATE)


def crit(d: Decision, code: str, person: str | None = None) -> tuple[str, str | None]:
    for c in d.criteria:
        if c.criterion == f"{FW}:{code}" and (person is None or c.person == person):
            r = c.result
            exp = r.expected_on.isoformat() if r.expected_on else None
            return r.status.value, exp
    raise KeyError(code)


def test_every_parameter_names_an_ambiguity_and_has_allowed_or_type() -> None:
    fw = load_framework(FW)
    params = fw.model.parameters
    assert len(params) == 30
    for name, p in params.items():
        assert p.amb and p.doc, name
        assert p.allowed is not None or p.type is not None, name


# ---------------------------------------------------------------- FL-TF-1 / AMB-K01


def test_min_headlines_two_by_default_one_when_a_council_says_so() -> None:
    recs = [
        *base(),
        rec("health_event_recorded", "2023-01-01", person="P1", kind="gp_registered"),
        rec("health_event_recorded", "2023-01-01", person="C1", kind="gp_registered"),
        rec("health_event_recorded", "2023-01-01", person="C2", kind="gp_registered"),
        need("20"),
    ]
    assert decide(recs, "2024-07-10").status == "not_eligible"
    assert decide(recs, "2024-07-10", min_headlines=1).status == "eligible"


# ---------------------------------------------------------------- FL-TF-3 sustainment


def gp_family() -> list[Record]:
    return [
        *base(),
        need("20"),
        *(
            rec("health_event_recorded", "2024-02-01", person=p, kind="gp_registered")
            for p in ("P1", "C1", "C2")
        ),
    ]


def test_default_sustainment_is_six_months_and_a_council_can_change_it() -> None:
    assert crit(decide(gp_family(), "2024-07-31"), "20") == ("pending", "2024-08-01")
    assert crit(decide(gp_family(), "2024-08-01"), "20") == ("met", None)
    assert crit(decide(gp_family(), "2024-05-01", sustainment_months=3), "20") == ("met", None)
    assert crit(decide(gp_family(), "2024-04-30", sustainment_months=3), "20") == (
        "pending",
        "2024-05-01",
    )


def test_sustainment_counts_from_identification_or_from_nomination() -> None:
    recs = [
        rec("family_nominated", "2023-11-01"),
        rec("person_joined", "2023-11-01", person="P1", role="adult", born_on="1985-01-01"),
        rec("health_event_recorded", "2023-01-01", person="P1", kind="gp_registered"),
        need("20", "2024-01-10"),
    ]
    assert crit(decide(recs, "2024-07-09"), "20") == ("pending", "2024-07-10")
    assert crit(decide(recs, "2024-05-01", sustainment_from="nomination"), "20") == ("met", None)
    assert crit(decide(recs, "2024-04-30", sustainment_from="nomination"), "20") == (
        "pending",
        "2024-05-01",
    )


# ---------------------------------------------------------------- AMB-J04 / FL-TF-6


def test_indicator_resolved_by_plan_selected_measures_or_any_measure() -> None:
    recs = [
        *base(),
        rec("plan_opened", "2023-12-01", plan="CIN-1", level="cin", person="C1"),
        need("App1-P3-3", person="C1"),
        ev("App1-P3-3", "2024-02-01", "practitioner_assessment"),
        ev("App1-P3-3", "2024-02-01", "keep_safe_work_completed", person="C1"),
    ]
    # default: nothing of headline 3 written into the plan yet
    assert crit(decide(recs, "2024-03-01"), "App1-P3-3")[0] == "evidence_required"
    # any_measure: measure 12 (keep-safe work, evidenced for the indicator) suffices
    assert crit(decide(recs, "2024-03-01", headline_outcomes="any_measure"), "App1-P3-3")[0] == (
        "met"
    )
    with_plan = [*recs, need("12", "2024-02-15")]
    d = decide(with_plan, "2024-03-01")
    assert crit(d, "App1-P3-3")[0] == "met"
    assert crit(d, "12")[0] == "evidence_required"  # the selected measure is its own need
    assert d.status == "not_eligible"  # one headline only (FL-TF-1)


# ---------------------------------------------------------------- AMB-B10 / B03 / B11


def offences() -> list[Record]:
    return [
        *base(),
        rec("incident_recorded", "2023-09-01", person="P1", kind="offence"),
        rec("incident_recorded", "2023-11-15", person="C1", kind="offence"),
        need("1", person="P1"),
        rec("incident_recorded", "2024-02-10", person="P1", kind="offence"),
        rec("incident_recorded", "2024-03-05", person="C1", kind="offence"),
    ]


def test_crime_scope_family_counts_every_member_person_only_the_named_one() -> None:
    # family: 1 vs 3 on 2024-08-10 → met.  person (P1): outcome {} vs previous {09-01, 02-10}
    assert crit(decide(offences(), "2024-08-10"), "1", "P1") == ("met", None)
    assert crit(decide(offences(), "2024-07-10", crime_scope="person"), "1", "P1") == (
        "pending",
        "2024-08-10",
    )
    assert crit(decide(offences(), "2024-08-10", crime_scope="person"), "1", "P1") == ("met", None)


def test_crime_baseline_previous_window_or_the_six_months_before_identification() -> None:
    # before_identified: baseline = the 6 months to N: 2023-09-01 (+6m = 2024-03-01 > N) and
    # 2023-11-15 → 2; on 2024-07-10 the outcome {02-10, 03-05} = 2 → pending; on 2024-08-10
    # {03-05} = 1: 1 x 100 <= 2 x 50 → met.
    assert crit(
        decide(offences(), "2024-07-10", crime_baseline="before_identified"), "1", "P1"
    ) == (
        "pending",
        "2024-08-10",
    )
    recs = [
        *base(),
        rec("incident_recorded", "2023-12-01", person="P1", kind="offence"),
        need("1"),
        rec("incident_recorded", "2024-02-01", person="P1", kind="offence"),
    ]
    # previous_window on 2024-07-10: previous {2023-12-01} 1, outcome {2024-02-01} 1 → not 50%
    assert crit(decide(recs, "2024-07-10"), "1")[0] == "pending"
    # before_identified: baseline {2023-12-01} 1, outcome 1 → not 50% either; zero after 08-01
    assert crit(decide(recs, "2024-08-01", crime_baseline="before_identified"), "1") == (
        "met",
        None,
    )


def test_offence_kinds_default_counts_recorded_offences_only() -> None:
    recs = [
        *base(),
        rec("incident_recorded", "2023-12-01", person="P1", kind="offence"),
        rec("incident_recorded", "2023-12-02", person="P1", kind="offence"),
        need("1"),
        rec("incident_recorded", "2024-03-01", person="P1", kind="arrest"),
        rec("incident_recorded", "2024-03-02", person="P1", kind="arrest"),
    ]
    assert crit(decide(recs, "2024-07-10"), "1")[0] == "met"
    with_arrests = decide(recs, "2024-07-10", offence_kinds=["offence", "arrest"])
    assert crit(with_arrests, "1")[0] == "pending"


def test_young_offender_proven_by_default_any_offence_alternative() -> None:
    recs = [
        *base(),
        rec("incident_recorded", "2023-10-01", person="C1", kind="offence"),
        need("3"),
    ]
    assert crit(decide(recs, "2024-07-10"), "3")[0] == "insufficient_data"
    assert crit(decide(recs, "2024-07-10", young_offender="any_offence"), "3") == ("met", None)


# ---------------------------------------------------------------- AMB-C04 / C06


def term(person: str, t: str, end: str, possible: int, attended: int, auth: int) -> Record:
    return rec(
        "term_attendance_posted",
        end,
        person=person,
        term=t,
        possible_sessions=possible,
        attended_sessions=attended,
        authorised_absence_sessions=auth,
        unauthorised_absence_sessions=possible - attended - auth,
    )


def attendance_family() -> list[Record]:
    recs = [
        rec("family_nominated", "2023-10-02"),
        rec("person_joined", "2023-10-02", person="C1", role="child", born_on="2012-05-01"),
        need("4A", "2023-10-02"),
    ]
    # each term: 100 possible, 60 attended, 30 authorised, 10 unauthorised:
    # xauth_a = 1 - 30/300 = 90.0%; xauth_b = 180/210 = 85.7%; overall = 60%
    for t, end in (
        ("2023-autumn", "2023-12-31"),
        ("2024-spring", "2024-03-31"),
        ("2024-summer", "2024-08-31"),
    ):
        recs.append(term("C1", t, end, 100, 60, 30))
    return recs


@pytest.mark.parametrize(
    ("measure", "status"),
    [("xauth_a", "met"), ("xauth_b", "not_met"), ("overall", "not_met")],
)
def test_attendance_measure_excluding_authorised_absence(measure: str, status: str) -> None:
    d = decide(attendance_family(), "2024-08-31", attendance_measure=measure)
    assert crit(d, "4A")[0] == status


def test_attendance_improvement_points_or_relative() -> None:
    recs = [
        rec("family_nominated", "2023-10-02"),
        rec("person_joined", "2023-10-02", person="C1", role="child", born_on="2011-03-01"),
    ]
    for t, end in (
        ("2022-autumn", "2022-12-31"),
        ("2023-spring", "2023-03-31"),
        ("2023-summer", "2023-08-31"),
    ):
        recs.append(term("C1", t, end, 100, 30, 0))  # 30%
    recs.append(need("4B", "2023-10-02", person="C1"))
    for t, end in (
        ("2023-autumn", "2023-12-31"),
        ("2024-spring", "2024-03-31"),
        ("2024-summer", "2024-08-31"),
    ):
        recs.append(term("C1", t, end, 100, 60, 0))  # 60%: +30 points, x2 relative
    assert crit(decide(recs, "2024-08-31"), "4B", "C1")[0] == "not_met"  # needs 70%
    relative = decide(recs, "2024-08-31", attendance_improvement_unit="relative")
    assert crit(relative, "4B", "C1")[0] == "met"  # 30% x 1.4 = 42% <= 60%


# ---------------------------------------------------------------- AMB-D02 / D03 / D04


def step_down(event: str) -> list[Record]:
    recs = [
        *base(),
        rec("plan_opened", "2023-11-01", plan="P-1", level="cin", person="C1"),
        need("8"),
        ev("8", "2024-03-20", "practitioner_assessment"),
    ]
    if event == "closed":
        recs.append(rec("plan_closed", "2024-03-15", plan="P-1"))
    else:
        recs.append(rec("plan_stepped_down", "2024-03-15", plan="P-1", level="early_help"))
    return recs


def test_step_down_counts_closure_by_default_not_when_only_step_downs_count() -> None:
    assert crit(decide(step_down("closed"), "2024-09-15"), "8") == ("met", None)
    only = decide(step_down("closed"), "2024-09-15", step_down_counts=["stepped_down"])
    assert crit(only, "8") == ("pending", None)
    assert (
        crit(decide(step_down("down"), "2024-09-15", step_down_counts=["stepped_down"]), "8")[0]
        == "met"
    )


def test_rereferral_services_and_window() -> None:
    recs = [*step_down("down"), rec("referral_accepted", "2024-06-01", service="early_help")]
    assert crit(decide(recs, "2024-09-15"), "8")[0] == "met"
    widened = decide(
        recs, "2024-09-15", rereferral_services=["childrens_social_care", "early_help"]
    )
    assert crit(widened, "8")[0] == "not_met"
    late = [
        *step_down("down"),
        rec("referral_accepted", "2024-10-01", service="childrens_social_care"),
    ]
    assert crit(decide(late, "2024-10-01"), "8")[0] == "met"  # within: only 03-15 < e < 09-15
    assert crit(decide(late, "2024-10-01", rereferral_window="after"), "8")[0] == "not_met"


# ---------------------------------------------------------------- AMB-E04 / E05


def da_family() -> list[Record]:
    return [
        *base(),
        rec("incident_recorded", "2023-12-01", person="P1", kind="domestic_abuse"),
        need("17"),
        rec("incident_recorded", "2024-03-01", person="P1", kind="domestic_abuse"),
    ]


def test_da_reduction_readings() -> None:
    # fewer_than_before: baseline 1 (2023-12-01), outcome on 2024-07-10: 1 → not fewer; the
    # 2024-03-01 incident leaves the 6 months on 2024-09-01 → 0 < 1.
    assert crit(decide(da_family(), "2024-07-10"), "17") == ("pending", "2024-09-01")
    # none_for_6_months: from the last incident 2024-03-01 → 2024-09-01 as well
    none = decide(da_family(), "2024-07-10", da_reduction="none_for_6_months")
    assert crit(none, "17") == ("pending", "2024-09-01")
    judged = decide(
        [*da_family(), ev("17", "2024-02-01", "risk_assessment_reduced")],
        "2024-08-01",
        da_reduction="practitioner_judgement",
    )
    assert crit(judged, "17") == ("met", None)
    # with no incident after N the readings part: fewer (0 < 1) met on N + 6m
    quiet = [r for r in da_family() if str(r.occurred_on) != "2024-03-01"]
    assert crit(decide(quiet, "2024-07-10"), "17") == ("met", None)


def test_da_window_anchor_on_d_or_at_case_closure() -> None:
    recs = [
        *base(),
        need("18"),
        ev("18", "2024-02-01", "engaged_with_support_services"),
        ev("18", "2024-02-01", "risk_reduced_at_exit"),
        rec("incident_recorded", "2024-02-20", person="P1", kind="domestic_abuse"),
        rec("case_closed", "2024-06-30"),
    ]
    assert crit(decide(recs, "2024-08-20"), "18") == ("met", None)
    at_exit = decide(recs, "2024-08-20", da_window_anchor="case_closed")
    assert crit(at_exit, "18")[0] == "not_met"  # 2024-02-20 within the 6 months before 06-30


# ---------------------------------------------------------------- AMB-G02 / G05


def job_family(benefit_end: str = "2024-02-29") -> list[Record]:
    return [
        *base(),
        rec("benefit_started", "2023-06-01", person="P1", benefit="esa"),
        need("13"),
        rec("benefit_ended", benefit_end, person="P1", benefit="esa"),
        rec("benefit_started", "2024-02-10", person="P1", benefit="jsa"),
        rec("benefit_ended", "2024-02-29", person="P1", benefit="jsa"),
        rec("employment_started", "2024-03-01", person="P1"),
    ]


def test_employment_benefit_at_identification_or_before_the_job() -> None:
    # ESA at identification → 3 months: 2024-06-01; JSA before the job → 6 months: 2024-09-01
    assert crit(decide(job_family("2024-02-09"), "2024-06-01"), "13") == ("met", None)
    before = decide(job_family("2024-02-09"), "2024-06-01", employment_benefit_at="before_job")
    assert crit(before, "13") == ("pending", "2024-09-01")


def test_employment_off_benefits_required_by_default() -> None:
    recs = [
        *base(),
        rec("benefit_started", "2023-06-01", person="P1", benefit="esa"),
        need("13"),
        rec("employment_started", "2024-02-01", person="P1"),
        rec("benefit_ended", "2024-03-31", person="P1", benefit="esa"),
    ]
    assert crit(decide(recs, "2024-05-01"), "13") == ("pending", "2024-07-01")
    assert crit(decide(recs, "2024-05-01", employment_off_benefits=False), "13") == ("met", None)


# ---------------------------------------------------------------- AMB-I01 (measure 27)


def test_asq_age_band_starts_at_30_months_by_default() -> None:
    recs = [
        rec("family_nominated", N),
        rec("person_joined", N, person="C1", role="child", born_on="2021-10-15"),
        need("27"),
    ]
    # on 2024-03-01 C1 is 28 months: outside the default band (30) → insufficient_data
    assert crit(decide(recs, "2024-03-01"), "27")[0] == "insufficient_data"
    # a council reading "aged 2½" as the 2-to-2½ review band start (24 months): in band, no ASQ
    assert crit(decide(recs, "2024-03-01", asq_min_months=24), "27") == ("pending", None)


# ---------------------------------------------------------------- AMB-B02 / AMB-A06


def test_reduction_sustained_single_window_or_held_for_six_months() -> None:
    # the family's reduction holds from 2024-08-10 without a break (see the crime tests above)
    assert crit(decide(offences(), "2024-08-10"), "1", "P1") == ("met", None)
    rolling = decide(offences(), "2024-08-10", reduction_sustained="rolling")
    assert crit(rolling, "1", "P1") == ("pending", "2025-02-10")
    assert crit(decide(offences(), "2025-02-09", reduction_sustained="rolling"), "1", "P1") == (
        "pending",
        "2025-02-10",
    )
    assert crit(decide(offences(), "2025-02-10", reduction_sustained="rolling"), "1", "P1") == (
        "met",
        None,
    )
    # before the single window is met, the forecast moves by the 6 months too
    assert crit(decide(offences(), "2024-07-10", reduction_sustained="rolling"), "1", "P1") == (
        "pending",
        "2025-02-10",
    )


def test_own_window_replaces_the_default_or_the_default_stacks_on_it() -> None:
    fam = attendance_family()
    assert crit(decide(fam, "2024-08-31"), "4A")[0] == "met"
    stacked = decide(fam, "2024-08-31", own_window_sustained="plus_default")
    # met since 2024-08-31 (the first 3-term window after identification) + 6 months
    assert crit(stacked, "4A") == ("pending", "2025-02-28")


def test_sustained_combinator_is_validated_with_its_location() -> None:
    from sftimeline.policies.loader import FrameworkError, load_framework_text

    text = """
id: tiny
title: Tiny
source: test
headlines: {1: A}
family_rules: {min_headlines: 0, dependent_children_or_expectant: false}
criteria:
  - code: "1"
    headline: 1
    need: n
    cite: c
    tag: EVID
    subject: family
    outcome: {sustained: {months: -1, of: {evidence: {kinds: [x]}}}}
"""
    with pytest.raises(FrameworkError) as err:
        load_framework_text(text, "tiny")
    assert "criteria[0].outcome.sustained.months" in str(err.value)


# ---------------------------------------------------------------- AMB-B04 / B07 / E01 / G05 / G07


def test_zero_baseline_readings() -> None:
    recs = [*base(), need("1"), rec("incident_recorded", "2024-03-01", person="P1", kind="offence")]
    # previous window empty on 2024-07-10, one offence in the outcome window
    assert crit(decide(recs, "2024-07-10"), "1") == ("pending", "2024-09-01")
    assert crit(decide(recs, "2024-07-10", zero_baseline="met"), "1") == ("met", None)
    never = decide(recs, "2024-07-10", zero_baseline="not_met")
    assert crit(never, "1")[0] == "pending"  # 2024-03-01 will become the previous count
    assert crit(never, "1")[1] == "2024-09-01"


def test_incident_counting_by_record_or_by_event() -> None:
    recs = [
        *base(),
        rec("incident_recorded", "2023-12-01", person="P1", kind="asb", event_id="E1"),
        rec("incident_recorded", "2023-12-02", person="P1", kind="asb", event_id="E2"),
        need("2"),
        rec("incident_recorded", "2024-03-01", person="P1", kind="asb", event_id="E3"),
        rec("incident_recorded", "2024-03-02", person="P1", kind="asb", event_id="E3"),
    ]
    # record: previous 2, outcome 2 → no reduction; event: previous 2, outcome 1 → 50% < 60%
    assert crit(decide(recs, "2024-07-10"), "2")[0] == "pending"
    assert crit(decide(recs, "2024-07-10", incident_counting="event"), "2")[0] == "pending"
    more = [
        *recs[:5],
        rec("incident_recorded", "2023-12-03", person="C1", kind="asb", event_id="E4"),
        rec("incident_recorded", "2023-12-04", person="C1", kind="asb", event_id="E5"),
        rec("incident_recorded", "2023-12-05", person="C1", kind="asb", event_id="E6"),
        *recs[5:],
    ]
    # previous 5 events; outcome: 2 records of one event → record: 2 → 200 <= 200 met;
    # a third record of E3 → record 3 (not met), event 1 (met)
    assert crit(decide(more, "2024-07-10"), "2")[0] == "met"
    third = [*more, rec("incident_recorded", "2024-03-03", person="C1", kind="asb", event_id="E3")]
    assert crit(decide(third, "2024-07-10"), "2")[0] == "pending"
    assert crit(decide(third, "2024-07-10", incident_counting="event"), "2")[0] == "met"


def test_da_scope_household_or_the_named_person() -> None:
    recs = [
        *base(),
        rec("incident_recorded", "2023-12-01", person="P1", kind="domestic_abuse"),
        need("17", person="P1"),
        rec("incident_recorded", "2024-03-01", person="C1", kind="domestic_abuse"),
    ]
    # household: 1 before, 1 after → not fewer; person P1: 1 before, 0 after → fewer
    assert crit(decide(recs, "2024-07-10"), "17", "P1") == ("pending", "2024-09-01")
    assert crit(decide(recs, "2024-07-10", da_scope="person"), "17", "P1") == ("met", None)


def test_employment_duration_in_months_or_weeks() -> None:
    recs = [
        *base(),
        rec("benefit_started", "2023-06-01", person="P1", benefit="jsa"),
        need("13"),
        rec("benefit_ended", "2024-03-03", person="P1", benefit="jsa"),
        rec("employment_started", "2024-03-04", person="P1"),
    ]
    # months: 2024-03-04 + 6 months = 2024-09-04; weeks: the 26 whole Monday–Sunday weeks
    # from Monday 2024-03-04 end on Sunday 2024-09-01 (AMB-G01, the week window of 4.SA)
    assert crit(decide(recs, "2024-09-01"), "13") == ("pending", "2024-09-04")
    weeks = decide(recs, "2024-09-01", employment_duration_unit="weeks")
    assert crit(weeks, "13") == ("met", None)
    assert crit(decide(recs, "2024-08-31", employment_duration_unit="weeks"), "13") == (
        "pending",
        "2024-09-01",
    )


def test_course_length_actual_or_planned() -> None:
    recs = [
        *base(),
        need("14"),
        rec(
            "progress_to_work_recorded",
            "2024-04-01",
            person="P1",
            kind="course_enrolled",
            until="2024-06-30",
        ),
        rec("progress_to_work_recorded", "2024-05-20", person="P1", kind="course_completed"),
    ]
    # actual: 2024-04-01..2024-05-20 = 50 days (<= 8 weeks) → met; planned: 91 days, so only
    # the 12-week route is left: the enrolment, planned to 2024-06-30, reaches 12 weeks on 06-24
    assert crit(decide(recs, "2024-05-20"), "14")[0] == "met"
    assert crit(decide(recs, "2024-05-20", course_length="planned"), "14") == (
        "pending",
        "2024-06-24",
    )


# ---------------------------------------------------------------- AMB-G03 / FL-TF-7


def test_employment_aet_not_tied_by_default_latest_earnings_at_the_aet_alternative() -> None:
    recs = [
        *base(),
        rec("benefit_started", "2023-06-01", person="P1", benefit="esa"),
        need("13"),
        rec("benefit_ended", "2024-02-29", person="P1", benefit="esa"),
        rec("employment_started", "2024-03-01", person="P1"),
        rec(
            "earnings_reported",
            "2024-05-01",
            person="P1",
            period_end="2024-05-31",
            gross_pay=33799,
            household="single",
        ),
    ]
    assert crit(decide(recs, "2024-06-01"), "13") == ("met", None)
    aet = decide(recs, "2024-06-01", employment_aet="latest_at_aet")
    assert crit(aet, "13") == ("pending", None)  # £337.99 < £338.00
    enough = [
        *recs,
        rec(
            "earnings_reported",
            "2024-06-01",
            person="P1",
            period_end="2024-06-30",
            gross_pay=33800,
            household="single",
        ),
    ]
    assert crit(decide(enough, "2024-06-01", employment_aet="latest_at_aet"), "13")[0] == "met"
