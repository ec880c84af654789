"""Input limits: how big, how deep and how far off a record's values may be.

A council's export is data from outside: one line can hold a megabyte string, a
number of 5,000 digits, an array nested 50,000 deep or the year 9999. Each would
otherwise crash or bloat the engine far from the line that caused it. The limits
below turn each into a rejection naming file, line and field, at the edge, while
leaving every plausible record alone. They are named settings with defaults
(docs/records.md, "Limits"); a council with unusual data passes other values.

AMB-M01 to AMB-M05 record the choices (the specification sets no limits).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class InputLimits:
    """The limits one import applies (defaults suit any real export)."""

    #: AMB-M01: bytes in one line of a JSON Lines file, not counting its line ending.
    max_line_bytes: int = 1024 * 1024
    #: AMB-M02: characters in any one string value (a note, a code, a name).
    max_string_chars: int = 10_000
    #: AMB-M03: how deep objects and arrays may nest (records need 2: ``scores``).
    max_depth: int = 16
    #: AMB-M04: digits in an integer (sessions, pence); 15 keeps every value exact
    #: as a double in any JSON reader downstream.
    max_integer_digits: int = 15
    #: AMB-M05: the earliest date any date field (and ``recorded_at``, in UTC) may
    #: hold. Dates outside the range are typing errors in practice (0202 for 2020).
    earliest: date = date(1900, 1, 1)
    #: AMB-M05: the latest such date.
    latest: date = date(2100, 12, 31)


DEFAULT_LIMITS = InputLimits()

#: Characters a stored string may not contain: NUL (which PostgreSQL text cannot
#: hold) and lone surrogates (which are not Unicode text and cannot be encoded).
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class OversizedInteger:
    """Stands in for an integer literal too long to convert (see :func:`bounded_int`)."""

    digits: int


def bounded_int(literal: str) -> int | OversizedInteger:
    """``json.loads(parse_int=...)`` hook: never convert a literal past Python's limit.

    The stand-in lets validation name the field the huge number was in.
    """
    digits = len(literal.lstrip("-"))
    if digits > 4000:
        return OversizedInteger(digits)
    return int(literal)


def value_problems(raw: Mapping[str, Any], limits: InputLimits) -> Iterator[tuple[str, str]]:
    """(field path, problem) for every value in ``raw`` that breaks a limit.

    Checks every string (keys too), integer and float at any depth, without
    recursion deeper than ``limits.max_depth``.
    """
    yield from _walk(raw, "", 1, limits)


def _walk(value: Any, path: str, depth: int, limits: InputLimits) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping | list | tuple) and depth > limits.max_depth:
        yield path.split(".", 1)[0] or "record", f"is nested more than {limits.max_depth} deep"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = printable(f"{path}.{key}" if path else str(key))
            if isinstance(key, str):
                problem = _string_problem(key, limits)
                if problem:
                    yield name, f"field name {problem}"
                    continue
            yield from _walk(item, name, depth + 1, limits)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}.{i}", depth + 1, limits)
    elif isinstance(value, str):
        problem = _string_problem(value, limits)
        if problem:
            yield path, problem
    elif isinstance(value, OversizedInteger):
        yield (
            path,
            (
                f"is an integer of {value.digits} digits, more than the limit of "
                f"{limits.max_integer_digits}"
            ),
        )
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if value != 0 and math.log10(abs(value)) >= limits.max_integer_digits:
            yield (
                path,
                (f"is an integer of more than {limits.max_integer_digits} digits (the limit)"),
            )
    elif isinstance(value, float) and not math.isfinite(value):
        yield path, "must be a finite number"


def _string_problem(text: str, limits: InputLimits) -> str | None:
    if len(text) > limits.max_string_chars:
        return (
            f"is {len(text):,} characters long, more than the limit of {limits.max_string_chars:,}"
        )
    bad = _FORBIDDEN.search(text)
    if bad:
        char = bad.group()
        what = "a NUL character" if char == "\x00" else f"a lone surrogate U+{ord(char):04X}"
        return f"contains {what} at position {bad.start() + 1}"
    return None


def printable(name: str) -> str:
    """A name from the data safe to print in a message: control characters, lone
    surrogates and the like escaped (a field name can carry terminal escape codes),
    at most 80 characters."""
    if name.isprintable() and len(name) <= 80:
        return name
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in name[:80])
    return shown if len(name) <= 80 else shown[:77] + "..."


def json_depth_problem(text: str, limits: InputLimits) -> tuple[str, str] | None:
    """(field, problem) when a JSON text nests deeper than the limit, else None.

    Run before ``json.loads`` (whose recursion a 50,000-deep array exhausts). Only
    texts with more brackets than the limit are scanned, so ordinary lines cost a
    count. The field is the top-level key under which the nesting happens.
    """
    if text.count("[") + text.count("{") <= limits.max_depth:
        return None
    depth = 0
    key = "record"
    last_string = None
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limits.max_depth:
                return key, f"is nested more than {limits.max_depth} deep"
        elif token in "]}":
            depth -= 1
        elif token == ":":
            if depth == 1 and last_string is not None:
                key = last_string[1:-1][:80]
        else:
            last_string = token
    return None


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:]')
