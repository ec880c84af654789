"""hertfordshire-2018: every reading (named parameter) at its default and at an alternative,
and the family-level rules (FL-HT-1 strands, FL-HT-2/7 family evidence, FL-HT-4 every
school-age child's absence, FL-HT-6 stand-alone claim)."""

from __future__ import annotations

from typing import Any

from policy_helpers import decide, rec

from sftimeline.policies.evaluator import Decision
from sftimeline.policies.loader import load_framework
from sftimeline.records import Record

FW = "hertfordshire-2018"
FAMILY_EVIDENCE = (
    "whole_family_assessment",
    "family_action_plan",
    "lead_practitioner",
    "plan_objectives_aligned",
    "no_significant_new_problems",
)


def run(records: list[Record], on: str, **params: Any) -> Decision:
    return decide(records, on, load_framework(FW, params or None))


def crit(d: Decision, code: str) -> dict[str, Any]:
    rows = [c for c in d.to_dict()["criteria"] if c["criterion"] == f"{FW}:{code}"]
    assert len(rows) == 1, rows
    return rows[0]


def base(*extra: Record, child_born: str = "2012-05-01") -> list[Record]:
    return [
        rec("family_nominated", "2024-01-10"),
        rec("person_joined", "2024-01-10", person="P1", role="adult", born_on="1985-01-20"),
        rec("person_joined", "2024-01-10", person="C1", role="child", born_on=child_born),
        *extra,
    ]


def need(code: str, person: str | None = None, on: str = "2024-01-10") -> Record:
    return rec(
        "need_identified", on, criterion=f"{FW}:{code}", **({"person": person} if person else {})
    )


def ev(
    code: str, kind: str = "practitioner_assessment", on: str = "2024-02-01", **kw: Any
) -> Record:
    return rec(
        "evidence_recorded",
        on,
        criterion=f"{FW}:{code}",
        evidence=kind,
        outcome_achieved=True,
        **kw,
    )


def family_evidence() -> list[Record]:
    return [ev("family", k) for k in FAMILY_EVIDENCE]


def term(t: str, end: str, possible: int, attended: int, auth: int, unauth: int) -> Record:
    return rec(
        "term_attendance_posted", end, person="C1", term=t, possible_sessions=possible,
        attended_sessions=attended, authorised_absence_sessions=auth,
        unauthorised_absence_sessions=unauth, source="census", source_id=f"C1-{t}",
    )  # fmt: skip


def two_evidenced_strands() -> list[Record]:
    return [need("1.4", "P1"), need("5.4"), ev("1.4", person="P1"), ev("5.4"), *family_evidence()]


# ------------------------------------------------------------------ family rules


def test_min_strands_default_two_and_alternative_one() -> None:
    one = base(need("1.4", "P1"), ev("1.4", person="P1"), *family_evidence())
    d = run(one, "2024-06-01")
    assert d.status == "not_eligible" and "at least 2 required" in (d.eligible_from_reason or "")
    assert run(one, "2024-06-01", min_strands=1).status != "not_eligible"


def test_family_evidence_of_fl_ht_2_and_7_is_required() -> None:
    recs = base(need("1.4", "P1"), need("5.4"), ev("1.4", person="P1"), ev("5.4"))
    d = run(recs, "2024-06-01", all_children_absence_measure="xauth_a")
    rules = {r["rule"]: r["holds"] for r in d.to_dict()["family_rules"]}
    assert rules["family_evidence:no_significant_new_problems"] is False
    assert d.eligible_from is None


def attendance(autumn_auth: int) -> list[Record]:
    return [
        term("2024-spring", "2024-03-31", 120, 110, 6, 4),
        term("2024-summer", "2024-08-31", 150, 140, 6, 4),
        term("2024-autumn", "2024-12-31", 180, 176 - autumn_auth, autumn_auth, 4),
    ]


