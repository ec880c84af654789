"""Writing a batch of stored events to PostgreSQL with one binary ``COPY``.

The library's PostgreSQL recorder sends a batch as one ``INSERT … SELECT FROM
unnest(%s::stored_event_uuid[])``: psycopg spells every event as the text of a composite
value (two regular-expression substitutions and a bytea escape per event, then the whole
array's text parsed back by the server) — on an import that cost as much CPU as
validating the records. Here the same rows go as one ``COPY … FROM STDIN (FORMAT
BINARY)`` whose stream is packed with :mod:`struct`, one call per row.

Everything the library's recorder guarantees is kept, in the same order and the same
transaction: ``SET LOCAL lock_timeout`` and ``LOCK TABLE … IN EXCLUSIVE MODE`` (its own
prepared statements), so that no other writer is issued notification ids until this batch
commits and readers following the notification log never pass a gap filled in later;
``NOTIFY`` on its channel, for its subscriptions; then the rows, in the order given, so
``notification_id`` (the table's ``bigserial`` default, evaluated row by row) is contiguous
and follows that order. A duplicate ``(originator_id, originator_version)`` raises the
library's ``IntegrityError`` (the datastore's connection translates psycopg's errors), and
interface and operational errors are retried as the library retries them.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

if TYPE_CHECKING:
    from sftimeline.adapters.bulkwrite import Row

#: the binary COPY stream's signature, flags (none) and header extension length (none)
_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
#: the stream's end: a tuple of -1 fields
_TRAILER = struct.pack("!h", -1)
#: a row's fixed part: 4 fields, the id (16 bytes), the version (int8)
_ROW = struct.Struct("!hi16siq")
_LEN = struct.Struct("!i")


def copy_stream(rows: Sequence[Row]) -> bytes:
    """The binary COPY data of ``rows`` (originator_id uuid, originator_version int8,
    topic text, state bytea), in order."""
    parts = [_HEADER]
    append = parts.append
    pack_row = _ROW.pack
    pack_len = _LEN.pack
    topics: dict[str, bytes] = {}
    for fid, version, topic, state in rows:
        encoded = topics.get(topic)
        if encoded is None:
            encoded = topics[topic] = pack_len(len(topic.encode())) + topic.encode()
        append(pack_row(4, 16, fid.bytes, 8, version))
        append(encoded)
        append(pack_len(len(state)))
        append(state)
    append(_TRAILER)
    return b"".join(parts)


def can_copy(recorder: PostgresApplicationRecorder) -> bool:
    """Whether the recorder's table keys events by ``uuid`` (the library's default, and
    this store's): a table of ``text`` ids is left to the library's insert."""
    return cast(str, getattr(recorder.datastore, "originator_id_type", "")) == "uuid"


@retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
def copy_events(recorder: PostgresApplicationRecorder, rows: Sequence[Row]) -> None:
    """Store ``rows`` in one transaction (see the module's docstring)."""
    if not rows:
        return
    datastore: Any = recorder.datastore
    statement = SQL(
        "COPY {schema}.{table} (originator_id, originator_version, topic, state)"
        " FROM STDIN (FORMAT BINARY)"
    ).format(schema=Identifier(datastore.schema), table=Identifier(recorder.events_table_name))
    data = copy_stream(rows)
    with datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
        recorder._lock_table(curs)
        recorder._notify_channel(curs)
        with curs.copy(statement) as copy:
            copy.write(data)
