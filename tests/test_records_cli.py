"""CLI: import, families, timeline, generate; user errors give clean messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sftimeline.cli import COMMAND_MODULES, main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "county.jsonl")


def run(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_command_modules_are_a_list() -> None:
    assert "sftimeline.commands.records" in COMMAND_MODULES
    assert {"import", "families", "timeline", "generate"} <= set(main.commands)


def test_import_example_then_families_and_timeline(sqlite_url: str) -> None:
    code, out = run(sqlite_url, "import", EXAMPLE)
    assert code == 0 and "rejected:   0" in out
    code, out = run(sqlite_url, "families")
    assert out.split() == ["FAM-0001", "FAM-0002", "FAM-0003", "FAM-0004", "FAM-0005"]
    code, out = run(sqlite_url, "timeline", "FAM-0004", "--on", "2024-10-01", "--format", "json")
    data = json.loads(out)
    assert "police:INC-90500" not in {r["key"] for r in data["records"]}
    assert data["retractions"][0]["target"] == "police:INC-90500"
    code, out = run(
        sqlite_url, "timeline", "FAM-0004", "--on", "2024-10-01", "--known-at", "2024-04-30"
    )
    assert code == 0 and "police:INC-90500" in out and "retractions applied" not in out
    code, out = run(sqlite_url, "import", EXAMPLE)
    assert code == 0 and "unchanged:  85" in out


def test_import_with_rejects_exits_1(tmp_path: Path, sqlite_url: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "case_closed"}\n', encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    code, out = run(sqlite_url, "import", str(bad), "--rejects", str(rejects))
    assert code == 1 and "bad.jsonl:1" in out and "family" in out
    assert json.loads(rejects.read_text())["line"] == 1


def test_unknown_family(sqlite_url: str) -> None:
    run(sqlite_url, "import", EXAMPLE)
    code, out = run(sqlite_url, "timeline", "NOPE", "--on", "2024-10-01")
    assert code == 3 and "unknown family 'NOPE'" in out and "Traceback" not in out


def test_bad_date(sqlite_url: str) -> None:
    code, out = run(sqlite_url, "timeline", "FAM-0001", "--on", "2024-02-30")
    assert code == 2 and "not an ISO date" in out
    code, out = run(sqlite_url, "timeline", "FAM-0001", "--on", "2024-02-01", "--known-at", "x")
    assert code == 2 and "--known-at" in out


def test_unreachable_database() -> None:
    code, out = run("postgresql://postgres@127.0.0.1:1/test", "families")
    assert code == 4 and "cannot open store" in out and "Traceback" not in out


def test_missing_input_file(sqlite_url: str) -> None:
    code, out = run(sqlite_url, "import", "/nonexistent.jsonl")
    assert code == 3 and "cannot read" in out


def test_generate_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path in (a, b):
        code, _ = run(
            str(tmp_path / "x.sqlite"),
            "generate",
            "--families",
            "5",
            "--seed",
            "7",
            "--out",
            str(path),
        )
        assert code == 0
    assert a.read_bytes() == b.read_bytes()


def test_example_county_has_a_claimable_family_and_says_why_not_the_others(
    sqlite_url: str,
) -> None:
    """The demo's data set answers the analyst's question with both sides: FAM-0003 is
    eligible on 2024-10-01 (its 7.3 practitioner assessment is recorded), the others are not,
    each for a reason the table names."""
    run(sqlite_url, "import", EXAMPLE)
    code, out = run(sqlite_url, "evaluate", "--on", "2024-10-01", "--format", "jsonl")
    assert code == 0
    decisions = {d["family"]: d for d in map(json.loads, out.splitlines())}
    assert decisions["FAM-0003"]["status"] == "eligible"
    assert decisions["FAM-0003"]["eligible_from"] == "2024-08-31"
    assert {f: d["status"] for f, d in decisions.items() if f != "FAM-0003"} == {
        "FAM-0001": "insufficient_data",
        "FAM-0002": "evidence_required",
        "FAM-0004": "not_eligible",
        "FAM-0005": "evidence_required",
    }
