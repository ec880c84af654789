"""herefordshire-2022: every named reading (parameter) at its default (semantics.md §7) and at
least one alternative, plus the family-level rules FL-H22-1 (3 headlines), FL-H22-2 (needs
arising during the intervention) and FL-H22-3 (the four working principles).

Each test builds a small family, states the hand-worked answer under the default reading and
under the alternative, and checks both.
"""

from __future__ import annotations

from typing import Any

from policy_helpers import LATE, rec

from sftimeline.policies.evaluator import Decision, evaluate_family
from sftimeline.policies.loader import load_framework
from sftimeline.records import Record

FW = "herefordshire-2022"
N = "2024-01-10"
PRINCIPLES = ("whole_family_assessment", "family_action_plan", "lead_practitioner")

DEFAULTS = {
    "min_headlines": 3,  # AMB-K01, FL-H22-1
    "dependent_children_or_expectant": True,  # FL-NAT
    "default_measure": ["offence", "arrest", "named_suspect", "asb"],  # AMB-B08
    "sustainment_from": "identified",  # AMB-A03
    "crime_baseline_months": 12,  # AMB-B01
    "crime_outcome_months": 6,  # AMB-B01/B02
    "severe_guard_applies_to": "baseline",  # AMB-B09
    "attendance_measure": "xauth_a",  # AMB-C04
    "attendance_improvement_unit": "points",  # AMB-C06
    "exclusions_fewer_than": 2,  # AMB-C17
    "referral_services": ["childrens_social_care", "early_help"],  # AMB-D02
    "da_referral_services": ["childrens_social_care", "early_help", "domestic_abuse"],
    "da_incident_scope": "household",  # AMB-E01
    "plan_step_up_breaks": True,  # AMB-D03
    "police_report_window": "since_identified",  # AMB-D06
    "perpetrator_programme_available": True,  # AMB-E03
    "in_work_months": 0,  # AMB-G04
    "entry_not_shown": "accept",  # AMB-A07
}


def need(code: str, on: str = N, person: str | None = None, **fields: Any) -> Record:
    extra: dict[str, Any] = {"person": person} if person else {}
    return rec("need_identified", on, criterion=f"{FW}:{code}", **extra, **fields)


def ev(code: str, on: str, kind: str, person: str | None = None, achieved: bool = True) -> Record:
    extra: dict[str, Any] = {"person": person} if person else {}
    return rec(
        "evidence_recorded",
        on,
        criterion=f"{FW}:{code}",
        evidence=kind,
        outcome_achieved=achieved,
        **extra,
    )


def principles(on: str = N, aligned: bool = True) -> list[Record]:
    out = [ev("family", on, k) for k in PRINCIPLES]
    if aligned:
        out.append(ev("family", on, "plan_objectives_aligned"))
    return out


def base(on: str = N) -> list[Record]:
    """Adult P1 (born 1990), school-age children C1 (2012) and C2 (2014), the principles."""
    return [
        rec("family_nominated", on),
        rec("person_joined", on, person="P1", role="adult", born_on="1990-05-01"),
        rec("person_joined", on, person="C1", role="child", born_on="2012-05-01"),
        rec("person_joined", on, person="C2", role="child", born_on="2014-05-01"),
        *principles(on),
    ]


def two_met(on: str = N) -> list[Record]:
    """Two always-met needs (5.1, 10.2) so a third headline decides the family."""
    return [
        need("5.1", on),
        ev("5.1", "2024-02-01", "practitioner_assessment"),
        need("10.2", on),
        ev("10.2", "2024-02-01", "self_assessment"),
    ]


def decide(recs: list[Record], on: str, **overrides: Any) -> Decision:
    import datetime as dt

    fw = load_framework(FW, overrides or None)
    return evaluate_family(fw, "F1", recs, dt.date.fromisoformat(on), LATE)


def status_of(d: Decision, code: str, person: str | None = None) -> str:
    for c in d.criteria:
        if c.criterion == f"{FW}:{code}" and (person is None or c.person == person):
            return c.result.status.value
    raise KeyError(code)


