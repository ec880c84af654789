"""`evaluate` and `explain` on a store holding one family (commands invoked on their own)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from policy_helpers import evidence, family_base, need, rec

from sftimeline.adapters.store import RecordStore
from sftimeline.commands.decisions import evaluate, explain

RECORDS = [
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


@pytest.fixture(autouse=True)
def store_with_f1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A SQLite store holding family F1's records, named by the environment."""
    path = str(tmp_path / "store.sqlite")
    with RecordStore.open(path) as store:
        store.save_records(RECORDS, datetime(2024, 12, 1, tzinfo=UTC))
    monkeypatch.setenv("SFTIMELINE_DB", path)


def test_evaluate_json() -> None:
    out = CliRunner().invoke(
        evaluate,
        ["--on", "2024-07-09", "--known-at", "2024-12-01T00:00:00+00:00", "--format", "json"],
    )
    assert out.exit_code == 0, out.output
    (d,) = json.loads(out.output)
    assert d["status"] == "pending" and d["eligible_from"] == "2024-07-10"
    assert d["known_at"] == "2024-12-01T00:00:00+00:00"


def test_evaluate_jsonl_csv_table() -> None:
    runner = CliRunner()
    jl = runner.invoke(evaluate, ["--on", "2024-07-10", "--format", "jsonl", "--family", "F1"])
    assert json.loads(jl.output.splitlines()[0])["status"] == "eligible"
    cs = runner.invoke(evaluate, ["--on", "2024-07-10", "--format", "csv"])
    assert cs.output.splitlines()[0].startswith("family,framework,on,known_at,status")
    tb = runner.invoke(evaluate, ["--on", "2024-07-10"])
    assert "F1" in tb.output and "eligible" in tb.output


def test_evaluate_bad_framework_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "council.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    out = CliRunner().invoke(evaluate, ["--on", "2024-07-10", "--framework-file", str(bad)])
    assert out.exit_code != 0 and "title" in out.output


def test_explain() -> None:
    out = CliRunner().invoke(explain, ["F1", "--on", "2024-07-09"])
    assert out.exit_code == 0, out.output
    text = out.output
    assert "national-2022:7.1 for P1" in text
    assert "Annex A, Headline 7" in text
    assert "will be met on 2024-07-10" in text
    assert "police:A1" in text
    assert "Eligible from 2024-07-10" in text
