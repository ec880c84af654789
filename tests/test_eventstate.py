"""A record prepared on a worker (adapters/eventstate.py): its state is the library's own
bytes for the event, and what crosses to the writer is plain values."""

from __future__ import annotations

import math
import pickle
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from conftest import SAMPLES, sample
from sftimeline.adapters.eventstate import prepared_record, state_of, state_prefix
from sftimeline.adapters.store import RecordStore
from sftimeline.aggregates.family import Family, Outcome
from sftimeline.records import Record, record_from_model, validate_record

NOW = datetime(2025, 1, 1, tzinfo=UTC)

ODD_DATA: dict[str, Any] = {
    "note": 'café \u2028 \x01 \U0001f600 "quoted" \\ ,"key":null,',
    "huge": 123456789012345678901234567890,
    "nan": math.nan,
    "inf": [1.5, -math.inf],
    "nested": {"x": [{"y": 2**70}], "when": "2024-01-01"},
    "on": date(2024, 2, 29),
}


def _record(record_type: str, *, keyed: bool, odd: dict[str, Any] | None = None) -> Record:
    raw = sample(record_type)
    if not keyed:
        del raw["source_id"]
    rec = record_from_model(validate_record(raw), default_recorded_at=NOW)
    return replace(rec, data={**rec.data, **odd}) if odd else rec


def _library_state(store: RecordStore, family: Family, rec: Record) -> tuple[str, bytes]:
    """The key ``Family.record`` gave ``rec`` and the state the library's mapper writes."""
    family.record(rec)
    event = family.collect_events()[-1]
    return family.stored[-1].key, store.app.mapper.to_stored_event(event).state


CASES = [(t, keyed, None) for t in sorted(SAMPLES) for keyed in (True, False)] + [
    ("evidence_recorded", True, ODD_DATA),
    ("evidence_recorded", False, ODD_DATA),
    ("evidence_recorded", True, {"note": "only text: orjson writes it"}),
]


@pytest.mark.parametrize(("record_type", "keyed", "odd"), CASES)
def test_a_prepared_state_is_the_bytes_the_library_writes_for_its_own_event(
    sqlite_url: str, record_type: str, keyed: bool, odd: dict[str, Any] | None
) -> None:
    with RecordStore.open(sqlite_url) as store:
        family = Family("F1")
        family.collect_events()
        if not keyed:  # a key of its own that is not the first: ``-2``
            _library_state(store, family, _record(record_type, keyed=False, odd=odd))
        rec = _record(record_type, keyed=keyed, odd=odd)
        key, expected = _library_state(store, family, rec)
        timestamp = family.stored[-1].timestamp.isoformat()
    prepared = prepared_record(rec)
    prefix = state_prefix({"_type_": "datetime_iso", "_data_": timestamp})
    assert state_of(prefix, prepared, key) == expected
    assert prepared[1] == (key if keyed else None)
    assert key.endswith("-2") or keyed


WHENS: list[dict[str, Any]] = [
    {"recorded_at": datetime(2024, 5, 2, 10, 0, 0, 1, tzinfo=UTC)},
    {"recorded_at": datetime(2024, 5, 2, 10, tzinfo=timezone(timedelta(hours=5, seconds=15)))},
    {"recorded_at": datetime(999, 5, 2, 10, tzinfo=timezone(timedelta(hours=-3)))},
    {"occurred_on": datetime(2024, 5, 1, 23, 59, 59, 999999, tzinfo=UTC)},
    {"occurred_on": datetime(2024, 5, 1, 9, 30, tzinfo=timezone(timedelta(minutes=90)))},
    {"occurred_on": date(1, 1, 1), "data": {"huge": 2**80, "on": datetime(2024, 1, 1, tzinfo=UTC)}},
]


@pytest.mark.parametrize("when", WHENS)
def test_dates_and_times_are_written_as_the_library_writes_them(
    sqlite_url: str, when: dict[str, Any]
) -> None:
    rec = replace(_record("evidence_recorded", keyed=True), **when)
    with RecordStore.open(sqlite_url) as store:
        family = Family("F1")
        key, expected = _library_state(store, family, rec)
        timestamp = family.stored[-1].timestamp.isoformat()
    prefix = state_prefix({"_type_": "datetime_iso", "_data_": timestamp})
    assert state_of(prefix, prepared_record(rec), key) == expected


def test_what_crosses_to_the_writer_is_strings_and_bytes() -> None:
    for keyed in (True, False):
        prepared = prepared_record(_record("person_joined", keyed=keyed))
        assert {type(v) for v in prepared} <= {str, bytes, type(None)}
        assert pickle.loads(pickle.dumps(prepared)) == prepared
        family, key, fingerprint, record_type, _, tail = prepared
        assert (key is None) != keyed
        assert (family, record_type) == ("F1", "person_joined")
        assert len(fingerprint) == 64 and (tail == b"") == keyed


def test_admit_key_decides_as_record_does() -> None:
    family = Family("F1")
    fp, other = "a" * 64, "b" * 64
    first = family.admit_key("s:1", fp)
    assert (first.outcome, first.key) == (Outcome.STORED, "s:1")
    family.note_stored("s:1", fp)
    assert family.admit_key("s:1", fp).outcome is Outcome.DUPLICATE
    conflict = family.admit_key("s:1", other)
    assert conflict.outcome is Outcome.CONFLICT and "stored aaaaaaaaaaaa" in str(conflict.error)
    own = family.admit_key(None, fp)
    assert own == (Outcome.STORED, f"#{fp[:16]}-1", None)
    family.note_stored(own.key, fp)
    assert family.admit_key(None, fp).key == f"#{fp[:16]}-2"
    assert family.version == 3  # Registered (1) and two records


def test_admit_many_decides_as_admit_key_and_note_stored_do() -> None:
    fp, other = "a" * 64, "b" * 64
    offered = [
        ("F1", "s:1", fp),
        ("F1", "s:1", fp),  # a duplicate within the run
        ("F1", "s:1", other),  # a conflict
        ("F1", None, fp),  # keyless: keys of its own
        ("F1", None, fp),
        ("F1", "s:2", other),
    ]
    one_by_one, many = Family("F1"), Family("F1")
    many.admit_key("s:0", fp)
    many.note_stored("s:0", fp)
    one_by_one.admit_key("s:0", fp)
    one_by_one.note_stored("s:0", fp)
    want = []
    for _, key, fingerprint in offered:
        outcome = one_by_one.admit_key(key, fingerprint)
        if outcome.outcome is Outcome.STORED:
            one_by_one.note_stored(outcome.key, fingerprint)
        want.append(outcome)
    got = many.admit_many(offered)
    assert [(o.outcome, o.key, str(o.error)) for o in got] == [
        (o.outcome, o.key, str(o.error)) for o in want
    ]
    assert many.fingerprints == one_by_one.fingerprints
    assert many.version == one_by_one.version == 6  # Registered, s:0 and four stored
    assert many.admit_many([]) == [] and many.version == 6
