"""The store's bulk writer: the library reads its events as its own; memory stays bounded."""

from __future__ import annotations

import math
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import sample
from sftimeline.adapters import family_cache
from sftimeline.adapters.store import RecordStore
from sftimeline.aggregates.family import Family
from sftimeline.records import record_from_model, validate_record

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def test_values_orjson_cannot_write_exactly_round_trip(store_url: str) -> None:
    base = record_from_model(validate_record(sample("incident_recorded")), default_recorded_at=NOW)
    odd = {"huge": 123456789012345678901234567890, "nan": math.nan, "nested": [{"x": 2**70}]}
    rec = replace(base, data={**base.data, **odd})
    with RecordStore.open(store_url) as store:
        assert store.save_records([rec], NOW).stored == 1
    with RecordStore.open(store_url) as store:
        [by_library] = store.family_records("F1")  # repository.get: the library's decoder
        [(_, [scanned])] = list(store.iter_family_records())
    for got in (by_library, scanned):
        assert got.get("huge") == 123456789012345678901234567890
        assert got.get("nested") == [{"x": 2**70}]
        assert math.isnan(got.get("nan"))
        assert got.key == rec.key and got.recorded_at == rec.recorded_at


def test_families_evicted_from_the_cache_are_still_deduplicated(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(family_cache, "CACHED_FAMILIES", 3)
    rows = [sample("incident_recorded", n, family=f"F{f}") for f in range(8) for n in (1, 2)]
    with RecordStore.open(store_url) as store:
        for i in range(0, len(rows), 4):  # batches of two families
            store.save_records([validate_record(r) for r in rows[i : i + 4]], NOW)
            assert len(store._cache) <= 3
        again = store.save_records([validate_record(r) for r in rows], NOW)
        assert again.duplicates == len(rows)
        changed = {**rows[0], "kind": "asb"}
        assert store.save_records([validate_record(changed)], NOW).conflicts == 1
        more = store.save_records(
            [validate_record(sample("incident_recorded", 3, family="F0"))], NOW
        )
        assert more.stored == 1
    with RecordStore.open(store_url) as store:
        assert [len(r) for _, r in store.iter_family_records()] == [3] + [2] * 7


def test_a_batch_lands_in_order_and_a_taken_version_is_the_librarys_integrity_error(
    store_url: str,
) -> None:
    from eventsourcing.persistence import IntegrityError

    from sftimeline.adapters.bulkwrite import insert_events, stored_row

    recs = [
        record_from_model(validate_record(sample("incident_recorded", n)), default_recorded_at=NOW)
        for n in range(1, 6)
    ]
    with RecordStore.open(store_url) as store:
        assert store.save_records(recs, NOW).stored == 5
        recorder = store.app.recorder
        notes = recorder.select_notifications(None, 100)
        assert [n.originator_version for n in notes] == [1, 2, 3, 4, 5, 6]  # registered + 5
        assert [n.id for n in notes] == sorted(n.id for n in notes)
        with pytest.raises(IntegrityError):
            taken = recorder.select_events(notes[-1].originator_id)[-1]
            insert_events(recorder, [stored_row(taken)])
        assert len(recorder.select_notifications(None, 100)) == 6  # nothing half-written
    with RecordStore.open(store_url) as store:
        assert [r.source_id for r in store.family_records("F1")] == [
            f"incident_recorded-{n}" for n in range(1, 6)
        ]


def test_the_existence_query_finds_exactly_the_families_with_events(store_url: str) -> None:
    from sftimeline.aggregates.family import Family

    rows = [sample("incident_recorded", n, family=f) for f in ("F1", "F2") for n in (1, 2, 3)]
    with RecordStore.open(store_url) as store:
        store.save_records([validate_record(r) for r in rows], NOW)
        ids = [Family.create_id(code) for code in ("F1", "F2", "F3")]
        assert family_cache.stored_ids(store.app, ids) == set(ids[:2])
        assert family_cache.stored_ids(store.app, ids[2:]) == set()


def test_a_state_written_in_bulk_is_stored_as_the_librarys_blob(tmp_path: Path) -> None:
    """The bulk writer binds each state as a bytearray (no adapter lookup): SQLite keeps
    the same BLOB the library's own insert of bytes keeps, and it reads back as bytes."""
    url = str(tmp_path / "s.sqlite")
    rec = record_from_model(validate_record(sample("incident_recorded")), default_recorded_at=NOW)
    with RecordStore.open(url) as store:
        assert store.save_records([rec], NOW).stored == 1
        [registered, added] = store.app.recorder.select_events(Family.create_id("F1"))
    with sqlite3.connect(url) as conn:
        kinds = conn.execute("SELECT typeof(state) FROM stored_events").fetchall()
    assert kinds == [("blob",), ("blob",)]
    assert type(added.state) is bytes and added.state.startswith(b'{"timestamp":')
    assert type(registered.state) is bytes
