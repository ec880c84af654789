"""Encryption at rest (issue 12, "What it must also do" 1).

Records and outcome events are encrypted with the council's key (AES-GCM, the library's
cipher support); a store created with a key refuses to open without it or with another
key, with a clear message; a store created without a key says so.
"""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sftimeline.adapters.cipher import (
    KEY_ENV,
    KEY_FILE_ENV,
    KeyProblem,
    generate_key,
    key_from_env,
)
from sftimeline.adapters.outcomes import PolicyProcess
from sftimeline.adapters.store import RecordStore
from sftimeline.generate import family_records
from sftimeline.policies.loader import load_framework
from sftimeline.readmodels.status import query_claims, query_status
from sftimeline.records import validate_record

FW = load_framework("national-2022")
IMPORTED = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def fill(store: RecordStore, families: int = 3) -> list[dict[str, object]]:
    rows = [r for i in range(families) for r in family_records(5, i)]
    store.save_records([validate_record(r) for r in rows], IMPORTED)
    return rows


def raw_event_bytes(url: str) -> bytes:
    """Every stored event's state, as the database holds it."""
    import sqlite3

    conn = sqlite3.connect(url)
    try:
        out = b""
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
        for table in {"stored_events", "familyoutcomes_events"} & tables:
            for (state,) in conn.execute(f"SELECT state FROM {table}"):
                out += bytes(state)
        return out
    finally:
        conn.close()


def test_an_encrypted_store_holds_no_person_birth_date_or_family_code_in_its_events(
    sqlite_url: str,
) -> None:
    key = generate_key()
    with RecordStore.open(sqlite_url, key=key) as store:
        rows = fill(store)
        with PolicyProcess(store, [FW], on=date(2025, 6, 1)) as p:
            p.run()
            assert len(p.outcome_events()) > 0
    data = raw_event_bytes(sqlite_url)
    secrets = {str(r["family"]) for r in rows}
    secrets |= {str(r["person"]) for r in rows if r.get("person")}
    secrets |= {str(r["born_on"]) for r in rows if r.get("born_on")}
    # short ids (P1, C4) turn up by chance in kilobytes of random cipher text
    secrets = {s for s in secrets if len(s) >= 6}
    assert len(secrets) > 10
    for s in secrets:
        assert s.encode() not in data, s
    with RecordStore.open(sqlite_url, key=key) as store:  # and it reads back
        assert len(store.families()) == 3
        assert sum(len(rs) for _, rs in store.iter_family_records()) == len(rows)


def test_a_store_without_a_key_is_in_clear_and_says_so(sqlite_url: str) -> None:
    with RecordStore.open(sqlite_url) as store:
        rows = fill(store, 1)
        assert not store.encrypted
    assert str(rows[0]["family"]).encode() in raw_event_bytes(sqlite_url)


def test_wrong_or_missing_key_is_a_clear_error(store_url: str) -> None:
    key = generate_key()
    with RecordStore.open(store_url, key=key) as store:
        fill(store, 1)
        assert store.encrypted
    with pytest.raises(KeyProblem, match="no key was supplied"):
        RecordStore.open(store_url)
    with pytest.raises(KeyProblem, match="wrong key"):
        RecordStore.open(store_url, key=generate_key())


def test_a_store_in_clear_refuses_a_key(store_url: str) -> None:
    with RecordStore.open(store_url) as store:
        fill(store, 1)
    with pytest.raises(KeyProblem, match="created without a key"):
        RecordStore.open(store_url, key=generate_key())


def test_the_key_comes_from_the_environment_or_a_file(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = generate_key()
    monkeypatch.setenv(KEY_ENV, key)
    with RecordStore.open(sqlite_url) as store:
        fill(store, 1)
        assert store.encrypted
    monkeypatch.delenv(KEY_ENV)
    f = tmp_path / "council.key"
    f.write_text(key + "\n", encoding="ascii")
    monkeypatch.setenv(KEY_FILE_ENV, str(f))
    with RecordStore.open(sqlite_url) as store:
        assert len(store.families()) == 1


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({KEY_ENV: "not base64!"}, "SFTIMELINE_KEY: not a key"),
        ({KEY_ENV: "c2hvcnQ="}, "a key is 16, 24 or 32 bytes, this one is 5"),
        ({KEY_FILE_ENV: "/nonexistent/key"}, "cannot read the key file"),
        ({KEY_ENV: "x", KEY_FILE_ENV: "y"}, "set one"),
    ],
)
def test_malformed_keys_are_named(env: dict[str, str], says: str) -> None:
    with pytest.raises(KeyProblem, match=says):
        key_from_env(env)


def test_outcome_events_and_read_models_work_on_an_encrypted_store(store_url: str) -> None:
    key = generate_key()
    with RecordStore.open(store_url, key=key) as store:
        fill(store, 4)
        with PolicyProcess(store, [FW], on=date(2025, 6, 1)) as p:
            p.run()
            assert {r.family for r in query_status(p.engine)} == set(store.families())
            list(query_claims(p.engine))


def test_read_models_hold_no_person_ids(sqlite_url: str) -> None:
    """The status table's reason (it names persons) stays in the events; a claim's
    causes keep key, type and dates only."""
    with RecordStore.open(sqlite_url) as store:
        fill(store, 6)
        with PolicyProcess(store, [FW], on=date(2025, 6, 1)) as p:
            p.run()
            assert all(r.reason is None for r in query_status(p.engine))
            for c in query_claims(p.engine):
                for cause in c.caused_by:
                    assert set(cause) == {"key", "type", "occurred_on", "recorded_at"}


def test_a_new_sqlite_store_is_readable_by_its_owner_only(sqlite_url: str) -> None:
    with RecordStore.open(sqlite_url):
        pass
    assert stat.S_IMODE(os.stat(sqlite_url).st_mode) == 0o600


def test_rejects_files_and_audit_packs_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from sftimeline.cli import main
    from sftimeline.service.results import AuditPack

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "nope"}\n', encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    rejects.write_text("old\n", encoding="utf-8")
    os.chmod(rejects, 0o644)  # an existing file is made private before it is written
    res = CliRunner().invoke(
        main,
        ["--db", str(tmp_path / "s.sqlite"), "import", "--rejects", str(rejects), str(bad)],
    )
    assert res.exit_code == 1, res.output
    assert stat.S_IMODE(os.stat(rejects).st_mode) == 0o600
    assert "nope" in rejects.read_text(encoding="utf-8")
    pack = tmp_path / "pack.html"
    AuditPack(decision=None, html="<html></html>").save(str(pack))  # type: ignore[arg-type]
    assert stat.S_IMODE(os.stat(pack).st_mode) == 0o600


def test_a_store_created_empty_without_a_key_is_encrypted_by_its_first_keyed_writer(
    store_url: str,
) -> None:
    RecordStore.open(store_url, key="").close()  # e.g. `process enable` before any import
    key = generate_key()
    with RecordStore.open(store_url, key=key) as store:
        assert store.encrypted
        fill(store, 1)
    with pytest.raises(KeyProblem, match="no key was supplied"):
        RecordStore.open(store_url, key="")
