"""The input limits are settings a council can change at every front door: ``--limit
NAME=VALUE`` on ``import`` and ``convert``, ``limits={...}`` in the Python API. Each is
tested on both sides of its boundary; a setting that is not a limit, or a value that would
stop the limit protecting the engine, is a usage error naming it, and nothing is stored."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import sample
from sftimeline.cli import main
from sftimeline.limits import DEFAULT_LIMITS, LimitSettingError, limits_from
from sftimeline.service import UsageProblem, open_store

NOTE = "n" * 12_000  # over the default of 10,000 characters


def _lines(path: Path) -> str:
    records = [
        sample("evidence_recorded", 1, note=NOTE),
        sample("case_closed", 2, occurred_on="2150-01-01", recorded_at=None),
        sample("term_attendance_posted", 3, possible_sessions=10**16, attended_sessions=1),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def _import(db: Path, source: str, *limits: str) -> tuple[int, str]:
    args = ["--db", str(db), "import", "--no-process", source]
    for limit in limits:
        args += ["--limit", limit]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_the_defaults_reject_and_raised_limits_accept(tmp_path: Path) -> None:
    source = _lines(tmp_path / "in.jsonl")
    code, out = _import(tmp_path / "a.sqlite", source)
    assert code == 1
    assert "rejected:   3" in out
    assert "is 12,000 characters long, more than the limit of 10,000" in out
    assert "outside the accepted range 1900-01-01 to 2100-12-31" in out
    raised = ("max_string_chars=12000", "latest=2150-01-01", "max_integer_digits=17")
    code, out = _import(tmp_path / "b.sqlite", source, *raised)
    assert code == 0, out
    assert "stored:     3" in out


@pytest.mark.parametrize(
    ("limit", "line_passes"),
    [
        ("max_string_chars=11999", False),
        ("max_string_chars=12000", True),
        ("latest=2149-12-31", False),
        ("latest=2150-01-01", True),
    ],
)
def test_each_side_of_a_raised_boundary(tmp_path: Path, limit: str, line_passes: bool) -> None:
    source = _lines(tmp_path / "in.jsonl")
    others = ("max_string_chars=12000", "latest=2150-01-01", "max_integer_digits=17")
    name = limit.split("=")[0]
    chosen = [o for o in others if not o.startswith(name + "=")] + [limit]
    code, out = _import(tmp_path / "s.sqlite", source, *chosen)
    assert ("stored:     3" in out) is line_passes
    assert code == (0 if line_passes else 1)


@pytest.mark.parametrize(
    ("limit", "says"),
    [
        ("colour=red", "'colour' is not a limit (the limits: max_line_bytes,"),
        ("max_depth=0", "max_depth must be a whole number from 1 to 100"),
        ("max_depth=101", "max_depth must be a whole number from 1 to 100"),
        ("max_integer_digits=4001", "max_integer_digits must be a whole number from 1 to 4,000"),
        ("max_line_bytes=1e6", "max_line_bytes must be a whole number"),
        ("max_string_chars=²", "max_string_chars must be a whole number"),
        ("earliest=1/1/2000", "earliest must be a date, YYYY-MM-DD, from 1000-01-01 to"),
        ("earliest=0999-12-31", "from 1000-01-01 to 8999-12-31 (windows counted from a date"),
        ("latest=9000-01-01", "latest must be a date, YYYY-MM-DD, from 1000-01-01 to 8999-12-31"),
        ("earliest=2101-01-01", "earliest (2101-01-01) is after latest (2100-12-31)"),
        ("max_depth", "'max_depth' is not NAME=VALUE"),
    ],
)
def test_a_bad_setting_is_a_usage_error_and_nothing_is_stored(
    tmp_path: Path, limit: str, says: str
) -> None:
    db = tmp_path / "s.sqlite"
    code, out = _import(db, _lines(tmp_path / "in.jsonl"), limit)
    assert code == 2
    assert says in out
    assert "Traceback" not in out
    assert not db.exists()


def test_the_python_api_takes_limits_by_name_and_refuses_bad_ones(tmp_path: Path) -> None:
    source = _lines(tmp_path / "in.jsonl")
    store = open_store(str(tmp_path / "api.sqlite"))
    with pytest.raises(UsageProblem, match="max_depth must be a whole number"):
        store.import_files([source], limits={"max_depth": 0}, run_process=False)
    raised = {"max_string_chars": 12_000, "latest": date(2150, 1, 1), "max_integer_digits": 17}
    result = store.import_files([source], limits=raised, run_process=False)
    assert result.summary.stored == 3
    assert store.verify().ok  # records stored under raised limits are not reported later
    dicts = [sample("evidence_recorded", 9, note=NOTE)]
    assert store.import_records(dicts, run_process=False).summary.stored == 0
    kept = store.import_records(dicts, limits={"max_string_chars": 12_000}, run_process=False)
    assert kept.summary.stored == 1
    again = [sample("evidence_recorded", 10, note=NOTE)]
    as_text = store.import_records(again, limits="max_string_chars=12000", run_process=False)
    assert as_text.summary.stored == 1  # one NAME=VALUE text, as the CLI gives it


def test_convert_applies_the_same_limits_as_an_import(tmp_path: Path) -> None:
    mapping = tmp_path / "notes.yaml"
    mapping.write_text(
        "\n".join(
            [
                "description: practitioners' judgements with their notes",
                "knowledge_time: {default: extract_date, extract_date: 2024-06-01}",
                "defaults: {source: cs, family: {column: family}}",
                "records:",
                "  - type: evidence_recorded",
                "    occurred_on: {column: date, as: date}",
                "    source_id: {column: id}",
                "    criterion: national-2022:7.1",
                "    evidence: practitioner_assessment",
                "    outcome_achieved: true",
                "    note: {column: note}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    rows = tmp_path / "notes.csv"
    rows.write_text(f"family,date,id,note\nF1,2024-05-01,e1,{NOTE}\n", encoding="utf-8")
    runner = CliRunner()
    base = ["convert", "--mapping", str(mapping), str(rows)]
    check = runner.invoke(main, ["mapping", "check", str(mapping)])
    assert check.exit_code == 0, check.output
    refused = runner.invoke(main, base)
    assert refused.exit_code == 1
    assert "more than the limit of 10,000" in refused.output
    kept = runner.invoke(main, [*base, "--limit", "max_string_chars=12000"])
    assert kept.exit_code == 0, kept.output
    assert json.loads(kept.stdout.splitlines()[0])["note"] == NOTE


def test_the_date_limits_reach_the_ends_of_their_range() -> None:
    widest = limits_from({"earliest": "1000-01-01", "latest": "8999-12-31"})
    assert (widest.earliest, widest.latest) == (date(1000, 1, 1), date(8999, 12, 31))


def test_limits_from_leaves_unnamed_limits_at_their_defaults() -> None:
    changed = limits_from({"max_depth": "20"})
    assert changed.max_depth == 20
    assert changed.max_string_chars == DEFAULT_LIMITS.max_string_chars
    assert limits_from(None) is DEFAULT_LIMITS
    assert limits_from(changed) is changed
    with pytest.raises(LimitSettingError, match="not 'True'"):
        limits_from({"max_depth": True})