def test_every_school_age_child_absence_overall_by_default_unauthorised_as_alternative() -> None:
    # autumn: 21 authorised + 4 unauthorised → 405/450 = 90.0% attended: absence exactly 10%
    recs = base(*two_evidenced_strands(), *attendance(21))
    assert run(recs, "2024-12-31").status == "not_eligible"
    # unauthorised only: 12 / 450 = 2.7% → the rule holds
    assert run(recs, "2024-12-31", all_children_absence_measure="xauth_a").status == "eligible"
    # a child who is not of school age is not measured (born 2020: 3 on 31 Aug 2024)
    young = base(*two_evidenced_strands(), child_born="2020-01-01")
    assert run(young, "2024-12-31").status == "eligible"


# ------------------------------------------------------------------ strand readings


def offences(kind: str) -> list[Record]:
    return [
        rec("incident_recorded", "2023-10-05", person="P1", kind="offence", source_id="O1"),
        need("1.1", "P1"),
        rec("incident_recorded", "2024-02-20", person="P1", kind=kind, source_id="O2"),
    ]


def test_offence_kinds_default_counts_proven_offences_alternative_recorded_only() -> None:
    recs = base(*offences("proven_offence"))
    assert crit(run(recs, "2024-07-10"), "1.1")["expected_on"] == "2024-08-20"
    only = run(recs, "2024-07-10", offence_kinds=["offence"])
    assert crit(only, "1.1")["status"] == "met"


def fte(days: int) -> list[Record]:
    # entry (row 1): 3 fixed-term exclusions in the 12 months before N = 2024-01-10, all out
    # of the 12 months to D = 2024-06-01 again; then the exclusion the outcome counts
    entry = [
        rec("exclusion_recorded", f"2023-02-0{i}", person="C1", kind="fixed_term", days=1)
        for i in (1, 2, 3)
    ]
    return [
        *entry,
        need("2.1", "C1"),
        rec("exclusion_recorded", "2024-02-01", person="C1", kind="fixed_term", days=days),
    ]


def test_permanent_exclusion_window_default_12_months_alternative_ever() -> None:
    # AMB-C18: a permanent exclusion 13 months before N enters row 1 only when "ever" is read
    recs = base(
        rec("exclusion_recorded", "2022-12-10", person="C1", kind="permanent"), need("2.1", "C1")
    )
    default = crit(run(recs, "2024-06-01"), "2.1")
    assert default["entry"] == "not_shown"
    assert "1 permanent exclusion(s)" not in default["entry_explanation"]
    ever = crit(run(recs, "2024-06-01", permanent_exclusion_window="ever"), "2.1")
    assert ever["entry"] == "confirmed"
    within = base(
        rec("exclusion_recorded", "2023-01-11", person="C1", kind="permanent"), need("2.1", "C1")
    )
    assert crit(run(within, "2024-06-01"), "2.1")["entry"] == "confirmed"


def test_row1_days_default_ten_alternative_five() -> None:
    # 7 days of exclusion in the 12 months to D: fewer than 10, not fewer than 5
    recs = base(*fte(7))
    d = crit(run(recs, "2024-06-01"), "2.1")["explanation"]
    assert "7" in d and "fewer than 10" in d
    d5 = crit(run(recs, "2024-06-01", row1_days_fewer_than=5), "2.1")
    assert d5["status"] == "pending" and "fewer than 5" in d5["explanation"]


def pru() -> list[Record]:
    return [
        rec(
            "enrolment_started", "2023-09-04", person="C1", provider="PRU-1",
            provider_type="pupil_referral_unit",
        ),
        term("2023-spring", "2023-03-31", 100, 20, 0, 80),
        term("2023-summer", "2023-08-31", 100, 20, 0, 80),
        term("2023-autumn", "2023-12-31", 100, 20, 0, 80),
        need("2.6", "C1"),
        term("2024-spring", "2024-03-31", 100, 62, 0, 38),
        term("2024-summer", "2024-08-31", 100, 60, 0, 40),
        term("2024-autumn", "2024-12-31", 100, 61, 0, 39),
    ]  # fmt: skip


