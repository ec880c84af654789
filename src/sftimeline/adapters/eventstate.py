"""A record's stored event, serialised before it reaches the single writer.

An import validates on worker processes and writes from one process. The writer used to
receive each record as a :class:`~sftimeline.records.Record` (dates and date-times rebuilt
by unpickling: ≈ 9 µs a record) and then serialise the event itself (≈ 8 µs more): about
half of its time, on the one process that cannot be divided. Here the worker does all of
that and hands over plain values (:data:`PreparedRecord`): what de-duplication needs (the
family code, the source key, the fingerprint), the record's type (the writer names the
event's topic: the workers need not import the aggregate's event classes, ≈ 0.2 s each),
and the event's state as JSON bytes with out the parts only the writer can decide — the
store time (the batch's ``timestamp``, the first field) and, for a record without a source
id, its ``key`` (:meth:`Family.unique_key` counts the family's keys). The writer splices
those in (:func:`state_of`), then compresses and encrypts as before (``bulkwrite``).

The bytes are the ones the writer's own serialisation gave (tests/test_eventstate.py
pins it): the transcoder's format for dates and date-times (``{"_type_": "date_iso" |
"datetime_iso", "_data_": ISO}``), orjson where it writes exactly what the standard
library would, else ``json.dumps`` with the library's separators, for the whole state.
Both write a JSON object as ``{`` + its members joined by ``,`` + ``}`` with no spaces,
so a member cut out and put back gives the same bytes whichever wrote it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from sftimeline.records import Record

#: ``(family code, key or None, fingerprint, record type, head, tail)``: a record ready for
#: the writer. ``key`` is None for a record without a source id (the writer chooses it); the
#: state is ``{"timestamp":…,`` + ``head`` (+ the key's JSON + ``tail`` when ``key`` is None)
PreparedRecord = tuple[str, str | None, str, str, bytes, bytes]

#: where a keyless record's state is cut: its ``key`` member, written as null
_KEY_HOLE = b',"key":null,'


def _orjson_exact(value: dict[str, Any] | list[Any]) -> bool:
    """Whether orjson writes ``value`` (a dict or list) as the standard library would
    (it writes NaN and infinities as null; integers beyond 64 bits it refuses, which
    :func:`dumps_state` catches). One flat loop per container: this runs on every record."""
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


def dumps_state(state: dict[str, Any], exact: bool = False) -> bytes:
    """A record event's state as JSON bytes (orjson when exact, see the module's docstring).
    Its two dates may be left as values (``date``, or ``datetime`` in UTC): orjson writes
    them as ``isoformat`` does (tests/test_eventstate.py), which costs a tenth as much.
    ``exact``: the caller knows the data holds no float orjson would spell otherwise
    (the import's fast path checks every float finite), so it is not walked."""
    if exact or _orjson_exact(state["data"]):
        try:
            return orjson.dumps(state)
        except TypeError:  # an integer beyond 64 bits
            pass
    for name in ("occurred_on", "recorded_at"):
        when = state[name]["_data_"]
        if not isinstance(when, str):
            state[name]["_data_"] = when.isoformat()
    return json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def prepared_record(rec: Record) -> PreparedRecord:
    """What the writer needs of ``rec`` (see the module's docstring)."""
    data = rec.data
    for value in data.values():
        if isinstance(value, date):  # stored as ISO text; copied only when there is one
            data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}
            break
    return prepared_fields(
        rec.type,
        rec.family,
        rec.occurred_on,
        rec.recorded_at,
        rec.recorded_at_supplied,
        rec.source,
        rec.source_id,
        rec.person,
        data,
        rec.key,
        rec.fingerprint,
        rec.recorded_at_basis,
    )


def prepared_fields(
    record_type: str,
    family: str,
    occurred_on: date,
    recorded_at: datetime,
    supplied: bool,
    source: str | None,
    source_id: str | None,
    person: str | None,
    data: dict[str, Any] | Mapping[str, Any],
    key: str,
    fingerprint: str,
    basis: str | None,
    exact: bool = False,
) -> PreparedRecord:
    """:func:`prepared_record` of a record of these fields, ``data`` with its dates as ISO
    text: the one place the state is written, so the import's fast path
    (:meth:`~sftimeline.records.fast.fast_prepared`), which makes no Record, writes the
    same bytes. ``exact``: see :func:`dumps_state`."""
    # a date, or a date-time of UTC, as a value orjson writes as isoformat() does (an
    # offset of seconds, which RFC 3339 has not, it would not): else the ISO text
    kind = type(occurred_on)
    occurred = (
        occurred_on
        if kind is date or (kind is datetime and occurred_on.tzinfo is UTC)  # type: ignore[attr-defined]
        else occurred_on.isoformat()
    )
    recorded = (
        recorded_at
        if type(recorded_at) is datetime and recorded_at.tzinfo is UTC
        else recorded_at.isoformat()
    )
    keyed = source_id is not None
    body = dumps_state(
        {
            "record_type": record_type,
            "occurred_on": {
                "_type_": "datetime_iso" if isinstance(occurred_on, datetime) else "date_iso",
                "_data_": occurred,
            },
            "recorded_at": {"_type_": "datetime_iso", "_data_": recorded},
            "recorded_at_supplied": supplied,
            "source": source,
            "source_id": source_id,
            "person": person,
            "data": data,
            "key": key if keyed else None,
            "fingerprint": fingerprint,
            "recorded_at_basis": basis,
        },
        exact,
    )
    if keyed:
        return (family, key, fingerprint, record_type, body[1:], b"")
    # the last such member is the state's own: only the fingerprint (hex) and the basis
    # (a string, whose quotes are escaped) follow it
    cut = body.rindex(_KEY_HOLE)
    return (family, None, fingerprint, record_type, body[1 : cut + 7], body[cut + 11 :])


def state_prefix(timestamp: dict[str, str]) -> bytes:
    """The start of every state of a batch: its ``timestamp`` member (see ``store_time``)."""
    return b'{"timestamp":' + orjson.dumps(timestamp) + b","


def state_of(prefix: bytes, item: PreparedRecord, key: str) -> bytes:
    """The state of ``item`` stored under ``key`` (its own, or the one the family chose)."""
    if item[1] is not None:
        return prefix + item[4]
    # a chosen key is ``#`` + hex + ``-`` + a number: the same JSON from either writer
    return b"".join((prefix, item[4], b'"', key.encode(), b'"', item[5]))
