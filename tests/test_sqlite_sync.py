"""An import's commits on SQLite skip the fsync each (synchronous=NORMAL) and the log is
fsynced once before the import returns; every connection's setting is put back, and
nothing else (another command, a dry run) is affected (adapters/sqlite_sync.py)."""

from __future__ import annotations

import os
import sqlite3
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


def _levels(store: RecordStore) -> set[int]:
    """The synchronous setting of every connection the store's pool holds."""
    pool: Any = store.app.recorder.datastore.pool  # type: ignore[attr-defined]
    levels = set()
    for conn in list(pool._pool):
        raw: sqlite3.Connection = conn.cursor().sqlite_cursor.connection
        levels.add(raw.execute("PRAGMA synchronous").fetchone()[0])
    return levels


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
        assert sqlite_sync._deferred is None
        assert len(store.family_records("F1")) == 25


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
        assert sqlite_sync._deferred is None
        assert len(store.family_records("F1")) == 10  # two whole batches committed
