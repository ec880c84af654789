"""Family-level rules, statuses and the decision's JSON keys (interchange.md, Decisions out)."""

from __future__ import annotations

import datetime as dt
import json

from policy_helpers import NATIONAL, decide, evidence, family_base, need, rec, status_of

from sftimeline.policies.evaluator import evaluate_family

REQUIRED = ["family", "framework", "on", "known_at", "status", "eligible_from", "criteria"]
CRITERION = ["criterion", "person", "status", "expected_on", "explanation", "facts"]


def _met_family() -> list:
    return [
        *family_base(),
        need("5.1", "2024-01-10"),
        evidence("5.1", "2024-02-01", "practitioner_assessment"),
        need("10.2", "2024-01-10"),
        evidence("10.2", "2024-02-01", "debt_reduced"),
        need("7.1", "2024-01-10", "P1"),
        rec(
            "incident_recorded",
            "2023-12-01",
            person="P1",
            kind="arrest",
            source="police",
            source_id="A1",
        ),
    ]


def test_decision_json_keys_and_values() -> None:
    d = decide(_met_family(), "2024-07-10").to_dict()
    assert list(d)[: len(REQUIRED)] == REQUIRED
    assert d["family"] == "F1" and d["framework"] == "national-2022"
    assert d["on"] == "2024-07-10"
    assert d["known_at"] == "2100-01-01T00:00:00+00:00"
    assert d["status"] == "eligible" and d["eligible_from"] == "2024-07-10"
    for c in d["criteria"]:
        assert list(c)[: len(CRITERION)] == CRITERION
        assert c["criterion"].startswith("national-2022:")
        assert isinstance(c["facts"], list) and isinstance(c["explanation"], str)
    crime = next(c for c in d["criteria"] if c["criterion"] == "national-2022:7.1")
    assert "police:A1" in crime["facts"]
    assert "fingerprint" in d and "family_rules" in d
    json.dumps(d)


def test_pending_family_has_exact_eligible_from() -> None:
    recs = _met_family()
    d = decide(recs, "2024-07-09")
    assert d.status == "pending" and d.eligible_from == dt.date(2024, 7, 10)
    assert d.to_dict()["criteria"][1]["expected_on"] == "2024-07-10"
    assert decide(recs, "2024-07-10").status == "eligible"


def test_too_few_headlines_is_not_eligible() -> None:
    recs = [r for r in _met_family() if "10.2" not in str(r.data.get("criterion"))]
    d = decide(recs, "2024-08-01")
    assert d.status == "not_eligible" and d.eligible_from is None
    assert "at least 3" in (d.eligible_from_reason or "")


def test_two_needs_of_one_headline_count_once() -> None:
    recs = [
        *_met_family(),
        need("10.1", "2024-01-10", "P1"),
        rec("employment_started", "2024-02-01", person="P1"),
    ]
    recs = [r for r in recs if "5.1" not in str(r.data.get("criterion"))]
    assert decide(recs, "2024-08-01").status == "not_eligible"


def test_needs_arising_later_count() -> None:
    recs = [*_met_family(), need("10.1", "2024-08-01", "P1")]
    d = decide(recs, "2024-08-02")
    assert status_of(d, "10.1") == "evidence_required" and d.status == "evidence_required"
    assert decide(recs, "2024-07-31").status == "eligible"  # not yet identified on D


def test_other_frameworks_needs_are_ignored() -> None:
    recs = [
        *_met_family(),
        rec("need_identified", "2024-01-10", criterion="herefordshire-2022:10.1", person="P1"),
    ]
    d = decide(recs, "2024-08-01")
    assert d.status == "eligible"
    assert all(c.criterion.startswith("national-2022:") for c in d.criteria)


def test_unknown_code_is_insufficient_data() -> None:
    recs = [*_met_family(), need("11.9", "2024-01-10")]
    d = decide(recs, "2024-08-01")
    assert status_of(d, "11.9") == "insufficient_data" and d.status == "insufficient_data"


def test_no_dependent_child_but_expectant_parent() -> None:
    recs = [r for r in _met_family() if r.person != "C1"]
    assert decide(recs, "2024-08-01").status == "not_eligible"
    recs.append(
        rec(
            "evidence_recorded",
            "2024-01-10",
            criterion="national-2022:family",
            evidence="expectant_parent",
            outcome_achieved=True,
        )
    )
    assert decide(recs, "2024-08-01").status == "eligible"


def test_child_who_left_is_not_dependent() -> None:
    recs = [*_met_family(), rec("person_left", "2024-05-01", person="C1")]
    assert decide(recs, "2024-08-01").status == "not_eligible"
    assert decide(recs, "2024-04-30").status == "pending"


