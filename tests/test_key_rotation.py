"""`sftimeline key rotate`: re-encrypting a store under a new key, resumable after a kill."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sftimeline.adapters.cipher import KEY_ENV, KEY_FILE_ENV, KeyProblem, generate_key
from sftimeline.adapters.outcomes import PolicyProcess
from sftimeline.adapters.rekey import rotate_key
from sftimeline.adapters.store import RecordStore
from sftimeline.generate import family_records
from sftimeline.policies.loader import load_framework
from sftimeline.records import Record, validate_record

FW = load_framework("national-2022")


@pytest.fixture(autouse=True)
def no_key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def county(url: str, key: str | None, families: int = 4) -> list[tuple[str, list[Record]]]:
    """A store with records and outcome events; what it holds."""
    with RecordStore.open(url, key=key or "") as store:
        rows = [r for i in range(families) for r in family_records(9, i)]
        store.save_records([validate_record(r) for r in rows], datetime(2026, 1, 1, tzinfo=UTC))
        with PolicyProcess(store, [FW], on=date(2025, 6, 1)) as p:
            p.run()
        return list(store.iter_family_records())


def contents(url: str, key: str) -> tuple[list[tuple[str, list[Record]]], int]:
    with RecordStore.open(url, key=key) as store, PolicyProcess(store, [FW]) as p:
        return list(store.iter_family_records()), len(p.outcome_events())


def test_rotation_moves_every_event_to_the_new_key(store_url: str) -> None:
    old, new = generate_key(), generate_key()
    before = county(store_url, old)
    with RecordStore.open(store_url, key=old) as store, PolicyProcess(store, [FW]) as p:
        n_outcomes = len(p.outcome_events())
    done = rotate_key(store_url, old, new, page=7)
    assert done.reencrypted > len(before) and not done.resumed
    assert contents(store_url, new) == (before, n_outcomes)
    with pytest.raises(KeyProblem, match="wrong key"):
        RecordStore.open(store_url, key=old)


def test_a_store_in_clear_is_encrypted_by_a_rotation(sqlite_url: str) -> None:
    before = county(sqlite_url, None)
    new = generate_key()
    done = rotate_key(sqlite_url, None, new)
    assert not done.was_encrypted
    assert contents(sqlite_url, new)[0] == before
    with pytest.raises(KeyProblem, match="no key was supplied"):
        RecordStore.open(sqlite_url, key="")


def test_wrong_old_key_or_same_key_is_refused_before_anything_changes(sqlite_url: str) -> None:
    old = generate_key()
    county(sqlite_url, old, 1)
    with pytest.raises(KeyProblem, match="wrong key"):
        rotate_key(sqlite_url, generate_key(), generate_key())
    with pytest.raises(KeyProblem, match="already has"):
        rotate_key(sqlite_url, old, old)
    RecordStore.open(sqlite_url, key=old).close()  # untouched


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from sftimeline.adapters.rekey import rotate_key
    url, old, new = sys.argv[1:4]
    def hook(handled):
        if handled >= int(sys.argv[4]):
            os.kill(os.getpid(), signal.SIGKILL)
    rotate_key(url, old or None, new, page=5, after_page=hook)
    """
)


@pytest.mark.parametrize("clear", [False, True], ids=["encrypted", "in-clear"])
def test_a_rotation_killed_midway_refuses_to_open_and_resumes(store_url: str, clear: bool) -> None:
    old, new = (None if clear else generate_key()), generate_key()
    before = county(store_url, old)
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, store_url, old or "", new, "12"],
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    for key in (old or "", new):
        with pytest.raises(KeyProblem, match="rotation of this store was interrupted"):
            RecordStore.open(store_url, key=key)
    with pytest.raises(KeyProblem, match="another key"):
        rotate_key(store_url, old, generate_key())
    done = rotate_key(store_url, old, new, page=5)
    assert done.resumed and done.already >= 10 and done.reencrypted > 0
    assert contents(store_url, new)[0] == before


def test_cli_key_generate_and_rotate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sftimeline.cli import main

    r = CliRunner()
    db = str(tmp_path / "s.sqlite")
    res = r.invoke(main, ["key", "generate"])
    assert res.exit_code == 0
    old = res.output.strip()
    new_file = tmp_path / "new.key"
    assert r.invoke(main, ["key", "generate", "--out", str(new_file)]).exit_code == 0
    assert (new_file.stat().st_mode & 0o777) == 0o600
    county(db, old, 1)
    monkeypatch.setenv(KEY_ENV, old)
    res = r.invoke(main, ["--db", db, "key", "rotate", "--new-key-file", str(new_file)])
    assert res.exit_code == 0, res.output
    assert "re-encrypted" in res.output
    res = r.invoke(main, ["--db", db, "families"])
    assert res.exit_code == 4 and "wrong key" in res.output  # a store problem
    monkeypatch.setenv(KEY_ENV, new_file.read_text().strip())
    assert r.invoke(main, ["--db", db, "families"]).exit_code == 0


def test_cli_resumes_an_interrupted_rotation(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sftimeline.cli import main

    old, new = generate_key(), generate_key()
    before = county(sqlite_url, old, 3)
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, sqlite_url, old, new, "10"], capture_output=True, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    new_file = tmp_path / "new.key"
    new_file.write_text(new + "\n", encoding="ascii")
    monkeypatch.setenv(KEY_ENV, old)
    r = CliRunner()
    res = r.invoke(main, ["--db", sqlite_url, "families"])
    assert res.exit_code == 4 and "rotation of this store was interrupted" in res.output
    res = r.invoke(main, ["--db", sqlite_url, "key", "rotate", "--new-key-file", str(new_file)])
    assert res.exit_code == 0 and "an interrupted rotation was resumed" in res.output, res.output
    assert contents(sqlite_url, new)[0] == before
