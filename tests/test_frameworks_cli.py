"""`sftimeline frameworks list|show|check` and `sftimeline compare`, as a council uses them.

A performance analyst lists the frameworks, copies national-2022's file, changes one reading
(AMB-K01, the minimum number of headlines), checks the copy, and compares the two readings
on a small family whose decision depends on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sftimeline.cli import main
from sftimeline.policies.loader import list_frameworks

TWO_HEADLINES = [
    {"type": "family_nominated", "occurred_on": "2024-01-10"},
    {
        "type": "person_joined",
        "person": "P1",
        "role": "adult",
        "born_on": "1990-05-01",
        "occurred_on": "2024-01-10",
    },
    {
        "type": "person_joined",
        "person": "C1",
        "role": "child",
        "born_on": "2012-05-01",
        "occurred_on": "2024-01-10",
    },
    {"type": "need_identified", "criterion": "national-2022:5.1", "occurred_on": "2024-01-10"},
    {
        "type": "evidence_recorded",
        "criterion": "national-2022:5.1",
        "evidence": "practitioner_assessment",
        "outcome_achieved": True,
        "occurred_on": "2024-02-01",
    },
    {"type": "need_identified", "criterion": "national-2022:10.2", "occurred_on": "2024-01-10"},
    {
        "type": "evidence_recorded",
        "criterion": "national-2022:10.2",
        "evidence": "debt_reduced",
        "outcome_achieved": True,
        "occurred_on": "2024-02-01",
    },
]


@pytest.fixture
def db(tmp_path: Path) -> str:
    lines = [
        json.dumps(
            {
                "family": "F1",
                "source": "test",
                "source_id": f"R{i}",
                "recorded_at": f"{r['occurred_on']}T09:00:00+00:00",
                **r,
            }
        )
        for i, r in enumerate(TWO_HEADLINES)
    ]
    data = tmp_path / "f1.jsonl"
    data.write_text("\n".join(lines) + "\n")
    path = str(tmp_path / "store.sqlite")
    result = CliRunner().invoke(main, ["--db", path, "import", str(data)])
    assert result.exit_code == 0, result.output
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_list_shows_every_packaged_framework_with_counts() -> None:
    code, out = run("frameworks", "list")
    assert code == 0
    for fid in list_frameworks():
        assert fid in out
    row = next(line for line in out.splitlines() if line.startswith("national-2022"))
    assert row.split()[1:5] == ["34", "5", "10", "19"]


def test_show_prints_parameters_criteria_and_the_copyable_file() -> None:
    code, out = run("frameworks", "show", "national-2022")
    assert code == 0
    assert "min_headlines = 3  [AMB-K01]" in out
    assert "7.1" in out and "Annex A" in out
    code, text = run("frameworks", "show", "national-2022", "--yaml")
    assert code == 0 and yaml.safe_load(text)["id"] == "national-2022"
    code, js = run("frameworks", "show", "national-2022", "--format", "json")
    assert json.loads(js)["parameters"]["min_headlines"]["value"] == 3


def test_check_of_an_unchanged_copy_says_identical(tmp_path: Path) -> None:
    copy = tmp_path / "ours.yaml"
    copy.write_text(run("frameworks", "show", "national-2022", "--yaml")[1])
    code, out = run("frameworks", "check", str(copy))
    assert code == 0
    assert "OK" in out and "Identical to the packaged national-2022" in out


def test_check_lists_the_changed_reading(tmp_path: Path) -> None:
    data = yaml.safe_load(run("frameworks", "show", "national-2022", "--yaml")[1])
    data["parameters"]["min_headlines"]["default"] = 2
    copy = tmp_path / "ours.yaml"
    copy.write_text(yaml.safe_dump(data, sort_keys=False))
    code, out = run("frameworks", "check", str(copy))
    assert code == 0
    assert "min_headlines: 3 → 2" in out


def _packaged_lines() -> list[str]:
    return run("frameworks", "show", "national-2022", "--yaml")[1].splitlines()


def test_check_reports_a_definition_error_with_its_line(tmp_path: Path) -> None:
    lines = _packaged_lines()
    tags = [i for i, line in enumerate(lines) if line.strip().startswith("tag:")]
    for i in tags[:2]:
        lines[i] = lines[i].split("tag:")[0] + "tag: SOMETIMES"
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["frameworks", "check", str(bad)])
    assert result.exit_code == 1
    reported = [line for line in result.output.splitlines() if "tag:" in line]
    assert [line.split(":")[1] for line in reported] == [str(i + 1) for i in tags[:2]]


def test_check_reports_a_rule_argument_error_with_its_line(tmp_path: Path) -> None:
    lines = _packaged_lines()
    i = next(n for n, line in enumerate(lines) if "no_records_for:" in line and "months: 6" in line)
    lines[i] = lines[i].replace("months: 6", "months: 0")
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["frameworks", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:{i + 1}: criteria[" in result.output
    assert "no_records_for.months: Input should be greater than 0" in result.output


def test_check_of_broken_yaml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: [unclosed\n")
    result = CliRunner().invoke(main, ["frameworks", "check", str(bad)])
    assert result.exit_code == 1
    assert "not valid YAML" in result.output and f"{bad}:" in result.output


def test_compare_two_readings_shows_the_family_and_why(db: str) -> None:
    code, out = run(
        "--db",
        db,
        "compare",
        "--on",
        "2024-07-10",
        "--framework",
        "national-2022",
        "--set-b",
        "min_headlines=2",
    )
    assert code == 0, out
    assert "F1: A not_eligible (-)  B eligible (2024-02-01)" in out
    assert "family rule min_headlines fails under A" in out
    assert "1 families, 1 decided differently" in out


def test_compare_json_and_agreeing_families_hidden_unless_all(db: str) -> None:
    code, out = run(
        "--db",
        db,
        "compare",
        "--on",
        "2024-07-10",
        "--framework",
        "national-2022",
        "--framework",
        "national-2022",
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out) == []
    code, out = run(
        "--db",
        db,
        "compare",
        "--on",
        "2024-07-10",
        "--framework",
        "national-2022",
        "--framework",
        "national-2022",
        "--format",
        "json",
        "--all",
    )
    rows = json.loads(out)
    assert [r["family"] for r in rows] == ["F1"] and rows[0]["differs"] is False


def test_compare_needs_two_frameworks(db: str) -> None:
    code, out = run("--db", db, "compare", "--on", "2024-07-10", "--framework", "national-2022")
    assert code == 2 and "exactly twice" in out


def test_compare_rejects_an_unknown_reading(db: str) -> None:
    code, out = run(
        "--db",
        db,
        "compare",
        "--on",
        "2024-07-10",
        "--framework",
        "national-2022",
        "--set-b",
        "no_such_reading=1",
    )
    assert code == 1 and "parameters.no_such_reading: unknown parameter" in out
