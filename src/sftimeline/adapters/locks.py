"""Locks between processes sharing a store: creating its schema and tables once, however
many processes open it at once, and applying a read model's page once.

PostgreSQL's ``CREATE TABLE IF NOT EXISTS`` (and ``CREATE TYPE``) is not safe against a
concurrent twin: four importers opening a fresh database together made one fail with
``duplicate key value violates unique constraint "pg_type_typname_nsp_index"``. Every
piece of DDL this project runs — the library's event and tracking tables, the read
models and settings tables, and the schema itself — runs under one advisory lock of
the database, so the first opener creates and the others wait and then find it done.
SQLite raced the same way on a new file (``table sftimeline_claims already exists``,
``Failed to record tracking for __migration__``): there the race is tolerated, the
loser retries and finds the tables made.

Schema names are validated here too: the library quotes them (``"Council"``) but
PostgreSQL's ``search_path`` folds unquoted names to lower case, so a mixed-case schema
would put the read models somewhere else; and a store must never be written into a
system schema.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # SQLAlchemy is imported where it is used: opening an event store needs none
    from sqlalchemy import MetaData
    from sqlalchemy.engine import Connection, Engine

T = TypeVar("T")

#: the one advisory lock key under which sftimeline runs DDL (any 64-bit constant)
DDL_LOCK_KEY = 0x5F71_E11E_0DD1
_SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def schema_problem(name: str) -> str | None:
    """Why ``name`` cannot be a store's PostgreSQL schema (None when it can)."""
    if name != name.lower() and _SCHEMA.fullmatch(name.lower()):
        return (
            f"schema {name!r} has upper-case letters: PostgreSQL folds unquoted names to "
            f"lower case, so use {name.lower()!r}"
        )
    if not _SCHEMA.fullmatch(name):
        return (
            f"schema {name!r} is not a plain identifier: use lower-case letters, digits "
            "and '_' (at most 63, not starting with a digit)"
        )
    if name == "information_schema" or name.startswith("pg_"):
        return f"schema {name!r} is a PostgreSQL system schema; name one of your own"
    return None


def create_once(get: Callable[[str], str | None], make: Callable[[], T]) -> T:
    """``make()`` (which creates the library's tables), never racing a twin opener.

    ``get`` reads the library's settings (``PERSISTENCE_MODULE``, ``POSTGRES_HOST`` …).
    PostgreSQL: under an advisory lock (and the schema is created first). SQLite: the
    race is tolerated — a twin that lost it finds the tables made and tries again.
    """
    module = get("PERSISTENCE_MODULE")
    creates = (get("CREATE_TABLE") or "y")[0].lower() not in ("f", "n", "0")
    if module == "eventsourcing.postgres" and creates:
        with _postgres_lock(get):
            return make()
    if module == "eventsourcing.sqlite":
        return _retry_lost_race(make)
    return make()


#: what SQLite says when a twin created the same table (or migration record) first
_LOST_RACE = ("already exists", "__migration__", "database is locked")


def _retry_lost_race(make: Callable[[], T], attempts: int = 5) -> T:
    for attempt in range(attempts):
        try:
            return make()
        except Exception as exc:
            if attempt == attempts - 1 or not any(m in str(exc) for m in _LOST_RACE):
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


@contextmanager
def _postgres_lock(get: Callable[[str], str | None]) -> Iterator[None]:
    """The database's DDL advisory lock on a connection of its own, for the body; the
    store's schema is created under it when missing."""
    import psycopg
    from psycopg import sql

    conn = psycopg.connect(
        host=get("POSTGRES_HOST"),
        port=get("POSTGRES_PORT"),
        user=get("POSTGRES_USER"),
        password=get("POSTGRES_PASSWORD") or None,
        dbname=get("POSTGRES_DBNAME"),
        connect_timeout=int(get("POSTGRES_CONNECT_TIMEOUT") or 5),
        autocommit=True,
    )
    try:
        conn.execute("SELECT pg_advisory_lock(%s)", (DDL_LOCK_KEY,))
        schema = get("POSTGRES_SCHEMA")
        if schema:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        yield
    finally:
        try:
            conn.execute("SELECT pg_advisory_unlock(%s)", (DDL_LOCK_KEY,))
        finally:
            conn.close()


def create_all(engine: Engine, metadata: MetaData) -> None:
    """``metadata.create_all``, never racing a twin: on PostgreSQL in one transaction
    that first takes the DDL lock (released at commit); on SQLite retried if lost."""
    from sqlalchemy import text

    if engine.dialect.name == "sqlite":
        _retry_lost_race(lambda: metadata.create_all(engine))
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": DDL_LOCK_KEY})
        metadata.create_all(conn)


#: the advisory lock key under which a read model's page is applied (PostgreSQL)
PROJECTION_LOCK_KEY = 0x5F71_E11E_0DD2


def lock_projection(conn: Connection, tracking_table: str) -> None:
    """Serialise writers of a read model before they read its position.

    PostgreSQL: a transaction-level advisory lock. SQLite: a no-op write to the
    tracking table first, which takes the database's write lock at once (a deferred
    transaction that read first could not upgrade while another writes).
    """
    from sqlalchemy import text

    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PROJECTION_LOCK_KEY})
    else:
        conn.execute(text(f"UPDATE {tracking_table} SET name = name WHERE 0"))
