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

The log's pages are copied into the database (a checkpoint) by a thread of its own while
the import writes, not by the writer. SQLite's default checkpoints every 1,000 pages of
log, on the committing connection: with ``synchronous=NORMAL`` each one fsyncs the log and
the database, and the single writer waited for them (the same rows inserted with plain
``sqlite3``: 7.5 s with the default checkpoints, 5.4 s with none). Within
:func:`deferred_sync` the writer's own checkpoints are off and a :class:`_Checkpointer`
runs SQLite's *passive* checkpoint on a connection of its own, which never waits for the
writer nor makes it wait, whenever the log holds more than :data:`BACKLOG_FRAMES` pages
not yet copied. The sqlite3 module releases the interpreter's lock while SQLite works, so
the copying and its fsyncs overlap the writer's batches (1,000,000 records with two
workers: 6-12% less time in each of five paired runs). Its checkpoints sync exactly as the
writer's did (the writer's relaxed setting), so nothing above changes. If it fails
(a full disk), the writer's next batch takes its own checkpoints back.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

#: log pages not yet copied into the database past which the checkpointer copies again
#: at once (1 MiB of 4 KiB pages; SQLite's own checkpoints wait for 1,000)
BACKLOG_FRAMES = 256
#: seconds the checkpointer rests when the log is (nearly) all copied
REST = 0.02


class _Deferred:
    """A connection an import relaxed: its own ``synchronous`` and ``wal_autocheckpoint``
    settings (put back when the import ends), its log's path (None in memory) and the
    checkpointer copying that log meanwhile (None: the writer checkpoints itself)."""

    def __init__(
        self, level: int, autocheckpoint: int, wal: str | None, worker: _Checkpointer | None
    ) -> None:
        self.level = level
        self.autocheckpoint = autocheckpoint
        self.wal = wal
        self.worker = worker


#: while an import runs: each connection it relaxed
_deferred: dict[sqlite3.Connection, _Deferred] | None = None


class _Checkpointer:
    """A thread copying a write-ahead log into its database (passive checkpoints) on a
    connection of its own while an import's writer commits without checkpointing."""

    def __init__(self, path: str, level: int) -> None:
        self.path = path
        self.level = level
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sftimeline-checkpoint", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                conn.execute(f"PRAGMA synchronous={self.level}")
                while not self.stopping.is_set():
                    busy, log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if busy or log - copied < BACKLOG_FRAMES:
                        self.stopping.wait(REST)
            finally:
                conn.close()
        except sqlite3.Error:
            # it ends, and the writer's next batch takes its checkpoints back (defer): the
            # same error, if it lasts (a full disk), then stops the import there, whole
            return

    def alive(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()


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
        for d in deferred.values():  # every copy done before the log's fsync
            if d.worker is not None:
                d.worker.stop()
        for path in {d.wal for d in deferred.values() if d.wal is not None}:
            with suppress(FileNotFoundError):  # checkpointed and removed: synced then
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        for conn, d in deferred.items():
            with suppress(sqlite3.ProgrammingError):  # closed since: nothing to put back
                conn.execute(f"PRAGMA synchronous={d.level}")
                conn.execute(f"PRAGMA wal_autocheckpoint={d.autocheckpoint}")


def defer(connection: Any) -> None:
    """Let ``connection`` (the library's SQLite connection, outside a transaction: the
    settings cannot change within one) commit without an fsync, and leave its log's
    checkpoints to a :class:`_Checkpointer`, if an import is running
    (:func:`deferred_sync`). Called before each batch: a checkpointer that failed hands
    the checkpoints back to the connection."""
    if _deferred is None:
        return
    raw: sqlite3.Connection = connection.cursor().sqlite_cursor.connection
    d = _deferred.get(raw)
    if d is not None:
        if d.worker is not None and not d.worker.alive():
            raw.execute(f"PRAGMA wal_autocheckpoint={d.autocheckpoint}")
            d.worker = None
        return
    (level,) = raw.execute("PRAGMA synchronous").fetchone()
    (autocheckpoint,) = raw.execute("PRAGMA wal_autocheckpoint").fetchone()
    (mode,) = raw.execute("PRAGMA journal_mode").fetchone()
    path = ""
    for _, name, file in raw.execute("PRAGMA database_list").fetchall():
        if name == "main":
            path = file  # "" in memory
    relaxed = min(int(level), 1)  # FULL or EXTRA: NORMAL (OFF, which a caller chose, stays)
    raw.execute(f"PRAGMA synchronous={relaxed}")
    worker = None
    if path and str(mode).lower() == "wal":
        worker = _Checkpointer(path, relaxed)
        raw.execute("PRAGMA wal_autocheckpoint=0")
    wal = path + "-wal" if path else None
    _deferred[raw] = _Deferred(int(level), int(autocheckpoint), wal, worker)
