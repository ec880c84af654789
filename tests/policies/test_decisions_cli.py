"""`evaluate` and `explain` against a stand-in RecordStore (the real one is engineer A's)."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from policy_helpers import evidence, family_base, need, rec

from sftimeline.commands.decisions import evaluate, explain
from sftimeline.records import Record

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


class FakeStore:
    @classmethod
    def open(cls, url: str) -> FakeStore:
        assert url == "sqlite:///fake.db"
        return cls()

    def close(self) -> None:
        pass

    def families(self) -> list[str]:
        return ["F1"]

    def family_records(self, family: str) -> list[Record]:
        return RECORDS if family == "F1" else []

    def iter_family_records(self) -> Iterator[tuple[str, list[Record]]]:
        yield "F1", RECORDS


@pytest.fixture(autouse=True)
def fake_store(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("sftimeline.adapters.store")
    module.RecordStore = FakeStore  # type: ignore[attr-defined]
    module.StoreError = type("StoreError", (Exception,), {})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sftimeline.adapters.store", module)
    monkeypatch.setenv("SFTIMELINE_STORE", "sqlite:///fake.db")


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
