"""The import service: rejections name file, line and field; everything good is stored."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import sample
from sftimeline.adapters.store import RecordStore
from sftimeline.importer import import_files
from sftimeline.projections.timeline import Timeline

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


GOOD = [json.dumps(sample("case_closed", n)) for n in range(1, 4)]

BAD_LINES = {
    "malformed JSON": ("{not json", "line"),
    "unknown type": (json.dumps({**sample("case_closed", 9), "type": "alien_landed"}), "type"),
    "missing field": (
        json.dumps({k: v for k, v in sample("incident_recorded", 9).items() if k != "kind"}),
        "kind",
    ),
    "ill-typed field": (
        json.dumps({**sample("term_attendance_posted", 9), "possible_sessions": "many"}),
        "possible_sessions",
    ),
    "recorded_at before occurred_on": (
        json.dumps({**sample("case_closed", 9), "recorded_at": "2024-04-30T10:00:00Z"}),
        "recorded_at",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_each_rejection_class(case: str, tmp_path: Path, sqlite_url: str) -> None:
    bad, field = BAD_LINES[case]
    path = write(tmp_path / "in.jsonl", [GOOD[0], "", bad, GOOD[1], GOOD[2]])
    rejects = io.StringIO()
    with RecordStore.open(sqlite_url) as store:
        summary = import_files(store, [path], imported_at=NOW, rejects=rejects, batch_size=2)
        assert summary.read == 4  # the blank line is ignored
        [rejection] = summary.rejected
        assert rejection.line == 3 and field in rejection.fields
        assert str(rejection).startswith(f"{path}:3: ") and field in str(rejection)
        assert summary.stored == 3
        assert sorted(r.source_id or "" for r in store.family_records("F1")) == [
            "case_closed-1",
            "case_closed-2",
            "case_closed-3",
        ]
    [written] = [json.loads(x) for x in rejects.getvalue().splitlines()]
    assert written["line"] == 3 and field in written["fields"] and written["text"] == bad


def test_conflicts_are_reported_with_line_and_key(tmp_path: Path, sqlite_url: str) -> None:
    changed = json.dumps({**sample("case_closed", 1), "occurred_on": "2024-05-02"})
    path = write(tmp_path / "in.jsonl", [GOOD[0], changed])
    with RecordStore.open(sqlite_url) as store:
        summary = import_files(store, [path], imported_at=NOW)
    [conflict] = summary.conflicts
    assert (conflict.line, conflict.key) == (2, "test:case_closed-1")
    assert f"{path}:2" in str(conflict)


def test_stdin(sqlite_url: str) -> None:
    with RecordStore.open(sqlite_url) as store:
        summary = import_files(store, ["-"], stdin=io.StringIO("\n".join(GOOD)), imported_at=NOW)
    assert summary.stored == 3


def test_narrated_import_scenario(tmp_path: Path, sqlite_url: str) -> None:
    """A council's first export, a correction, and a late arrival, step by step."""
    # The council exports a family: a nomination, a person and an arrest.
    first = [
        json.dumps(sample("family_nominated", 1, recorded_at="2024-05-01T09:00:00Z")),
        json.dumps(sample("person_joined", 1, recorded_at="2024-05-01T09:00:00Z")),
        json.dumps({**sample("incident_recorded", 1), "source": "police", "source_id": "INC-1"}),
    ]
    with RecordStore.open(sqlite_url) as store:
        summary = import_files(store, [write(tmp_path / "day1.jsonl", first)], imported_at=NOW)
        # Everything is new, so everything is stored.
        assert (summary.stored, summary.duplicates, len(summary.conflicts)) == (3, 0, 0)

        # The next nightly export repeats the same lines: nothing changes.
        again = import_files(store, [write(tmp_path / "day2.jsonl", first)], imported_at=NOW)
        assert (again.stored, again.duplicates) == (0, 3)

        # Police then retract the arrest (entered against the wrong family) in June.
        retraction = sample(
            "record_retracted",
            1,
            occurred_on="2024-06-10",
            recorded_at="2024-06-10T12:00:00Z",
            target_source="police",
            target_source_id="INC-1",
        )
        import_files(store, [write(tmp_path / "day3.jsonl", [json.dumps(retraction)])])
        records = store.family_records("F1")

    # As known in May, the arrest is on the timeline; as known in July it is gone,
    # but nothing was deleted: the store still holds all four records.
    may = Timeline.build("F1", records, NOW.date(), datetime(2024, 5, 31, tzinfo=UTC))
    july = Timeline.build("F1", records, NOW.date(), datetime(2024, 7, 1, tzinfo=UTC))
    assert "police:INC-1" in {r.key for r in may}
    assert "police:INC-1" not in {r.key for r in july}
    assert set(july.retractions) == {"police:INC-1"}
    assert len(records) == 4
