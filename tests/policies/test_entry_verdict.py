"""The entry verdict (docs/semantics.md, "Entry conditions"; AMB-A07) wherever a decision is
shown: the decision JSON, explain, the replay, the audit pack, compare, the status table and
the claims register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from policy_helpers import decide, family_base, need, rec
from sqlalchemy import create_engine

from sftimeline.aggregates.outcomes import CLAIM_ASSESSED, DECISION_RECORDED
from sftimeline.policies.compare import compare
from sftimeline.policies.evaluator import Decision, evaluate_family
from sftimeline.policies.loader import load_framework
from sftimeline.policies.process import summary
from sftimeline.readmodels.status import apply_page, create_tables, query_claims, query_status
from sftimeline.reports.changes import diff_decisions
from sftimeline.reports.explain import explain_text
from sftimeline.reports.html import ReportInput, render_report

N = "2024-01-10"
#: 7.1 identified on N with no incident in the 12 months before: the entry is not shown
UNSHOWN = [*family_base(), need("7.1", N, "P1")]
#: an arrest dated before N that the council learnt of only on 2024-05-01
LATE_ARREST = rec(
    "incident_recorded",
    "2023-11-02",
    recorded_at="2024-05-01T00:00:00+00:00",
    person="P1",
    kind="arrest",
    source="police",
    source_id="INC-1",
)


def row(d: Decision) -> dict[str, Any]:
    out: dict[str, Any] = d.to_dict()["criteria"][0]
    return out


def test_every_criterion_row_carries_its_verdict_and_why() -> None:
    d = decide(UNSHOWN, "2024-08-01")
    assert row(d)["entry"] == "not_shown"
    assert "the records show 0" in row(d)["entry_explanation"]
    assert d.to_dict()["flags"] == []


def test_explain_names_the_verdict() -> None:
    fw = load_framework("national-2022")
    text = explain_text(fw, decide(UNSHOWN, "2024-08-01"), {})
    assert "  Entry: not shown — the records show 0" in text


def test_replay_reports_a_late_record_confirming_the_entry() -> None:
    fw = load_framework("national-2022")
    on = dt.date(2024, 8, 1)
    records = [*UNSHOWN, LATE_ARREST]
    before = evaluate_family(fw, "F1", records, on, dt.datetime(2024, 4, 1, tzinfo=dt.UTC))
    after = evaluate_family(fw, "F1", records, on, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    changes = [c for c in diff_decisions(before, after) if c.kind == "entry_changed"]
    assert [(c.before, c.after) for c in changes] == [("not_shown", "confirmed")]


def test_audit_pack_shows_the_entry_column_and_the_reason() -> None:
    d = decide(UNSHOWN, "2024-08-01")
    page = render_report(ReportInput(d, "National", UNSHOWN, "explain"))
    assert "<th>entry</th>" in page
    assert "data-entry='not_shown'" in page and "Entry not shown: the records show 0" in page


def test_compare_lists_the_criteria_resting_on_an_unshown_entry() -> None:
    accept = decide(UNSHOWN, "2024-08-01")
    block = decide(UNSHOWN, "2024-08-01", entry_not_shown="block")
    out = compare(accept, block).to_dict()
    assert out["a"]["entry_not_shown"] == ["national-2022:7.1 (P1)"]
    assert out["b"]["entry_not_shown"] == ["national-2022:7.1 (P1)"]


def _claim_payload(d: Decision) -> dict[str, Any]:
    return {
        "family": "F1",
        "framework": d.framework,
        "claim": "claims:C-1",
        "claim_date": d.on.isoformat(),
        "claimed_at": d.known_at.isoformat(),
        "criteria": [],
        "state": "sound",
        "at_submission": None,
        "now": {"status": d.status, "entry_not_shown": ["national-2022:7.1"]},
        "caused_by": [],
        "basis": {"known_at": d.known_at.isoformat()},
    }


def test_status_table_and_claims_register_carry_the_unshown_entries() -> None:
    fw = load_framework("national-2022")
    d = decide(UNSHOWN, "2024-08-01")
    engine = create_engine("sqlite://")
    create_tables(engine)
    payload = {"family": "F1", **summary(d, fw, 1)}
    apply_page(engine, [(1, DECISION_RECORDED, payload), (2, CLAIM_ASSESSED, _claim_payload(d))], 2)
    (status,) = query_status(engine)
    assert status.to_dict()["entry_not_shown"] == ["national-2022:7.1"]
    assert [c.claim for c in query_claims(engine, entry_not_shown=True)] == ["claims:C-1"]
    # the entry confirmed later: the family's row no longer lists it
    confirmed = decide([*UNSHOWN, LATE_ARREST], "2024-08-01")
    again = {"family": "F1", **summary(confirmed, fw, 2)}
    apply_page(engine, [(3, DECISION_RECORDED, again)], 3)
    (status,) = query_status(engine)
    assert status.entry_not_shown == ()
