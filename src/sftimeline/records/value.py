"""A validated record made into the engine's value (:func:`record_from_model`) and its
fingerprint; the value itself, :class:`~sftimeline.records.record.Record`, lives in
``record.py``, which needs no pydantic."""

from __future__ import annotations

from datetime import date, datetime
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from sftimeline.records.base import RecordModel
from sftimeline.records.digest import canonical_digest
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


def _digest(model: RecordModel, dumped: dict[str, Any], floats: bool = True) -> str:
    """:func:`canonical_digest` of a model's dump."""
    return canonical_digest(model.recorded_at_basis, dumped, floats)


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