def test_row6_outcome_default_attendance_alternative_progress() -> None:
    # baseline 20% attended; the 3 terms to D: 183/300 = 61% (+41 points), unauthorised 39%
    recs = base(*pru())
    assert crit(run(recs, "2024-12-31"), "2.6")["status"] != "met"
    assert crit(run(recs, "2024-12-31", row6_outcome="progress"), "2.6")["status"] == "met"


def step_down() -> list[Record]:
    return [
        rec("plan_opened", "2023-10-01", plan="CP-1", level="cp", person="C1"),
        need("3.3", "C1"),
        rec("plan_stepped_down", "2024-02-29", plan="CP-1", level="cin"),
    ]


def test_strand3_months_default_six_alternative_three() -> None:
    recs = base(*step_down())
    assert crit(run(recs, "2024-06-01"), "3.3")["expected_on"] == "2024-08-29"
    assert crit(run(recs, "2024-06-01", strand3_months=3), "3.3")["status"] == "met"


def test_step_down_counts_default_both_alternative_closure_only() -> None:
    recs = base(*step_down())
    assert crit(run(recs, "2024-08-29"), "3.3")["status"] == "met"
    assert crit(run(recs, "2024-08-29", step_down_counts=["closed"]), "3.3")["status"] != "met"


def da(notice_on: str) -> list[Record]:
    return [
        need("5.1"),
        rec(
            "incident_recorded", notice_on, person="P1", kind="police_da_notification",
            source="police", source_id="DA1",
        ),
        ev("5.1", "judged_safe_no_further_risk", "2024-02-01"),
    ]  # fmt: skip


def test_da_months_default_three_alternative_six() -> None:
    recs = base(*da("2024-03-01"))
    assert crit(run(recs, "2024-06-01"), "5.1")["status"] == "met"
    assert crit(run(recs, "2024-06-01", da_months=6), "5.1")["expected_on"] == "2024-09-01"


def stars(*readings: tuple[str, int, int]) -> list[Record]:
    return [
        rec("assessment_scored", on, tool="family_star_plus",
            scores={"home_and_money": a, "progress_to_work": b})
        for on, a, b in readings
    ]  # fmt: skip


def test_star_readings_default_two_alternative_three() -> None:
    recs = base(
        rec("support_need_flagged", "2024-01-05", need="parent_not_in_work"),
        need("4.4"),
        *stars(("2024-03-01", 6, 7), ("2024-05-01", 7, 7), ("2024-07-01", 7, 8)),
    )
    assert crit(run(recs, "2024-07-01"), "4.4")["met_since"] == "2024-07-01"
    assert crit(run(recs, "2024-07-01", star_readings=3), "4.4")["status"] == "pending"


def avg(*readings: tuple[str, int]) -> list[Record]:
    return [
        rec(
            "assessment_scored", on, tool="family_star_plus",
            scores={"physical_health": s, "your_well_being": s},
        )
        for on, s in readings
    ]  # fmt: skip


def test_star_average_readings_default_two_alternative_three() -> None:
    recs = base(
        *avg(("2024-01-05", 4)),
        need("3.4"),
        *avg(("2024-03-01", 5), ("2024-05-01", 6), ("2024-07-01", 7)),
    )
    assert crit(run(recs, "2024-07-01"), "3.4")["status"] == "met"
    assert crit(run(recs, "2024-07-01", star_average_readings=3), "3.4")["status"] == "pending"


def progress() -> list[Record]:
    return [
        rec("benefit_started", "2023-06-01", person="P1", benefit="esa"),
        need("4.1", "P1"),
        rec("progress_to_work_recorded", "2024-03-01", person="P1", kind="work_experience"),
    ]


