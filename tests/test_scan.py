"""The chunked scan reader gives exactly the records the library's per-aggregate read gives."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from conftest import sample
from sftimeline.adapters import scan
from sftimeline.adapters.cipher import generate_key
from sftimeline.adapters.states import record_from_state
from sftimeline.adapters.store import RecordStore
from sftimeline.records import validate_record

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _county(store: RecordStore, families: int) -> None:
    models = [
        validate_record(sample(t, n, family=f"F{f:03d}"))
        for f in range(families)
        for n in range(1, 4)
        for t in ("incident_recorded", "person_joined", "evidence_recorded")
    ]
    assert store.save_records(models, NOW).stored == len(models)


def test_chunked_scans_equal_per_family_reads_in_code_order(store_url: str) -> None:
    with RecordStore.open(store_url) as store:
        _county(store, 7)
    with RecordStore.open(store_url) as store:
        index = store.family_index()
        assert [code for code, _ in index] == [f"F{f:03d}" for f in range(7)]
        scanned = list(scan.iter_families(store, index, chunk=3))  # chunks of 3, 3 and 1
        assert [code for code, _ in scanned] == [code for code, _ in index]
        for code, records in scanned:
            assert records == store.family_records(code)
            assert len(records) == 9


@pytest.mark.parametrize("encrypted", [False, True])
def test_the_family_index_is_the_stores_plain_or_encrypted(store_url: str, encrypted: bool) -> None:
    """The index read through the primary key (SQLite) is the store's own, the states
    decrypted when the store has a key."""
    with RecordStore.open(store_url, key=generate_key() if encrypted else "") as store:
        _county(store, 5)
        reference = sorted(store.registered_codes())  # the library's notification log
        assert len(reference) == 5
        assert scan.family_index(store) == reference
        assert store.family_index() == reference
        assert store.families() == [code for code, _ in reference]


def test_the_sqlite_family_index_seeks_each_family_not_every_record(tmp_path: Any) -> None:
    """Each family's id is found by a seek in the primary key's index, past the last one:
    the plan searches the index and never scans it (reading every record's entry cost a
    million-record store 1.1 s from a cold cache), and an empty store has no families."""
    url = str(tmp_path / "s.sqlite")
    with RecordStore.open(url) as store:
        assert scan.family_index(store) == []
        _county(store, 4)
        assert [code for code, _ in scan.family_index(store)] == ["F000", "F001", "F002", "F003"]
    with sqlite3.connect(url) as conn:
        query = scan.registered_sql("stored_events")
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {query}", ("topic",))]
    assert plan and not [step for step in plan if step.startswith("SCAN stored_events")], plan


def test_a_family_without_records_reads_as_empty(store_url: str) -> None:
    from sftimeline.aggregates.family import Family

    with RecordStore.open(store_url) as store:
        _county(store, 1)
        ghost = ("F999", Family.create_id("F999"))
        [(_, recs), (code, none)] = list(
            store.iter_family_records([("F000", Family.create_id("F000")), ghost])
        )
        assert len(recs) == 9 and code == "F999" and none == []


def test_integers_beyond_64_bits_still_decode() -> None:
    state = (
        b'{"record_type": "incident_recorded", "data": {"n": 123456789012345678901234567890},'
        b' "key": "s:1", "occurred_on": {"_type_": "date_iso", "_data_": "2024-01-01"},'
        b' "recorded_at": {"_type_": "datetime_iso", "_data_": "2024-01-02T00:00:00+00:00"},'
        b' "source": "s", "source_id": "1", "person": null, "fingerprint": "f",'
        b' "recorded_at_supplied": true}'
    )
    assert record_from_state(state, "F1").get("n") == 123456789012345678901234567890


def test_the_readers_topic_names_are_the_aggregates() -> None:
    """The decoder names the Family aggregate's topics without importing its classes (a
    reading command's start-up); the names must be exactly the aggregate's."""
    from sftimeline.adapters import states
    from sftimeline.aggregates import family
    from sftimeline.policies import process
    from sftimeline.projections import timeline

    assert states.record_topics() == set(family.RECORD_TOPICS)
    assert states.REGISTERED_TOPIC == family.Family.Registered.TOPIC
    assert process.RETRACTION == timeline.RETRACTION


def test_the_process_reads_ahead_exactly_what_it_reads_family_by_family(
    store_url: str,
) -> None:
    """The policy process reads the families it is about to decide in one scan; what it
    folds equals its per-family read, and a family with a damaged event is left to the
    per-family read, which names the damaged event."""
    from sftimeline.adapters.outcomes import PolicyProcess
    from sftimeline.aggregates.family import Family
    from sftimeline.policies.loader import load_framework

    with RecordStore.open(store_url) as store:
        _county(store, 5)
    with (
        RecordStore.open(store_url) as store,
        PolicyProcess(store, [load_framework("national-2022")]) as proc,
    ):
        fids = [Family.create_id(f"F{f:03d}") for f in range(5)]
        fids.append(Family.create_id("NOBODY"))
        ahead = proc._read_chunk(fids)
        assert ahead == {fid: proc._family(fid) for fid in fids}
        assert ahead[fids[-1]] is None
        assert ahead[fids[0]] is not None and len(ahead[fids[0]].records) == 9

        if store_url.startswith("postgresql"):
            return
        recorder: Any = store.app.recorder
        with recorder.datastore.transaction(commit=True) as curs:
            curs.execute(
                f"UPDATE {recorder.events_table_name} SET state = ? "
                "WHERE originator_id = ? AND originator_version = 3",
                (b"{not json", fids[1].hex),
            )
        ahead = proc._read_chunk(fids)
        assert fids[1] not in ahead and fids[2] in ahead
        proc.read_ahead(fids)
        damaged = proc._stored_family(fids[1])
        assert damaged is not None and damaged.problem is not None
        assert damaged.problem.startswith("stored event version 3 cannot be read")


def test_integers_beyond_64_bits_in_a_stored_state_decode_exactly() -> None:
    """orjson reads an integer outside [-2**63, 2**64) as a float; the decoder must give
    the exact integer (the standard library's reading) whatever the number's size, and
    digits inside strings change nothing."""
    from sftimeline.adapters.states import loads_state

    for value in (2**64, -(2**63) - 1, 10**30, 2**64 - 1, -(2**63), 12, 1.5):
        state = b'{"data": {"amount": %s, "note": "1234567890123456789012"}, "x": [%s]}' % (
            str(value).encode(),
            str(value).encode(),
        )
        d = loads_state(state)
        assert d["data"]["amount"] == value and type(d["data"]["amount"]) is type(value)
        assert d["data"]["note"] == "1234567890123456789012"


def test_a_decoded_state_is_the_record_its_constructor_makes() -> None:
    """record_from_state sets a Record's slots directly (records.record.record_of_fields); the value
    must be the one ``Record(...)`` makes: every field, equality and repr."""
    from dataclasses import astuple
    from datetime import date

    from sftimeline.records import Record

    state = (
        b'{"record_type": "person_joined", "data": {"role": "child", "born_on": "2012-03-04"},'
        b' "key": "s:9", "occurred_on": {"_type_": "date_iso", "_data_": "2024-01-01"},'
        b' "recorded_at": {"_type_": "datetime_iso", "_data_": "2024-01-02T10:00:00+00:00"},'
        b' "source": "s", "source_id": "9", "person": "P1", "fingerprint": "f",'
        b' "recorded_at_supplied": false, "recorded_at_basis": "import_default"}'
    )
    decoded = record_from_state(state, "F7")
    made = Record(
        key="s:9",
        type="person_joined",
        family="F7",
        occurred_on=date(2024, 1, 1),
        recorded_at=datetime(2024, 1, 2, 10, tzinfo=UTC),
        source="s",
        source_id="9",
        person="P1",
        data={"role": "child", "born_on": date(2012, 3, 4)},
        fingerprint="f",
        recorded_at_supplied=False,
        recorded_at_basis="import_default",
    )
    assert type(decoded) is Record
    assert astuple(decoded) == astuple(made)
    assert decoded == made
    assert repr(decoded) == repr(made)


def test_the_fast_record_maker_takes_every_field_of_a_record_in_order() -> None:
    """record_of_fields (unpickling, record_from_model, record_from_state) sets the slots
    itself: a field added to Record, or moved, must be a field of it too, in the same place."""
    import inspect
    from dataclasses import fields

    from sftimeline.records import Record
    from sftimeline.records.record import record_of_fields

    params = list(inspect.signature(record_of_fields).parameters)
    assert params == [f.name for f in fields(Record)]


def _holds_a_date(annotation: Any) -> bool:
    from datetime import date, datetime
    from typing import get_args

    if annotation is date:
        return True
    if isinstance(annotation, type) and issubclass(annotation, datetime):
        return False
    return any(_holds_a_date(a) for a in get_args(annotation))


def test_what_reading_knows_of_the_record_types_is_what_the_models_say() -> None:
    """records/record.py names the record types and their date-valued fields without
    building the pydantic models (reading commands never import them): the two must be
    exactly what the models give."""
    from sftimeline.records import RECORD_MODELS, RecordModel
    from sftimeline.records.record import DATE_FIELDS, RECORD_TYPES

    assert set(RECORD_MODELS) == RECORD_TYPES
    common = set(RecordModel.model_fields)
    from_models = {
        t: tuple(
            name
            for name, f in model.model_fields.items()
            if name not in common and _holds_a_date(f.annotation)
        )
        for t, model in RECORD_MODELS.items()
    }
    assert {t: set(v) for t, v in from_models.items() if v} == {
        t: set(v) for t, v in DATE_FIELDS.items()
    }


def test_notified_families_page_through_the_log_as_the_library_does(store_url: str) -> None:
    """Ids only, but the same families in first-notified order, the same last position
    and count as the library's ``select_notifications`` (states and all)."""
    with RecordStore.open(store_url) as store:
        _county(store, 4)
        more = [validate_record(sample("incident_recorded", 9, family="F001"))]
        assert store.save_records(more, NOW).stored == 1  # F001 notified again, later
        recorder: Any = store.app.recorder
        pos, pages = 0, 0
        while True:
            fids, last, n = scan.notified_families(store, pos, 5)
            page = recorder.select_notifications(pos, 5, inclusive_of_start=False)
            assert n == len(page)
            if not page:
                assert (fids, last) == ([], pos)
                break
            expected = list(dict.fromkeys(UUID(str(p.originator_id)) for p in page))
            assert fids == expected
            assert last == page[-1].id
            pos, pages = last, pages + 1
        assert pages == 9  # 4 families x (1 registration + 9 records) + 1 = 41 events


@pytest.mark.postgres
def test_a_notification_page_gives_each_familys_last_notification(pg_url: str) -> None:
    """What the shared queue's dispatch takes from a page: each family's last notification
    in it (its queue position), as the library's page of whole events gives it."""
    with RecordStore.open(pg_url) as store:
        _county(store, 3)
        more = [validate_record(sample("incident_recorded", 9, family="F000"))]
        assert store.save_records(more, NOW).stored == 1  # F000 notified again, last
        recorder: Any = store.app.recorder
        for after, limit in ((0, 100), (0, 7), (12, 25), (31, 5), (1000, 5)):
            runs, last, count = scan.notification_page(store, after, limit)
            page = recorder.select_notifications(after, limit, inclusive_of_start=False)
            expected: dict[UUID, int] = {}
            for n in page:
                expected[UUID(str(n.originator_id))] = n.id  # the last one wins
            assert dict(runs) == expected
            assert count == len(page)
            assert last == (page[-1].id if page else after)
        runs, _, _ = scan.notification_page(store, 0, 100)
        assert len(runs) == 3 and runs[0][1] == 31  # F000: first notified, last at 31
