"""Every national-2022 parameter: its default (semantics.md §7) and one alternative reading."""

from __future__ import annotations

from policy_helpers import decide, evidence, family_base, need, rec, status_of

from sftimeline.policies.loader import load_framework

DEFAULTS = {
    "min_headlines": 3,  # AMB-K01
    "dependent_children_or_expectant": True,  # FL-NAT
    "default_measure": ["offence", "arrest", "named_suspect", "asb"],  # AMB-B08
    "sustainment_from": "identified",  # AMB-A03
    "crime_baseline_months": 12,  # AMB-B01
    "crime_outcome_months": 6,  # AMB-B01/B02
    "severe_guard_applies_to": "baseline",  # AMB-B09
    "attendance_measure": "overall",  # AMB-C05
    "attendance_improvement_unit": "points",  # AMB-C06
    "exclusion_zero_baseline": "met_if_none",  # AMB-C16, B04
    "referral_services": ["childrens_social_care", "early_help"],  # AMB-D02
    "da_referral_services": ["childrens_social_care", "early_help", "domestic_abuse"],
    "da_incident_scope": "household",  # AMB-E01
    "plan_step_up_breaks": True,  # AMB-D03
    "evidence_list_connective": "any",  # AMB-J01
    "police_report_window": "since_identified",  # AMB-D06
    "in_work_months": 0,  # AMB-A05
    "entry_not_shown": "accept",  # AMB-A07
}


def test_defaults() -> None:
    fw = load_framework("national-2022")
    assert fw.parameters == DEFAULTS
    for name, p in fw.model.parameters.items():
        assert p.amb and p.doc, name


def test_every_parameter_has_an_alternative_test() -> None:
    tested = {name[len("test_alt_") :] for name in globals() if name.startswith("test_alt_")}
    assert tested == set(DEFAULTS)


def _three_headlines(on: str = "2024-01-10") -> list:
    """Two always-met family needs (5.1, 10.2) so a third decides the family."""
    return [
        *family_base(on),
        need("5.1", on),
        evidence("5.1", "2024-02-01", "practitioner_assessment"),
        need("10.2", on),
        evidence("10.2", "2024-02-01", "debt_reduced"),
    ]


def test_alt_min_headlines() -> None:
    recs = [
        *family_base(),
        need("5.1", "2024-01-10"),
        evidence("5.1", "2024-02-01", "practitioner_assessment"),
    ]
    assert decide(recs, "2024-06-01").status == "not_eligible"
    assert decide(recs, "2024-06-01", min_headlines=1).status == "eligible"


def test_alt_dependent_children_or_expectant() -> None:
    recs = [r for r in _three_headlines() if r.person != "C1"]
    recs += [
        need("7.1", "2024-01-10", "P1"),
        rec("incident_recorded", "2023-12-01", person="P1", kind="asb"),
    ]
    assert decide(recs, "2024-08-01").status == "not_eligible"
    assert decide(recs, "2024-08-01", dependent_children_or_expectant=False).status == "eligible"


def _crime(kind: str, measure: list[str] | None = None) -> list:
    extra = {"measure": measure} if measure else {}
    return [
        *_three_headlines(),
        need("7.1", "2024-01-10", "P1", **extra),
        rec("incident_recorded", "2023-12-01", person="P1", kind="arrest"),
        rec("incident_recorded", "2024-03-01", person="P1", kind=kind),
    ]


def test_alt_default_measure() -> None:
    recs = _crime("asb")
    assert status_of(decide(recs, "2024-08-01"), "7.1") == "pending"
    assert status_of(decide(recs, "2024-08-01", default_measure=["arrest"]), "7.1") == "met"


def test_alt_sustainment_from() -> None:
    recs = [*family_base("2023-09-01"), need("7.2", "2024-01-10", "C1")]
    assert status_of(decide(recs, "2024-05-01"), "7.2") == "pending"
    assert status_of(decide(recs, "2024-05-01", sustainment_from="nomination"), "7.2") == "met"


