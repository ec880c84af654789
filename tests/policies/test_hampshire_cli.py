"""hampshire end to end: import a case family into a temporary SQLite store, then
`evaluate --framework hampshire` and `explain` (issue 4 "Done when")."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sftimeline.cli import main

CASE = (
    Path(__file__).parents[1]
    / "cases"
    / "hampshire"
    / "family-no-regression-new-problem-outside-plan.yaml"
)


@pytest.fixture
def db(tmp_path: Path) -> str:
    case = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    lines = []
    for r in case["records"]:
        r = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in r.items()}
        r.setdefault("family", "F1")
        r.setdefault("recorded_at", f"{r['occurred_on']}T00:00:00+00:00")
        lines.append(json.dumps(r))
    data = tmp_path / "f1.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = str(tmp_path / "store.sqlite")
    result = CliRunner().invoke(main, ["--db", path, "import", "--no-process", str(data)])
    assert result.exit_code == 0, result.output
    return path


def evaluate(db: str, on: str) -> dict[str, object]:
    args = ["--db", db, "evaluate", "--on", on, "--framework", "hampshire", "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    (decision,) = json.loads(result.output)
    assert isinstance(decision, dict)
    return decision


def test_evaluate_eligible_before_the_new_problem(db: str) -> None:
    decision = evaluate(db, "2024-07-10")
    assert decision["framework"] == "hampshire"
    assert decision["status"] == "eligible"
    assert {c["criterion"]: c["status"] for c in decision["criteria"]} == {  # type: ignore[attr-defined]
        "hampshire:CRIME.i": "met"
    }


def test_evaluate_not_eligible_once_a_new_problem_is_outside_the_plan(db: str) -> None:
    decision = evaluate(db, "2024-08-02")
    assert decision["status"] == "not_eligible"
    rules = {r["rule"]: r["status"] for r in decision["family_rules"]}  # type: ignore[attr-defined]
    assert rules["no_regression"] == "not_met"


def test_explain_names_the_rule_the_reading_and_the_new_problem(db: str) -> None:
    args = ["--db", db, "explain", "F1", "--on", "2024-08-02", "--framework", "hampshire"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "regression_reading = entry_predicates (AMB-K03" in out
    assert "DVA problem since 2024-08-01" in out
    assert "Crime and ASB, nomination i" in out
