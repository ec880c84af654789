"""The service layer's Store.import_files with a mapping (what the CLI and notebooks call)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sftimeline.service import open_store
from sftimeline.service.errors import UsageProblem

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "legacy"
POLICE = [str(EXAMPLES / "police-street.yaml"), str(EXAMPLES / "police-street.csv")]


def test_a_mapped_import_stores_once_and_a_dry_run_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with open_store(str(db)) as store:
        dry = store.import_files([POLICE[1]], mapping=POLICE[0], dry_run=True, run_process=False)
        assert dry.summary.totals.accepted == 8 and not db.exists()
        first = store.import_files([POLICE[1]], mapping=POLICE[0], run_process=False)
        again = store.import_files([POLICE[1]], mapping=POLICE[0], run_process=False)
    assert (first.summary.stored, again.summary.stored, again.summary.duplicates) == (8, 0, 8)
    assert first.summary.totals.filtered == 1 and first.summary.totals.rejected == 2


def test_overrides_reach_the_readers(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.sqlite")) as store:
        result = store.import_files(
            [POLICE[1]], mapping=POLICE[0], encoding="cp1252", dry_run=True, run_process=False
        )
    assert result.summary.totals.rejected == 1  # cp1252 reads the 0xff byte: only 'Fraud' is left


def test_a_bad_mapping_is_a_usage_problem_naming_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text("knowledge_time: {default: import}\nrecords:\n  - type: nope\n", "utf-8")
    with open_store(str(tmp_path / "s.sqlite")) as store, pytest.raises(UsageProblem) as info:
        store.import_files([POLICE[1]], mapping=str(bad))
    assert f"{bad}:3: records[0].type: unknown record type 'nope'" in str(info.value)
    assert not (tmp_path / "s.sqlite").exists()