def _band_b(severe: bool = False) -> list:
    recs = [*_three_headlines(), need("7.1", "2024-01-10", "P1")]
    for m in range(1, 9):  # 8 incidents in 2023: band B
        recs.append(
            rec(
                "incident_recorded",
                f"2023-{m:02d}-15",
                person="P1",
                kind="offence",
                source="police",
                source_id=f"B{m}",
                **({"severe": True} if severe and m == 1 else {}),
            )
        )
    return recs


def test_alt_crime_baseline_months() -> None:
    # 2 incidents in the 6 months to D against 8 in 12 months: 2/6 <= 0.5 * 8/12 holds.
    # Against the 6 months before identification (4 incidents, AMB-B01(c)): 2/6 > 0.5 * 4/6.
    recs = [
        *_band_b(),
        rec("incident_recorded", "2024-09-01", person="P1", kind="offence"),
        rec("incident_recorded", "2024-10-01", person="P1", kind="offence"),
    ]
    assert status_of(decide(recs, "2024-12-01"), "7.1") == "met"
    assert status_of(decide(recs, "2024-12-01", crime_baseline_months=6), "7.1") == "pending"


def test_alt_crime_outcome_months() -> None:
    recs = [
        *_band_b(),
        rec("incident_recorded", "2024-02-01", person="P1", kind="offence"),
        rec("incident_recorded", "2024-03-01", person="P1", kind="offence"),
        rec("incident_recorded", "2024-04-01", person="P1", kind="offence"),
    ]
    # 6-month window to 2024-09-15 holds 0 incidents; a 12-month window holds 3 (3/12 <= 4/12)
    # but a 12-month window must lie after identification: pending until 2025-01-10.
    assert status_of(decide(recs, "2024-10-15"), "7.1") == "met"
    assert status_of(decide(recs, "2024-10-15", crime_outcome_months=12), "7.1") == "pending"


def _yp_band_b(outcome_severe: bool) -> list:
    recs = [
        *_three_headlines(),
        need("7.3", "2024-01-10", "C1"),
        evidence("7.3", "2024-02-01", "practitioner_assessment", "C1"),
    ]
    for m in range(1, 6):
        recs.append(
            rec(
                "incident_recorded",
                f"2023-{m + 2:02d}-15",
                person="C1",
                kind="offence",
                source="police",
                source_id=f"Y{m}",
            )
        )
    recs.append(
        rec(
            "incident_recorded",
            "2024-07-20",
            person="C1",
            kind="offence",
            severe=outcome_severe,
            source="police",
            source_id="Y9",
        )
    )
    return recs


def test_alt_severe_guard_applies_to() -> None:
    recs = _yp_band_b(outcome_severe=True)
    # 1 incident in the 6 months to D against 5 in 12: reduction holds; baseline not severe
    assert status_of(decide(recs, "2024-09-01"), "7.3") == "met"
    assert (
        status_of(decide(recs, "2024-09-01", severe_guard_applies_to="outcome"), "7.3") == "pending"
    )


def _attendance(att: int, auth: int, unauth: int, possible: int = 100) -> list:
    recs = [*_three_headlines("2023-09-05"), need("1.1", "2023-09-05", "C1")]
    for term, end in (("2023-autumn", "2023-12-31"), ("2024-spring", "2024-03-31")):
        recs.append(
            rec(
                "term_attendance_posted",
                end,
                person="C1",
                term=term,
                possible_sessions=possible,
                attended_sessions=att,
                authorised_absence_sessions=auth,
                unauthorised_absence_sessions=unauth,
            )
        )
    return recs


def test_alt_attendance_measure() -> None:
    recs = _attendance(att=85, auth=10, unauth=5)
    assert status_of(decide(recs, "2024-04-01"), "1.1") == "not_met"
    assert status_of(decide(recs, "2024-04-01", attendance_measure="xauth_a"), "1.1") == "met"


