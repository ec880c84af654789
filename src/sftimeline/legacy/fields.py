"""A mapping's field, compiled into a function of one row's cells.

Compiled once per file, when the header is known, so reading a row is a few list
lookups and no dictionary building: a mapped import must keep pace with a JSON
Lines import of the same records.

A cell is text (CSV, or XLSX text), a number, a date or date-time (XLSX cells), or
None. Text is trimmed; a cell equal to one of the mapping's ``missing_values``
(ignoring case) is missing. A field that ends up missing is omitted when it is
``optional``, takes its ``otherwise`` or ``default`` when it has one, and is an error
naming the column otherwise.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from sftimeline.legacy.dates import date_reader, zone
from sftimeline.legacy.model import Condition, FieldSpec, FieldValue

Cells = Sequence[object]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: The value of a field that has nothing in it.
MISSING: Any = _Missing()
Getter = Callable[[Cells], Any]


class CellError(ValueError):
    """A value in a row that the mapping cannot turn into a field."""

    def __init__(self, columns: Sequence[str], message: str) -> None:
        super().__init__(message)
        self.columns = list(columns)


@dataclass(frozen=True)
class Header:
    """A file's column names and how cells are judged missing."""

    names: tuple[str, ...]
    missing: frozenset[str]
    two_digit_years_end: int

    def position(self, column: str) -> int:
        return self.names.index(column)


_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_WHOLE = re.compile(r"[+-]?\d+(\.0*)?\Z")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_SEASONS = {
    "autumn": "autumn",
    "aut": "autumn",
    "spring": "spring",
    "spr": "spring",
    "summer": "summer",
    "sum": "summer",
}
_SEASON = re.compile(r"\b(autumn|aut|spring|spr|summer|sum)\b", re.IGNORECASE)
_ACADEMIC = re.compile(r"\b(\d{4})\s*[/-]\s*(\d{2}|\d{4})\b")
_YEAR = re.compile(r"\b(\d{4})\b")


def text_of(cell: object) -> str:
    """A cell as the text an analyst sees (``12`` not ``12.0``; dates in ISO form)."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime) and cell.time() == time(0):
        return cell.date().isoformat()
    if hasattr(cell, "isoformat"):
        return str(cell.isoformat())
    return str(cell)


def cell_getter(header: Header, column: str) -> Getter:
    """The cell of ``column``, trimmed, or MISSING."""
    i = header.position(column)
    missing = header.missing
    longest = max((len(m) for m in missing), default=0)

    def get(cells: Cells) -> Any:
        if i >= len(cells):
            return MISSING
        cell = cells[i]
        if cell is None:
            return MISSING
        if type(cell) is str:
            cell = cell.strip()
            # only a short cell can be a missing value: most cells skip the casefold
            if len(cell) <= longest and cell.casefold() in missing:
                return MISSING
        return cell

    return get


def condition(header: Header, cond: Condition) -> Callable[[Cells], bool]:
    """A row test; values are compared as trimmed text."""
    get = cell_getter(header, cond.column)
    if cond.present is not None:
        want = cond.present
        return lambda cells: (get(cells) is not MISSING) is want
    if cond.equals is not None:
        target = text_of(cond.equals)
        return lambda cells: (v := get(cells)) is not MISSING and text_of(v) == target
    if cond.in_ is not None:
        among = {text_of(x) for x in cond.in_}
        return lambda cells: (v := get(cells)) is not MISSING and text_of(v) in among
    outside = {text_of(x) for x in cond.not_in or []}
    return lambda cells: (v := get(cells)) is MISSING or text_of(v) not in outside


def whole_number(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = text_of(value)
    if not _WHOLE.match(text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(float(text))


def number_of(value: object) -> float | int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        number = value if isinstance(value, float) else float(text_of(value).replace(",", ""))
    except ValueError:
        raise ValueError(f"{text_of(value)!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{text_of(value)!r} is not a finite number")
    return number


def pence(value: object) -> int:
    """``£1,250.50``, ``1250.5`` or a number cell → 125050 (exact: no float rounding)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value * 100
    text = text_of(value).strip().replace(",", "").removeprefix("£").strip()
    try:
        amount = Decimal(text) * 100
    except InvalidOperation:
        raise ValueError(f"{text_of(value)!r} is not an amount of money") from None
    if not amount.is_finite():
        raise ValueError(f"{text_of(value)!r} is not an amount of money")
    if amount != amount.to_integral_value():
        raise ValueError(f"{text_of(value)!r} has a fraction of a penny")
    return int(amount)


