"""The framework ids an import accepts in a claim: read on the store's own connection,
SQLite's or PostgreSQL's (no SQLAlchemy), the same as the long way reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from sftimeline import import_frameworks
from sftimeline.adapters import process_settings, sql
from sftimeline.adapters.process_settings import FRAMEWORKS_SETTING
from sftimeline.adapters.store import RecordStore
from sftimeline.import_frameworks import known_frameworks


def test_the_names_it_reads_are_the_settings_own() -> None:
    assert sql.settings_table.name == process_settings.SETTINGS_TABLE == "sftimeline_settings"


def test_a_store_is_read_without_sqlalchemy_and_alike(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = store_url
    with RecordStore.open(db, key="") as store:
        packaged = known_frameworks(None)
        engine = sql.engine_for_url(db)
        with engine.begin() as conn:  # a store without the settings table yet
            conn.exec_driver_sql("DROP TABLE IF EXISTS sftimeline_settings")
        engine.dispose()
        assert import_frameworks._enabled_on_own_connection(store) == []
        assert known_frameworks(store) == packaged
        engine = sql.engine_for_url(db)
        sql.set_setting(engine, FRAMEWORKS_SETTING, [{"id": "local-2025", "file": "l.yaml"}])
        engine.dispose()
        long_way = import_frameworks._enabled(store)

        def no_engine(url: str) -> None:
            raise AssertionError("SQLAlchemy asked")

        monkeypatch.setattr(sql, "engine_for_url", no_engine)
        assert import_frameworks._enabled_on_own_connection(store) == long_way == ["local-2025"]
        assert known_frameworks(store) == packaged | {"local-2025"}
        assert store.own_setting("no.such.setting") == (True, None)


def test_an_import_into_a_new_or_existing_sqlite_store_loads_no_sqlalchemy(
    tmp_path: Path,
) -> None:
    """Issue 14: neither a first import (its new store's cipher setting is recorded
    through sqlite3: adapters/cipher_sqlite.py) nor a late record's pays SQLAlchemy."""
    from test_startup import EXAMPLE, loaded_by_command

    db = str(tmp_path / "s.sqlite")
    first = loaded_by_command(["--db", db, "import", str(EXAMPLE), "--no-process"])
    again = loaded_by_command(["--db", db, "import", str(EXAMPLE), "--no-process"])
    for loaded in (first, again):
        assert "sftimeline.importer" in loaded
        assert [m for m in loaded if m.startswith("sqlalchemy")] == []


@pytest.mark.postgres
def test_commands_on_an_existing_postgres_store_load_no_sqlalchemy(pg_url: str) -> None:
    """Issue 14: on PostgreSQL the cipher setting and the enabled frameworks are read on
    the library's own connection too, so a late record's import and an evaluation pay
    neither SQLAlchemy's import nor a connection of its own. (The first import records
    the new store's cipher setting the long way.)"""
    from test_startup import EXAMPLE, loaded_by_command

    loaded_by_command(["--db", pg_url, "import", str(EXAMPLE), "--no-process"])
    again = loaded_by_command(["--db", pg_url, "import", str(EXAMPLE), "--no-process"])
    evaluate = ["--db", pg_url, "evaluate", "--on", "2025-06-01", "--framework", "national-2022"]
    for loaded in (again, loaded_by_command(evaluate)):
        assert "sftimeline.adapters.store" in loaded
        assert [m for m in loaded if m.startswith("sqlalchemy")] == []