def test_alt_attendance_improvement_unit() -> None:
    recs = [*_three_headlines("2024-01-05"), need("1.2", "2024-01-05", "C1")]
    for term, end, att in (
        ("2023-spring", "2023-03-31", 40),
        ("2023-summer", "2023-08-31", 40),
        ("2024-spring", "2024-03-31", 55),
        ("2024-summer", "2024-08-31", 55),
    ):
        recs.append(
            rec(
                "term_attendance_posted",
                end,
                person="C1",
                term=term,
                possible_sessions=100,
                attended_sessions=att,
            )
        )
    # baseline = the 2 terms ended by identification (2023-summer, 2023-autumn)
    recs.append(
        rec(
            "term_attendance_posted",
            "2023-12-31",
            person="C1",
            term="2023-autumn",
            possible_sessions=100,
            attended_sessions=40,
        )
    )
    # 55% vs 40%: +15 points (fails 30 points) but x1.375 (passes relative 30%)
    assert status_of(decide(recs, "2024-09-01"), "1.2") == "not_met"
    assert (
        status_of(decide(recs, "2024-09-01", attendance_improvement_unit="relative"), "1.2")
        == "met"
    )


def _closed_case(service: str) -> list:
    return [
        *_three_headlines(),
        need("6.2", "2024-01-10", "C1"),
        rec("case_closed", "2024-03-01"),
        rec("referral_accepted", "2024-05-01", service=service),
        evidence("6.2", "2024-02-01", "practitioner_assessment", "C1", achieved=False),
    ]


def test_alt_referral_services() -> None:
    recs = _closed_case("youth_justice")
    assert status_of(decide(recs, "2024-09-02"), "6.2") == "met"
    alt = decide(recs, "2024-09-02", referral_services=["youth_justice"])
    assert status_of(alt, "6.2") == "evidence_required"


def test_alt_da_referral_services() -> None:
    recs = [
        *_three_headlines(),
        need("8.1", "2024-01-10"),
        rec("case_closed", "2024-03-01"),
        rec("referral_accepted", "2024-05-01", service="domestic_abuse"),
        evidence("8.1", "2024-02-01", "practitioner_assessment"),
    ]
    assert status_of(decide(recs, "2024-09-02"), "8.1") == "not_met"
    alt = decide(recs, "2024-09-02", da_referral_services=["childrens_social_care"])
    assert status_of(alt, "8.1") == "met"


def test_alt_da_incident_scope() -> None:
    recs = [
        *_three_headlines(),
        need("8.1", "2024-01-10", "P1"),
        rec("case_closed", "2024-03-01"),
        rec("incident_recorded", "2024-02-15", person="C1", kind="domestic_abuse"),
        evidence("8.1", "2024-02-01", "practitioner_assessment"),
    ]
    assert status_of(decide(recs, "2024-09-02"), "8.1") == "not_met"
    assert status_of(decide(recs, "2024-09-02", da_incident_scope="person"), "8.1") == "met"


def test_alt_plan_step_up_breaks() -> None:
    recs = [
        *_three_headlines(),
        rec("plan_opened", "2023-12-01", plan="PL1", level="cin"),
        need("6.1", "2024-01-10"),
        rec("plan_stepped_down", "2024-03-01", plan="PL1", level="early_help"),
        rec("plan_stepped_up", "2024-05-01", plan="PL1", level="cin"),
    ]
    d = decide(recs, "2024-06-01", evidence_list_connective="all")
    assert status_of(d, "6.1") == "not_met"
    d = decide(recs, "2024-06-01", evidence_list_connective="all", plan_step_up_breaks=False)
    assert status_of(d, "6.1") == "evidence_required"
    # stepped down again after the step-up: achieved afresh, from the new step-down
    again = [*recs, rec("plan_stepped_down", "2024-07-01", plan="PL1", level="early_help")]
    d = decide(again, "2024-07-01", evidence_list_connective="all")
    assert status_of(d, "6.1") == "evidence_required"  # the plan route holds; evidence missing
    d = decide(again, "2024-07-01")
    assert status_of(d, "6.1") == "met"
    d = decide(again, "2024-06-30", evidence_list_connective="all")
    assert status_of(d, "6.1") == "not_met"


