"""The chunked scan reader gives exactly the records the library's per-aggregate read gives."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import sample
from sftimeline.adapters import scan
from sftimeline.adapters.store import RecordStore, _record_from_state
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
    assert _record_from_state(state, "F1").get("n") == 123456789012345678901234567890


def test_the_readers_topic_names_are_the_aggregates() -> None:
    """The store names the Family aggregate's topics without importing its classes (a
    reading command's start-up); the names must be exactly the aggregate's."""
    from sftimeline.adapters import store
    from sftimeline.aggregates import family
    from sftimeline.policies import process
    from sftimeline.projections import timeline

    assert store.record_topics() == set(family.RECORD_TOPICS)
    assert store.REGISTERED_TOPIC == family.Family.Registered.TOPIC
    assert process.RETRACTION == timeline.RETRACTION
