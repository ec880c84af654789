"""The policy process's read models and settings on a SQLite store, through ``sqlite3``.

A late record on a council's SQLite file runs the policy process in a new process: most
of its time is start-up, and SQLAlchemy (imported only to read two settings, check that
the read models' tables exist and project a page of outcome events) was ≈ 0.15 s of
it. On a store whose tables exist, this module does the last two with the driver the
store already uses (the settings are read on the store's own connection:
``adapters/process_settings.py``); it writes the same rows as ``readmodels/status.py`` (the
folding is shared: ``readmodels/fold.py``; dates as the ISO text SQLAlchemy's SQLite
dialect writes), under the same locking (the page, its position and the rows in one
transaction that holds the write lock before it reads the position). Creating the
tables, and every store that is not a SQLite file, stay with SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date
from typing import Any

from sftimeline.readmodels.fold import (
    CLAIM_COLUMNS,
    CLAIM_KEYS,
    CLAIMS_TABLE,
    DATE_COLUMNS,
    ENTRIES_COLUMNS,
    ENTRIES_TABLE,
    STATUS_COLUMNS,
    STATUS_KEYS,
    STATUS_TABLE,
    TRACKING_TABLE,
    Key,
    Page,
    changes,
    fold,
    page_families,
)

#: the read models' tables (``readmodels/tables.py``)
TABLES = (STATUS_TABLE, CLAIMS_TABLE, ENTRIES_TABLE, TRACKING_TABLE)
PROJECTION = "status"
#: seconds to wait for another writer's lock (SQLAlchemy's engine on the store waits as long)
TIMEOUT = 30


@contextmanager
def _connection(path: str) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=TIMEOUT, isolation_level=None)) as conn:
        yield conn


def tables_exist(path: str) -> bool:
    """Whether the read models' tables are all in the file (then nothing is created)."""
    marks = ",".join("?" * len(TABLES))
    with _connection(path) as conn:
        found = conn.execute(
            f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({marks})",
            TABLES,
        ).fetchone()
    return bool(found and found[0] == len(TABLES))


def position(path: str) -> int:
    """The outcomes log's position the read models have been brought up to."""
    with _connection(path) as conn:
        return _position(conn)


def _position(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        f"SELECT notification_id FROM {TRACKING_TABLE} WHERE name = ?", (PROJECTION,)
    ).fetchone()
    return int(row[0]) if row else 0


def apply_page(path: str, events: Sequence[tuple[int, str, dict[str, Any]]], last_id: int) -> None:
    """``readmodels.status.apply_page`` on the SQLite file at ``path``: the events after
    the position applied and the position moved, in one transaction that takes the write
    lock first (a second run projecting the same page then finds the position moved)."""
    with _connection(path) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            start = _position(conn)
            todo = [(kind, payload) for nid, kind, payload in events if nid > start]
            if todo:
                families = page_families(todo)
                page = Page(
                    _rows(conn, STATUS_TABLE, STATUS_COLUMNS, STATUS_KEYS, families),
                    _rows(conn, CLAIMS_TABLE, CLAIM_COLUMNS, CLAIM_KEYS, families),
                )
                for kind, payload in todo:
                    fold(page, kind, payload)
                _write_page(conn, page)
            if last_id > start:
                done = conn.execute(
                    f"UPDATE {TRACKING_TABLE} SET notification_id = ? WHERE name = ?",
                    (last_id, PROJECTION),
                )
                if done.rowcount == 0:
                    conn.execute(
                        f"INSERT INTO {TRACKING_TABLE} (name, notification_id) VALUES (?, ?)",
                        (PROJECTION, last_id),
                    )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _rows(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    keys: Sequence[str],
    families: Sequence[str],
) -> dict[Key, dict[str, Any]]:
    """The stored rows of ``families``, by key, dates as dates (as SQLAlchemy reads them)."""
    out: dict[Key, dict[str, Any]] = {}
    fams = list(dict.fromkeys(families))
    dates = [c for c in columns if c in DATE_COLUMNS]
    for i in range(0, len(fams), 500):
        part = fams[i : i + 500]
        marks = ",".join("?" * len(part))
        sql = f"SELECT {', '.join(columns)} FROM {table} WHERE family IN ({marks})"
        for values in conn.execute(sql, part):
            row = dict(zip(columns, values, strict=True))
            for c in dates:
                if row[c] is not None:
                    row[c] = date.fromisoformat(row[c])
            out[tuple(row[k] for k in keys)] = row
    return out


def _value(v: Any) -> Any:
    """A row's value as SQLAlchemy's SQLite dialect binds it (a date as its ISO text)."""
    return v.isoformat() if isinstance(v, date) else v


def _write_page(conn: sqlite3.Connection, page: Page) -> None:
    if page.unshown:
        conn.executemany(
            f"DELETE FROM {ENTRIES_TABLE} WHERE family = ? AND framework = ? AND claim = ?",
            list(page.unshown),
        )
        unshown = page.unshown_rows()
        if unshown:
            _insert(conn, ENTRIES_TABLE, ENTRIES_COLUMNS, unshown)
    status = changes(page.status, page.changed_status, page.stored_status)
    _write(conn, STATUS_TABLE, STATUS_COLUMNS, STATUS_KEYS, *status)
    claims = changes(page.claims, page.changed_claims, page.stored_claims)
    _write(conn, CLAIMS_TABLE, CLAIM_COLUMNS, CLAIM_KEYS, *claims)


def _write(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    keys: Sequence[str],
    updates: list[dict[str, Any]],
    inserts: list[dict[str, Any]],
) -> None:
    """Update the rows that were stored, insert the others (each in first-changed order)."""
    if updates:
        values = [c for c in columns if c not in keys]
        conn.executemany(
            f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in values)}"
            f" WHERE {' AND '.join(f'{k} = ?' for k in keys)}",
            [[_value(r.get(c)) for c in (*values, *keys)] for r in updates],
        )
    if inserts:
        _insert(conn, table, columns, inserts)


def _insert(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]
) -> None:
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
        [[_value(r.get(c)) for c in columns] for r in rows],
    )
