"""Writing a batch of records as stored events without an event object per record.

The library turns every new record into a domain event object (``trigger_event``),
applies it, then transcodes its ``__dict__`` through the JSON transcoder's object hooks
— about a third of an import's time once validation is done. The store writes the
same stored events directly: the Family aggregate still decides each record's outcome
(:meth:`Family.admit_key`, de-duplication by source id, conflicts), each record's state
comes already serialised in the transcoder's own format (:mod:`.eventstate`, made where
the record was validated), and this module splices in the batch's store time and a
keyless record's key, then compresses and encrypts with the application's own compressor
and cipher. So the library (``repository.get``, ``to_domain_event``) reads these events
exactly as its own.

Events travel as plain rows (:data:`Row`), not the library's ``StoredEvent`` objects (a
frozen dataclass per event). :func:`insert_events` writes a batch on SQLite with one
``executemany`` of the library's own statement in the library's own transaction: its
application recorder executes once per event to collect the notification ids, which an
import never reads. The rows, their order (so their notification ids), the primary key's
duplicate check and the error it raises are the library's. On PostgreSQL it writes one
binary ``COPY`` under the library's table lock (:mod:`.pgcopy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeGuard, cast
from uuid import UUID

from eventsourcing.domain import datetime_now_with_tzinfo
from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic

from sftimeline.adapters.eventstate import PreparedRecord, state_of, state_prefix
from sftimeline.adapters.sqlite_sync import defer
from sftimeline.aggregates.family import EVENT_CLASSES, Family, Outcome, RecordOutcome

if TYPE_CHECKING:
    from eventsourcing.postgres import PostgresApplicationRecorder

#: the library's PostgreSQL recorder (named, not imported: psycopg loads only for PostgreSQL)
_PG_RECORDER = ("eventsourcing.postgres", "PostgresApplicationRecorder")

#: a stored event as the writers take it: (originator_id, originator_version, topic, state)
Row = tuple[UUID, int, str, bytes]
#: a row as SQLite binds it (:func:`_bound`), as :func:`decide_batch` makes it for SQLite
Bound = tuple[str, int, str, bytearray]


def store_time() -> dict[str, str]:
    """The library's ``timestamp`` of the events written in one transaction, transcoded:
    the moment the batch is stored (one per batch: formatting a date-time per event cost
    as much as serialising the event)."""
    return {"_type_": "datetime_iso", "_data_": datetime_now_with_tzinfo().isoformat()}


def decide_batch(
    mapper: Mapper[Any],
    families: dict[str, Family],
    items: Sequence[PreparedRecord],
    touched: set[UUID],
    sqlite: bool = False,
) -> tuple[list[RecordOutcome], list[Row] | list[Bound]]:
    """Each prepared record's outcome, in order, and the rows of the events to store:
    each family decides on the record's key and fingerprint (:meth:`Family.admit_many`,
    a run of its records at a time: de-duplication, conflicts), a new family's
    ``Registered`` goes before its first record, a stored record takes the family's next
    version. The families' keys and versions move on as if the rows were written;
    ``touched`` gains every family offered a record (the caller forgets them if the rows
    are not written). ``sqlite`` (:func:`binds_rows`): the rows come as SQLite binds them
    (:func:`insert_events`), made here rather than in a second pass."""
    outcomes: list[RecordOutcome] = []
    rows: list[Any] = []  # Row, or Bound for SQLite
    prefix = state_prefix(store_time())
    compressor, cipher = mapper.compressor, mapper.cipher
    stored = Outcome.STORED
    i, n = 0, len(items)
    while i < n:  # records come a family at a time: each run is decided at once
        code = items[i][0]
        j = i + 1
        while j < n and items[j][0] == code:
            j += 1
        run = items[i:j]
        i = j
        fam = families[code]
        fid = fam.id
        rid = fid.hex if sqlite else fid  # as the library keeps ids on SQLite
        version = fam.version
        if fid not in touched:  # a new family's Registered goes first
            touched.add(fid)
            new = map(stored_row, map(mapper.to_stored_event, fam.collect_events()))
            rows.extend(map(_bound, new) if sqlite else new)
        decided = fam.admit_many(run)
        outcomes += decided
        for item, result in zip(run, decided, strict=True):
            if result[0] is not stored:
                continue
            version += 1
            topic = topics.get(item[3]) or _topic(item[3])
            if item[1] is not None and not (compressor or cipher):  # the usual record
                if sqlite:  # made as SQLite binds it, in one copy (_bound)
                    rows.append((rid, version, topic, _joined((prefix, item[4]))))
                else:
                    rows.append((rid, version, topic, prefix + item[4]))
                continue
            state = state_of(prefix, item, result[1])
            if compressor:
                state = compressor.compress(state)
            if cipher:
                state = cipher.encrypt(state)
            rows.append((rid, version, topic, bytearray(state) if sqlite else state))
    return outcomes, rows


#: parts joined into a bytearray, allocated once at its full size
_joined = bytearray().join

#: each record type's event topic, as the library names the aggregate's event class
topics: dict[str, str] = {}


def _topic(record_type: str) -> str:
    topic = topics[record_type] = get_topic(EVENT_CLASSES[record_type])
    return topic


def stored_row(event: StoredEvent) -> Row:
    """A library-made stored event (a family's ``Registered``) as a row."""
    return (cast(UUID, event.originator_id), event.originator_version, event.topic, event.state)


def binds_rows(recorder: ApplicationRecorder) -> TypeGuard[SQLiteApplicationRecorder]:
    """Whether :func:`insert_events` binds rows itself (the library's SQLite recorder):
    :func:`decide_batch` then makes them in that form."""
    return type(recorder) is SQLiteApplicationRecorder


def _bound(row: Row) -> Bound:
    """A row as SQLite binds it: the id as hex text, as the library keeps ids there, and
    the state as a bytearray. The sqlite3 module binds a bytes parameter only after
    looking for an adapter, which raises and formats an AttributeError each time (≈ 2,000
    instructions a row); a bytearray it binds at once, as the same BLOB."""
    fid, version, topic, state = row
    return (fid.hex, version, topic, bytearray(state))


def insert_events(recorder: ApplicationRecorder, rows: Sequence[Row] | Sequence[Bound]) -> None:
    """Store a batch of events in one transaction, in order (see the module's docstring)."""
    if binds_rows(recorder):
        # decide_batch's rows come bound, every one; any others (ids as UUIDs) are bound here
        params = rows if rows and type(rows[0][0]) is str else [_bound(cast(Row, r)) for r in rows]
        # the library's transaction (datastore.transaction), its connection's commits
        # relaxed first while an import runs (sqlite_sync: it fsyncs once at the end)
        with recorder.datastore.get_connection(commit=True) as conn:
            defer(conn)
            with conn.transaction(commit=True) as cursor:
                cursor.executemany(recorder.insert_events_statement, params)
        return
    kind = type(recorder)
    if (kind.__module__, kind.__name__) == _PG_RECORDER:
        # psycopg is imported for PostgreSQL stores only
        from sftimeline.adapters.pgcopy import can_copy, copy_events

        pg = cast("PostgresApplicationRecorder", recorder)
        if can_copy(pg):
            copy_events(pg, cast("Sequence[Row]", rows))
            return
    recorder.insert_events([StoredEvent(*row) for row in cast("Sequence[Row]", rows)])