def _boolean(value: object) -> bool:
    text = text_of(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes/no, true/false, y/n or 1/0")


def term_id(value: object) -> str:
    """``Spring 2024``, ``2023/24 Spring``, ``SPR 2023-24`` or ``2024-spring`` → ``2024-spring``.

    An academic year (``2023/24``) puts autumn in its first calendar year and spring
    and summer in its second; a single year is the term's own calendar year.
    """
    text = text_of(value)
    season_m = _SEASON.search(text)
    if season_m is None:
        raise ValueError(f"{text!r} names no term (autumn, spring or summer)")
    season = _SEASONS[season_m.group(1).lower()]
    academic = _ACADEMIC.search(text)
    if academic is not None:
        start = int(academic.group(1))
        return f"{start if season == 'autumn' else start + 1}-{season}"
    year = _YEAR.search(text)
    if year is None:
        raise ValueError(f"{text!r} names no year")
    return f"{year.group(1)}-{season}"


def _with_offset(value: object) -> str | None:
    """An ISO date-time that carries its own UTC offset (``2024-04-02T09:30:00+01:00``)."""
    if not isinstance(value, str) or len(value) < 16 or value[10] not in "T ":
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.isoformat() if parsed.tzinfo is not None else None


def _datetime_text(day: Any, clock: time | None, tz: tzinfo | None) -> str:
    if clock is None:
        return str(day.isoformat())
    if tz is None:
        raise ValueError(
            f"{day.isoformat()} {clock.isoformat()} has a time of day: state the timezone "
            "(e.g. timezone: Europe/London) so it is not guessed"
        )
    return datetime.combine(day, clock, tzinfo=tz).isoformat()


def typed(spec: FieldSpec, header: Header) -> Callable[[object], Any]:
    """The function applying ``as`` (and ``divide_by``) to a present value."""
    kind = spec.as_
    if kind == "text" and (spec.sum or spec.difference):
        kind = "integer"  # arithmetic gives a number unless the mapping says otherwise
    if kind in ("date", "datetime"):
        read = date_reader(
            spec.formats, window_end=header.two_digit_years_end, in_month=spec.date_in_month
        )
        tz = zone(spec.timezone) if spec.timezone else None
        if kind == "date":
            return lambda v: read(v)[0].isoformat()
        return lambda v: _with_offset(v) or _datetime_text(*read(v), tz)
    convert: Callable[[object], Any] = {
        "text": text_of,
        "integer": whole_number,
        "number": number_of,
        "pence": pence,
        "boolean": _boolean,
        "term": term_id,
    }[kind]
    if spec.divide_by is not None:
        divisor = spec.divide_by
        return lambda v: _tidy(number_of(convert(v)) / divisor)
    return convert


def _tidy(number: float) -> float | int:
    return int(number) if number.is_integer() else number


def _source(spec: FieldSpec, header: Header) -> tuple[Getter, list[str]]:
    """The raw value of a field (before map and type) and the columns it reads."""
    if spec.column is not None:
        return cell_getter(header, spec.column), [spec.column]
    if spec.template is not None:
        return _template(spec.template, header)
    if spec.sum or spec.difference:
        names = spec.sum or spec.difference or []
        getters = [cell_getter(header, c) for c in names]
        sign = 1 if spec.sum else -1

        def arithmetic(cells: Cells) -> Any:
            values = [g(cells) for g in getters]
            if any(v is MISSING for v in values):
                return MISSING
            numbers = [whole_number(v) for v in values]
            return numbers[0] + sign * sum(numbers[1:])

        return arithmetic, names
    constant = spec.value
    return (lambda _cells: constant), []


def template_columns(template: str) -> list[str]:
    return [name for name in _PLACEHOLDER.findall(template) if not name.startswith("@")]


def row_digest(cells: Cells) -> str:
    """A digest of a row's content: a stable id for rows that carry none (AMB-L02)."""
    joined = "\x1f".join("" if c is None else text_of(c).strip() for c in cells)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def _template(template: str, header: Header) -> tuple[Getter, list[str]]:
    pieces = _PLACEHOLDER.split(template)  # literal, name, literal, name, ...
    getters: list[Getter | str] = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            getters.append(piece)
        elif piece == "@digest":
            getters.append(row_digest)
        else:
            getters.append(cell_getter(header, piece))

    def render(cells: Cells) -> Any:
        out = []
        for g in getters:
            if isinstance(g, str):
                out.append(g)
                continue
            value = g(cells)
            if value is MISSING:
                return MISSING
            out.append(text_of(value))
        return "".join(out)

    return render, template_columns(template)


def _mapped_and_typed(name: str, spec: FieldSpec, header: Header) -> Callable[[object], Any]:
    """``map`` (closed) then ``as``, applied to one present value."""
    convert = typed(spec, header)
    if spec.map is None:
        return convert
    mapping: Mapping[str, Any] = {text_of(k): v for k, v in spec.map.items()}
    known = ", ".join(repr(k) for k in mapping)

    def mapped(value: object) -> Any:
        key = text_of(value)
        if key not in mapping:
            raise ValueError(f"{key!r} is not in the value map (known: {known})")
        target = mapping[key]
        return MISSING if target is None else convert(target)

    return mapped


def _each(convert: Callable[[object], Any], separator: str) -> Callable[[object], Any]:
    """A cell holding a list (``offence; asb``): every non-empty part converted."""

    def each(value: object) -> Any:
        parts = [convert(p.strip()) for p in text_of(value).split(separator) if p.strip()]
        found = [p for p in parts if p is not MISSING]
        return found or MISSING

    return each


def compile_field(name: str, value: FieldValue, header: Header) -> Getter:
    """A function of a row's cells giving the field's value, MISSING to omit it,
    or raising CellError naming the columns read."""
    if not isinstance(value, FieldSpec):
        return lambda _cells: value
    spec = value
    raw, columns = _source(spec, header)
    convert = _mapped_and_typed(name, spec, header)
    if spec.split is not None:
        convert = _each(convert, spec.split)
    fallback = compile_field(name, spec.otherwise, header) if spec.otherwise is not None else None
    default, optional = spec.default, spec.optional
    cells_read = [(c, cell_getter(header, c)) for c in columns]

    def absent(cells: Cells) -> Any:
        """The value of a field whose own source is missing."""
        if fallback is not None:
            found = fallback(cells)
            if found is not MISSING:
                return found
        if default is not None:
            return default
        if optional:
            return MISSING
        empty = [c for c, g in cells_read if g(cells) is MISSING] or columns
        raise CellError(empty or [name], f"{name}: {', '.join(empty) or name} is empty")

    if spec.column is not None and convert is text_of:
        # the common case (ids, codes): a text cell as it is, no map, no type to apply
        def get_text(cells: Cells) -> Any:
            found = raw(cells)
            if found is MISSING:
                return absent(cells)
            return found if type(found) is str else text_of(found)

        return get_text

    def get(cells: Cells) -> Any:
        try:
            found = raw(cells)
            if found is not MISSING:
                found = convert(found)
            if found is not MISSING:
                return found
        except ValueError as exc:
            raise CellError(columns or [name], f"{name}: {exc}") from None
        return absent(cells)

    return get
