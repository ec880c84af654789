"""The engine's own value of a validated record (:class:`Record`) and its fingerprint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import orjson

from sftimeline.records.base import RecordModel
from sftimeline.records.codes import (
    KNOWLEDGE_BASIS_TEXT,
)
from sftimeline.records.validation import DATE_FIELDS


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
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of ``dumped``, the
    model's ``model_dump(mode="json", exclude_none=True)``.

    Written by orjson, which spells strings, integers, booleans and null exactly as the
    standard library's ``json.dumps(sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)`` does (tests/test_import_shortcuts.py); a float, which the two
    spell differently, is handed to orjson already spelled the standard library's way
    (:func:`_floats_spelled`); an integer past 64 bits goes through ``json.dumps``. So
    every fingerprint ever stored stays the same. ``floats=False``: the caller knows
    that ``dumped`` holds none (:func:`_floatless`).
    """
    payload = dumped
    if model.recorded_at_basis:
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
    """Whether a dumped record (a dict, or a list in it) holds a float at any depth; one
    flat loop per container, no call per scalar (it runs on every record)."""
    items: Iterable[Any] = value.values() if isinstance(value, dict) else value
    for item in items:
        kind = type(item)
        if kind is float:
            return True
        if (kind is dict or kind is list) and _has_float(item):
            return True
    return False


_FLOATLESS: dict[type[RecordModel], bool] = {}


def _floatless(model_type: type[RecordModel]) -> bool:
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


def source_key(source: str | None, source_id: str | None) -> str | None:
    """The identity of a record in its source system, or None when it has no id."""
    if source_id is None:
        return None
    return f"{source or ''}:{source_id}"


@dataclass(frozen=True, slots=True)
class Record:
    """A stored record as the projections and policies see it.

    ``key`` identifies the record in decisions and explanations ("facts"): its
    ``source:source_id`` when it has one, otherwise ``#`` and its fingerprint's start.
    ``recorded_at`` is the knowledge time (from the source, or the moment of import).
    """

    key: str
    type: str
    family: str
    occurred_on: date
    recorded_at: datetime
    source: str | None = None
    source_id: str | None = None
    person: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    recorded_at_supplied: bool = True
    #: which mapping default gave ``recorded_at`` (None: the source's own, or import)
    recorded_at_basis: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its fields, rebuilt by one call (:func:`record_of_fields`): ``import
        --workers`` sends every record back from a worker to the single writer, and a
        frozen dataclass's default pickling restores it field by field in Python,
        several times slower."""
        return (
            record_of_fields,
            (
                self.key,
                self.type,
                self.family,
                self.occurred_on,
                self.recorded_at,
                self.source,
                self.source_id,
                self.person,
                self.data,
                self.fingerprint,
                self.recorded_at_supplied,
                self.recorded_at_basis,
            ),
        )

    @property
    def knowledge_note(self) -> str:
        """Said beside the record wherever it is shown: "" when the source gave the time."""
        return KNOWLEDGE_BASIS_TEXT.get(self.recorded_at_basis or "", "")

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def sort_key(self) -> tuple[date, datetime, str, str]:
        """Deterministic order: valid date, knowledge time, type, key."""
        return (self.occurred_on, self.recorded_at, self.type, self.key)

    def to_interchange(self) -> dict[str, Any]:
        """The record back in the interchange format (with its knowledge time)."""
        out: dict[str, Any] = {"type": self.type, "family": self.family}
        if self.person is not None:
            out["person"] = self.person
        out["occurred_on"] = self.occurred_on.isoformat()
        out["recorded_at"] = self.recorded_at.isoformat()
        if self.recorded_at_basis is not None:
            out["recorded_at_basis"] = self.recorded_at_basis
        if self.source is not None:
            out["source"] = self.source
        if self.source_id is not None:
            out["source_id"] = self.source_id
        for name, value in self.data.items():
            out[name] = value.isoformat() if isinstance(value, date) else value
        return out


#: a Record's slot setters, each bound by its field's name (never by position: a field
#: moved in the class must not receive another's value); the parameters of
#: :func:`record_of_fields` are the fields in order (tests/test_scan.py pins both)
(
    _set_key,
    _set_type,
    _set_family,
    _set_occurred_on,
    _set_recorded_at,
    _set_source,
    _set_source_id,
    _set_person,
    _set_data,
    _set_fingerprint,
    _set_supplied,
    _set_basis,
) = (
    Record.__dict__[name].__set__
    for name in (
        "key",
        "type",
        "family",
        "occurred_on",
        "recorded_at",
        "source",
        "source_id",
        "person",
        "data",
        "fingerprint",
        "recorded_at_supplied",
        "recorded_at_basis",
    )
)
_new = object.__new__


def record_of_fields(
    key: str,
    type: str,
    family: str,
    occurred_on: date,
    recorded_at: datetime,
    source: str | None,
    source_id: str | None,
    person: str | None,
    data: Mapping[str, Any],
    fingerprint: str,
    recorded_at_supplied: bool,
    recorded_at_basis: str | None,
) -> Record:
    """``Record(...)`` of all its fields, in the field order, without the frozen
    dataclass's ``__init__`` (which sets each field through ``object.__setattr__``: in
    the single writer of an import with workers, half a record's unpickling, and a third
    of decoding a stored state); the slots' own setters give the same object
    (tests/test_import_shortcuts.py, tests/test_scan.py). The one fast way a Record is
    made: unpickling (:meth:`Record.__reduce__`), :func:`record_from_model` and the
    stored-state decoder (adapters/states.py) all call it."""
    record = _new(Record)
    _set_key(record, key)
    _set_type(record, type)
    _set_family(record, family)
    _set_occurred_on(record, occurred_on)
    _set_recorded_at(record, recorded_at)
    _set_source(record, source)
    _set_source_id(record, source_id)
    _set_person(record, person)
    _set_data(record, data)
    _set_fingerprint(record, fingerprint)
    _set_supplied(record, recorded_at_supplied)
    _set_basis(record, recorded_at_basis)
    return record


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
    digest = _digest(model, dumped, floats=not _floatless(type(model)))
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
