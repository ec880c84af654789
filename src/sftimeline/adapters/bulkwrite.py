"""Writing a batch of records as stored events without an event object per record.

The library turns every new record into a domain event object (``trigger_event``),
applies it, then transcodes its ``__dict__`` through the JSON transcoder's object hooks
— about a third of an import's time once validation is done. The store writes the
same stored events directly: the Family aggregate still decides each record's outcome
(:meth:`Family.admit`, de-duplication by source id, conflicts, knowledge time), and this
module serialises the event's fields in the transcoder's own format (dates and
date-times as ``{"_type_": "date_iso" | "datetime_iso", "_data_": ISO}``), with orjson,
then compresses and encrypts with the application's own compressor and cipher. So the
library (``repository.get``, ``to_domain_event``) reads these events exactly as its own.

Events travel as plain rows (:data:`Row`), not the library's ``StoredEvent`` objects (a
frozen dataclass per event). :func:`insert_events` writes a batch on SQLite with one
``executemany`` of the library's own statement in the library's own transaction: its
application recorder executes once per event to collect the notification ids, which an
import never reads. The rows, their order (so their notification ids), the primary key's
duplicate check and the error it raises are the library's. On PostgreSQL it writes one
binary ``COPY`` under the library's table lock (:mod:`.pgcopy`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

import orjson
from eventsourcing.domain import datetime_now_with_tzinfo
from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic

from sftimeline.aggregates.family import EVENT_CLASSES, Family

if TYPE_CHECKING:
    from eventsourcing.postgres import PostgresApplicationRecorder

#: the library's PostgreSQL recorder (named, not imported: psycopg loads only for PostgreSQL)
_PG_RECORDER = ("eventsourcing.postgres", "PostgresApplicationRecorder")

_TOPICS = {t: get_topic(cls) for t, cls in EVENT_CLASSES.items()}


def _orjson_exact(value: dict[str, Any] | list[Any]) -> bool:
    """Whether orjson writes ``value`` (a dict or list) as the standard library would
    (it writes NaN and infinities as null; integers beyond 64 bits it refuses, which
    :func:`_dumps` catches). One flat loop per container: this runs on every record."""
    items: Iterable[Any] = value.values() if isinstance(value, dict) else value
    for item in items:
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is float:
            if not math.isfinite(item):
                return False
        elif (kind is dict or kind is list) and not _orjson_exact(item):
            return False
    return True


def _dumps(state: dict[str, Any]) -> bytes:
    if _orjson_exact(state["data"]):
        try:
            return orjson.dumps(state)
        except TypeError:  # an integer beyond 64 bits
            pass
    return json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


#: a stored event as the writers take it: (originator_id, originator_version, topic, state)
Row = tuple[UUID, int, str, bytes]


def store_time() -> dict[str, str]:
    """The library's ``timestamp`` of the events written in one transaction, transcoded:
    the moment the batch is stored (one per batch: formatting a date-time per event cost
    as much as serialising the event)."""
    return {"_type_": "datetime_iso", "_data_": datetime_now_with_tzinfo().isoformat()}


def record_event(
    mapper: Mapper[Any], family: Family, fields: dict[str, Any], timestamp: dict[str, str]
) -> Row:
    """The stored event of one admitted record, as the family's next version."""
    state: dict[str, Any] = {"timestamp": timestamp, **fields}
    # the only date-valued fields (``data`` holds ISO strings)
    occurred_on, recorded_at = fields["occurred_on"], fields["recorded_at"]
    state["occurred_on"] = {
        "_type_": "datetime_iso" if isinstance(occurred_on, datetime) else "date_iso",
        "_data_": occurred_on.isoformat(),
    }
    state["recorded_at"] = {"_type_": "datetime_iso", "_data_": recorded_at.isoformat()}
    raw = _dumps(state)
    if mapper.compressor:
        raw = mapper.compressor.compress(raw)
    if mapper.cipher:
        raw = mapper.cipher.encrypt(raw)
    return (family.id, family.version + 1, _TOPICS[fields["record_type"]], raw)


def stored_row(event: StoredEvent) -> Row:
    """A library-made stored event (a family's ``Registered``) as a row."""
    return (cast(UUID, event.originator_id), event.originator_version, event.topic, event.state)


def insert_events(recorder: ApplicationRecorder, rows: Sequence[Row]) -> None:
    """Store a batch of events in one transaction, in order (see the module's docstring)."""
    if type(recorder) is SQLiteApplicationRecorder:
        hexes: dict[UUID, str] = {}
        params = []
        for fid, version, topic, state in rows:
            h = hexes.get(fid)
            if h is None:
                h = hexes[fid] = fid.hex  # as the library keeps ids on SQLite
            params.append((h, version, topic, state))
        with recorder.datastore.transaction(commit=True) as cursor:
            cursor.executemany(recorder.insert_events_statement, params)
        return
    kind = type(recorder)
    if (kind.__module__, kind.__name__) == _PG_RECORDER:
        # psycopg is imported for PostgreSQL stores only
        from sftimeline.adapters.pgcopy import can_copy, copy_events

        pg = cast("PostgresApplicationRecorder", recorder)
        if can_copy(pg):
            copy_events(pg, rows)
            return
    recorder.insert_events([StoredEvent(*row) for row in rows])
