"""CLI: process enable/run/show, import running the process, status filters, claims register."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sftimeline.cli import main
from test_policy_process import base_family, claim, late_asb


def run(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def write(path: Path, rows: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def test_run_without_a_framework_is_a_clean_usage_error(store_url: str, tmp_path: Path) -> None:
    run(store_url, "import", write(tmp_path / "a.jsonl", base_family("A")))
    code, out = run(store_url, "process", "run")
    assert code == 2 and "no framework enabled" in out and "Traceback" not in out


def test_enable_unknown_framework_fails_cleanly(store_url: str) -> None:
    code, out = run(store_url, "process", "enable", "no-such-framework")
    assert code == 3 and "no framework 'no-such-framework'" in out


def test_import_runs_the_process_once_a_framework_is_enabled(
    store_url: str, tmp_path: Path
) -> None:
    rows = [*base_family("A"), claim("A", "2024-11-01", "2024-11-01T10:00:00+00:00", "A-C2")]
    code, out = run(store_url, "import", write(tmp_path / "a.jsonl", rows))
    assert code == 0 and "process:" not in out  # nothing enabled: import only
    assert run(store_url, "process", "enable", "national-2022")[0] == 0
    assert run(store_url, "process", "on", "2024-12-15")[0] == 0
    code, out = run(store_url, "process", "show")
    assert "national-2022" in out and "2024-12-15" in out and "behind" in out
    code, out = run(store_url, "process", "run")
    assert code == 0 and "decision_recorded:" in out and "became_eligible:" in out
    code, out = run(store_url, "status", "--format", "json")
    (row,) = json.loads(out)
    assert (row["family"], row["status"], row["eligible_from"]) == ("A", "eligible", "2024-07-10")
    code, out = run(store_url, "claims")
    assert "sound" in out and "claims:A-C2" in out
    # a late record imported afterwards is processed by the import itself
    late = write(tmp_path / "late.jsonl", [late_asb("A", "2024-10-01", "2024-12-05T09:00:00Z")])
    code, out = run(store_url, "import", late)
    assert code == 0 and "claim_at_risk:" in out and "criterion_regressed:" in out
    code, out = run(store_url, "claims", "--at-risk")
    assert "at_risk" in out and "at risk by incident_recorded police:LATE-1" in out
    code, out = run(store_url, "claims", "--at-risk", "--format", "json")
    (c,) = json.loads(out)
    assert c["caused_by"][0]["key"] == "police:LATE-1" and c["status_now"] == "pending"
    code, out = run(store_url, "status", "--pending", "--format", "json")
    assert [r["earliest_pending"] for r in json.loads(out)] == ["2025-04-01"]
    code, out = run(store_url, "status", "--regressed-since", "2024-12-05", "--format", "json")
    assert [r["family"] for r in json.loads(out)] == ["A"]
    code, out = run(store_url, "status", "--regressed-since", "2024-12-06", "--format", "json")
    assert json.loads(out) == []
    code, out = run(store_url, "status", "--eligible-by", "2025-04-01", "--format", "json")
    assert [r["eligible_from"] for r in json.loads(out)] == ["2025-04-01"]
    code, out = run(store_url, "status", "--eligible-by", "2025-03-31", "--format", "json")
    assert json.loads(out) == []
    other = dict(late_asb("A", "2024-10-02", "2024-12-07T09:00:00Z"), source_id="LATE-2")
    code, out = run(store_url, "import", "--no-process", write(tmp_path / "l2.jsonl", [other]))
    assert "process:" not in out
    result = CliRunner().invoke(main, ["--db", store_url, "status"])
    assert "1 record event(s) not yet processed" in result.stderr


def test_claims_submit_stores_a_claim_and_assesses_it(store_url: str, tmp_path: Path) -> None:
    run(store_url, "import", write(tmp_path / "a.jsonl", base_family("A")))
    run(store_url, "process", "enable", "national-2022")
    run(store_url, "process", "on", "2024-12-15")
    code, out = run(
        store_url,
        "claims",
        "submit",
        "A",
        "--framework",
        "national-2022",
        "--on",
        "2024-09-01",
        "--criteria",
        "national-2022:7.1",
    )
    assert code == 0 and "recorded at" in out and "claim_assessed:" in out
    code, out = run(store_url, "claims", "--format", "json")
    (c,) = json.loads(out)
    assert (c["claim"], c["claim_date"], c["state"]) == (
        "sftimeline-claims:claim:national-2022:2024-09-01",
        "2024-09-01",
        "sound",
    )
    assert c["criteria"] == ["national-2022:7.1"]
    code, out = run(store_url, "claims", "submit", "A", "--framework", "national-2022", "--on",
                    "2024-09-01")  # fmt: skip
    assert code == 1 and "different claim" in out  # same id, different content
    code, out = run(store_url, "claims", "submit", "NOPE", "--framework", "national-2022",
                    "--on", "2024-09-01")  # fmt: skip
    assert code == 3 and "unknown family 'NOPE'" in out
    code, out = run(store_url, "claims", "submit", "A", "--framework", "national-2022", "--on",
                    "2024-09-02", "--criteria", "other:1")  # fmt: skip
    assert code == 2 and "criteria must be of national-2022" in out
