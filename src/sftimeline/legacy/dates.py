"""Date formats written the way an analyst reads them: ``dd/mm/yyyy``, ``d/m/yy``, ``yyyy-mm``.

A format is compiled once into a regular expression. Matching is exact (``dd`` is two
digits, ``d`` one or two), so ``01/02/2024`` is never read as ``d/m/yy`` and a
value that fits no format is a rejection, not a guess. Excel keeps dates as serial
day numbers counted from 1899-12-30 (Excel's 1900 leap-year bug included), so a
serial number becomes a date with that epoch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: token → (regular expression, what it sets). Longest tokens first.
_TOKENS: list[tuple[str, str, str]] = [
    ("yyyy", r"(\d{4})", "year"),
    ("yy", r"(\d{2})", "year2"),
    ("month", r"([A-Za-z]{3,9})", "month_name"),
    ("mon", r"([A-Za-z]{3})", "month_name"),
    ("mm", r"(\d{2})", "month"),
    ("m", r"(\d{1,2})", "month"),
    ("dd", r"(\d{2})", "day"),
    ("d", r"(\d{1,2})", "day"),
    ("HH", r"(\d{2})", "hour"),
    ("H", r"(\d{1,2})", "hour"),
    ("MM", r"(\d{2})", "minute"),
    ("SS", r"(\d{2})", "second"),
]
_LITERALS = set("/-.: T,")
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        1,
    )
    for name in names
}
EXCEL_EPOCH = date(1899, 12, 30)
#: Distinct date texts remembered per field (a few years of days and times).
_CACHE = 8192
#: Serials from 61 (1900-03-01: before it Excel counts a 29 February 1900) to 2199-12-31.
EXCEL_SERIALS = range(61, 109575)
#: The pseudo-format for Excel serial day numbers written as text (``45292``).
EXCEL_SERIAL = "excel_serial"
ISO = "iso"


class FormatError(ValueError):
    """A format string the mapping language does not know."""


@dataclass(frozen=True)
class DateFormat:
    text: str
    pattern: re.Pattern[str]
    parts: tuple[str, ...]

    @property
    def has_day(self) -> bool:
        return "day" in self.parts

    @property
    def has_time(self) -> bool:
        return "hour" in self.parts


def compile_format(text: str) -> DateFormat:
    """``dd/mm/yyyy`` → a DateFormat; raises FormatError naming what is unknown."""
    if text == ISO:
        text = "yyyy-mm-dd"
    regex, parts, i = "", [], 0
    while i < len(text):
        for token, rx, part in _TOKENS:
            if text.startswith(token, i):
                regex += rx
                parts.append(part)
                i += len(token)
                break
        else:
            if text[i] not in _LITERALS:
                raise FormatError(
                    f"unknown date format {text!r} at {text[i:]!r} (use dd, d, mm, m, mon, "
                    "month, yyyy, yy, HH, MM, SS and / - . : space T)"
                )
            regex += re.escape(text[i])
            i += 1
    if not ({"year", "year2"} & set(parts)) or not ({"month", "month_name"} & set(parts)):
        raise FormatError(f"date format {text!r} needs a year and a month")
    return DateFormat(text, re.compile(regex + r"\Z"), tuple(parts))


def _year(parts: dict[str, str], window_end: int) -> int:
    if "year" in parts:
        return int(parts["year"])
    yy = int(parts["year2"])
    century = window_end - window_end % 100
    year = century + yy
    return year if year <= window_end else year - 100


def _month(parts: dict[str, str]) -> int:
    if "month" in parts:
        return int(parts["month"])
    month = _MONTHS.get(parts["month_name"].lower())
    if month is None:
        raise ValueError(f"{parts['month_name']!r} is not a month name")
    return month


def _last_day(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def match(
    fmt: DateFormat, text: str, *, window_end: int, in_month: str | None
) -> tuple[date, time | None] | None:
    """The date (and time of day) ``text`` means in ``fmt``; None if it does not fit.

    Raises ValueError when it fits the shape but is no calendar date (31/02/2024).
    """
    m = fmt.pattern.match(text)
    if m is None:
        return None
    parts = dict(zip(fmt.parts, m.groups(), strict=True))
    year, month = _year(parts, window_end), _month(parts)
    if "day" in parts:
        day = int(parts["day"])
    elif in_month == "last":
        day = _last_day(year, month) if 1 <= month <= 12 else 1
    else:
        day = 1
    try:
        found = date(year, month, day)
        clock = None
        if "hour" in parts:
            minute, second = int(parts.get("minute", 0)), int(parts.get("second", 0))
            clock = time(int(parts["hour"]), minute, second)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None
    return found, clock


def from_excel_serial(serial: float) -> date:
    """An Excel serial day number as a date (the fraction, a time of day, is dropped)."""
    whole = int(serial)
    if whole not in EXCEL_SERIALS:
        raise ValueError(f"{serial!r} is not an Excel date serial number")
    return EXCEL_EPOCH + timedelta(days=whole)


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FormatError(f"unknown time zone {name!r} (e.g. Europe/London)") from None


def date_reader(
    formats: list[str], *, window_end: int, in_month: str | None
) -> Callable[[object], tuple[date, time | None]]:
    """A function reading one cell as a date: Excel cells, serials, then each text format."""
    formats = formats or [ISO]  # text dates are ISO unless the mapping says otherwise
    compiled = [compile_format(f) for f in formats if f != EXCEL_SERIAL]
    serial_text = EXCEL_SERIAL in formats
    names = ", ".join(formats)

    def read(cell: object) -> tuple[date, time | None]:
        if type(cell) is str:  # CSV cells: the common case first
            return _text(cell)
        if isinstance(cell, datetime):
            clock = cell.time()
            return cell.date(), (clock if clock != time(0) else None)
        if isinstance(cell, date):
            return cell, None
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            return from_excel_serial(cell), None
        return _text(str(cell))

    seen: dict[str, tuple[date, time | None]] = {}

    def _text(text: str) -> tuple[date, time | None]:
        """Exports repeat the same dates row after row: each text is parsed once."""
        found = seen.get(text)
        if found is None:
            found = _parse(text)
            if len(seen) < _CACHE:
                seen[text] = found
        return found

    def _parse(text: str) -> tuple[date, time | None]:
        for fmt in compiled:
            found = match(fmt, text, window_end=window_end, in_month=in_month)
            if found is not None:
                return found
        if serial_text and text.isdigit():
            return from_excel_serial(int(text)), None
        raise ValueError(f"{text!r} is not a date in any of the formats {names}")

    return read
