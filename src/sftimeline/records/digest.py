"""A record's fingerprint: the SHA-256 of its dump's canonical JSON. Here, without pydantic,
for the import's fast path (:mod:`.fast`); :mod:`.value` takes it of a validated model."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import orjson

#: what a record's fingerprint leaves out when a mapping stated its knowledge time
_STATED = ("recorded_at", "recorded_at_basis")


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
