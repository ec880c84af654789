"""SQLAlchemy access to the store's own database, for read models and settings.

The read models live beside the event store — the same SQLite file, or the same
PostgreSQL schema — so that one URL names everything a council has.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

from sqlalchemy import Column, MetaData, String, Table, Text, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from sftimeline.adapters.locks import create_all
from sftimeline.adapters.process_settings import SETTINGS_TABLE
from sftimeline.adapters.store_url import env_for_url

metadata = MetaData()

#: Process settings (enabled frameworks, on-date): key → JSON value.
settings_table = Table(
    SETTINGS_TABLE,
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


def engine_for_url(url: str) -> Engine:
    """A SQLAlchemy engine on the database a store URL names."""
    env = env_for_url(url)
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        path = env["SQLITE_DBNAME"]
        target = path if path == ":memory:" else os.path.abspath(path)
        return create_engine(f"sqlite:///{target}", connect_args={"timeout": 30})
    user = quote(env["POSTGRES_USER"], safe="")
    password = env["POSTGRES_PASSWORD"]
    auth = f"{user}:{quote(password, safe='')}" if password else user
    sa_url = (
        f"postgresql+psycopg://{auth}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/"
        f"{quote(env['POSTGRES_DBNAME'], safe='')}"
    )
    args: dict[str, Any] = {"connect_timeout": 5}
    schema = env.get("POSTGRES_SCHEMA")
    if schema:
        args["options"] = f"-csearch_path={schema}"
    return create_engine(sa_url, connect_args=args)


def create_tables(engine: Engine) -> None:
    create_all(engine, metadata)


def get_setting(engine: Engine, key: str, default: Any = None) -> Any:
    create_tables(engine)
    with engine.connect() as conn:
        row = conn.execute(
            select(settings_table.c.value).where(settings_table.c.key == key)
        ).first()
    return json.loads(row[0]) if row else default


def set_setting(engine: Engine, key: str, value: Any) -> None:
    create_tables(engine)
    with engine.begin() as conn:
        conn.execute(settings_table.delete().where(settings_table.c.key == key))
        conn.execute(settings_table.insert().values(key=key, value=json.dumps(value)))


def insert_setting_once(engine: Engine, key: str, value: Any) -> None:
    """Set ``key`` unless it is already set (the first of concurrent writers wins)."""
    create_tables(engine)
    try:
        with engine.begin() as conn:
            conn.execute(settings_table.insert().values(key=key, value=json.dumps(value)))
    except IntegrityError:
        pass
