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
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
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

#: the largest value each whole-number limit may be set to, and why: past it the limit
#: would no longer protect the engine (a deeper nesting than the walks over a value may
#: recurse; an integer literal too long to convert, ``bounded_int``; a line too large to
#: hold in memory for its turn)
LIMIT_CEILINGS: dict[str, tuple[int, str]] = {
    "max_line_bytes": (1 << 30, "1 GiB: a line is held in memory whole"),
    "max_string_chars": (1 << 30, "a string is part of a line"),
    "max_depth": (100, "the checks walk a value by recursion"),
    "max_integer_digits": (4000, "longer integer literals are never converted"),
}


#: the range the date limits may be set within: a millennium inside the calendar at either
#: end, so that every window counted from a date (months, terms, ages, sustained periods)
#: stays within the dates Python can represent
DATE_RANGE = (date(1000, 1, 1), date(8999, 12, 31))
DATE_RANGE_WHY = "windows counted from a date stay within the calendar"

#: The widest limits an import may be given (each limit at the end of its range):
#: what a stored record is checked against afterwards (``sftimeline verify``). The import
#: that stored it may have raised the limits (``--limit``), and a limit guards the edge
#: against hostile input; it is not a property of the record.
WIDEST_LIMITS = InputLimits(
    **{name: ceiling for name, (ceiling, _) in LIMIT_CEILINGS.items()},
    earliest=DATE_RANGE[0],
    latest=DATE_RANGE[1],
)


class LimitSettingError(ValueError):
    """A limit setting that is not one, or a value it cannot take (the message names it)."""


def limits_from(settings: Mapping[str, Any] | InputLimits | None) -> InputLimits:
    """The default limits with the named ``settings`` changed: ``{"max_string_chars": 20000,
    "latest": "2200-12-31"}``, values as a command line gives them (text) or as Python
    values (``int``, ``date``). Raises :class:`LimitSettingError` naming the setting for
    an unknown name, a whole number below 1 or above its ceiling
    (:data:`LIMIT_CEILINGS`), a date that is not ``YYYY-MM-DD``, or ``earliest`` after
    ``latest``."""
    if settings is None:
        return DEFAULT_LIMITS
    if isinstance(settings, InputLimits):
        return settings
    known = [f.name for f in fields(InputLimits)]
    changed: dict[str, Any] = {}
    for name, value in settings.items():
        if name not in known:
            raise LimitSettingError(
                f"{printable(str(name))!r} is not a limit (the limits: {', '.join(known)})"
            )
        if name in LIMIT_CEILINGS:
            changed[name] = _whole_limit(name, value)
        else:
            changed[name] = _date_limit(name, value)
    limits = replace(DEFAULT_LIMITS, **changed)
    if limits.earliest > limits.latest:
        raise LimitSettingError(f"earliest ({limits.earliest}) is after latest ({limits.latest})")
    return limits


def _whole_limit(name: str, value: Any) -> int:
    ceiling, why = LIMIT_CEILINGS[name]
    if type(value) is str and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is not int or not 1 <= value <= ceiling:
        raise LimitSettingError(
            f"{name} must be a whole number from 1 to {ceiling:,} ({why}),"
            f" not {printable(str(value))!r}"
        )
    return value


def _date_limit(name: str, value: Any) -> date:
    low, high = DATE_RANGE
    day: date | None = value if type(value) is date else None
    if type(value) is str and len(value.strip()) == 10:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if day is None or not low <= day <= high:
        raise LimitSettingError(
            f"{name} must be a date, YYYY-MM-DD, from {low} to {high} ({DATE_RANGE_WHY}),"
            f" not {printable(str(value))!r}"
        )
    return day


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


def value_problems(raw: Mapping[str, Any], limits: InputLimits) -> list[tuple[str, str]]:
    """(field path, problem) for every value in ``raw`` that breaks a limit.

    Checks every string (keys too), integer and float at any depth, without
    recursion deeper than ``limits.max_depth``. Runs on every record, so the common
    case (a flat object of short strings and small numbers) is kept to a type test
    and a comparison per value; paths are only spelled out for a problem.
    """
    out: list[tuple[str, str]] = []
    _walk(raw, (), 1, limits, 10**limits.max_integer_digits, out)
    return out


def _walk(
    value: Any,
    path: tuple[Any, ...],
    depth: int,
    limits: InputLimits,
    bound: int,
    out: list[tuple[str, str]],
) -> None:
    kind = type(value)
    if kind is str:
        if len(value) > limits.max_string_chars or _FORBIDDEN.search(value):
            out.append((_spelled(path), _string_problem(value, limits)))
    elif kind is int:
        if not -bound < value < bound:
            out.append((_spelled(path), _too_many_digits(limits)))
    elif kind is bool or value is None:
        return
    elif kind is float:
        if not math.isfinite(value):
            out.append((_spelled(path), "must be a finite number"))
    elif kind is dict or kind is list or isinstance(value, Mapping | list | tuple):
        _walk_container(value, path, depth, limits, bound, out)
    elif isinstance(value, OversizedInteger):
        problem = f"is an integer of {value.digits} digits, more than the limit of "
        out.append((_spelled(path), problem + str(limits.max_integer_digits)))
    elif isinstance(value, int) and not -bound < value < bound:
        out.append((_spelled(path), _too_many_digits(limits)))
    elif isinstance(value, float) and not math.isfinite(value):
        out.append((_spelled(path), "must be a finite number"))


