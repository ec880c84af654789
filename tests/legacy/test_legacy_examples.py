"""Every sample in examples/legacy converts with the counts the README states."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sftimeline.cli import main
from sftimeline.legacy import FileTally, load_mapping, mapped_rows, validated

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "legacy"

#: (mapping, file) → rows read, records, filtered, rejected (README, "Backfill from legacy exports")
EXPECTED = {
    ("families.yaml", "families.csv"): (9, 12, 0, 0),
    ("needs.yaml", "needs.csv"): (9, 9, 0, 0),
    ("police-street.yaml", "police-street.csv"): (11, 8, 1, 2),
    ("cin-referrals.yaml", "cin-referrals.csv"): (3, 2, 1, 0),
    ("cin-plans.yaml", "cin-plans.csv"): (5, 5, 1, 1),
    ("early-help-episodes.yaml", "early-help-episodes.tsv"): (4, 5, 1, 0),
    ("housing-notices.yaml", "housing-notices.csv"): (5, 11, 0, 1),
    ("dwp-matches.yaml", "dwp-matches.csv"): (6, 6, 1, 0),
    ("school-attendance.yaml", "school-census.xlsx"): (14, 13, 0, 1),
    ("school-exclusions.yaml", "school-census.xlsx"): (4, 3, 1, 0),
}


def pairs() -> list[tuple[str, str]]:
    """The backfill order, as examples/legacy/backfill.txt lists it."""
    text = (EXAMPLES / "backfill.txt").read_text(encoding="utf-8")
    return [(m, f) for m, f in (line.split() for line in text.splitlines() if line.strip())]


def tally(mapping: str, file: str) -> FileTally:
    out = FileTally()
    rows = mapped_rows(load_mapping(str(EXAMPLES / mapping)), [str(EXAMPLES / file)])
    for row in validated(rows):
        out.add(row)
    return out


def test_the_backfill_list_is_the_table() -> None:
    assert pairs() == list(EXPECTED)
    assert len({f for _, f in EXPECTED}) >= 6


@pytest.mark.parametrize(("mapping", "file"), list(EXPECTED))
def test_each_sample_converts_with_the_stated_counts(mapping: str, file: str) -> None:
    t = tally(mapping, file)
    assert (t.rows, t.records, sum(t.filtered.values()), t.rejected) == EXPECTED[(mapping, file)]


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
