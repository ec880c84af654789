"""The calmer CLI (issue 13 item 4): formats, filters, safe tables, clear errors and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sftimeline.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "county.jsonl")
ESC_CODE = "E\x1b[31mVIL\u202eX"


def cli(db: str, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--db", db, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write(path: Path, rows: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def row(family: str, n: int, type_: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": type_,
        "family": family,
        "occurred_on": "2024-01-10",
        "recorded_at": "2024-01-11T00:00:00+00:00",
        "source": "t",
        "source_id": f"{family}-{n}",
        **fields,
    }


@pytest.fixture
def county(sqlite_url: str) -> str:
    assert cli(sqlite_url, "import", EXAMPLE).exit_code == 0
    return sqlite_url


def test_control_characters_from_the_data_are_neutralised_in_tables(
    sqlite_url: str, tmp_path: Path
) -> None:
    joined = row(ESC_CODE, 1, "person_joined", person="P1", role="adult", born_on="1990-01-01")
    cli(sqlite_url, "import", write(tmp_path / "evil.jsonl", [joined]))
    for args in (["families"], ["timeline", ESC_CODE, "--on", "2024-10-01"]):
        out = cli(sqlite_url, *args).stdout
        assert "\x1b" not in out and "\u202e" not in out
        assert "E[U+001B][31mVIL[U+202E]X" in out
    out = cli(sqlite_url, "families", "--format", "json").stdout
    assert json.loads(out) == [ESC_CODE]  # JSON carries the data as it is


def test_tables_are_aligned_whatever_the_width(county: str) -> None:
    cli(county, "process", "enable", "national-2022")
    cli(county, "process", "run")
    lines = [ln for ln in cli(county, "status").stdout.splitlines() if "national-2022" in ln]
    assert len(lines) == 5 and len({ln.index("national-2022") for ln in lines}) == 1
    header = cli(county, "evaluate", "--on", "2024-10-01").stdout.splitlines()[0]
    assert header.split() == ["family", "status", "eligible_from", "criteria"]


@pytest.mark.parametrize(
    "args",
    [
        ["families"],
        ["status"],
        ["claims"],
        ["evaluate", "--on", "2024-10-01"],
        ["frameworks", "list"],
    ],
)
def test_every_listing_command_speaks_json_and_csv(county: str, args: list[str]) -> None:
    cli(county, "process", "enable", "national-2022")
    cli(county, "process", "run")
    as_json = json.loads(cli(county, *args, "--format", "json").stdout)
    as_csv = list(csv.reader(io.StringIO(cli(county, *args, "--format", "csv").stdout)))
    assert isinstance(as_json, list) and as_json and len(as_csv) >= 2
    if args[0] != "evaluate":  # evaluate's CSV has a row per criterion
        assert len(as_csv) == len(as_json) + 1


def test_families_are_filterable(county: str) -> None:
    out = cli(county, "families", "--match", "FAM-000[12]").stdout
    assert out.split() == ["FAM-0001", "FAM-0002"]


def test_evaluate_lists_only_families_with_a_need_unless_all(county: str, tmp_path: Path) -> None:
    lone = row("LONE", 1, "person_joined", person="P1", role="adult", born_on="1990-01-01")
    cli(county, "import", write(tmp_path / "lone.jsonl", [lone]))
    result = cli(county, "evaluate", "--on", "2024-10-01", "--format", "jsonl")
    families = [json.loads(x)["family"] for x in result.stdout.splitlines()]
    assert "LONE" not in families and len(families) == 5
    assert "1 family with no need identified under national-2022 not listed" in result.stderr
    out = cli(county, "evaluate", "--on", "2024-10-01", "--all").stdout
    (line,) = [ln for ln in out.splitlines() if ln.startswith("LONE")]
    assert "no need of this framework identified" in line
    out = cli(county, "evaluate", "--on", "2024-10-01", "--status", "eligible", "--format", "json")
    assert [d["family"] for d in json.loads(out.stdout)] == ["FAM-0003"]


def test_claims_submit_again_with_the_same_arguments_changes_nothing(county: str) -> None:
    args = ["claims", "submit", "FAM-0003", "--framework", "national-2022", "--on", "2024-10-01"]
    first = cli(county, *args)
    assert first.exit_code == 0 and "recorded at" in first.stdout
    again = cli(county, *args)
    assert again.exit_code == 0 and "is already recorded" in again.stdout
    families = cli(county, "timeline", "FAM-0003", "--on", "2024-10-02", "--format", "json")
    keys = [r["key"] for r in json.loads(families.stdout)["records"]]
    assert keys.count("sftimeline-claims:claim:national-2022:2024-10-01") == 1


def test_a_claim_under_a_framework_not_followed_is_listed_as_not_assessed(
    county: str, tmp_path: Path
) -> None:
    claim = row("FAM-0003", 9, "claim_submitted", framework="hampshire")
    cli(county, "import", write(tmp_path / "claim.jsonl", [claim]))
    claims = json.loads(cli(county, "claims", "--format", "json").stdout)
    (c,) = [c for c in claims if c["framework"] == "hampshire"]
    assert c["state"] == "not_assessed"
    assert c["note"] == "not assessed: run `sftimeline process enable hampshire`"
    cli(county, "process", "enable", "national-2022")
    cli(county, "process", "run")
    out = cli(county, "claims").stdout
    assert "not assessed: run `sftimeline process enable hampshire`" in out
    cli(county, "process", "enable", "hampshire")
    cli(county, "process", "run")
    claims = json.loads(cli(county, "claims", "--format", "json").stdout)
    (c,) = [c for c in claims if c["framework"] == "hampshire"]
    assert c["state"] != "not_assessed" and c["note"] is None


def test_report_html_dash_writes_to_standard_output(county: str) -> None:
    result = cli(county, "report", "FAM-0003", "--on", "2024-10-01", "--html", "-")
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")


def test_replay_diff_known_at_now(county: str) -> None:
    result = cli(county, "replay", "FAM-0002", "--to", "2024-10-01", "--known-at",
                 "2024-08-31", "--diff-known-at", "now", "--format", "json")  # fmt: skip
    assert result.exit_code == 0
    assert json.loads(result.stdout)["diff_known_at"]["arrivals"]


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("sftimeline ")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["evaluate", "--on", "2024-13-01"], "'--on'"),
        (["evaluate", "--on", "2024-10-01", "--known-at", "soon"], "'--known-at'"),
        (["evaluate", "--on", "2024-10-01", "--format", "xml"], "'--format'"),
        (["status", "--eligible-by", "x"], "'--eligible-by'"),
    ],
)
def test_invalid_option_values_name_the_option(county: str, args: list[str], option: str) -> None:
    result = cli(county, *args)
    assert result.exit_code == 2 and option in result.stderr and result.stdout == ""


def test_errors_go_to_stderr_before_any_table(county: str) -> None:
    result = cli(county, "evaluate", "--on", "2024-10-01", "--family", "NOPE")
    assert result.exit_code == 3 and result.stdout == ""
    assert "unknown family 'NOPE'" in result.stderr
    result = cli(county, "compare", "--on", "2024-10-01", "--framework", "national-2022",
                 "--set-b", "min_headlines=2", "--family", "NOPE")  # fmt: skip
    assert result.exit_code == 3 and result.stdout == ""


def test_one_exit_code_per_kind_of_error(county: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n", encoding="utf-8")
    assert cli(county, "import", str(bad)).exit_code == 1  # invalid input
    assert cli(county, "evaluate").exit_code == 2  # usage: --on missing
    assert cli(county, "explain", "NOPE", "--on", "2024-10-01").exit_code == 3  # not found
    assert cli(str(tmp_path / "none.sqlite"), "families").exit_code == 3  # no store
    assert cli("postgresql://postgres@127.0.0.1:1/x", "families").exit_code == 4  # store


def test_explain_shows_the_readings_after_the_decision_and_labels_alternatives(
    county: str,
) -> None:
    out = cli(county, "explain", "FAM-0003", "--on", "2024-10-01").stdout
    readings = out.index("readings used:")
    assert out.index("ELIGIBLE") < out.index("national-2022:1.3 for P2") < readings
    assert "min_headlines = 3 (AMB-K01" in out[readings:]
    assert "any of these 3 (one is enough):" in out and "alternative 2:" in out


def test_explain_as_json_and_csv(county: str) -> None:
    data = json.loads(cli(county, "explain", "FAM-0003", "--on", "2024-10-01",
                          "--format", "json").stdout)  # fmt: skip
    assert data["family"] == "FAM-0003" and data["status"] == "eligible"
    assert {r["name"] for r in data["readings"]} >= {"min_headlines"}
    assert "lcs:NEED-0003-2" in {r["key"] for r in data["records_used"]}
    out = cli(county, "explain", "FAM-0003", "--on", "2024-10-01", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["criterion"] for r in rows} == {c["criterion"] for c in data["criteria"]}


def test_replay_as_csv(county: str) -> None:
    out = cli(county, "replay", "FAM-0003", "--to", "2024-10-01", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["on"] == "2023-09-14" and rows[-1]["status"] == "eligible"


def test_status_learned_since_lists_what_a_backfill_changed(county: str, tmp_path: Path) -> None:
    """Records recorded after T change decisions whatever their own dates: a backfill of
    an old evidence record moves FAM-0004's 7.3 to met, and nothing else moved."""
    cli(county, "process", "enable", "national-2022")
    cli(county, "process", "on", "2024-10-01")
    out = cli(county, "status", "--learned-since", "2025-01-01", "--format", "json").stdout
    assert json.loads(out) == []
    backfill = row("FAM-0002", 1, "evidence_recorded", criterion="national-2022:5.1",
                   evidence="practitioner_assessment", outcome_achieved=True,
                   occurred_on="2024-06-01", recorded_at="2025-06-01T09:00:00+00:00")  # fmt: skip
    cli(county, "import", "--no-process", write(tmp_path / "backfill.jsonl", [backfill]))
    out = cli(county, "status", "--learned-since", "2025-01-01", "--format", "json").stdout
    (change,) = json.loads(out)
    assert change["family"] == "FAM-0002" and change["learnt"] == ["t:FAM-0002-1"]
    assert any("5.1" in c for c in change["changes"])
    table = cli(county, "status", "--learned-since", "2025-06-01T09:00:00+00:00").stdout
    assert "0 decision(s) changed" in table  # the record is not after that instant


def test_explain_text_neutralises_control_characters(sqlite_url: str, tmp_path: Path) -> None:
    rows = [
        row("F9", 1, "family_nominated", framework="national-2022"),
        row("F9", 2, "need_identified", criterion="national-2022:5.1"),
        row(
            "F9",
            3,
            "evidence_recorded",
            criterion="national-2022:5.1",
            evidence="practitioner_assessment",
            outcome_achieved=True,
            note="ok\x1b[2J\u202egone",
        ),
    ]
    cli(sqlite_url, "import", write(tmp_path / "f9.jsonl", rows))
    out = cli(sqlite_url, "explain", "F9", "--on", "2024-10-01").stdout
    assert "\x1b" not in out and "\u202e" not in out and "ok[U+001B][2J[U+202E]gone" in out
