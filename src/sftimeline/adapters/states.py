"""Stored states back into values: the one decoder of a family's stored events (a
record event's JSON state, as the library transcoded it, into a
:class:`~sftimeline.records.Record`), shared by the store, the ordered scans
(:mod:`sftimeline.adapters.scan`) and the policy process's reads
(:mod:`sftimeline.adapters.outcomes`). Reading is most of evaluating a county, so this is
kept to the few operations a state needs (bench/README.md, "Where the time goes")."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from sftimeline.records import Record


#: floats from here on may be integers orjson could not hold exactly
_INEXACT = float(2**53)


def _inexact(values: Iterable[Any]) -> bool:
    """Whether these decoded values hold a float that may have been a larger integer.
    A plain loop: a record's data is a handful of flat values, and a generator per level
    cost more than the test itself."""
    for v in values:
        kind = type(v)
        if kind is float:
            if abs(v) >= _INEXACT:
                return True
        elif kind is dict:
            if _inexact(v.values()):
                return True
        elif kind is list and _inexact(v):
            return True
    return False


def loads_state(state: bytes) -> Any:
    """A stored state's JSON: orjson (about twice the standard library's speed; reading
    is most of evaluating a county), the standard library where orjson refuses or would
    not be exact (it reads an integer beyond 64 bits as a float). The walk that looks
    for such a float costs ≈ 0.7 µs a state against orjson's ≈ 6 µs (a regular
    expression looking for long digit runs in the bytes instead costs ≈ 4 µs)."""
    try:
        d = orjson.loads(state)
    except orjson.JSONDecodeError:
        return json.loads(state)
    data = d.get("data")
    if type(data) is dict and _inexact(data.values()):
        return json.loads(state)
    return d


#: (build, DATE_FIELDS), made on the first decode: the record models stay out of the
#: commands that never read a record, and a per-call import cost ≈ 2.5 µs a record
_RECORD_TYPES: tuple[Callable[..., Record], dict[str, tuple[str, ...]]] | None = None


def _record_types() -> tuple[Callable[..., Record], dict[str, tuple[str, ...]]]:
    global _RECORD_TYPES
    from sftimeline.records import DATE_FIELDS
    from sftimeline.records.record import record_of_fields

    _RECORD_TYPES = (record_of_fields, DATE_FIELDS)
    return _RECORD_TYPES


def record_from_state(state: bytes, family_code: str) -> Record:
    """A Record from a stored event's JSON state (the library's transcoded form)."""
    build, date_fields = _RECORD_TYPES or _record_types()
    d = loads_state(state)
    record_type = d["record_type"]
    data = d["data"]
    names = date_fields.get(record_type)
    if names:
        for name in names:
            value = data.get(name)
            if type(value) is str:
                data[name] = _fromisoformat(value)
    return build(
        d["key"],
        record_type,
        family_code,
        _fromisoformat(d["occurred_on"]["_data_"]),
        _datetime_fromisoformat(d["recorded_at"]["_data_"]),
        d["source"],
        d["source_id"],
        d["person"],
        data,
        d["fingerprint"],
        d["recorded_at_supplied"],
        d.get("recorded_at_basis"),
    )


#: the topic of the Family aggregate's Registered event (``Family.Registered.TOPIC``;
#: tests/test_record_store.py pins that they agree)
REGISTERED_TOPIC = "sftimeline:Family.Registered"


@cache
def record_topics() -> frozenset[str]:
    """The topics of the Family aggregate's record events (the keys of
    ``aggregates.family.RECORD_TOPICS``, which a test pins), named as that module names
    its event classes, without building them."""
    from sftimeline.records.record import RECORD_TYPES

    return frozenset(
        "sftimeline:Family." + "".join(p.capitalize() for p in t.split("_")) for t in RECORD_TYPES
    )


_fromisoformat = date.fromisoformat
_datetime_fromisoformat = datetime.fromisoformat


def plain_state(mapper: Any) -> Any:
    """A function from a stored state to its JSON bytes (decrypted, decompressed), or
    None when the store keeps plain JSON."""
    cipher, compressor = mapper.cipher, mapper.compressor
    if cipher is None and compressor is None:
        return None

    def plain(state: bytes) -> bytes:
        if cipher is not None:
            state = cipher.decrypt(state)
        if compressor is not None:
            state = compressor.decompress(state)
        return bytes(state)

    return plain
