"""import_items: source rows from any importer, validated and stored, counted per file."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import sample
from sftimeline.adapters.store import RecordStore
from sftimeline.import_summary import KEEP, ImportSummary
from sftimeline.importer import Rejection, SourceRow, import_files, import_items
from sftimeline.progress import import_progress

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def rec(n: int, **over: object) -> dict[str, object]:
    return sample("case_closed", n, **over)


def rows() -> list[SourceRow]:
    return [
        SourceRow("a.csv", 2, records=(rec(1), rec(2))),
        SourceRow("a.csv", 3, filtered="status is Cancelled"),
        SourceRow("a.csv", 4, rejection=Rejection("a.csv", 4, ["date"], "not a date", "x,y")),
        SourceRow("a.csv", 5, records=(rec(3), rec(4, occurred_on="2024-02-30"))),
        SourceRow("b.csv", 2, records=(rec(5),)),
    ]


def test_rows_are_stored_filtered_or_rejected_and_counted_per_file(sqlite_url: str) -> None:
    rejects = io.StringIO()
    with RecordStore.open(sqlite_url) as store:
        summary = import_items(store, rows(), imported_at=NOW, rejects=rejects, batch_size=1)
        ids = sorted(r.source_id or "" for r in store.family_records("F1"))
    assert ids == ["case_closed-1", "case_closed-2", "case_closed-5"]
    a = summary.files["a.csv"]
    assert (a.rows, a.records, a.stored, a.filtered, a.rejected) == (4, 4, 2, 1, 2)
    assert summary.totals.stored == 3 and summary.totals.rows == 5
    written = [json.loads(x) for x in rejects.getvalue().splitlines()]
    assert [(r["line"], r["fields"]) for r in written] == [(4, ["date"]), (5, ["occurred_on"])]
    assert written[1]["error"].startswith("record 2 of 2: ")
    assert written[0]["text"] == "x,y" and json.loads(written[1]["text"])[0] == rec(3)


def test_a_row_with_one_bad_record_stores_none_of_its_records(sqlite_url: str) -> None:
    with RecordStore.open(sqlite_url) as store:
        import_items(store, rows()[3:4], imported_at=NOW)
        assert store.families() == []


def test_reimport_counts_unchanged_and_conflicting(sqlite_url: str) -> None:
    with RecordStore.open(sqlite_url) as store:
        import_items(store, rows(), imported_at=NOW)
        changed = [SourceRow("a.csv", 2, records=(rec(1), rec(2, occurred_on="2024-05-02")))]
        summary = import_items(store, changed, imported_at=NOW)
    a = summary.files["a.csv"]
    assert (a.stored, a.unchanged, a.conflicting) == (0, 1, 1)
    [conflict] = summary.conflicts
    assert (conflict.line, conflict.key) == (2, "test:case_closed-2")
    assert not summary.ok


def test_dry_run_needs_no_store_and_creates_none(tmp_path: Path) -> None:
    summary = import_items(None, rows(), dry_run=True)
    assert (summary.totals.accepted, summary.totals.stored, summary.totals.rejected) == (3, 0, 2)
    assert any("dry run" in line for line in summary.lines())
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(rec(1)) + "\n")
    again = import_files(None, [str(path)], dry_run=True)
    assert again.totals.accepted == 1 and os.listdir(tmp_path) == ["in.jsonl"]


def test_a_store_is_needed_for_a_real_run() -> None:
    with pytest.raises(ValueError, match="dry run"):
        import_items(None, [])


def test_summary_to_dict_lists_each_file_and_totals(sqlite_url: str) -> None:
    with RecordStore.open(sqlite_url) as store:
        data = import_items(store, rows(), imported_at=NOW).to_dict()
    assert [f["file"] for f in data["files"]] == ["a.csv", "b.csv"]
    assert data["totals"] == {
        "rows": 5,
        "records": 5,
        "accepted": 3,
        "stored": 3,
        "unchanged": 0,
        "conflicting": 0,
        "filtered": 1,
        "rejected": 2,
    }
    assert len(data["rejections"]) == 2 and data["dry_run"] is False


def test_summary_keeps_counts_and_only_the_first_rejections(sqlite_url: str) -> None:
    bad = (SourceRow("f", n, records=({"type": "alien"},)) for n in range(1, 5001))
    rejects = io.StringIO()
    with RecordStore.open(sqlite_url) as store:
        summary = import_items(store, bad, rejects=rejects)
    assert summary.totals.rejected == 5000 and len(summary.rejections) == KEEP
    assert len(rejects.getvalue().splitlines()) == 5000
    assert summary.example_lines()[-1] == f"... and {5000 - 10:,} more rejected"


def test_rejections_are_written_as_they_happen(sqlite_url: str) -> None:
    seen: list[int] = []
    rejects = io.StringIO()

    def produce() -> object:
        for n in range(1, 4):
            yield SourceRow("f", n, records=({"type": "alien"},))
            seen.append(len(rejects.getvalue().splitlines()))

    with RecordStore.open(sqlite_url) as store:
        import_items(store, produce(), rejects=rejects)  # type: ignore[arg-type]
    assert seen == [1, 2, 3]


def test_progress_is_called_with_the_running_summary(sqlite_url: str) -> None:
    calls: list[tuple[int, int]] = []

    def progress(summary: ImportSummary) -> None:
        calls.append((summary.totals.rows, summary.totals.stored))

    many = [SourceRow("f", n, records=(rec(n),)) for n in range(1, 8)]
    with RecordStore.open(sqlite_url) as store:
        import_items(store, many, imported_at=NOW, batch_size=3, progress=progress)
    assert calls == [(3, 3), (6, 6), (7, 7)]


def test_progress_display_is_quiet_when_output_is_piped() -> None:
    piped = io.StringIO()
    with import_progress(piped) as progress:
        assert progress is None
    assert piped.getvalue() == ""


def test_progress_display_on_a_terminal_shows_rows_stored_rejected() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    with import_progress(term, total=10) as progress:
        assert progress is not None
        summary = ImportSummary()
        summary.counts("f").rows = 7
        summary.counts("f").stored = 5
        summary.counts("f").rejected = 2
        progress(summary)
    assert "7 rows read" in term.getvalue() and "2 rejected" in term.getvalue()


def test_summary_prints_totals_then_each_file_when_there_are_several(sqlite_url: str) -> None:
    with RecordStore.open(sqlite_url) as store:
        lines = import_items(store, rows(), imported_at=NOW).lines()
    assert lines[0] == "read:       5 rows, 5 records"
    assert "a.csv:" in lines and "b.csv:" in lines
    assert lines[lines.index("b.csv:") + 2] == "  stored:     1"


def test_records_that_are_not_objects_reject_their_row_without_raising() -> None:
    odd = [SourceRow("f", 1, records=([1, 2],)), SourceRow("f", 2, records=(None,))]  # type: ignore[arg-type]
    summary = import_items(None, odd, dry_run=True)
    assert [r.fields for r in summary.rejections] == [["record"], ["record"]]
