"""Stand-alone criteria (FL-HT-6, Hertfordshire 4.SA) and discretionary overrides
(FL-HT-3, AMB-K05) in the evaluator.

A tiny framework: criterion 1 needs practitioner evidence, criterion 2 is stand-alone and
needs evidence of a job; a family rule requires no police report for 6 months. A met
stand-alone criterion makes the claim on its own; an override makes a criterion (or the
family) met and says so in the decision, never as a computed result.
"""

from __future__ import annotations

from typing import Any

from policy_helpers import decide, rec

from sftimeline.policies.loader import load_framework_text
from sftimeline.records import Record

FRAMEWORK = """
id: tiny
title: Tiny
source: test
headlines: {1: Crime, 2: Work}
family_rules:
  min_headlines: 1
  dependent_children_or_expectant: false
  outcomes:
    - id: no_police_reports
      rule: no police report for 6 months
      cite: test
      expression:
        no_records_for: {months: 6, kinds: [police_report], who: household, from: nomination}
criteria:
  - code: "1"
    headline: 1
    need: a need
    cite: test 1
    tag: EVID
    subject: family
    outcome: {evidence: {kinds: [practitioner_assessment]}}
  - code: "2"
    headline: 2
    need: stand-alone
    cite: test 2
    tag: EVID
    subject: family
    stand_alone: true
    outcome: {evidence: {kinds: [job_sustained]}}
"""


def family(*extra: Record) -> list[Record]:
    return [
        rec("family_nominated", "2024-01-10"),
        rec("person_joined", "2024-01-10", person="P1", role="adult", born_on="1990-05-01"),
        rec("need_identified", "2024-01-10", criterion="tiny:1"),
        rec("need_identified", "2024-01-10", criterion="tiny:2"),
        *extra,
    ]


def ev(kind: str, on: str = "2024-03-01") -> Record:
    return rec(
        "evidence_recorded", on, criterion=f"tiny:{2 if kind == 'job_sustained' else 1}",
        evidence=kind, outcome_achieved=True,
    )  # fmt: skip


def override(code: str, on: str = "2024-04-01", **kw: Any) -> Record:
    return rec(
        "override_recorded", on, criterion=f"tiny:{code}", approver="A. Jones",
        role="head_of_service", reason="equivalent progress evidenced", **kw,
    )  # fmt: skip


def test_stand_alone_met_claims_even_with_other_criteria_and_rules_unmet() -> None:
    fw = load_framework_text(FRAMEWORK)
    d = decide(family(ev("job_sustained")), "2024-04-01", fw)
    assert d.status == "eligible"
    assert d.eligible_from is not None and d.eligible_from.isoformat() == "2024-03-01"
    assert "stand-alone claim tiny:2" in (d.eligible_from_reason or "")
    out = d.to_dict()
    assert [c["status"] for c in out["criteria"]] == ["evidence_required", "met"]
    assert out["criteria"][1]["stand_alone"] is True


def test_stand_alone_not_met_leaves_the_ordinary_decision_and_met_does_not_wait() -> None:
    fw = load_framework_text(FRAMEWORK)
    d = decide(family(ev("practitioner_assessment")), "2024-08-01", fw)
    assert d.status != "eligible"
    both = decide(family(ev("practitioner_assessment"), ev("job_sustained")), "2024-07-09", fw)
    # the stand-alone claim does not wait for the family rule (pending until 2024-07-10)
    assert both.status == "eligible"
    assert both.eligible_from is not None and both.eligible_from.isoformat() == "2024-03-01"
    rule = next(r for r in both.to_dict()["family_rules"] if r["rule"] == "no_police_reports")
    assert rule["status"] == "pending"


def test_criterion_override_is_shown_as_an_override() -> None:
    fw = load_framework_text(FRAMEWORK)
    recs = family(ev("job_sustained", "2024-09-01"), override("1"))
    d = decide(recs, "2024-07-10", fw)
    c1 = d.to_dict()["criteria"][0]
    assert c1["status"] == "met" and c1["met_since"] == "2024-04-01"
    assert c1["override"]["approver"] == "A. Jones"
    assert c1["override"]["role"] == "head_of_service"
    assert c1["override"]["reason"] == "equivalent progress evidenced"
    assert "discretionary override by A. Jones" in c1["explanation"]
    assert "computed: evidence_required" in c1["explanation"]


def test_override_not_used_when_the_computed_result_is_met() -> None:
    fw = load_framework_text(FRAMEWORK)
    d = decide(family(ev("practitioner_assessment"), override("1")), "2024-07-10", fw)
    c1 = d.to_dict()["criteria"][0]
    assert c1["status"] == "met" and "override" not in c1
    assert c1["met_since"] == "2024-03-01"


def test_override_dated_after_d_is_not_seen() -> None:
    fw = load_framework_text(FRAMEWORK)
    d = decide(family(override("1", "2024-08-01")), "2024-07-10", fw)
    assert "override" not in d.to_dict()["criteria"][0]


def test_family_override_makes_the_family_eligible_and_says_so() -> None:
    fw = load_framework_text(FRAMEWORK)
    d = decide(family(override("family", "2024-05-02")), "2024-06-01", fw)
    out = d.to_dict()
    assert out["status"] == "eligible" and out["eligible_from"] == "2024-05-02"
    assert out["override"]["approver"] == "A. Jones"
    assert "discretionary override by A. Jones" in (out["eligible_from_reason"] or "")
    assert out["criteria"][0]["status"] == "evidence_required"


def test_explain_prints_overrides_and_the_stand_alone_reason() -> None:
    from sftimeline.reports.explain import explain_text

    fw = load_framework_text(FRAMEWORK)
    recs = family(override("1"), override("family", "2024-05-02"))
    text = explain_text(fw, decide(recs, "2024-06-01", fw), {r.key: r for r in recs})
    assert (
        "DISCRETIONARY OVERRIDE of the family's claim: discretionary override by A. Jones" in text
    )
    assert "  DISCRETIONARY OVERRIDE: discretionary override by A. Jones (head_of_service)" in text
    assert "not a computed result" in text
    recs = family(ev("job_sustained"))
    text = explain_text(fw, decide(recs, "2024-04-01", fw), {r.key: r for r in recs})
    assert "Why: stand-alone claim tiny:2 met" in text
