"""A SQLite store's writer settles its cipher setting through ``sqlite3``
(``adapters/cipher_sqlite.py``): the same table, the same decisions and the same rows as
the long way through SQLAlchemy (``cipher.settle``), and no SQLAlchemy loaded."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sftimeline.adapters import sql
from sftimeline.adapters.cipher import SETTING, CipherState, KeyProblem, generate_key, settle
from sftimeline.adapters.cipher_sqlite import settle_file
from sftimeline.adapters.store import RecordStore

EVENTS = "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER)"
KEY = generate_key()


def _schema(path: str, table: str) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? ORDER BY name",
            (table,),
        ).fetchall()


def _setting(path: str) -> str | None:
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT value FROM sftimeline_settings WHERE key = ?", (SETTING,)
        ).fetchone()
    return None if row is None else str(row[0])


def _twin(path: Path, recorded: CipherState | None, events: bool) -> str:
    """A file holding an events table (with a row if ``events``) and, if ``recorded``, the
    setting as the long way records it."""
    with sqlite3.connect(path) as conn:
        conn.execute(EVENTS)
        if events:
            conn.execute("INSERT INTO stored_events VALUES ('x', 1)")
    if recorded is not None:
        engine = sql.engine_for_url(str(path))
        sql.insert_setting_once(engine, SETTING, recorded.to_json())
        engine.dispose()
    return str(path)


def test_the_settings_table_is_the_one_sqlalchemy_creates(tmp_path: Path) -> None:
    short = _twin(tmp_path / "short.sqlite", None, events=False)
    long = _twin(tmp_path / "long.sqlite", None, events=False)
    settle_file(short, "stored_events", None)
    engine = sql.engine_for_url(long)
    settle(engine, None, False, create=True)
    engine.dispose()
    assert _schema(short, "sftimeline_settings") == _schema(long, "sftimeline_settings")
    assert _setting(short) == _setting(long) == json.dumps(CipherState(False).to_json())


STATES = [None, CipherState(False), "encrypted"]


@pytest.mark.parametrize("recorded", STATES, ids=["none", "clear", "encrypted"])
@pytest.mark.parametrize("events", [False, True], ids=["empty", "with-events"])
@pytest.mark.parametrize("key", [None, KEY, "other"], ids=["no-key", "key", "other-key"])
def test_every_case_is_decided_as_the_long_way_decides_it(
    tmp_path: Path, recorded: CipherState | str | None, events: bool, key: str | None
) -> None:
    from sftimeline.adapters.cipher import key_check

    state = CipherState(True, key_check(KEY)) if recorded == "encrypted" else recorded
    assert state is None or isinstance(state, CipherState)
    supplied = generate_key() if key == "other" else key
    outcomes = []
    for way in ("short", "long"):
        path = _twin(tmp_path / f"{way}.sqlite", state, events)
        try:
            if way == "short":
                got = settle_file(path, "stored_events", supplied)
            else:
                engine = sql.engine_for_url(path)
                try:
                    got = settle(engine, supplied, events, create=True)
                finally:
                    engine.dispose()
            outcome: object = (got.encrypted, got.rotating_to)
        except KeyProblem as exc:
            outcome = str(exc)
        setting = _setting(path)
        encrypted = None if setting is None else json.loads(setting)["encrypted"]
        outcomes.append((outcome, encrypted))
    assert outcomes[0] == outcomes[1]


def test_a_new_sqlite_store_is_opened_without_sqlalchemy(tmp_path: Path) -> None:
    """Issue 14: ≈ 0.17 s of a first import's start-up, before its workers could start."""
    db = str(tmp_path / "new.sqlite")
    code = (
        "import sys; from sftimeline.adapters.store import RecordStore; "
        f"RecordStore.open({db!r}, key='').close(); "
        "print(sorted(m for m in sys.modules if m.startswith('sqlalchemy'))[:3])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    with RecordStore.open(db, key="", create=False) as store:
        assert not store.encrypted


def test_a_file_another_writer_holds_too_long_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sftimeline.adapters import cipher_sqlite
    from sftimeline.adapters.store_errors import StoreUnavailable

    db = str(tmp_path / "held.sqlite")
    RecordStore.open(db, key="").close()
    with sqlite3.connect(db) as conn:  # as if the store predated its cipher setting
        conn.execute("DELETE FROM sftimeline_settings")
    monkeypatch.setattr(cipher_sqlite, "TIMEOUT", 0.1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreUnavailable, match=r"cannot open store .*database is locked"):
            RecordStore.open(db, key="")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with RecordStore.open(db, key="") as store:  # the lock gone, it settles as before
        assert not store.encrypted
    assert _setting(db) == json.dumps(CipherState(False).to_json())