def test_defaults_follow_semantics() -> None:
    fw = load_framework(FW)
    assert fw.parameters == DEFAULTS
    for name, p in fw.model.parameters.items():
        assert p.amb and p.doc, name


def test_every_parameter_has_an_alternative_test() -> None:
    tested = {name[len("test_alt_") :] for name in globals() if name.startswith("test_alt_")}
    assert tested == set(DEFAULTS)


def test_every_criterion_cites_the_herefordshire_paragraph() -> None:
    fw = load_framework(FW)
    codes = [c.code for c in fw.model.criteria]
    assert codes == [
        "1.1", "1.2", "1.3.1", "1.3.2", "1.3.3", "1.3.4", "1.3.5", "1.4",
        "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2",
        "5.1", "5.2", "5.3", "5.4", "6.1", "6.2", "6.3", "6.4", "6.5", "6.6",
        "7.1", "7.2", "7.3", "8.1", "8.2", "8.3", "9.1", "9.2", "9.3",
        "10.1", "10.2", "10.3",
    ]  # fmt: skip
    for c in fw.model.criteria:
        assert c.cite.startswith("Herefordshire 2022-25") and c.code in c.cite, c.code


# ------------------------------------------------------------------ family-level rules


def test_alt_min_headlines() -> None:
    recs = [*base(), need("5.1"), ev("5.1", "2024-02-01", "practitioner_assessment")]
    d = decide(recs, "2024-06-01")
    assert d.status == "not_eligible"
    assert decide(recs, "2024-06-01", min_headlines=1).status == "eligible"


def test_alt_dependent_children_or_expectant() -> None:
    recs = [r for r in [*base(), *two_met(), need("3.2", N, "P1")] if r.person not in ("C1", "C2")]
    recs.append(ev("3.2", "2024-02-01", "practitioner_assessment", "P1"))
    assert decide(recs, "2024-06-01").status == "not_eligible"
    alt = decide(recs, "2024-06-01", dependent_children_or_expectant=False)
    assert alt.status == "eligible"


def test_a_missing_working_principle_holds_the_claim_until_recorded() -> None:
    """FL-H22-3: every principle must be recorded as achieved; one missing → evidence_required."""
    recs = [
        *[r for r in base() if r.get("evidence") != "plan_objectives_aligned"],
        *two_met(),
        need("3.2", N, "P1"),
        ev("3.2", "2024-02-01", "practitioner_assessment", "P1"),
    ]
    assert decide(recs, "2024-06-01").status == "evidence_required"
    recs.append(ev("family", "2024-06-01", "plan_objectives_aligned"))
    d = decide(recs, "2024-06-01")
    assert d.status == "eligible"
    assert d.eligible_from is not None and d.eligible_from.isoformat() == "2024-06-01"


def test_a_working_principle_recorded_as_not_achieved_later_is_withdrawn() -> None:
    """FL-H22-3: the latest record of a principle decides (outcome_achieved false withdraws)."""
    recs = [
        *base(),
        *two_met(),
        need("3.2", N, "P1"),
        ev("3.2", "2024-02-01", "practitioner_assessment", "P1"),
        ev("family", "2024-04-01", "lead_practitioner", achieved=False),
    ]
    assert decide(recs, "2024-03-31").status == "eligible"
    assert decide(recs, "2024-04-01").status == "evidence_required"
    recs.append(ev("family", "2024-05-02", "lead_practitioner"))
    d = decide(recs, "2024-06-01")
    assert d.status == "eligible"
    assert d.eligible_from is not None and d.eligible_from.isoformat() == "2024-05-02"


