"""A validated record made into the engine's value (:func:`record_from_model`) and its
fingerprint; the value itself, :class:`~sftimeline.records.record.Record`, lives in
``record.py``, which needs no pydantic."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import orjson

from sftimeline.records.base import RecordModel
from sftimeline.records.record import DATE_FIELDS, Record, record_of_fields, source_key


def fingerprint(model: RecordModel) -> str:
    """A digest of the record exactly as supplied (fields given, normalised values).

    Two imports of one source record have the same fingerprint; a changed value
    changes it. A ``recorded_at`` that was not supplied is not part of it, so a
    record without one can be re-imported without being reported as a conflict;
    nor is one that a mapping stated as a default (AMB-L04: a later extract holding
    the same row is unchanged, and the first knowledge time stays).
    """
    return _digest(model, model.model_dump(mode="json", exclude_none=True))


#: what a record's fingerprint leaves out when a mapping stated its knowledge time
_STATED = ("recorded_at", "recorded_at_basis")


def _digest(model: RecordModel, dumped: dict[str, Any], floats: bool = True) -> str:
    """:func:`canonical_digest` of a model's dump."""
    return canonical_digest(model.recorded_at_basis, dumped, floats)


def canonical_digest(basis: str | None, dumped: dict[str, Any], floats: bool = True) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of ``dumped``, the
    model's ``model_dump(mode="json", exclude_none=True)``; ``basis``, its
    ``recorded_at_basis``.

    Written by orjson, which spells strings, integers, booleans and null exactly as the
    standard library's ``json.dumps(sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)`` does (tests/test_import_shortcuts.py); a float, which the two
    spell differently (outside the range :func:`_has_float` names), is handed to orjson
    already spelled the standard library's way (:func:`_floats_spelled`); an integer past
    64 bits goes through ``json.dumps``. So every fingerprint ever stored stays the same.
    ``floats=False``: the caller knows that ``dumped`` holds none (:func:`floatless`).
    """
    payload = dumped
    if basis:
        payload = {k: v for k, v in dumped.items() if k not in _STATED}
    dumped_payload = payload
    if floats and _has_float(payload):
        payload = _floats_spelled(payload)
    try:
        canonical = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits
        text = json.dumps(dumped_payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        canonical = text.encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


#: how ``json.dumps`` spells the floats that ``float.__repr__`` does not
_NON_FINITE = {"nan": b"NaN", "inf": b"Infinity", "-inf": b"-Infinity"}


def _has_float(value: dict[str, Any] | list[Any]) -> bool:
    """Whether a dumped record (a dict, or a list in it) holds, at any depth, a float that
    orjson would not spell as ``float.__repr__`` does; one flat loop per container, no call
    per scalar (it runs on every record). Zero and magnitudes from 1e-4 to under 1e15 the
    two spell alike (both the shortest text that reads back, without an exponent;
    tests/test_fast_path.py pins it), so a score of 4.0 needs no spelling."""
    items: Iterable[Any] = value.values() if isinstance(value, dict) else value
    for item in items:
        kind = type(item)
        if kind is float:
            if not (item == 0.0 or 1e-4 <= abs(item) < 1e15):
                return True
        elif (kind is dict or kind is list) and _has_float(item):
            return True
    return False


_FLOATLESS: dict[type[RecordModel], bool] = {}


def floatless(model_type: type[RecordModel]) -> bool:
    """Whether no field of ``model_type`` can dump a float: its annotations name none,
    nor anything that might hold one (worked out once per type; four of five records in
    a county are of such types, and skip the walk for floats)."""
    known = _FLOATLESS.get(model_type)
    if known is None:
        fields = model_type.model_fields.values()
        known = _FLOATLESS[model_type] = not any(_may_hold_float(f.annotation) for f in fields)
    return known


def _may_hold_float(annotation: Any) -> bool:
    """Whether a field of this annotation may dump a float (anything unknown: yes)."""
    if annotation is type(None) or (
        isinstance(annotation, type) and issubclass(annotation, str | int | date)
    ):
        return False  # str and its enums, int (bool, int enums), date and datetime
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return not all(a is None or isinstance(a, str | int) for a in args)
    if origin is Annotated:
        return _may_hold_float(args[0])
    if origin in (Union, UnionType, list, dict) and args:
        return any(_may_hold_float(a) for a in args)
    return True


def _floats_spelled(value: Any) -> Any:
    """``value`` (a dumped record, or a dict or list in it) with every float replaced by
    its ``json.dumps`` spelling as an :class:`orjson.Fragment` (``float.__repr__``;
    ``NaN``, ``Infinity``); ``value`` itself when it holds no float."""
    out: Any = None
    pairs: Iterable[tuple[Any, Any]] = value.items() if type(value) is dict else enumerate(value)
    for key, item in pairs:
        kind = type(item)
        if kind is float:
            spelled = repr(item)
            new: Any = orjson.Fragment(_NON_FINITE.get(spelled) or spelled.encode())
        elif kind is dict or kind is list:
            new = _floats_spelled(item)
            if new is item:
                continue
        else:
            continue
        if out is None:
            out = dict(value) if type(value) is dict else list(value)
        out[key] = new
    return value if out is None else out


#: the fields every record has (the rest of a dump is the type's own ``data``)
_COMMON_FIELDS = frozenset(RecordModel.model_fields)


def record_from_model(
    model: RecordModel, *, default_recorded_at: datetime, key: str | None = None
) -> Record:
    """Turn a validated record into the engine's value.

    ``default_recorded_at`` is the moment of import, used when the source gave no
    knowledge time ("absent: the moment of import").
    """
    dumped = model.model_dump(mode="json", exclude_none=True)
    digest = _digest(model, dumped, floats=not floatless(type(model)))
    own = {k: v for k, v in dumped.items() if k not in _COMMON_FIELDS}
    person = own.pop("person", None)
    for name in DATE_FIELDS.get(model.TYPE, ()):
        if name in own:
            own[name] = date.fromisoformat(own[name])
    recorded_at = model.recorded_at
    source, source_id = model.source, model.source_id
    return record_of_fields(
        key or source_key(source, source_id) or f"#{digest[:16]}",
        model.TYPE,
        model.family,
        model.occurred_on,
        recorded_at or default_recorded_at,
        source,
        source_id,
        person,
        own,
        digest,
        recorded_at is not None,
        model.recorded_at_basis,
    )
