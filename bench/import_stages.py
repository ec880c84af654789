"""Where a SQLite import's CPU goes, stage by stage, against the raw insert's, per record.

```sh
.venv/bin/python -m bench.import_stages COUNTY.jsonl   # e.g. a county of `sftimeline generate`
```

Each stage runs here, on one core, over the whole file, timed with ``time.process_time``:

- *floor*: the raw insert of ``bench/floors.py`` (each line ``json.loads``-ed and inserted
  as it is, 500 rows per transaction, the default ``synchronous``) into a fresh file;
- *worker*: what an import's workers do with the file's blocks (decode, parse, check the
  limits, validate, fingerprint, serialise each record's event state:
  ``PendingBlock.prepared``), then pickling the results to send them;
- *writer, SQL alone*: the rows an import stored (read back from a store the same file was
  imported into) inserted with plain ``sqlite3`` as the writer inserts them (500 a
  transaction, ``synchronous=NORMAL``, the library's table and primary key, a new store's
  page size);
- *writer, whole*: ``sftimeline import --workers 1`` less the worker stage (which it runs
  in the same process, without the pickling) and its start-up (the same command on an
  empty file): everything the single writer does (reading the file's blocks,
  de-duplication, numbering, the SQL, the modules it imports on first use).

With two cores the import can at best take (worker + writer) / 2 per record, however well
its processes share them, so ``floor / ((worker + writer) / 2)`` bounds the import's ratio
on this machine (issue 14's target: at least 0.5); for the file measured, its start-up
(on one core, before the workers start) comes on top. ``bench/run`` prints this for its
SQLite sizes up to 10,000 families.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import floors
from sftimeline.adapters.store_url import PAGE_SIZE

EVENTS = (
    "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT,"
    " state BLOB, PRIMARY KEY (originator_id, originator_version))"
)


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def floor_cpu(county: Path, work: Path) -> tuple[float, int]:
    db = work / "floor.sqlite"
    _fresh(db)
    start = time.process_time()
    rows = floors.insert(str(db), str(county))
    return time.process_time() - start, rows


def worker_cpu(county: Path) -> tuple[float, float]:
    """CPU of preparing the file's blocks, and of pickling the results (only workers do)."""
    from sftimeline import importer, jsonl
    from sftimeline.import_frameworks import known_frameworks
    from sftimeline.limits import DEFAULT_LIMITS
    from sftimeline.records.fast import compile_plans

    compile_plans(DEFAULT_LIMITS)
    job = importer._Prepare(DEFAULT_LIMITS, known_frameworks(None), datetime.now(UTC), True)
    prepared = pickled = 0.0
    with open(county, "rb") as fh:
        for block in jsonl.file_blocks(str(county), fh):
            start = time.process_time()
            result = block.prepared(job)
            middle = time.process_time()
            pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
            prepared += middle - start
            pickled += time.process_time() - middle
    return prepared, pickled


def writer_sql_cpu(store: Path, work: Path) -> float:
    with sqlite3.connect(store) as src:
        rows = src.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events"
            " ORDER BY rowid"
        ).fetchall()
    db = work / "sql.sqlite"
    _fresh(db)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new store's (adapters/store_url.py)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(EVENTS)
    conn.execute("PRAGMA synchronous=NORMAL")
    start = time.process_time()
    for i in range(0, len(rows), 500):
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO stored_events VALUES (?,?,?,?)", rows[i : i + 500])
        conn.execute("COMMIT")
    fd = os.open(f"{db}-wal", os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    spent = time.process_time() - start
    conn.close()
    return spent


def one_worker_import_cpu(county: Path, store: Path) -> float:
    """CPU of ``sftimeline import --workers 1`` (a child: user + system)."""
    _fresh(store)
    cmd = [str(Path(sys.executable).parent / "sftimeline"), "--db", str(store)]
    before = os.times()
    subprocess.run(
        [*cmd, "import", "--no-process", "--workers", "1", str(county)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    after = os.times()
    return (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def startup_cpu(store: Path) -> float:
    """CPU of the same command importing nothing (its start-up, the store opened)."""
    empty = store.parent / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    return one_worker_import_cpu(empty, store.parent / "empty.sqlite")


def main() -> None:
    county = Path(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="sftimeline-stages-") as tmp:
        work = Path(tmp)
        store = work / "store.sqlite"
        floor, rows = floor_cpu(county, work)
        whole = one_worker_import_cpu(county, store)
        start = startup_cpu(store)
        prepare, pickled = worker_cpu(county)
        sql = writer_sql_cpu(store, work)
    worker = prepare + pickled
    writer = whole - start - prepare
    per = 1e6 / rows
    print(f"{rows:,} records; CPU per record, one core (µs):")
    print(f"  floor (raw insert, json.loads included)   {floor * per:6.2f}")
    print(f"  worker stage (parse to pickled state)     {worker * per:6.2f}")
    print(f"    of which pickling the results           {pickled * per:6.2f}")
    print(f"  writer, whole (--workers 1 less the rest) {writer * per:6.2f}")
    print(f"    of which the SQL alone                  {sql * per:6.2f}")
    print(f"  start-up, once                            {start:6.2f} s")
    best = (worker + writer) / 2
    print(
        f"two cores, at best: {best * per:.2f} µs a record ="
        f" {floor / best:.2f}× the raw insert (target ≥ 0.5)"
    )
    print(
        f"  this file, with the start-up (on one core): {start:.2f} + {best:.2f} s at best ="
        f" {floor / (start + best):.2f}× the raw insert's {floor:.2f} s"
    )


if __name__ == "__main__":
    main()