def test_need_arising_during_the_intervention_must_also_be_met() -> None:
    """FL-H22-2: a need identified after N is counted and must meet its own rule."""
    recs = [
        *base(),
        *two_met(),
        need("3.2", N, "P1"),
        ev("3.2", "2024-02-01", "practitioner_assessment", "P1"),
        need("7.2", "2024-04-01", "C1"),
        ev("7.2", "2024-04-15", "practitioner_assessment", "C1"),
    ]
    d = decide(recs, "2024-06-01")
    assert status_of(d, "7.2", "C1") == "pending"
    assert d.status == "pending"
    assert d.eligible_from is not None and d.eligible_from.isoformat() == "2024-10-01"
    assert decide(recs, "2024-03-31").status == "eligible"  # not yet identified on D


# ------------------------------------------------------------------ crime (headline 7)


def _crime(kind: str, measure: list[str] | None = None) -> list[Record]:
    extra = {"measure": measure} if measure else {}
    return [
        *base(),
        *two_met(),
        need("7.1", N, "P1", **extra),
        rec("incident_recorded", "2023-12-01", person="P1", kind="arrest"),
        rec("incident_recorded", "2024-03-01", person="P1", kind=kind),
    ]


def test_alt_default_measure() -> None:
    recs = _crime("asb")
    assert status_of(decide(recs, "2024-08-01"), "7.1") == "pending"
    assert status_of(decide(recs, "2024-08-01", default_measure=["arrest"]), "7.1") == "met"


def test_alt_sustainment_from() -> None:
    recs = [
        *base("2023-09-01"),
        need("7.2", N, "C1"),
        ev("7.2", "2024-02-01", "practitioner_assessment", "C1"),
    ]
    assert status_of(decide(recs, "2024-05-01"), "7.2") == "pending"
    assert status_of(decide(recs, "2024-05-01", sustainment_from="nomination"), "7.2") == "met"


def test_engagement_is_required_for_7_2_unlike_national() -> None:
    recs = [*base(), need("7.2", N, "C1")]
    assert status_of(decide(recs, "2024-08-01"), "7.2") == "evidence_required"


def _band_b() -> list[Record]:
    recs = [*base(), *two_met(), need("7.1", N, "P1")]
    for m in range(1, 9):  # 8 incidents in 2023: the 8-or-more band
        recs.append(
            rec(
                "incident_recorded",
                f"2023-{m:02d}-15",
                person="P1",
                kind="offence",
                source="police",
                source_id=f"B{m}",
            )
        )
    return recs


def test_alt_crime_baseline_months() -> None:
    # 2 in the 6 months to D against 8 in 12: 2/6 <= 0.5 * 8/12 holds; against the
    # 6 months before identification (4 incidents): 2/6 > 0.5 * 4/6.
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
    assert status_of(decide(recs, "2024-10-15"), "7.1") == "met"
    assert status_of(decide(recs, "2024-10-15", crime_outcome_months=12), "7.1") == "pending"


def test_alt_severe_guard_applies_to() -> None:
    recs = [
        *base(),
        *two_met(),
        need("7.3", N, "C1"),
        ev("7.3", "2024-02-01", "practitioner_assessment", "C1"),
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
            severe=True,
            source="police",
            source_id="Y9",
        )
    )
    assert status_of(decide(recs, "2024-09-01"), "7.3") == "met"
    alt = decide(recs, "2024-09-01", severe_guard_applies_to="outcome")
    assert status_of(alt, "7.3") == "pending"


# ------------------------------------------------------------------ education (headline 1)


def test_alt_attendance_measure() -> None:
    # attended 78, authorised 13, unauthorised 9 of 100 for each child, each term:
    # xauth_a = 1 - 9/100 = 91% (met); xauth_b = 78/87 = 89.66% (< 90, not met).
    recs = [*base("2023-09-05"), need("1.1", "2023-09-05", "C1")]
    for child in ("C1", "C2"):
        for term, end in (("2023-autumn", "2023-12-31"), ("2024-spring", "2024-03-31")):
            recs.append(
                rec(
                    "term_attendance_posted",
                    end,
                    person=child,
                    term=term,
                    possible_sessions=100,
                    attended_sessions=78,
                    authorised_absence_sessions=13,
                    unauthorised_absence_sessions=9,
                )
            )
    assert status_of(decide(recs, "2024-04-01"), "1.1") == "met"
    assert status_of(decide(recs, "2024-04-01", attendance_measure="xauth_b"), "1.1") == "not_met"