def test_progress_sustained_by_default_data_alternative_practitioner() -> None:
    recs = base(*progress())
    assert crit(run(recs, "2024-04-01"), "4.1")["status"] == "met"
    p = crit(run(recs, "2024-04-01", progress_sustained_by="practitioner"), "4.1")
    assert p["status"] == "evidence_required"
    both = base(*progress(), ev("4.1", person="P1", on="2024-03-20"))
    assert (
        crit(run(both, "2024-04-01", progress_sustained_by="practitioner"), "4.1")["status"]
        == "met"
    )


def jsa_job() -> list[Record]:
    return [
        rec("benefit_started", "2023-06-01", person="P1", benefit="jsa"),
        need("4.SA"),
        rec("benefit_ended", "2024-01-14", person="P1", benefit="jsa"),
        rec("employment_started", "2024-01-15", person="P1"),
    ]


def test_sa_long_weeks_default_26_alternative_30() -> None:
    recs = base(*jsa_job())
    assert crit(run(recs, "2024-07-14"), "4.SA")["status"] == "met"
    assert crit(run(recs, "2024-07-14", sa_long_weeks=30), "4.SA")["expected_on"] == "2024-08-11"


def test_sa_uc_at_aet_default_true_alternative_false() -> None:
    recs = base(
        rec("benefit_started", "2023-09-01", person="P1", benefit="uc_work_related"),
        need("4.SA"),
        rec("employment_started", "2024-01-15", person="P1"),
        rec("earnings_reported", "2024-01-15", person="P1", period_end="2024-02-14",
            gross_pay=54100, household="couple"),
    )  # fmt: skip
    assert crit(run(recs, "2024-07-14"), "4.SA")["status"] == "met"
    off = crit(run(recs, "2024-07-14", sa_uc_at_aet=False), "4.SA")
    assert (off["status"], off["expected_on"]) == ("pending", None)


def test_stand_alone_claim_ignores_unmet_needs_and_every_child_attendance() -> None:
    recs = base(*jsa_job(), need("1.4", "P1"), *family_evidence(), *attendance(60))
    d = run(recs, "2024-12-31")
    assert d.status == "eligible" and d.eligible_from is not None
    assert d.eligible_from.isoformat() == "2024-07-14"
    assert crit(d, "4.SA")["stand_alone"] is True
    assert crit(d, "1.4")["status"] == "evidence_required"


def test_stand_alone_attendance_default_waived_alternative_apply() -> None:
    # AMB-K06 against FL-HT-6: a child at 60% absence does not stop the employment claim
    # unless the reading says FL-HT-4 applies to every claim
    recs = base(*jsa_job(), need("1.4", "P1"), *family_evidence(), *attendance(60))
    assert run(recs, "2024-12-31").status == "eligible"
    applied = run(recs, "2024-12-31", stand_alone_attendance="apply")
    assert applied.status == "not_eligible" and applied.eligible_from is None


def test_pending_stand_alone_claim_forecasts_its_own_date() -> None:
    # semantics.md §5: eligible_from is the date the family is eligible if nothing else is
    # recorded; a running stand-alone claim gives it although 1.4 still needs evidence
    recs = base(*jsa_job(), need("1.4", "P1"), *family_evidence())
    before = run(recs, "2024-07-13")
    assert before.status == "pending" and str(before.eligible_from) == "2024-07-14"
    assert "stand-alone claim" in (before.eligible_from_reason or "")
    on_the_day = run(recs, "2024-07-14")
    assert on_the_day.status == "eligible" and str(on_the_day.eligible_from) == "2024-07-14"
    # without the family evidence the stand-alone route cannot make the claim either
    bare = base(*jsa_job(), need("1.4", "P1"))
    assert run(bare, "2024-07-13").eligible_from is None


def test_dependent_children_default_true_alternative_false() -> None:
    recs = [
        rec("family_nominated", "2024-01-10"),
        rec("person_joined", "2024-01-10", person="P1", role="adult", born_on="1985-01-20"),
        *two_evidenced_strands(),
    ]
    assert run(recs, "2024-06-01").status == "not_eligible"
    assert run(recs, "2024-06-01", dependent_children_or_expectant=False).status == "eligible"
