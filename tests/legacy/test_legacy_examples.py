"""Every sample in examples/legacy converts with the counts the README states."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from sftimeline.cli import main
from sftimeline.importer import FileCounts
from sftimeline.legacy import convert_files, load_mapping

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "legacy"

#: (mapping, file) → rows read, records made, records valid, rows filtered, rows rejected
#: (README, "Backfill from legacy exports")
EXPECTED = {
    ("families.yaml", "families.csv"): (9, 12, 12, 0, 0),
    ("needs.yaml", "needs.csv"): (9, 9, 9, 0, 0),
    ("police-street.yaml", "police-street.csv"): (11, 8, 8, 1, 2),
    ("cin-referrals.yaml", "cin-referrals.csv"): (3, 2, 2, 1, 0),
    ("cin-plans.yaml", "cin-plans.csv"): (5, 5, 5, 1, 1),
    ("early-help-episodes.yaml", "early-help-episodes.tsv"): (4, 5, 5, 1, 0),
    ("housing-notices.yaml", "housing-notices.csv"): (5, 11, 11, 0, 1),
    ("dwp-matches.yaml", "dwp-matches.csv"): (6, 6, 6, 1, 0),
    ("school-attendance.yaml", "school-census.xlsx"): (14, 14, 13, 0, 1),
    ("school-exclusions.yaml", "school-census.xlsx"): (4, 3, 3, 1, 0),
}


def pairs() -> list[tuple[str, str]]:
    """The backfill order, as examples/legacy/backfill.txt lists it."""
    text = (EXAMPLES / "backfill.txt").read_text(encoding="utf-8")
    return [(m, f) for m, f in (line.split() for line in text.splitlines() if line.strip())]


def tally(mapping: str, file: str) -> FileCounts:
    summary = convert_files(
        load_mapping(str(EXAMPLES / mapping)), [str(EXAMPLES / file)], io.StringIO()
    )
    return summary.totals


def test_the_backfill_list_is_the_table() -> None:
    assert pairs() == list(EXPECTED)
    assert len({f for _, f in EXPECTED}) >= 6


@pytest.mark.parametrize(("mapping", "file"), list(EXPECTED))
def test_each_sample_converts_with_the_stated_counts(mapping: str, file: str) -> None:
    t = tally(mapping, file)
    assert (t.rows, t.records, t.accepted, t.filtered, t.rejected) == EXPECTED[(mapping, file)]


@pytest.mark.parametrize("mapping", sorted({m for m, _ in EXPECTED}))
def test_each_sample_mapping_checks(mapping: str) -> None:
    result = CliRunner().invoke(main, ["mapping", "check", str(EXAMPLES / mapping)])
    assert result.exit_code == 0, result.output


def _convert(mapping: str, file: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["convert", "--mapping", str(EXAMPLES / mapping), str(EXAMPLES / file)]
    )
    return result.exit_code, result.stdout, result.stderr


def test_the_windows_1252_sample_keeps_its_pounds() -> None:
    _, out, _ = _convert("housing-notices.yaml", "housing-notices.csv")
    assert '"balance": 214500' in out and '"balance": 81240' in out


def test_the_bom_sample_reads_its_first_column() -> None:
    code, out, _ = _convert("families.yaml", "families.csv")
    assert code == 0 and '"family": "FAM-L01"' in out and "\ufeff" not in out


def test_the_undecodable_byte_rejects_one_row_and_keeps_its_neighbours() -> None:
    code, out, err = _convert("police-street.yaml", "police-street.csv")
    assert code == 1
    assert "police-street.csv:9: line: cannot be decoded: byte 0xff at offset" in err
    assert "police-street.csv:11: Crime type: kind: 'Fraud' is not in the value map" in err
    assert out.count("\n") == 8


def test_the_spreadsheet_dates_and_serials_become_dates() -> None:
    _, out, _ = _convert("school-exclusions.yaml", "school-census.xlsx")
    assert '"occurred_on": "2023-11-14"' in out  # an Excel date cell
    assert '"occurred_on": "2024-10-03"' in out  # an Excel serial number
    assert '"recorded_at": "2023-11-15T10:05:00+00:00"' in out  # a date-time cell, London time


def _import(db: str, mapping: str, file: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        [
            "--db",
            db,
            "import",
            "--no-process",
            *extra,
            "--mapping",
            str(EXAMPLES / mapping),
            str(EXAMPLES / file),
        ],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def test_every_sample_dry_runs_imports_and_reimports_as_stated(tmp_path: Path) -> None:
    db = str(tmp_path / "legacy.sqlite")
    for mapping, file in pairs():
        rows, records, valid, filtered, rejected = EXPECTED[(mapping, file)]
        counts = f"read:       {rows} rows, {records} records\n"
        tail = f"filtered:   {filtered}\nrejected:   {rejected}\n"
        code, out = _import(db, mapping, file, "--dry-run")
        assert out == counts + f"valid:      {valid} (dry run: nothing stored)\n" + tail
        assert code == (1 if rejected else 0)
        assert Path(db).exists() == (mapping != "families.yaml")  # a dry run creates no store
        code, out = _import(db, mapping, file)
        assert (
            out
            == counts + f"stored:     {valid}\nunchanged:  0 (duplicates)\nconflicts:  0\n" + tail
        )
        code, out = _import(db, mapping, file)
        assert (
            out
            == counts + f"stored:     0\nunchanged:  {valid} (duplicates)\nconflicts:  0\n" + tail
        )
    result = CliRunner().invoke(main, ["--db", db, "evaluate", "--on", "2025-01-31"])
    assert result.exit_code == 0
    rows = [line.split()[:3] for line in result.stdout.splitlines()]
    assert ["FAM-L01", "eligible", "2024-08-31"] in rows
    assert "evidence_required: 2" in result.stdout


def test_the_readme_table_states_these_counts() -> None:
    readme = (EXAMPLES.parents[1] / "README.md").read_text(encoding="utf-8")
    stated = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 7 and cells[1].endswith(".yaml"):
            file = cells[0].split(" ")[0]
            stated[(cells[1], file)] = tuple(int(c) for c in cells[2:])
    assert stated == EXPECTED
