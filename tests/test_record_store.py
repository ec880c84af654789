"""Round trips through both stores, dedup/conflict outcomes, and store errors."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conftest import SAMPLES, sample
from sftimeline.adapters.store import RecordStore
from sftimeline.adapters.store_errors import StoreUnavailable, UnknownFamily
from sftimeline.adapters.store_url import env_for_url
from sftimeline.aggregates.family import Family, Outcome
from sftimeline.records import RECORD_MODELS, record_from_model, validate_record

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def test_samples_cover_every_record_type() -> None:
    assert set(SAMPLES) == set(RECORD_MODELS)


def test_every_record_type_round_trips(store_url: str) -> None:
    models = [validate_record(sample(t)) for t in RECORD_MODELS]
    expected = {m.source_id: record_from_model(m, default_recorded_at=NOW) for m in models}
    with RecordStore.open(store_url) as store:
        result = store.save_records(models, NOW)
        assert result.stored == len(models)
    with RecordStore.open(store_url) as store:  # a fresh process's view
        by_get = {r.source_id: r for r in store.family_records("F1")}
        [(family, bulk)] = list(store.iter_family_records())
        assert family == "F1"
        assert {r.source_id: r for r in bulk} == by_get == expected
        assert store.read_all_records() == len(models)
        assert by_get["person_joined-1"].get("born_on") == date(2014, 2, 3)


def test_duplicate_and_conflict(store: RecordStore) -> None:
    raw = sample("incident_recorded")
    assert store.save_records([validate_record(raw)], NOW).stored == 1
    again = store.save_records([validate_record(raw)], NOW)
    assert again.duplicates == 1
    changed = store.save_records([validate_record({**raw, "kind": "asb"})], NOW)
    assert changed.conflicts == 1
    [rec] = store.family_records("F1")
    assert rec.get("kind") == "arrest"  # the stored record stays


def test_records_without_source_id_are_never_deduplicated(store: RecordStore) -> None:
    raw = sample("incident_recorded")
    del raw["source_id"]
    out = store.save_records([validate_record(raw), validate_record(raw)], NOW)
    assert out.stored == 2
    keys = sorted(r.key for r in store.family_records("F1"))
    assert keys[0].endswith("-1") and keys[1].endswith("-2") and keys[0].startswith("#")


def test_families_sorted_and_unknown_family(store: RecordStore) -> None:
    store.save_records(
        [validate_record(sample("case_closed", family=f)) for f in ("F3", "F1", "F2")], NOW
    )
    assert store.families() == ["F1", "F2", "F3"]
    with pytest.raises(UnknownFamily, match="F9"):
        store.family_records("F9")


def test_missing_recorded_at_is_the_moment_of_import(store: RecordStore) -> None:
    raw = sample("case_closed")
    del raw["recorded_at"]
    store.save_records([validate_record(raw)], NOW)
    [rec] = store.family_records("F1")
    assert rec.recorded_at == NOW and not rec.recorded_at_supplied


def test_concurrent_writer_is_retried(store_url: str) -> None:
    a = RecordStore.open(store_url)
    b = RecordStore.open(store_url)
    try:
        a.save_records([validate_record(sample("case_closed", 1))], NOW)
        b.save_records([validate_record(sample("case_closed", 2))], NOW)  # b caches F1
        a.save_records([validate_record(sample("case_closed", 3))], NOW)  # a moves on
        out = b.save_records([validate_record(sample("case_closed", 4))], NOW)
        assert out.stored == 1
        assert len(b.family_records("F1")) == 4
    finally:
        a.close()
        b.close()


def test_deterministic_ids_and_topics() -> None:
    assert Family.create_id("F1") == Family.create_id("F1") != Family.create_id("F2")
    assert Family.IncidentRecorded.TOPIC == "sftimeline:Family.IncidentRecorded"
    f = Family("F1")
    assert f.record(validate_record(sample("case_closed")), imported_at=NOW).outcome is (
        Outcome.STORED
    )


def test_unreachable_postgres_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match="cannot open store"):
        RecordStore.open("postgresql://postgres@127.0.0.1:1/test")


def test_sqlite_in_missing_directory_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match="no directory"):
        env_for_url("/nonexistent/dir/x.sqlite")


def _page_size(path: str) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def test_a_new_sqlite_store_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    """A store created now takes 16 KiB pages (a record event's row is ≈ 600 bytes: less
    SQLite work a record, written and read); a store made with SQLite's default keeps it,
    and both hold the same records."""
    import sqlite3

    from sftimeline.adapters.store_url import PAGE_SIZE

    new, old = str(tmp_path / "new.sqlite"), str(tmp_path / "old.sqlite")
    sqlite3.connect(old).execute("CREATE TABLE t (x)").connection.close()  # 4 KiB pages
    models = [validate_record(sample(t)) for t in ("incident_recorded", "person_joined")]
    for path in (new, old):
        with RecordStore.open(path) as store:
            assert store.save_records(models, NOW).stored == 2
    assert PAGE_SIZE == 16384
    assert (_page_size(new), _page_size(old)) == (PAGE_SIZE, 4096)
    with RecordStore.open(new) as a, RecordStore.open(old) as b:
        assert a.family_records("F1") == b.family_records("F1")
    assert (os.stat(new).st_mode & 0o777) == 0o600
