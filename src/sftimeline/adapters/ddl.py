"""Creating a store's schema and tables once, however many processes open it at once.

PostgreSQL's ``CREATE TABLE IF NOT EXISTS`` (and ``CREATE TYPE``) is not safe against a
concurrent twin: four importers opening a fresh database together made one fail with
``duplicate key value violates unique constraint "pg_type_typname_nsp_index"``. Every
piece of DDL this project runs — the library's event and tracking tables, the read
models and settings tables, and the schema itself — runs under one advisory lock of
the database, so the first opener creates and the others wait and then find it done.

Schema names are validated here too: the library quotes them (``"Council"``) but
PostgreSQL's ``search_path`` folds unquoted names to lower case, so a mixed-case schema
would put the read models somewhere else; and a store must never be written into a
system schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData, text
from sqlalchemy.engine import Engine

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


@contextmanager
def postgres_ddl_lock(get: Callable[[str], str | None]) -> Iterator[None]:
    """Hold the DDL advisory lock (and create the schema) while the body creates tables.

    ``get`` reads the library's settings (``POSTGRES_HOST`` …). A no-op for SQLite.
    """
    if get("PERSISTENCE_MODULE") != "eventsourcing.postgres" or (get("CREATE_TABLE") or "y")[
        0
    ].lower() in ("f", "n", "0"):
        yield
        return
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
    """``metadata.create_all`` in one transaction that first takes the DDL lock on
    PostgreSQL (released at commit), so that it never races a twin."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": DDL_LOCK_KEY})
        metadata.create_all(conn)
