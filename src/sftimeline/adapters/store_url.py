"""Where a store lives: its URL read into the library's settings, the default store, and
the checks made before the library connects (a SQLite file created private, the reason
PostgreSQL refused).

URLs: a path or ``sqlite:///path`` (file created on first use), or
``postgresql://user@host:port/dbname[?schema=NAME]``.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse

from sftimeline.adapters.locks import schema_problem
from sftimeline.adapters.store_errors import InvalidStoreURL, StoreUnavailable

DEFAULT_DB = "./sftimeline.sqlite"


def default_url() -> str:
    return os.environ.get("SFTIMELINE_DB") or DEFAULT_DB


def env_for_url(url: str) -> dict[str, str]:
    """Library settings for a store URL (a plain path means a SQLite file)."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgresql", "postgres"):
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(parsed.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "5",
        }
        schema = parse_qs(parsed.query).get("schema")
        if schema:
            problem = schema_problem(schema[0])
            if problem:
                raise InvalidStoreURL(f"unusable store URL {url!r}: {problem}")
            env["POSTGRES_SCHEMA"] = schema[0]
        return env
    if parsed.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy spells them
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else unquote(parsed.path)
    elif parsed.scheme in ("", "file"):
        path = url if parsed.scheme == "" else unquote(parsed.path)
    else:
        raise InvalidStoreURL(f"unsupported store URL {url!r}: use a file path or postgresql://")
    if path != ":memory:":
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise StoreUnavailable(f"cannot create store {path!r}: no directory {parent!r}")
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path}


def file_of(url: str) -> str | None:
    """The SQLite file a store URL names (as SQLAlchemy's engine opens it), or None for
    any other store (PostgreSQL, an in-memory database): those keep SQLAlchemy."""
    env = env_for_url(url)
    path = env.get("SQLITE_DBNAME", ":memory:")
    if env["PERSISTENCE_MODULE"] != "eventsourcing.sqlite" or path == ":memory:":
        return None
    if path.startswith("file:") or "mode=memory" in path:
        return None
    return os.path.abspath(path)


#: a new SQLite store's page size (bytes). A record event's row is ≈ 600 bytes: with
#: SQLite's default of 4 KiB an import spent ≈ 20% more CPU in SQLite, and reading a
#: county back ≈ 15% more, than with 16 KiB pages (bench/README.md, stop 28).
PAGE_SIZE = 16384


def create_private_file(path: str) -> None:
    """Create an empty SQLite file readable by its owner only (SQLite's journal and WAL
    files take the database file's permissions), its pages :data:`PAGE_SIZE` bytes; an
    existing file is left alone (a page size is fixed when a database is first written)."""
    if path == ":memory:" or os.path.exists(path):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreUnavailable(f"cannot create store {path!r}: {exc}") from None
    _first_written(path)


def _first_written(path: str) -> None:
    """Write a new, empty database's header with :data:`PAGE_SIZE` pages, in WAL mode as
    the library would. Another process that opened the empty file first has written it
    already: the page size is then SQLite's default, and nothing else differs."""
    import sqlite3

    try:
        conn = sqlite3.connect(path)
        try:
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"cannot create store {path!r}: {exc}") from None


def postgres_reason(env: dict[str, str]) -> str | None:
    """Why PostgreSQL refused a connection: the library's pool only says it timed out."""
    import psycopg

    try:
        psycopg.connect(
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None,
            dbname=env["POSTGRES_DBNAME"],
            connect_timeout=5,
        ).close()
    except Exception as exc:
        return str(exc).strip()
    return None


def is_shared(url: str) -> bool:
    """Whether a store URL is a database several workers can share (PostgreSQL)."""
    return url.startswith(("postgresql://", "postgres://"))
