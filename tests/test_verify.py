"""`sftimeline verify` finds each damage planted in a store (issue 12, item 2)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sftimeline.adapters.cipher import KEY_ENV, KEY_FILE_ENV, generate_key
from sftimeline.adapters.outcomes import PolicyProcess
from sftimeline.adapters.process_settings import enable_framework
from sftimeline.adapters.store import RecordStore
from sftimeline.adapters.verify import Verification, verify_store
from sftimeline.cli import main
from sftimeline.generate import family_records
from sftimeline.policies.loader import load_framework
from sftimeline.records import validate_record

FW = load_framework("national-2022")


@pytest.fixture(autouse=True)
def no_key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def build(url: str, key: str = "", families: int = 6) -> None:
    with RecordStore.open(url, key=key) as store:
        rows = [r for i in range(families) for r in family_records(4, i)]
        store.save_records([validate_record(r) for r in rows], datetime(2026, 1, 1, tzinfo=UTC))
        with PolicyProcess(store, [FW], on=date(2025, 6, 1)) as p:
            enable_framework(p.engine, FW, None)
            p.run()


def check(url: str, key: str = "", full: bool = True) -> Verification:
    with RecordStore.open(url, key=key) as store:
        return verify_store(store, full=full)


@pytest.fixture(params=["clear", "encrypted"])
def county(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[tuple[str, str]]:
    key = generate_key() if request.param == "encrypted" else ""
    build(sqlite_url, key)
    yield sqlite_url, key


def sql(url: str, statement: str, *args: Any) -> list[Any]:
    conn = sqlite3.connect(url)
    try:
        rows = conn.execute(statement, args).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def a_family_with_records(url: str) -> tuple[str, int]:
    """(aggregate id, version) of a family's third event."""
    ((fid,),) = sql(
        url, "SELECT originator_id FROM stored_events WHERE originator_version = 5 LIMIT 1"
    )
    return fid, 3


def test_an_intact_store_passes_every_check(county: tuple[str, str]) -> None:
    url, key = county
    result = check(url, key)
    assert result.ok, result.lines()
    assert result.families == 6 and result.sampled == 6
    assert all(result.checked[c] > 0 for c in ("events", "records", "process", "read models"))


def test_a_deleted_event_is_found(county: tuple[str, str]) -> None:
    url, key = county
    fid, version = a_family_with_records(url)
    sql(
        url,
        "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = ?",
        fid,
        version,
    )
    result = check(url, key)
    assert not result.ok
    details = [p.line() for p in result.problems]
    assert any("event version(s) 3 missing" in d for d in details), details
    assert any("the log skips position" in d for d in details), details


def test_a_deleted_last_event_is_found_by_the_decision_that_saw_it(
    county: tuple[str, str],
) -> None:
    url, key = county
    ((fid, version),) = sql(
        url,
        "SELECT originator_id, MAX(originator_version) FROM stored_events "
        "GROUP BY originator_id LIMIT 1",
    )
    sql(
        url,
        "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = ?",
        fid,
        version,
    )
    result = check(url, key)
    assert any("events were lost" in p.detail for p in result.problems), result.lines()


def test_a_flipped_byte_is_found(county: tuple[str, str]) -> None:
    url, key = county
    fid, version = a_family_with_records(url)
    ((state,),) = sql(
        url,
        "SELECT state FROM stored_events WHERE originator_id = ? AND originator_version = ?",
        fid,
        version,
    )
    blob = bytearray(state)
    # in clear: change a digit of the valid date (still valid JSON); encrypted: any byte
    at = blob.index(b"20", blob.index(b'"occurred_on"')) + 3 if not key else len(blob) // 2
    blob[at] ^= 0x01
    sql(
        url,
        "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = ?",
        bytes(blob),
        fid,
        version,
    )
    result = check(url, key)
    assert not result.ok
    detail = " ".join(p.detail for p in result.problems)
    assert (
        ("cannot be decoded" in detail)
        or ("differs from its fingerprint" in detail)
        or ("fails validation" in detail)
    ), result.lines()
    assert all(p.family != "*" for p in result.problems)


def test_a_stale_status_row_is_found(county: tuple[str, str]) -> None:
    url, key = county
    ((family, status),) = sql(url, "SELECT family, status FROM sftimeline_status LIMIT 1")
    sql(
        url,
        "UPDATE sftimeline_status SET status = 'eligible', eligible_from = '2020-01-01' "
        "WHERE family = ?",
        family,
    )
    result = check(url, key, full=False)
    (problem,) = result.problems
    assert problem.family == family and problem.check == "read models"
    assert 'status "eligible" (rebuild: "' + status in problem.detail


def test_a_decision_that_a_fresh_evaluation_contradicts_is_found(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A recorded outcome that the rules do not give (a process bug, or a tampered
    event in a store kept in clear)."""
    from sftimeline.adapters import family_decisions as decisions_mod
    from sftimeline.policies.evaluator import evaluate_family as real

    def lying(*a: Any, **kw: Any) -> Any:
        d = real(*a, **kw)
        d.status = "eligible" if d.status != "eligible" else "not_eligible"
        return d

    monkeypatch.setattr(decisions_mod, "evaluate_family", lying)
    build(sqlite_url, families=2)
    monkeypatch.undo()
    result = check(sqlite_url)
    assert {p.check for p in result.problems} == {"process"}
    assert len({p.family for p in result.problems}) == 2


def test_a_retraction_without_its_target_is_named(sqlite_url: str) -> None:
    with RecordStore.open(sqlite_url, key="") as store:
        raw = {
            "type": "record_retracted", "family": "F9", "occurred_on": "2024-05-01",
            "recorded_at": "2024-05-02T10:00:00+00:00", "source": "police",
            "source_id": "R1", "target_source": "police", "target_source_id": "GONE",
            "reason": "entered in error",
        }  # fmt: skip
        store.save_records([validate_record(raw)], datetime(2026, 1, 1, tzinfo=UTC))
    (problem,) = check(sqlite_url).problems
    assert problem.line() == "F9: retractions: police:R1 retracts police:GONE, not stored"


def test_cli_exit_codes(county: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, key = county
    monkeypatch.setenv(KEY_ENV, key) if key else None
    r = CliRunner()
    res = r.invoke(main, ["--db", url, "verify"])
    assert res.exit_code == 0 and "OK: every check holds" in res.output, res.output
    sql(
        url,
        "DELETE FROM sftimeline_status "
        "WHERE rowid IN (SELECT rowid FROM sftimeline_status LIMIT 1)",
    )
    res = r.invoke(main, ["--db", url, "verify", "--full"])
    assert (
        res.exit_code == 1
        and "read models: sftimeline_status row national-2022 is missing" in res.output
    )
    if key:
        monkeypatch.setenv(KEY_ENV, generate_key())
        res = r.invoke(main, ["--db", url, "verify"])
        assert res.exit_code == 4 and "wrong key" in res.output  # a store problem


def test_cli_on_a_missing_store_path(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["--db", str(tmp_path / "nope" / "x.sqlite"), "verify"])
    assert res.exit_code == 3 and "no store at" in res.output  # not found


@pytest.mark.postgres
def test_an_intact_postgres_store_passes_every_check(pg_url: str) -> None:
    key = generate_key()
    build(pg_url, key, families=3)
    result = check(pg_url, key)
    assert result.ok, result.lines()
    assert result.checked["read models"] > 0 and result.checked["process"] > 0
