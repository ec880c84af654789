"""hampshire: every named reading (parameter) at its default and an alternative, and the
family-level rules (FL-HA-5/6 no regression, FL-HA-7 previous support, FL-HA-10 no minimum
number of headlines).

Each test builds a small family, states the hand-worked answer under the default reading and
under the alternative, and checks both, so a council changing a default sees what changes.
Dates: nomination N = 2024-01-10 unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from policy_helpers import LATE, rec

from sftimeline.policies.evaluator import Decision, evaluate_family
from sftimeline.policies.loader import load_framework
from sftimeline.records import Record

FW = "hampshire"
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


def inc(person: str, kind: str, on: str, **fields: Any) -> Record:
    return rec("incident_recorded", on, person=person, kind=kind, **fields)


def base(**nominated: Any) -> list[Record]:
    return [
        rec("family_nominated", N, **nominated),
        rec("person_joined", N, person="P1", role="adult", born_on="1985-01-01"),
        rec("person_joined", N, person="P2", role="adult", born_on="1987-01-01"),
        rec("person_joined", N, person="C1", role="child", born_on="2011-02-01"),
    ]


def decide(records: list[Record], on: str, **overrides: Any) -> Decision:
    fw = load_framework(FW, overrides or None)
    return evaluate_family(fw, "F1", records, dt.date.fromisoformat(on), LATE)


def crit(d: Decision, code: str, person: str | None = None) -> tuple[str, str | None]:
    for c in d.criteria:
        if c.criterion == f"{FW}:{code}" and (person is None or c.person == person):
            r = c.result
            return r.status, (r.expected_on.isoformat() if r.expected_on else None)
    raise KeyError(code)


def family_rule(d: Decision, rule_id: str) -> dict[str, Any]:
    rules: list[dict[str, Any]] = d.to_dict()["family_rules"]
    return next(r for r in rules if r["rule"] == rule_id)


# ---------------------------------------------------------------- the parameter table


def test_every_parameter_names_an_ambiguity_and_states_its_readings() -> None:
    params = load_framework(FW).model.parameters
    assert len(params) == 29
    for name, p in params.items():
        assert p.amb, name
        assert p.doc, name
        assert p.allowed or p.type in ("int", "list"), name


def test_every_criterion_of_the_six_sections_is_encoded() -> None:
    codes = {c.code for c in load_framework(FW).model.criteria}
    romans = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"]
    expected = (
        {f"EDU.{r}" for r in romans[:7]}
        | {f"CRIME.{r}" for r in romans[:7]}
        | {f"CWNH.{r}" for r in romans}
        | {f"EMP.{r}" for r in romans}
        | {f"DVA.{r}" for r in romans[:3]}
        | {f"HEALTH.{r}" for r in romans[:6]}
    )
    assert codes == expected


# ---------------------------------------------------------------- crime readings


def _asb(*dates: str, person: str = "P1") -> list[Record]:
    return [inc(person, "asb", d, source="police", source_id=f"A-{person}-{d}") for d in dates]


def test_crime_baseline_previous_window_vs_before_identified() -> None:
    # ASB before N: 2023-08-01, 2023-09-15, 2023-12-01 (all in the 6 months before N); after
    # N: 2024-03-01. On 2024-08-15 the previous window (e + 6m <= D < e + 12m) holds
    # {09-15, 12-01} = 2: 1 x 100 > 2 x 40 → pending; the 6 months before N hold 3:
    # 100 <= 120 → met.
    recs = [
        *base(),
        *_asb("2023-08-01", "2023-09-15", "2023-12-01"),
        need("CRIME.i", person="P1"),
        *_asb("2024-03-01"),
    ]
    assert crit(decide(recs, "2024-08-15"), "CRIME.i", "P1")[0] == "pending"
    alt = decide(recs, "2024-08-15", crime_baseline="before_identified")
    assert crit(alt, "CRIME.i", "P1")[0] == "met"


def test_crime_scope_person_by_default_family_counts_every_member() -> None:
    # P1: 3 ASB before N, none after. P2: 1 ASB after N. Person scope: 0 vs 3 → met on
    # 2024-07-10. Family: 1 vs 3 → 100 <= 120 → met too; with 2 of P2's → 200 > 120 pending.
    recs = [
        *base(),
        *_asb("2023-09-01", "2023-10-01", "2023-11-01"),
        need("CRIME.i", person="P1"),
        *_asb("2024-02-01", "2024-03-01", person="P2"),
    ]
    assert crit(decide(recs, "2024-07-10"), "CRIME.i", "P1")[0] == "met"
    assert crit(decide(recs, "2024-07-10", crime_scope="family"), "CRIME.i", "P1")[0] == "pending"


def test_zero_baseline_needs_zero_by_default_and_met_as_alternative() -> None:
    # CWNH vi: a missing episode 2023-03-01 (10 months before N, outside the previous window
    # on 2024-07-10), one after N (2024-02-01): previous 0, now 1.
    recs = [
        *base(),
        inc("C1", "missing_episode", "2023-03-01"),
        need("CWNH.vi", person="C1"),
        inc("C1", "missing_episode", "2024-02-01"),
    ]
    # zero needs zero: pending until the 2024-02-01 episode leaves the window (2024-08-01)
    assert crit(decide(recs, "2024-07-10"), "CWNH.vi", "C1")[0] == "pending"
    assert crit(decide(recs, "2024-07-10", zero_baseline="met"), "CWNH.vi", "C1")[0] == "met"


def test_incident_counting_by_record_or_by_event() -> None:
    # Two records of one event after N (same event_id) against 3 before: by record 2 vs 3
    # (pending); by event 1 vs 3 (met).
    recs = [
        *base(),
        *_asb("2023-09-01", "2023-10-01", "2023-11-01"),
        need("CRIME.i", person="P1"),
        inc("P1", "asb", "2024-02-01", event_id="E1", source="police", source_id="x1"),
        inc("P1", "asb", "2024-02-01", event_id="E1", source="housing", source_id="x2"),
    ]
    assert crit(decide(recs, "2024-07-10"), "CRIME.i", "P1")[0] == "pending"
    assert crit(decide(recs, "2024-07-10", incident_counting="event"), "CRIME.i", "P1")[0] == "met"


def test_crime_iv_comparison_at_most_a_third_or_reduced_by_a_third() -> None:
    # Licence from 2023-10-01, no breach. Offences: 3 in the previous window, 2 after N →
    # 2/3 = 67% of before: reduced by a third (33%) yes; "less than 33% of" no.
    recs = [
        *base(),
        rec("justice_spell_started", "2023-10-01", person="P1", spell="L1", kind="licence"),
        *[inc("P1", "offence", d) for d in ("2023-10-15", "2023-11-01", "2023-12-01")],
        need("CRIME.iv", person="P1"),
        *[inc("P1", "offence", d) for d in ("2024-02-01", "2024-03-01")],
    ]
    assert crit(decide(recs, "2024-07-10"), "CRIME.iv", "P1")[0] == "pending"
    alt = decide(recs, "2024-07-10", crime_iv_comparison="reduced_by_a_third")
    assert crit(alt, "CRIME.iv", "P1")[0] == "met"


# ---------------------------------------------------------------- sustainment readings


def test_sustainment_months_default_six_and_a_council_value() -> None:
    # CRIME vi: ABC signed 2023-12-01, no breach: held 6 months from N → 2024-07-10.
    recs = [
        *base(),
        rec("justice_spell_started", "2023-12-01", person="C1", spell="ABC", kind="asb_contract"),
        need("CRIME.vi", person="C1"),
    ]
    assert crit(decide(recs, "2024-07-09"), "CRIME.vi", "C1") == ("pending", "2024-07-10")
    assert crit(decide(recs, "2024-07-10"), "CRIME.vi", "C1")[0] == "met"
    assert crit(decide(recs, "2024-04-10", sustainment_months=3), "CRIME.vi", "C1")[0] == "met"


def test_sustainment_from_identified_or_first_nomination() -> None:
    # A need added later (2024-03-01, footnote 1), contract signed 2024-02-15: counted from
    # its identification by default (→ 2024-09-01), from the nomination in the alternative
    # (the later of the contract and N → 2024-08-15).
    recs = [
        *base(),
        rec("justice_spell_started", "2024-02-15", person="C1", spell="ABC", kind="asb_contract"),
        need("CRIME.vi", on="2024-03-01", person="C1"),
    ]
    assert crit(decide(recs, "2024-08-20"), "CRIME.vi", "C1") == ("pending", "2024-09-01")
    alt = decide(recs, "2024-08-20", sustainment_from="nomination")
    assert crit(alt, "CRIME.vi", "C1")[0] == "met"


def test_own_window_replaces_default_or_stacks_on_it() -> None:
    # CRIME i met on 2024-07-10 by its own 6-month window; plus_default holds it 6 more months.
    recs = [
        *base(),
        *_asb("2023-09-01", "2023-10-01", "2023-11-01"),
        need("CRIME.i", person="P1"),
    ]
    assert crit(decide(recs, "2024-07-10"), "CRIME.i", "P1")[0] == "met"
    alt = decide(recs, "2024-07-10", own_window_sustained="plus_default")
    assert crit(alt, "CRIME.i", "P1") == ("pending", "2025-01-10")


# ---------------------------------------------------------------- education readings


def _att(child: str, term: str, possible: int, attended: int) -> Record:
    ends = {"autumn": "12-31", "spring": "03-31", "summer": "08-31"}
    year, season = term.split("-")
    return rec(
        "term_attendance_posted",
        f"{year}-{ends[season]}",
        person=child,
        term=term,
        possible_sessions=possible,
        attended_sessions=attended,
    )


def _edu_i(after_pct: int) -> list[Record]:
    before = [_att("C1", t, 100, 80) for t in ("2022-summer", "2022-autumn", "2023-spring")]
    after = [_att("C1", t, 100, after_pct) for t in ("2023-autumn", "2024-spring", "2024-summer")]
    return [*base(), *before, need("EDU.i", on="2023-08-01", person="C1"), *after]


def test_attendance_exactly_90_fails_more_than_90_by_default() -> None:
    recs = _edu_i(90)
    # N for this need = 2023-08-01: baseline 2022-summer..2023-spring = 80% (< 90: entry);
    # the outcome on 2024-09-01 pools 2023-autumn..2024-summer = 90.0%.
    assert crit(decide(recs, "2024-09-01"), "EDU.i", "C1")[0] != "met"
    assert crit(decide(recs, "2024-09-01", attendance_comparator=">="), "EDU.i", "C1")[0] == "met"


def test_edu_ii_window_three_terms_or_twelve_months() -> None:
    # Primary child (born 2016), 6 days before N (2023-11-20) → entry. After N: 4 days on
    # 2024-06-03. On 2024-09-01 the last 3 terms (2023-autumn..2024-summer) hold 6 + 4 = 10
    # days → not below 5; 12 months to D hold the same 10. On 2024-11-21 (12-month reading):
    # 2023-11-20 has left → 4 < 5 met; 3 terms (ended by D: 2024-summer back to 2023-autumn)
    # still 10 → pending.
    recs = [
        rec("family_nominated", N),
        rec("person_joined", N, person="C2", role="child", born_on="2016-03-01"),
        rec("exclusion_recorded", "2023-11-20", person="C2", kind="fixed_term", days=6),
        need("EDU.ii", person="C2"),
        rec("exclusion_recorded", "2024-06-03", person="C2", kind="fixed_term", days=4),
    ]
    assert crit(decide(recs, "2024-11-21"), "EDU.ii", "C2")[0] == "pending"
    assert crit(decide(recs, "2024-11-21", edu_ii_window="months"), "EDU.ii", "C2")[0] == "met"


# ---------------------------------------------------------------- children who need help


def test_missing_lookback_months_default_12_and_6() -> None:
    # A missing episode 8 months before N: inside 12 months (entry holds), outside 6.
    recs = [*base(), inc("C1", "missing_episode", "2023-05-10"), need("CWNH.vi", person="C1")]

    def entry(d: Decision) -> str | None:
        return next(c.entry.verdict for c in d.criteria if c.entry is not None)

    assert entry(decide(recs, "2024-02-01")) == "confirmed"
    assert entry(decide(recs, "2024-02-01", missing_lookback_months=6)) == "not_shown"


def test_step_down_counts_and_rereferral_services() -> None:
    # CIN plan closed 2024-03-01 (no step-down); family closed 2024-03-01. An early-help
    # referral accepted 2024-05-01 breaks the outcome by default (early_help is a service of
    # children's services), not when only children's social care counts.
    recs = [
        *base(),
        rec("plan_opened", "2023-12-01", plan="P", level="cin", person="C1"),
        need("CWNH.ii", person="C1"),
        rec("plan_closed", "2024-03-01", plan="P"),
        rec("case_closed", "2024-03-01"),
        rec("referral_accepted", "2024-05-01", service="early_help", person="C1"),
    ]
    assert crit(decide(recs, "2024-09-01"), "CWNH.ii", "C1")[0] == "evidence_required"
    alt = decide(recs, "2024-09-01", rereferral_services=["childrens_social_care"])
    assert crit(alt, "CWNH.ii", "C1")[0] == "met"
    only_step_down = decide(
        recs,
        "2024-09-01",
        rereferral_services=["childrens_social_care"],
        step_down_counts=["stepped_down"],
    )
    assert crit(only_step_down, "CWNH.ii", "C1")[0] != "met"


def test_early_years_regularly_needs_evidence_by_default() -> None:
    recs = [
        rec("family_nominated", N),
        rec("person_joined", N, person="T1", role="child", born_on="2021-06-01"),
        need("CWNH.iii", person="T1"),
        rec("early_years_place_started", "2024-02-01", person="T1", entitlement="two_year_old"),
    ]
    assert crit(decide(recs, "2024-08-01"), "CWNH.iii", "T1")[0] == "evidence_required"
    assert (
        crit(decide(recs, "2024-08-01", early_years_regularly="place_only"), "CWNH.iii", "T1")[0]
        == "met"
    )


# ---------------------------------------------------------------- domestic abuse


def test_da_scope_household_by_default_or_the_victim_only() -> None:
    # P1 victim of 3 incidents before N; after N P2 has 2 incidents: household 2 vs 3 →
    # pending; the victim alone 0 vs 3 → met.
    recs = [
        *base(),
        *[
            inc("P1", "domestic_abuse", d, role="victim")
            for d in ("2023-09-01", "2023-10-01", "2023-11-01")
        ],
        need("DVA.i", person="P1"),
        *[inc("P2", "domestic_abuse", d, role="perpetrator") for d in ("2024-02-01", "2024-03-01")],
    ]
    assert crit(decide(recs, "2024-07-10"), "DVA.i", "P1")[0] != "met"
    assert crit(decide(recs, "2024-07-10", da_scope="person"), "DVA.i", "P1")[0] == "met"


# ---------------------------------------------------------------- housing


def _evicted(**more: Any) -> list[Record]:
    return [
        *base(),
        rec("notice_served", "2023-12-01", notice="eviction_order"),
        need("EMP.v"),
        rec("notice_withdrawn", "2024-02-01", notice="eviction_order"),
    ]


def test_eviction_order_outcome_both_or_secured_accommodation_only() -> None:
    recs = _evicted()
    # Notice withdrawn, no breach for 6 months → the "eviction prevented" route met.
    assert crit(decide(recs, "2024-07-10"), "EMP.v", None)[0] == "met"
    alt = decide(recs, "2024-07-10", eviction_order_outcome="secured_accommodation")
    assert crit(alt, "EMP.v", None)[0] != "met"


def test_prospective_housing_evidence_or_six_months_occupancy() -> None:
    recs = [
        *base(),
        rec("homelessness_duty_recorded", "2023-12-01", duty="prevention"),
        need("EMP.vi"),
        rec("housing_status_recorded", "2024-03-01", status="settled"),
        rec("homelessness_duty_recorded", "2024-03-01", duty="ended"),
        ev("EMP.vi", "2024-03-05", "accommodation_prospect_6_months"),
    ]
    assert crit(decide(recs, "2024-04-01"), "EMP.vi", None)[0] == "met"
    alt = decide(recs, "2024-04-01", prospective_housing="occupancy")
    assert crit(alt, "EMP.vi", None) == ("pending", "2024-09-01")


# ---------------------------------------------------------------- employment


def test_employment_benefit_at_identification_or_before_job() -> None:
    # ESA at N (13 weeks), then JSA from 2024-02-01 to the job (26 weeks). Job 2024-03-04.
    recs = [
        *base(),
        rec("benefit_started", "2023-06-01", person="P1", benefit="esa"),
        need("EMP.i", person="P1"),
        rec("benefit_ended", "2024-01-31", person="P1", benefit="esa"),
        rec("benefit_started", "2024-02-01", person="P1", benefit="jsa"),
        rec("benefit_ended", "2024-03-03", person="P1", benefit="jsa"),
        rec("employment_started", "2024-03-04", person="P1"),
    ]
    d = decide(recs, "2024-06-10")
    assert crit(d, "EMP.i", "P1")[0] == "met"  # 13 weeks from 2024-03-04 = 2024-06-03
    alt = decide(recs, "2024-06-10", employment_benefit_at="before_job")
    assert crit(alt, "EMP.i", "P1")[0] != "met"


# ---------------------------------------------------------------- health


def _health(closed: str) -> list[Record]:
    return [
        *base(),
        need("HEALTH.iii", on="2024-03-01", person="P1"),
        *[
            rec("health_event_recorded", "2020-01-01", person=p, kind="gp_registered")
            for p in ("P1", "P2", "C1")
        ],
        rec("health_event_recorded", "2020-01-01", person="C1", kind="dentist_registered"),
        rec("health_event_recorded", "2024-04-01", person="C1", kind="dental_check"),
        ev("HEALTH.iii", "2024-06-01", "healthy_weight_progress", person="P1"),
        rec("case_closed", closed),
    ]


def test_health_support_counted_from_nomination_or_identification() -> None:
    # Closed 2024-08-01: 6 months after N (2024-07-10) but not after identification (2024-09-01).
    recs = _health("2024-08-01")
    assert crit(decide(recs, "2024-08-02"), "HEALTH.iii", "P1")[0] == "met"
    alt = decide(recs, "2024-08-02", health_support_from="identified")
    assert crit(alt, "HEALTH.iii", "P1")[0] == "not_met"


def test_health_registrations_always_or_only_if_flagged() -> None:
    # No dentist registration for C1 at all: fails "always"; "if_flagged" accepts the
    # practitioner's statement that registration was not at issue before nomination.
    recs = [
        r
        for r in _health("2024-08-01")
        if not (r.type == "health_event_recorded" and r.get("kind") == "dentist_registered")
    ]
    recs.append(ev("HEALTH.iii", "2024-06-01", "registrations_not_at_issue"))
    assert crit(decide(recs, "2024-08-02"), "HEALTH.iii", "P1")[0] != "met"
    alt = decide(recs, "2024-08-02", health_registrations="if_flagged")
    assert crit(alt, "HEALTH.iii", "P1")[0] == "met"


# ---------------------------------------------------------------- family rules


def _crime_i_met() -> list[Record]:
    return [*base(), *_asb("2023-09-01", "2023-10-01"), need("CRIME.i", person="P1")]


def test_no_regression_new_problem_outside_plan_fails_the_family() -> None:
    recs = [*_crime_i_met(), rec("exclusion_recorded", "2024-05-01", person="C1", kind="permanent")]
    d = decide(recs, "2024-07-10")
    assert crit(d, "CRIME.i", "P1")[0] == "met"
    assert d.status == "not_eligible"
    assert family_rule(d, "no_regression")["status"] == "not_met"
    assert decide(_crime_i_met(), "2024-07-10").status == "eligible"


def test_no_regression_problem_in_a_planned_area_is_left_to_its_outcome() -> None:
    # A new ASB incident by P2 after N: CRIME is in the plan, so the family rule holds.
    recs = [*_crime_i_met(), *_asb("2024-02-01", person="P2")]
    assert family_rule(decide(recs, "2024-07-10"), "no_regression")["status"] == "met"


def test_regression_reading_attestation_or_both() -> None:
    recs = _crime_i_met()
    d = decide(recs, "2024-07-10", regression_reading="attestation")
    assert family_rule(d, "no_regression")["status"] == "evidence_required"
    attested = [*recs, ev("family", "2024-07-01", "no_regression")]
    assert decide(attested, "2024-07-10", regression_reading="attestation").status == "eligible"
    regressed = [*attested, rec("exclusion_recorded", "2024-05-01", person="C1", kind="permanent")]
    # the attestation alone ignores the exclusion; "both" does not
    assert decide(regressed, "2024-07-10", regression_reading="attestation").status == "eligible"
    assert decide(regressed, "2024-07-10", regression_reading="both").status == "not_eligible"


def test_previous_support_rule_generic_sustainment_or_not_applied() -> None:
    recs = [
        *base(previous_support_closed_on="2023-01-20"),
        need("EDU.vii", person="C1"),
        ev("EDU.vii", "2024-03-01", "concerns_addressed", person="C1"),
    ]
    assert crit(decide(recs, "2024-03-01"), "EDU.vii", "C1")[0] == "met"
    alt = decide(recs, "2024-03-01", previous_support_rule="not_applied")
    assert crit(alt, "EDU.vii", "C1") == ("pending", "2024-09-01")


def test_previous_support_pending_until_twelve_months_after_closure() -> None:
    recs = [
        *base(previous_support_closed_on="2023-06-15"),
        need("EDU.vii", person="C1"),
        ev("EDU.vii", "2024-03-01", "concerns_addressed", person="C1"),
    ]
    # 12 months after 2023-06-15 = 2024-06-15; the 6-month evidence route: 2024-09-01.
    assert crit(decide(recs, "2024-03-01"), "EDU.vii", "C1") == ("pending", "2024-06-15")
    assert crit(decide(recs, "2024-06-14"), "EDU.vii", "C1") == ("pending", "2024-06-15")
    assert crit(decide(recs, "2024-06-15"), "EDU.vii", "C1")[0] == "met"


@pytest.mark.parametrize(("minimum", "status"), [(0, "eligible"), (2, "not_eligible")])
def test_min_headlines_none_by_default_a_council_may_set_one(minimum: int, status: str) -> None:
    assert decide(_crime_i_met(), "2024-07-10", min_headlines=minimum).status == status


# ---------------------------------------------------------------- remaining readings


def _terms(child: str, pct: dict[str, int]) -> list[Record]:
    return [_att(child, t, 100, p) for t, p in pct.items()]


def test_attendance_terms_three_by_default_or_two() -> None:
    # Baseline 80% (entry). After N: 2024-spring 70%, 2024-summer 100%, 2024-autumn 100%.
    # 3 terms → 90.0% (not more than 90); 2 terms → 100% (met), on 2024-12-31.
    before = {"2023-spring": 80, "2023-summer": 80, "2023-autumn": 80}
    after = {"2024-spring": 70, "2024-summer": 100, "2024-autumn": 100}
    recs = [*base(), *_terms("C1", before), need("EDU.i", person="C1"), *_terms("C1", after)]
    assert crit(decide(recs, "2024-12-31"), "EDU.i", "C1")[0] == "evidence_required"
    assert crit(decide(recs, "2024-12-31", attendance_terms=2), "EDU.i", "C1")[0] == "met"


def test_attendance_improvement_in_points_or_relative() -> None:
    # Baseline 40%; outcome 60%: +20 points (not 40) but x1.5 relative (at least x1.4).
    before = {"2023-spring": 40, "2023-summer": 40, "2023-autumn": 40}
    after = {"2024-spring": 60, "2024-summer": 60, "2024-autumn": 60}
    recs = [*base(), *_terms("C1", before), need("EDU.i", person="C1"), *_terms("C1", after)]
    assert crit(decide(recs, "2024-12-31"), "EDU.i", "C1")[0] == "evidence_required"
    alt = decide(recs, "2024-12-31", attendance_improvement_unit="relative")
    assert crit(alt, "EDU.i", "C1")[0] == "met"


def test_mainstream_attendance_on_the_day_or_for_the_whole_period() -> None:
    # Permanently excluded 2023-11-01; back in mainstream from 2024-04-15; 95% in the three
    # terms 2024-spring..2024-autumn. On 2024-12-31 the enrolment is open (at_day: met) but
    # has not lasted 12 months (whole_period: not met by data).
    after = {"2024-spring": 95, "2024-summer": 95, "2024-autumn": 95}
    recs = [
        *base(),
        rec("exclusion_recorded", "2023-11-01", person="C1", kind="permanent"),
        need("EDU.v", person="C1"),
        rec(
            "enrolment_started",
            "2024-04-15",
            person="C1",
            provider="S2",
            provider_type="mainstream",
        ),
        *_terms("C1", after),
    ]
    assert crit(decide(recs, "2024-12-31"), "EDU.v", "C1")[0] == "met"
    alt = decide(recs, "2024-12-31", mainstream_attendance="whole_period")
    assert crit(alt, "EDU.v", "C1")[0] != "met"


def _uc_weeks(gap: bool) -> list[Record]:
    # UC all work-related requirements at N (26 of 30 weeks). Job from Monday 2024-02-05 at
    # the AET; with ``gap`` a week out of work (2024-04-01..2024-04-07) breaks the run.
    recs = [
        *base(),
        rec("benefit_started", "2023-06-01", person="P1", benefit="uc_work_related"),
        need("EMP.i", person="P1"),
        rec("employment_started", "2024-02-05", person="P1"),
    ]
    if gap:
        recs += [
            rec("employment_ended", "2024-03-31", person="P1"),
            rec("employment_started", "2024-04-08", person="P1"),
        ]
    for i, (start, end) in enumerate(
        [("2024-02-05", "2024-03-04"), ("2024-03-05", "2024-04-04"), ("2024-04-05", "2024-05-04"),
         ("2024-05-05", "2024-06-04"), ("2024-06-05", "2024-07-04"), ("2024-07-05", "2024-08-04"),
         ("2024-08-05", "2024-09-04"), ("2024-09-05", "2024-10-04")]
    ):  # fmt: skip
        recs.append(
            rec(
                "earnings_reported",
                start,
                person="P1",
                period_end=end,
                gross_pay=50000,
                household="single",
                source="hmrc",
                source_id=f"E{i}",
            )
        )
    return recs


def test_uc_aet_weeks_26_of_30_allows_a_gap_consecutive_does_not() -> None:
    # Weeks from 2024-02-05; 26 whole weeks end Sunday 2024-08-04, 30 weeks end 2024-09-01.
    # With one week out of work, 26 of the 30 weeks to Sunday 2024-08-11 qualify (k_of_n met),
    # but no 26 consecutive weeks exist yet (consecutive: not met on 2024-08-11).
    recs = _uc_weeks(gap=True)
    assert crit(decide(recs, "2024-08-11"), "EMP.i", "P1")[0] == "met"
    alt = decide(recs, "2024-08-11", uc_aet_weeks="consecutive")
    assert crit(alt, "EMP.i", "P1")[0] != "met"
    assert (
        crit(decide(_uc_weeks(gap=False), "2024-08-11", uc_aet_weeks="consecutive"), "EMP.i", "P1")[
            0
        ]
        == "met"
    )