def _walk_container(
    value: Mapping[Any, Any] | list[Any] | tuple[Any, ...],
    path: tuple[Any, ...],
    depth: int,
    limits: InputLimits,
    bound: int,
    out: list[tuple[str, str]],
) -> None:
    if depth > limits.max_depth:
        top = _spelled(path[:1]) or "record"
        out.append((top, f"is nested more than {limits.max_depth} deep"))
        return
    if type(value) is dict or isinstance(value, Mapping):
        for key, item in value.items():
            if type(key) is str and (len(key) > limits.max_string_chars or _FORBIDDEN.search(key)):
                problem = _string_problem(key, limits)
                out.append((_spelled((*path, key)), f"field name {problem}"))
                continue
            _walk(item, (*path, key), depth + 1, limits, bound, out)
    else:
        for i, item in enumerate(value):
            _walk(item, (*path, i), depth + 1, limits, bound, out)


def _spelled(path: tuple[Any, ...]) -> str:
    return printable(".".join(str(part) for part in path))


def _too_many_digits(limits: InputLimits) -> str:
    return f"is an integer of more than {limits.max_integer_digits} digits (the limit)"


def _string_problem(text: str, limits: InputLimits) -> str:
    if len(text) > limits.max_string_chars:
        return (
            f"is {len(text):,} characters long, more than the limit of {limits.max_string_chars:,}"
        )
    bad = _FORBIDDEN.search(text)
    if bad:
        char = bad.group()
        what = "a NUL character" if char == "\x00" else f"a lone surrogate U+{ord(char):04X}"
        return f"contains {what} at position {bad.start() + 1}"
    return "is not acceptable text"


def printable(name: str) -> str:
    """A name from the data safe to print in a message: control characters, lone
    surrogates and the like escaped (a field name can carry terminal escape codes),
    at most 80 characters."""
    if name.isprintable() and len(name) <= 80:
        return name
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in name[:80])
    return shown if len(name) <= 80 else shown[:77] + "..."


def line_within_limits(text: str, value: Any, limits: InputLimits) -> bool:
    """Whether :func:`value_problems` would find nothing in ``value``, the JSON object
    parsed from ``text``, told mostly from the text (a few scans of it are several
    times cheaper than the walk over every value, which spells out each path).

    Conservative (``False`` only means "walk the values"): no string or key can be
    longer than the line; without a ``\\u`` escape, a NUL or a surrogate in the text no
    string holds NUL or a lone surrogate; nesting is at most the number of opening
    brackets; the numbers are then checked directly.
    """
    return text_within_limits(text, limits) and _numbers_within(
        value, 10**limits.max_integer_digits
    )


def text_within_limits(text: str, limits: InputLimits) -> bool:
    """The part of :func:`line_within_limits` told from the text alone (its strings'
    lengths and characters, its nesting); the numbers are the caller's to check."""
    return text.count("[") + text.count("{") <= limits.max_depth and strings_within_limits(
        text, limits
    )


def strings_within_limits(text: str, limits: InputLimits) -> bool:
    """The part of :func:`text_within_limits` about strings (their lengths and
    characters), for a caller that bounds the nesting otherwise: the import's fast path,
    whose record types each nest a known number of levels at most
    (:func:`~sftimeline.records.fast.fast_preparer`)."""
    return (
        len(text) <= limits.max_string_chars
        and "\\u" not in text
        and "\x00" not in text
        # an ASCII text holds no surrogate (isascii is a flag, not a scan)
        and (text.isascii() or _FORBIDDEN.search(text) is None)
    )


def _numbers_within(value: Any, bound: int) -> bool:
    """Whether every number in a decoded JSON value is a finite float or an integer
    of fewer digits than ``bound`` has (anything unexpected: no)."""
    items = value.values() if type(value) is dict else value
    for item in items:
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if not -bound < item < bound:
                return False
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif kind is dict or kind is list:
            if not _numbers_within(item, bound):
                return False
        else:
            return False
    return True


#: orjson reads an integer literal past 64 bits as a float (the standard library, as an
#: int): a float this large may be one
_INTEGER_AS_FLOAT = 2.0**63


def orjson_line_within_limits(text: str, value: dict[str, Any], limits: InputLimits) -> bool | None:
    """:func:`line_within_limits` for ``value`` as ``orjson.loads(text)`` gave it, or None
    when that may differ from ``json.loads(text)``'s: a float of magnitude 2**63 or more
    may have been an integer literal (orjson reads one past 64 bits as a float, the
    standard library as an int). Otherwise the two parse alike (strings, escapes,
    duplicate keys, floats: tests/test_import_shortcuts.py), and orjson never gives a
    non-finite float (it rejects ``NaN``, ``Infinity`` and ``1e400``).
    """
    numbers = _orjson_numbers(value, 10**limits.max_integer_digits)
    if numbers is None:
        return None
    return numbers and text_within_limits(text, limits)


def _orjson_numbers(value: Any, bound: int) -> bool | None:
    """Whether every integer in ``value`` has fewer digits than ``bound``; None at the
    first float that may have been an integer literal (see above)."""
    within = True
    items = value.values() if type(value) is dict else value
    for item in items:
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if not -bound < item < bound:
                within = False
        elif kind is float:
            if not -_INTEGER_AS_FLOAT < item < _INTEGER_AS_FLOAT:
                return None
        elif kind is dict or kind is list:
            inner = _orjson_numbers(item, bound)
            if inner is None:
                return None
            within = within and inner
        else:
            return None
    return within


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
