"""DSL family rules (``family_rules.outcomes``): one expression evaluated for the family.

A tiny framework with one evidence-only criterion and the family rule "no police report
about anyone in the household for 6 months" shows each way the family rule joins the
decision: it holds, it is pending with a date, it fails, and a bad expression is reported
with its location when the framework loads.
"""

from __future__ import annotations

import pytest
from policy_helpers import decide, rec

from sftimeline.policies.loader import FrameworkError, load_framework_text

FRAMEWORK = """
id: tiny
title: Tiny
source: test
headlines: {1: Crime}
family_rules:
  min_headlines: 1
  dependent_children_or_expectant: false
  outcomes:
    - id: no_police_reports
      rule: no police report about anyone in the household for 6 months
      cite: test framework, family rule 1
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
"""


def _family(*extra):  # type: ignore[no-untyped-def]
    return [
        rec("family_nominated", "2024-01-10"),
        rec("person_joined", "2024-01-10", person="P1", role="adult", born_on="1990-05-01"),
        rec("need_identified", "2024-01-10", criterion="tiny:1"),
        rec(
            "evidence_recorded",
            "2024-02-01",
            criterion="tiny:1",
            evidence="practitioner_assessment",
            outcome_achieved=True,
        ),
        *extra,
    ]


def test_family_rule_pending_until_six_months_from_nomination() -> None:
    fw = load_framework_text(FRAMEWORK)
    d = decide(_family(), "2024-07-09", fw)
    assert d.status == "pending"
    assert d.eligible_from is not None and d.eligible_from.isoformat() == "2024-07-10"
    rule = next(r for r in d.to_dict()["family_rules"] if r["rule"] == "no_police_reports")
    assert rule["status"] == "pending" and rule["expected_on"] == "2024-07-10"
    assert rule["cite"] == "test framework, family rule 1"


def test_family_rule_met_makes_family_eligible() -> None:
    fw = load_framework_text(FRAMEWORK)
    d = decide(_family(), "2024-07-10", fw)
    assert d.status == "eligible"
    assert d.eligible_from is not None and d.eligible_from.isoformat() == "2024-07-10"


def test_family_rule_broken_by_a_report_moves_the_forecast() -> None:
    fw = load_framework_text(FRAMEWORK)
    report = rec(
        "incident_recorded",
        "2024-03-01",
        person="P1",
        kind="police_report",
        source="police",
        source_id="R1",
    )
    d = decide(_family(report), "2024-07-10", fw)
    assert d.status == "pending"
    assert d.eligible_from is not None and d.eligible_from.isoformat() == "2024-09-01"
    rule = next(r for r in d.to_dict()["family_rules"] if r["rule"] == "no_police_reports")
    assert "police:R1" in rule["facts"]


def test_family_rule_with_bad_expression_is_reported_with_location() -> None:
    bad = FRAMEWORK.replace("no_records_for: {months: 6", "no_records_for: {months: 0")
    with pytest.raises(FrameworkError) as err:
        load_framework_text(bad)
    assert "family_rules.outcomes[0].expression" in str(err.value)