def test_alt_attendance_improvement_unit() -> None:
    recs = [*base("2024-01-05"), need("1.2", "2024-01-05", "C1")]
    for term, end, att in (
        ("2023-summer", "2023-08-31", 40),
        ("2023-autumn", "2023-12-31", 40),
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
    # 55% against 40%: +15 points (fails 30 points) but x1.375 (passes a relative 30%)
    assert status_of(decide(recs, "2024-09-01"), "1.2") == "not_met"
    alt = decide(recs, "2024-09-01", attendance_improvement_unit="relative")
    assert status_of(alt, "1.2") == "met"


def test_alt_exclusions_fewer_than() -> None:
    recs = [
        *base("2023-10-02"),
        need("1.3.2", "2023-10-02", "C1"),
        rec("exclusion_recorded", "2024-02-05", person="C1", kind="fixed_term", days=1),
    ]
    # one fixed-term exclusion over 2023-autumn + 2024-spring: fewer than 2 holds
    assert status_of(decide(recs, "2024-03-31"), "1.3.2") == "met"
    # a council defining the threshold as none at all: pending until the term drops out
    alt = decide(recs, "2024-03-31", exclusions_fewer_than=1)
    assert status_of(alt, "1.3.2") == "pending"


# ------------------------------------------------------------------ closure windows (6.x, 8.x)


def test_alt_referral_services() -> None:
    recs = [
        *base(),
        *two_met(),
        need("6.2", N, "C1"),
        ev("6.2", "2024-02-01", "practitioner_assessment", "C1"),
        rec("case_closed", "2024-03-01"),
        rec("referral_accepted", "2024-05-01", service="youth_justice"),
    ]
    assert status_of(decide(recs, "2024-09-02"), "6.2") == "met"
    alt = decide(recs, "2024-09-02", referral_services=["youth_justice"])
    assert status_of(alt, "6.2") == "not_met"


def _da(code: str, kind: str, person: str | None = None) -> list[Record]:
    return [
        *base(),
        *two_met(),
        need(code, N, person),
        ev(code, "2024-02-01", kind),
        rec("case_closed", "2024-03-01"),
    ]


def test_alt_da_referral_services() -> None:
    recs = [
        *_da("8.1", "multi_agency_engagement"),
        rec("referral_accepted", "2024-05-01", service="domestic_abuse"),
    ]
    assert status_of(decide(recs, "2024-09-02"), "8.1") == "not_met"
    alt = decide(recs, "2024-09-02", da_referral_services=["childrens_social_care"])
    assert status_of(alt, "8.1") == "met"


def test_8_1_practitioner_assessment_does_not_replace_multi_agency_engagement() -> None:
    recs = _da("8.1", "practitioner_assessment")
    assert status_of(decide(recs, "2024-09-02"), "8.1") == "evidence_required"


def test_alt_da_incident_scope() -> None:
    recs = [
        *_da("8.3", "practitioner_assessment", "C1"),
        rec("incident_recorded", "2024-02-15", person="P1", kind="domestic_abuse"),
    ]
    assert status_of(decide(recs, "2024-09-02"), "8.3") == "not_met"
    assert status_of(decide(recs, "2024-09-02", da_incident_scope="person"), "8.3") == "met"


def test_alt_perpetrator_programme_available() -> None:
    recs = _da("8.2", "practitioner_assessment", "P1")
    assert status_of(decide(recs, "2024-09-02"), "8.2") == "evidence_required"
    alt = decide(recs, "2024-09-02", perpetrator_programme_available=False)
    assert status_of(alt, "8.2") == "met"
    dapp = _da("8.2", "specialist_programme_engaged", "P1")
    assert status_of(decide(dapp, "2024-09-02"), "8.2") == "met"


def test_alt_plan_step_up_breaks() -> None:
    recs = [
        *base(),
        *two_met(),
        rec("plan_opened", "2023-12-01", plan="PL1", level="cin"),
        need("6.1"),
        ev("6.1", "2024-02-01", "practitioner_assessment"),
        rec("plan_stepped_down", "2024-03-01", plan="PL1", level="early_help"),
        rec("plan_stepped_up", "2024-05-01", plan="PL1", level="cin"),
    ]
    assert status_of(decide(recs, "2024-06-01"), "6.1") == "not_met"
    assert status_of(decide(recs, "2024-06-01", plan_step_up_breaks=False), "6.1") == "met"


def test_alt_police_report_window() -> None:
    recs = [
        *base(),
        *two_met(),
        need("6.3", N, "C1"),
        ev("6.3", "2024-02-01", "practitioner_assessment", "C1"),
        ev("6.3", "2024-02-01", "self_assessment", "C1"),
        rec("incident_recorded", "2024-02-10", person="C1", kind="police_report"),
        rec("case_closed", "2024-06-01"),
    ]
    assert status_of(decide(recs, "2024-07-01"), "6.3") == "not_met"
    alt = decide(recs, "2024-07-01", police_report_window="month_before_closure")
    assert status_of(alt, "6.3") == "met"
    alt = decide(recs, "2024-07-01", police_report_window="last_6_months")
    assert status_of(alt, "6.3") == "pending"


# ------------------------------------------------------------------ work (headline 10)


def test_alt_in_work_months() -> None:
    recs = [
        *base(),
        *two_met(),
        need("10.1", N, "P1"),
        rec("employment_started", "2024-03-01", person="P1"),
    ]
    assert status_of(decide(recs, "2024-04-01"), "10.1") == "met"
    alt = decide(recs, "2024-04-01", in_work_months=3)
    assert status_of(alt, "10.1") == "pending"
    (c,) = [c for c in alt.criteria if c.criterion == f"{FW}:10.1"]
    assert c.result.expected_on is not None
    assert c.result.expected_on.isoformat() == "2024-06-01"


def test_evidence_confirmed_again_holds_since_the_first_record() -> None:
    """The evidence leaf's met date is the start of the latest unbroken run of achieved
    records (found by the exact-eligible_from property): re-confirming does not move it."""
    recs = [
        *base(),
        need("6.6", N, "C1"),
        ev("6.6", "2024-03-01", "practitioner_assessment", "C1"),
        ev("6.6", "2024-03-01", "self_assessment", "C1"),
        ev("6.6", "2024-04-01", "self_assessment", "C1"),
    ]
    d = decide(recs, "2024-05-01", min_headlines=1)
    (c,) = [c for c in d.criteria if c.criterion == f"{FW}:6.6"]
    assert c.result.met_since is not None and c.result.met_since.isoformat() == "2024-03-01"
    assert d.eligible_from is not None and d.eligible_from.isoformat() == "2024-03-01"
    recs.append(ev("6.6", "2024-04-15", "self_assessment", "C1", achieved=False))
    recs.append(ev("6.6", "2024-04-20", "self_assessment", "C1"))
    d = decide(recs, "2024-05-01", min_headlines=1)
    (c,) = [c for c in d.criteria if c.criterion == f"{FW}:6.6"]
    assert c.result.met_since is not None and c.result.met_since.isoformat() == "2024-04-20"


def test_alt_entry_not_shown() -> None:
    """7.1 with no incident in the 12 months to N: not shown. accept → the outcome's status;
    block → insufficient_data, the verdict still not_shown."""
    recs = [*base(), need("7.1", person="P1")]
    accept, block = decide(recs, "2024-08-01"), decide(recs, "2024-08-01", entry_not_shown="block")
    assert status_of(accept, "7.1") == "met"
    assert status_of(block, "7.1") == "insufficient_data"
    assert [c.entry.verdict for c in block.criteria if c.entry] == ["not_shown"]