def test_age_band_contradiction_is_insufficient_data() -> None:
    recs = [*_met_family(), need("7.3", "2024-01-10", "P1")]  # P1 is an adult
    d = decide(recs, "2024-08-01")
    assert status_of(d, "7.3") == "insufficient_data"
    c = next(c for c in d.criteria if c.criterion.endswith("7.3"))
    assert "AMB-I01" in c.result.explanation


def test_entry_not_shown_reports_the_outcome() -> None:
    recs = [*family_base(), need("7.1", "2024-01-10", "P1")]  # no incident in 12 months
    d = decide(recs, "2024-08-01")
    row = d.to_dict()["criteria"][0]
    assert (row["status"], row["entry"]) == ("met", "not_shown")
    assert "entry not shown" in row["explanation"]


def test_criterion_without_entry_condition_reports_entry_null() -> None:
    recs = [*family_base(), need("5.1", "2024-01-10")]
    assert decide(recs, "2024-08-01").to_dict()["criteria"][0]["entry"] is None


def test_evidence_not_achieved_is_evidence_required() -> None:
    recs = [
        *_met_family(),
        need("2.1", "2024-01-10"),
        evidence("2.1", "2024-03-01", "practitioner_assessment", achieved=False),
    ]
    d = decide(recs, "2024-08-01")
    assert status_of(d, "2.1") == "evidence_required" and d.status == "evidence_required"
    assert d.eligible_from is None


def test_supplementary_alone_never_enough() -> None:
    recs = [
        *_met_family(),
        need("1.4", "2024-01-10", "C1"),
        evidence("1.4", "2024-03-01", "family_engaging_with_support", "C1"),
    ]
    assert status_of(decide(recs, "2024-08-01"), "1.4") == "evidence_required"
    recs.append(evidence("1.4", "2024-03-02", "send_support_in_place", "C1"))
    assert status_of(decide(recs, "2024-08-01"), "1.4") == "met"


def test_closure_follow_up_pending_then_met() -> None:
    recs = [
        *_met_family(),
        need("8.3", "2024-01-10"),
        rec("case_closed", "2024-03-31"),
        evidence("8.3", "2024-03-01", "specialist_support_engaged"),
    ]
    d = decide(recs, "2024-08-01")
    assert status_of(d, "8.3") == "pending" and d.eligible_from == dt.date(2024, 9, 30)
    assert decide(recs, "2024-09-29").status == "pending"
    assert decide(recs, "2024-09-30").status == "eligible"


def test_no_needs_is_not_eligible() -> None:
    d = evaluate_family(
        NATIONAL, "F9", [], dt.date(2024, 1, 1), dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    )
    assert d.status == "not_eligible" and d.criteria == []


def test_family_level_evidence_is_required_when_the_framework_lists_it() -> None:
    from importlib import resources

    import yaml

    from sftimeline.policies.loader import load_framework_text

    data = yaml.safe_load(
        (resources.files("sftimeline.policies") / "frameworks" / "national-2022.yaml").read_text(
            encoding="utf-8"
        )
    )
    data["family_rules"]["family_evidence"] = ["whole_family_assessment", "lead_practitioner"]
    fw = load_framework_text(yaml.safe_dump(data))
    recs = _met_family()
    d = decide(recs, "2024-08-01", framework=fw)
    assert d.status == "evidence_required" and d.eligible_from is None
    recs += [
        rec(
            "evidence_recorded",
            "2024-03-01",
            criterion="national-2022:family",
            evidence=kind,
            outcome_achieved=True,
        )
        for kind in ("whole_family_assessment", "lead_practitioner")
    ]
    d = decide(recs, "2024-08-01", framework=fw)
    assert d.status == "eligible" and d.eligible_from == dt.date(2024, 7, 10)
    assert [r["rule"] for r in d.to_dict()["family_rules"]][-2:] == [
        "family_evidence:whole_family_assessment",
        "family_evidence:lead_practitioner",
    ]


def test_at_least_one_of_for_domestic_abuse() -> None:
    recs = [*_met_family(), need("8.2", "2024-01-10"), rec("case_closed", "2024-02-01")]
    assert status_of(decide(recs, "2024-09-01"), "8.2") == "evidence_required"
    recs.append(rec("assessment_scored", "2024-01-05", tool="dash", scores={"risk": 14}))
    recs.append(rec("assessment_scored", "2024-06-05", tool="dash", scores={"risk": 5}))
    assert status_of(decide(recs, "2024-09-01"), "8.2") == "met"
