"""The policy process's settings, read on the store's own connection (SQLite's or
PostgreSQL's), as the long way through SQLAlchemy reads them."""

from __future__ import annotations

from datetime import date

import pytest

from sftimeline.adapters import sql
from sftimeline.adapters.process_settings import Settings, enable_framework, set_on
from sftimeline.adapters.store import RecordStore
from sftimeline.policies.loader import load_framework


def _no_engine() -> None:
    raise AssertionError("SQLAlchemy asked")


def test_the_settings_are_read_without_sqlalchemy_on_either_store(store_url: str) -> None:
    with RecordStore.open(store_url, key="") as store:
        fresh = Settings(store, _no_engine)  # no settings table yet: nothing enabled
        assert (fresh.enabled_frameworks(), fresh.configured_on()) == ([], None)
        engine = sql.engine_for_url(store_url)
        try:
            enable_framework(engine, load_framework("national-2022"), None)
            set_on(engine, date(2025, 9, 1))
        finally:
            engine.dispose()
        settings = Settings(store, _no_engine)
        assert [f.id for f in settings.enabled_frameworks()] == ["national-2022"]
        assert settings.configured_on() == date(2025, 9, 1)


def test_a_read_that_fails_on_the_stores_connection_goes_the_long_way(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with RecordStore.open(sqlite_url, key="") as store:
        engine = sql.engine_for_url(sqlite_url)
        try:
            enable_framework(engine, load_framework("national-2022"), None)
            monkeypatch.setattr(store, "own_setting", lambda key: (False, None))
            settings = Settings(store, lambda: engine)
            assert [f.id for f in settings.enabled_frameworks()] == ["national-2022"]
        finally:
            engine.dispose()
