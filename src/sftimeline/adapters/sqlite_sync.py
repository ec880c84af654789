"""An import's commits on SQLite without an fsync each, and one fsync before it reports.

A SQLite store is in WAL mode with the library's default ``synchronous=FULL``: every
commit fsyncs the write-ahead log. An import commits a batch of 500 records at a time, so
a county of 100,000 records waited for 200 fsyncs in its single writer (2–6 ms each on
this shared disk: up to a second, on the one process that cannot be divided). Within
:func:`deferred_sync` the connections an import writes on commit with
``synchronous=NORMAL`` instead, and when it ends the log is fsynced once and each
connection's own setting is put back.

What stays guaranteed (https://sqlite.org/pragma.html#pragma_synchronous, "WAL mode is
safe from corruption with synchronous=NORMAL"): every batch is still one transaction in
the log, written whole or not at all. A process killed mid-import (SIGKILL, a crash)
loses nothing it committed: the log's pages are the operating system's already
(tests/test_guarantees.py kills imports mid-run). Only if the machine itself loses power
or crashes mid-import may the last batches committed before it roll back — whole, with
every later transaction, as the log is read back in order — exactly as if the import had
been stopped before them: a re-run stores the rest (a record with a source id once). The
import reports nothing before the final fsync, so whatever it reports as stored is on
disk, as before.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

#: while an import runs: each connection it set, with its own setting and its log's path
_deferred: dict[sqlite3.Connection, tuple[int, str | None]] | None = None


@contextmanager
def deferred_sync() -> Iterator[None]:
    """Within: :func:`defer` relaxes a connection's commits; on leaving (even by an
    exception) each write-ahead log written is fsynced and each setting put back."""
    global _deferred
    if _deferred is not None:  # nested: the outer one syncs
        yield
        return
    _deferred = {}
    try:
        yield
    finally:
        deferred, _deferred = _deferred, None
        for path in {wal for _, wal in deferred.values() if wal is not None}:
            with suppress(FileNotFoundError):  # checkpointed and removed: synced then
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        for conn, (level, _) in deferred.items():
            with suppress(sqlite3.ProgrammingError):  # closed since: nothing to put back
                conn.execute(f"PRAGMA synchronous={int(level)}")


def defer(connection: Any) -> None:
    """Let ``connection`` (the library's SQLite connection, outside a transaction: the
    setting cannot change within one) commit without an fsync, if an import is running
    (:func:`deferred_sync`)."""
    if _deferred is None:
        return
    raw: sqlite3.Connection = connection.cursor().sqlite_cursor.connection
    if raw in _deferred:
        return
    (level,) = raw.execute("PRAGMA synchronous").fetchone()
    wal = None
    for _, name, path in raw.execute("PRAGMA database_list").fetchall():
        if name == "main" and path:  # an in-memory database has none
            wal = path + "-wal"
    _deferred[raw] = (int(level), wal)
    if level > 1:  # FULL or EXTRA: NORMAL (OFF, which a caller chose, stays)
        raw.execute("PRAGMA synchronous=NORMAL")
