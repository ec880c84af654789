"""The floors every figure is divided by: what the database and ``json`` alone cost.

Run as a child process of the suite (``python -m bench.floors KIND URL ...``) so that its
wall time and peak memory are measured exactly like the ``sftimeline`` command beside it:

- ``insert URL FILE``: every line of FILE ``json.loads``-ed and inserted as it is (family
  code, source, source id, the line) into a plain table ``bench_raw`` of the database at
  URL (``bench/run`` gives a fresh one of the store's kind), 500 rows per transaction
  (``sftimeline import``'s default batch);
- ``read URL``: a plain ``select`` of the store's record events in (family, version)
  order and ``json.loads`` of each one's state: the bytes the evaluator reads;
- ``read-halves URL``: the same split over two forked processes, half the families each
  (what two processes can gain on this machine: the 2-workers column's own floor);
- ``late URL FAMILY``: one row inserted and committed, then that family's events read and
  ``json.loads``-ed: the least a late record can cost before anything is decided.

Only the standard library and psycopg are imported: the floor pays no start-up of ours.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

BATCH = 500


class Db:
    """A DB-API connection to the store's database and the store's events table name."""

    def __init__(self, url: str) -> None:
        parsed = urlparse(url)
        self.pg = parsed.scheme in ("postgresql", "postgres")
        self.conn: Any
        if self.pg:
            import psycopg

            schema = parse_qs(parsed.query).get("schema", ["public"])[0]
            self.conn = psycopg.connect(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 5432,
                user=parsed.username or "postgres",
                dbname=parsed.path.lstrip("/") or "postgres",
            )
            self.conn.execute(f"SET search_path TO {schema}")
            self.events = "familyrecords_events"
            self.mark = "%s"
        else:
            self.conn = sqlite3.connect(url)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.events = "stored_events"
            self.mark = "?"

    def create_raw(self) -> None:
        key = "BIGSERIAL PRIMARY KEY" if self.pg else "INTEGER PRIMARY KEY"
        self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS bench_raw (id {key}, family TEXT NOT NULL,"
            " source TEXT, source_id TEXT, body TEXT NOT NULL)"
        )
        self.conn.commit()

    def insert(self, rows: list[tuple[str, str | None, str | None, str]]) -> None:
        m = self.mark
        sql = f"INSERT INTO bench_raw (family, source, source_id, body) VALUES ({m},{m},{m},{m})"
        cur = self.conn.cursor()
        cur.executemany(sql, rows)
        self.conn.commit()


def _rows(path: str) -> Iterator[tuple[str, str | None, str | None, str]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            yield d["family"], d.get("source"), d.get("source_id"), line


def insert(url: str, path: str) -> int:
    db = Db(url)
    db.create_raw()
    n = 0
    batch: list[tuple[str, str | None, str | None, str]] = []
    for row in _rows(path):
        batch.append(row)
        if len(batch) >= BATCH:
            db.insert(batch)
            n += len(batch)
            batch.clear()
    if batch:
        db.insert(batch)
        n += len(batch)
    return n


def read(url: str) -> int:
    db = Db(url)
    cur = db.conn.cursor()
    cur.execute(
        f"SELECT originator_id, originator_version, topic, state FROM {db.events}"
        " ORDER BY originator_id, originator_version"
    )
    n = 0
    loads = json.loads
    while True:
        page = cur.fetchmany(5000)
        if not page:
            return n
        for row in page:
            loads(row[3])
            n += 1


def read_halves(url: str) -> int:
    """The raw read split over two processes, as ``sftimeline evaluate --workers 2``
    splits the families: the families' ids cut at the middle one here, then each half read
    (and ``json.loads``-ed) by a forked process with a connection of its own, at once. Its
    time against :func:`read`'s is what two processes gain on this machine for this very
    work (two virtual cores that share one physical core, or its caches, gain far less
    than half)."""
    db = Db(url)
    ids = f"SELECT DISTINCT originator_id FROM {db.events}"
    (count,) = db.conn.execute(f"SELECT count(*) FROM ({ids}) AS i").fetchone()
    row = db.conn.execute(f"{ids} ORDER BY 1 LIMIT 1 OFFSET {count // 2}").fetchone()
    db.conn.close()
    middle = row[0] if row else None
    children = []
    for half in (f"originator_id < {db.mark}", f"originator_id >= {db.mark}"):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _read_where(url, half, middle)
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)
    failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
    if failed:
        raise SystemExit("a half of the raw read failed")
    return count


def _read_where(url: str, where: str, value: object) -> None:
    db = Db(url)
    cur = db.conn.cursor()
    cur.execute(
        f"SELECT originator_id, originator_version, topic, state FROM {db.events}"
        f" WHERE {where} ORDER BY originator_id, originator_version",
        (value,),
    )
    loads = json.loads
    while True:
        page = cur.fetchmany(5000)
        if not page:
            return
        for row in page:
            loads(row[3])


def late(url: str, family: str) -> int:
    from uuid import NAMESPACE_URL, uuid5

    db = Db(url)
    db.create_raw()
    db.insert([(family, "bench-floor", str(uuid5(NAMESPACE_URL, family)), "{}")])
    cur = db.conn.cursor()
    # the family's aggregate id: uuid5 over the store's namespace (aggregates/family.py)
    fid = uuid5(_FAMILY_NAMESPACE, family)
    m = db.mark
    cur.execute(
        f"SELECT state FROM {db.events} WHERE originator_id = {m} ORDER BY originator_version",
        (fid if db.pg else fid.hex,),
    )
    rows = cur.fetchall()
    for row in rows:
        json.loads(row[0])
    return len(rows)


#: aggregates/family.py's FAMILY_NAMESPACE (copied so the floor imports nothing of ours)
from uuid import UUID  # noqa: E402

_FAMILY_NAMESPACE = UUID("5f0c3a4e-8d0b-5b7e-9a63-2f1d2a7c6b11")


def main(argv: list[str]) -> None:
    kind, url, *rest = argv
    if kind == "insert":
        n = insert(url, rest[0])
    elif kind == "read":
        n = read(url)
    elif kind == "read-halves":
        n = read_halves(url)
    elif kind == "late":
        n = late(url, rest[0])
    else:
        raise SystemExit(f"unknown floor {kind!r}")
    print(n)


if __name__ == "__main__":
    main(sys.argv[1:])
