"""An import's commits on SQLite skip the fsync each (synchronous=NORMAL) and the log is
fsynced once before the import returns; the log is copied into the database by a thread
of its own, not by the writer; every connection's settings are put back, and nothing
else (another command, a dry run) is affected (adapters/sqlite_sync.py)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import sample
from sftimeline.adapters import sqlite_sync
from sftimeline.adapters.store import RecordStore
from sftimeline.importer import SourceRow, import_items


def _rows(n: int) -> list[SourceRow]:
    return [
        SourceRow("f.jsonl", i, records=(sample("case_closed", source_id=f"s{i}"),))
        for i in range(1, n + 1)
    ]


def _levels(store: RecordStore, setting: str = "synchronous") -> set[int]:
    """A setting of every connection the store's pool holds."""
    pool: Any = store.app.recorder.datastore.pool  # type: ignore[attr-defined]
    levels = set()
    for conn in list(pool._pool):
        raw: sqlite3.Connection = conn.cursor().sqlite_cursor.connection
        levels.add(raw.execute(f"PRAGMA {setting}").fetchone()[0])
    return levels


def _checkpointing() -> bool:
    return any(t.name == "sftimeline-checkpoint" for t in threading.enumerate())


def _watch(
    monkeypatch: pytest.MonkeyPatch, before: Callable[[], None] = lambda: None
) -> list[tuple[int, bool]]:
    """Before each batch: the writer's own checkpoint setting and whether a checkpointer
    is running (and ``before`` called, the writer waiting meanwhile)."""
    seen: list[tuple[int, bool]] = []
    real = sqlite_sync.defer

    def defer(conn: Any) -> None:
        real(conn)
        before()
        raw = conn.cursor().sqlite_cursor.connection
        seen.append((raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0], _checkpointing()))

    monkeypatch.setattr("sftimeline.adapters.bulkwrite.defer", defer)
    return seen


def test_an_import_commits_without_an_fsync_each_and_syncs_the_log_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.sqlite"
    synced: list[str] = []
    during: list[int] = []
    real_fsync, real_insert = os.fsync, sqlite_sync.defer

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def defer(conn: Any) -> None:
        real_insert(conn)
        raw = conn.cursor().sqlite_cursor.connection
        during.append(raw.execute("PRAGMA synchronous").fetchone()[0])

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr("sftimeline.adapters.bulkwrite.defer", defer)
    with RecordStore.open(str(db), key="") as store:
        summary = import_items(store, _rows(25), batch_size=10)
        assert summary.stored == 25
        assert during == [1, 1, 1]  # NORMAL for each of the three batches' commits
        assert synced == [str(db) + "-wal"]  # the log, once, before the import returned
        assert _levels(store) == {2}  # FULL again, as the library left it
        assert _levels(store, "wal_autocheckpoint") == {1000}  # SQLite's default again
        assert not _checkpointing()
        assert sqlite_sync._deferred is None
        assert len(store.family_records("F1")) == 25


def test_the_log_is_copied_into_the_database_by_a_thread_while_the_writer_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.sqlite"
    monkeypatch.setattr(sqlite_sync, "BACKLOG_FRAMES", 1)
    monkeypatch.setattr(sqlite_sync, "REST", 0.001)
    sizes: list[int] = []

    def copied() -> None:
        """Give the checkpointer (up to 10 s) to copy the batches written so far: while
        the writer waits here, the database file itself grows."""
        deadline = time.monotonic() + 10
        while len(sizes) > 1 and db.stat().st_size <= sizes[-1] and time.monotonic() < deadline:
            time.sleep(0.005)
        sizes.append(db.stat().st_size)

    seen = _watch(monkeypatch, copied)
    with RecordStore.open(str(db), key="") as store:
        sizes.append(db.stat().st_size)
        import_items(store, _rows(200), batch_size=50)
        # the writer never checkpointed: a thread did, and the records reached the
        # database file itself between batches (the writer alone would have left them
        # all in the log, far short of SQLite's 1,000 pages)
        assert seen == [(0, True)] * 4
        assert sizes[1] < sizes[2] < sizes[3] < sizes[4]
        assert not _checkpointing()
        assert _levels(store, "wal_autocheckpoint") == {1000}
        assert len(store.family_records("F1")) == 200


def test_the_writer_takes_its_checkpoints_back_when_the_checkpointer_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Failing(sqlite_sync._Checkpointer):
        def __init__(self, path: str, level: int) -> None:
            super().__init__(str(tmp_path / "no such folder" / "s.sqlite"), level)
            self.thread.join()  # it could not open the file: gone before the next batch

    monkeypatch.setattr(sqlite_sync, "_Checkpointer", Failing)
    seen = _watch(monkeypatch)
    with RecordStore.open(str(tmp_path / "s.sqlite"), key="") as store:
        summary = import_items(store, _rows(30), batch_size=10)
        assert summary.stored == 30
        assert seen == [(0, False), (1000, False), (1000, False)]
        assert _levels(store, "wal_autocheckpoint") == {1000}
        assert len(store.family_records("F1")) == 30


def test_an_import_that_fails_still_syncs_and_puts_the_setting_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.sqlite"
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))

    def rows() -> Any:
        yield from _rows(12)
        raise KeyboardInterrupt

    with RecordStore.open(str(db), key="") as store:
        with pytest.raises(KeyboardInterrupt):
            import_items(store, rows(), batch_size=5)
        assert len(synced) == 1
        assert _levels(store) == {2}
        assert _levels(store, "wal_autocheckpoint") == {1000}
        assert not _checkpointing()
        assert sqlite_sync._deferred is None
        assert len(store.family_records("F1")) == 10  # two whole batches committed
