"""``import --workers N``: the store, the summary and the rejects are the same whatever N.

Rows are cut into tiny chunks here (``CHUNK``), and JSON Lines files read in tiny blocks
(``SAMPLE_BYTES``, ``BLOCK_BYTES``), so that even the small example files go through the
worker processes; a forked worker sees the patched module globals.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import sample
from sftimeline import decoding, importer
from sftimeline.adapters.store import RecordStore
from sftimeline.service import open_store

NOW = datetime(2025, 1, 1, tzinfo=UTC)
LEGACY = Path(__file__).resolve().parent.parent / "examples" / "legacy"


@pytest.fixture(autouse=True)
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CHUNK", 2)
    monkeypatch.setattr(importer, "IN_PROCESS_CHUNKS", 1)
    monkeypatch.setattr(decoding, "BLOCK_BYTES", 256)
    monkeypatch.setattr(decoding, "SAMPLE_BYTES", 256)


def _stored(db: str) -> list[dict[str, Any]]:
    with RecordStore.open(db, create=False) as store:
        return [
            {**r.to_interchange(), "key": r.key, "fingerprint": r.fingerprint}
            for _, recs in store.iter_family_records()
            for r in recs
        ]


def _mixed_file(path: Path) -> str:
    """Good lines, every kind of bad line, a duplicate and a conflict, in one file."""
    good = [json.dumps(sample("case_closed", n)) for n in range(1, 8)]
    conflicting = json.dumps({**sample("case_closed", 2), "occurred_on": "2024-04-30"})
    lines = [
        good[0],
        "{not json",
        good[1],
        json.dumps({**sample("case_closed", 9), "type": "alien_landed"}),
        "",
        good[0],  # a duplicate: the same record again
        json.dumps({**sample("term_attendance_posted", 9), "possible_sessions": "many"}),
        conflicting,
        json.dumps({**sample("case_closed", 10), "note": "x" * 20_000}),
        *good[2:],
        json.dumps({**sample("case_closed", 11), "source_id": None}),
        json.dumps({**sample("case_closed", 11), "source_id": None}),  # no id: stored twice
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    data = data.replace(b"{not json", b"{\xff not json")  # an undecodable byte too
    path.write_bytes(data)
    return str(path)


def _run_jsonl(tmp_path: Path, workers: int, source: str) -> tuple[dict[str, Any], str, list[Any]]:
    db = str(tmp_path / f"w{workers}.sqlite")
    rejects = io.StringIO()
    with RecordStore.open(db) as store:
        summary = importer.import_files(
            store, [source], imported_at=NOW, rejects=rejects, batch_size=3, workers=workers
        )
    return summary.to_dict(), rejects.getvalue(), _stored(db)


def test_jsonl_import_is_the_same_on_one_worker_and_on_two(tmp_path: Path) -> None:
    source = _mixed_file(tmp_path / "mixed.jsonl")
    one = _run_jsonl(tmp_path, 1, source)
    two = _run_jsonl(tmp_path, 2, source)
    assert one == two
    summary, rejects, stored = one
    totals = summary["totals"]
    assert (totals["rejected"], totals["unchanged"], totals["conflicting"]) == (4, 1, 1)
    assert [json.loads(r)["line"] for r in rejects.splitlines()] == [
        2,
        4,
        7,
        9,
        8,
    ]  # a conflict when its batch is saved
    assert len(stored) == 9


@pytest.mark.parametrize(
    ("mapping", "files"),
    [
        ("police-street.yaml", ["police-street.csv", "police-street.csv"]),
        ("school-attendance.yaml", ["school-census.xlsx"]),
    ],
)
def test_mapped_import_is_the_same_on_one_worker_and_on_two(
    tmp_path: Path, mapping: str, files: list[str]
) -> None:
    results = []
    for workers in (1, 2):
        db = str(tmp_path / f"w{workers}.sqlite")
        rejects = io.StringIO()
        with open_store(db) as store:
            result = store.import_files(
                [str(LEGACY / f) for f in files],
                mapping=str(LEGACY / mapping),
                imported_at=NOW,
                rejects=rejects,
                run_process=False,
                batch_size=3,
                workers=workers,
            )
        results.append((result.summary.to_dict(), rejects.getvalue(), _stored(db)))
    assert results[0] == results[1]
    assert results[0][2]  # something was stored


def test_an_imports_workers_yield_their_cores_to_its_single_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer is the serial stage: its workers run ``WORKER_NICENESS`` lower."""
    from sftimeline import pool

    asked: list[int] = []
    real = pool.ordered_map

    def watched(job: Any, tasks: Any, workers: int, *, niceness: int = 0) -> Any:
        asked.append(niceness)
        return real(job, tasks, workers, niceness=niceness)

    monkeypatch.setattr(pool, "ordered_map", watched)
    _run_jsonl(tmp_path, 2, _mixed_file(tmp_path / "mixed.jsonl"))
    assert asked == [importer.WORKER_NICENESS] and importer.WORKER_NICENESS > 0


def test_the_plans_made_before_the_fork_are_the_first_chunks_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: the import makes ready before it forks only the fast-path plans of the
    types its first chunks name; a type first met later is made by the worker that meets
    it, and the store, summary and rejects are those of one worker."""
    from sftimeline.limits import DEFAULT_LIMITS
    from sftimeline.records import fast

    monkeypatch.setattr(fast, "_PLANS", {})
    monkeypatch.setattr(fast, "_last", None)
    made: list[set[str] | None] = []
    real = fast.compile_plans

    def watched(limits: Any, types: Any = None) -> None:
        made.append(None if types is None else set(types))
        real(limits, types)

    monkeypatch.setattr(importer, "compile_plans", watched)
    lines = [sample("case_closed", n) for n in range(1, 7)]
    lines += [sample("term_attendance_posted", 1), sample("case_closed", 7)]
    source = tmp_path / "late-type.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    two = _run_jsonl(tmp_path, 2, str(source))
    assert made == [{"case_closed"}]
    assert set(fast._plans_under(DEFAULT_LIMITS).by_type) == {"case_closed"}  # this process's
    assert two == _run_jsonl(tmp_path, 1, str(source))
    one = two
    assert {r["type"] for r in one[2]} == {"case_closed", "term_attendance_posted"}


def test_a_block_names_the_types_its_lines_name() -> None:
    from sftimeline.jsonl import PendingBlock

    data = (
        b'{"type": "case_closed", "x": 1}\n{"family": "F", "type":"plan_opened"}\n'
        b'{ "type" :\t"incident_recorded"}\n{"type": 3}\n{"Type": "not_one"}\n'
    )
    block = PendingBlock("f.jsonl", 1, 0, "utf-8", None, data, 5)
    assert block.record_types() == {"case_closed", "plan_opened", "incident_recorded"}
    assert PendingBlock("f.jsonl", 1, 0, "utf-8", 10, None, 1).record_types() == set()