def test_alt_evidence_list_connective() -> None:
    recs = [
        *_three_headlines(),
        need("6.1", "2024-01-10"),
        evidence("6.1", "2024-03-01", "practitioner_assessment"),
    ]
    assert status_of(decide(recs, "2024-06-01"), "6.1") == "met"
    alt = decide(recs, "2024-06-01", evidence_list_connective="all")
    assert status_of(alt, "6.1") == "insufficient_data"  # no plan recorded


def test_alt_police_report_window() -> None:
    recs = [
        *_three_headlines(),
        need("6.3", "2024-01-10", "C1"),
        evidence("6.3", "2024-02-01", "practitioner_assessment", "C1"),
        evidence("6.3", "2024-02-01", "self_assessment", "C1"),
        rec("incident_recorded", "2024-02-10", person="C1", kind="police_report"),
        rec("case_closed", "2024-06-01"),
    ]
    assert status_of(decide(recs, "2024-07-01"), "6.3") == "not_met"
    alt = decide(recs, "2024-07-01", police_report_window="month_before_closure")
    assert status_of(alt, "6.3") == "met"
    alt = decide(recs, "2024-07-01", police_report_window="last_6_months")
    assert status_of(alt, "6.3") == "pending"


def test_alt_in_work_months() -> None:
    recs = [
        *_three_headlines(),
        need("10.1", "2024-01-10", "P1"),
        rec("employment_started", "2024-03-01", person="P1"),
    ]
    assert status_of(decide(recs, "2024-04-01"), "10.1") == "met"
    alt = decide(recs, "2024-04-01", in_work_months=3)
    assert status_of(alt, "10.1") == "pending"
    (c,) = [c for c in alt.criteria if c.criterion == "national-2022:10.1"]
    assert c.result.expected_on is not None
    assert c.result.expected_on.isoformat() == "2024-06-01"


def test_alt_exclusion_zero_baseline() -> None:
    """1.3 for a child with no days lost before identification and none since: the default
    follows AMB-B04 (0 against 0 holds); `not_shown` leaves the row to its evidence."""
    recs = [*_three_headlines("2023-09-05"), need("1.3", "2023-09-05", "C1")]
    assert status_of(decide(recs, "2024-04-01"), "1.3") == "met"
    alt = decide(recs, "2024-04-01", exclusion_zero_baseline="not_shown")
    assert status_of(alt, "1.3") == "evidence_required"
    recs.append(evidence("1.3", "2024-02-01", "practitioner_assessment", "C1"))
    alt = decide(recs, "2024-04-01", exclusion_zero_baseline="not_shown")
    assert status_of(alt, "1.3") == "met"


def test_alt_entry_not_shown() -> None:
    """7.1 with no incident in the 12 months to N: the entry is not shown. accept (default):
    the outcome's status (no incident for 6 months → met); flag_only: the same, flagged on
    the decision; block: insufficient_data. The verdict is reported in each."""
    recs = [*family_base(), need("7.1", "2024-01-10", "P1")]
    for mode, status in (("accept", "met"), ("flag_only", "met"), ("block", "insufficient_data")):
        d = decide(recs, "2024-08-01", entry_not_shown=mode)
        row = next(c for c in d.to_dict()["criteria"] if c["criterion"] == "national-2022:7.1")
        assert (row["status"], row["entry"]) == (status, "not_shown"), mode
        assert bool(d.flags) == (mode == "flag_only"), mode
