"""The importing store's writer: what the policy process and the library rely on.

PostgreSQL batches go as one binary COPY (adapters/pgcopy.py) under the library's table
lock; new families are known from one existence query per batch (adapters/family_cache.py).
These pin what that must keep: rows the library wrote itself would be the same, in row order
with contiguous notification ids, the library's lock and NOTIFY, its IntegrityError on a
taken version, a concurrent writer retried, encryption.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import orjson
import pytest
from eventsourcing.persistence import StoredEvent

from conftest import PG_DSN, sample
from sftimeline.adapters.states import REGISTERED_TOPIC
from sftimeline.adapters.store import RecordStore
from sftimeline.aggregates.family import Family
from sftimeline.records import validate_record

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _rows(families: int, per_family: int) -> list[dict[str, object]]:
    return [
        sample("incident_recorded", n, family=f"F{f}")
        for f in range(families)
        for n in range(1, per_family + 1)
    ]


def _events(url: str) -> list[tuple[int, uuid.UUID, int, str, bytes]]:
    """(notification id, originator id, version, topic, state) of every stored event."""
    with RecordStore.open(url, create=False) as store:
        return [
            (n.id, n.originator_id, n.originator_version, n.topic, n.state)
            for n in store.app.recorder.select_notifications(None, 10_000)
        ]


@pytest.mark.postgres
def test_copied_rows_are_the_rows_the_librarys_insert_writes(
    pg_url: str, second_pg_url: str
) -> None:
    rows = _rows(3, 4)
    with RecordStore.open(pg_url) as store:
        store.save_records([validate_record(r) for r in rows], NOW)
    copied = _events(pg_url)
    with RecordStore.open(second_pg_url) as store:  # the same events, the library's way
        store.app.recorder.insert_events(
            [
                StoredEvent(originator_id=o, originator_version=v, topic=t, state=s)
                for _, o, v, t, s in copied
            ]
        )
    assert _events(second_pg_url) == copied


@pytest.mark.postgres
def test_batches_get_contiguous_notification_ids_in_row_order(pg_url: str) -> None:
    rows = _rows(4, 5)
    with RecordStore.open(pg_url) as store:
        for i in range(0, len(rows), 6):  # batches that split families
            store.save_records([validate_record(r) for r in rows[i : i + 6]], NOW)
    events = _events(pg_url)
    assert [e[0] for e in events] == list(range(1, len(rows) + 4 + 1))  # + 4 Registered
    seen: dict[uuid.UUID, int] = {}
    order = []
    for _, fid, version, topic, state in events:
        assert version == seen.get(fid, 0) + 1  # each family's versions in order
        seen[fid] = version
        if topic != REGISTERED_TOPIC:
            order.append((fid, orjson.loads(state)["source_id"]))
    assert order == [(Family.create_id(str(r["family"])), r["source_id"]) for r in rows]


@pytest.mark.postgres
def test_a_batch_takes_the_librarys_table_lock_and_notifies_its_channel(pg_url: str) -> None:
    import psycopg

    schema = pg_url.split("schema=")[1]
    with RecordStore.open(pg_url) as store:
        store.save_records([validate_record(sample("case_closed", 1))], NOW)
        recorder = store.app.recorder
        table = f'"{schema}"."{recorder.events_table_name}"'
        with psycopg.connect(PG_DSN, autocommit=True) as listener:
            listener.execute(f'LISTEN "{recorder.channel_name}"')
            with psycopg.connect(PG_DSN) as holder:
                holder.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
                writer = threading.Thread(
                    target=store.save_records,
                    args=([validate_record(sample("case_closed", 2))], NOW),
                )
                writer.start()
                waiting = False
                for _ in range(600):  # until the writer queues behind the lock (≤ 60 s)
                    waiting = bool(
                        listener.execute(
                            "SELECT 1 FROM pg_locks WHERE relation = %s::regclass"
                            " AND mode = 'ExclusiveLock' AND NOT granted",
                            (table,),
                        ).fetchone()
                    )
                    if waiting or not writer.is_alive():
                        break
                    threading.Event().wait(0.1)
                assert waiting and writer.is_alive()
                holder.rollback()  # the lock is released
            writer.join(60)
            assert not writer.is_alive()
            assert any(True for _ in listener.notifies(timeout=5, stop_after=1))
    assert len(_events(pg_url)) == 3


def test_a_new_family_written_meanwhile_by_another_store_is_retried(store_url: str) -> None:
    a = RecordStore.open(store_url)
    b = RecordStore.open(store_url)
    try:
        a._cache.load(["F1"])  # a takes F1 for new
        b.save_records([validate_record(sample("case_closed", 1))], NOW)
        out = a.save_records([validate_record(sample("case_closed", 2))], NOW)
        assert out.stored == 1
        assert [r.source_id for r in a.family_records("F1")] == [
            "case_closed-1",
            "case_closed-2",
        ]
    finally:
        a.close()
        b.close()


@pytest.mark.postgres
def test_an_encrypted_postgresql_store_round_trips(pg_url: str) -> None:
    from sftimeline.adapters.cipher import generate_key

    key = generate_key()
    rows = _rows(2, 3)
    with RecordStore.open(pg_url, key=key) as store:
        store.save_records([validate_record(r) for r in rows], NOW)
    states = _states(pg_url)
    assert len(states) == len(rows) + 2
    assert not any(b"incident_recorded" in s for s in states)
    with RecordStore.open(pg_url, key=key) as store:
        by_library = store.family_records("F1")  # repository.get: the library's decoder
        [_, (_, scanned)] = list(store.iter_family_records())
    assert [r.source_id for r in by_library] == [f"incident_recorded-{n}" for n in (1, 2, 3)]
    assert scanned == by_library


def _states(url: str) -> list[bytes]:
    """Every event's state as the database holds it."""
    import psycopg

    schema = url.split("schema=")[1]
    with psycopg.connect(PG_DSN) as conn:
        rows = conn.execute(f'SELECT state FROM "{schema}".familyrecords_events').fetchall()
    return [bytes(state) for (state,) in rows]
