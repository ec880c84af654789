"""herefordshire-tf-2020 end to end: import a case family into a temporary SQLite store,
then `evaluate --framework herefordshire-tf-2020` and `explain` (issue 4 "Done when")."""

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
    / "herefordshire-tf-2020"
    / "family-minimum-two-headlines.yaml"
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


def test_evaluate_json_gives_the_hand_worked_decision(db: str) -> None:
    args = ["--db", db, "evaluate", "--on", "2024-07-10", "--framework", "herefordshire-tf-2020"]
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    (decision,) = json.loads(result.output)
    assert decision["framework"] == "herefordshire-tf-2020"
    assert decision["status"] == "eligible"
    assert decision["eligible_from"] == "2024-07-10"
    codes = {c["criterion"]: c["status"] for c in decision["criteria"]}
    assert codes == {
        "herefordshire-tf-2020:15": "met",
        "herefordshire-tf-2020:20": "met",
        "herefordshire-tf-2020:App1-P4-4": "met",
        "herefordshire-tf-2020:App1-P6-6": "met",
    }


def test_explain_names_the_readings_and_the_forecast(db: str) -> None:
    result = CliRunner().invoke(
        main,
        ["--db", db, "explain", "F1", "--on", "2024-07-09", "--framework", "herefordshire-tf-2020"],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "PENDING" in out and "Eligible from 2024-07-10" in out
    assert "sustainment_months = 6 (FL-TF-3" in out
    assert "headline 6, measure 20" in out
