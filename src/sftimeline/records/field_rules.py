"""The checks of the record field types (:mod:`.fields`), without pydantic: the fast path
(:mod:`.fast_checks`) runs the very same functions as the models do, and an import of
well-formed records never loads pydantic (issue 14: its start-up)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from sftimeline.limits import DEFAULT_LIMITS, InputLimits

if TYPE_CHECKING:
    from pydantic import ValidationInfo

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _limits(info: ValidationInfo | None) -> InputLimits:
    """The limits of this validation (``context={"limits": ...}``), else the defaults."""
    context = info.context if info is not None else None
    if type(context) is dict:  # validate_record's (once per field value: kept short)
        limits = context.get("limits")
        if type(limits) is InputLimits:
            return limits
    if isinstance(context, Mapping):
        limits = context.get("limits")
        if isinstance(limits, InputLimits):
            return limits
    return DEFAULT_LIMITS


def _in_range(day: date, limits: InputLimits) -> None:
    if not limits.earliest <= day <= limits.latest:
        raise ValueError(
            f"{day.isoformat()} is outside the accepted range "
            f"{limits.earliest.isoformat()} to {limits.latest.isoformat()}"
        )


def _parse_iso_date(value: Any, info: ValidationInfo | None) -> Any:
    """Accept only ``YYYY-MM-DD`` strings (or dates) within the date limits."""
    if type(value) is str and _ISO_DATE.match(value):  # the usual case, checked first
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a calendar date") from None
    elif isinstance(value, datetime):
        raise ValueError("must be a date (YYYY-MM-DD), not a date-time")
    elif isinstance(value, date):
        day = value
    elif not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be an ISO date, YYYY-MM-DD")
    else:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a calendar date") from None
    _in_range(day, _limits(info))
    return day


def _parse_knowledge_time(value: Any, info: ValidationInfo | None) -> Any:
    """A date-time with an offset, or a date meaning the start of that day in UTC.

    A date-time without an offset is refused: knowledge time decides what an auditor
    sees, and guessing a time zone would move records across a cut-off silently.
    The UTC date must lie within the date limits (which also keeps the conversion
    to UTC clear of the calendar's ends).
    """
    if type(value) is str or isinstance(value, str):  # a str is never a date: tested first
        # (_ISO_DATE matches 10 characters, or 11 with a final newline)
        if len(value) <= 11 and _ISO_DATE.match(value):
            return datetime.combine(_parse_iso_date(value, info), time(0), tzinfo=UTC)
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                "must be an ISO date-time with offset (2024-04-02T09:30:00+00:00) or a date"
            ) from None
    elif isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        return datetime.combine(_parse_iso_date(value, info), time(0), tzinfo=UTC)
    else:
        raise ValueError("must be an ISO date-time with offset or a date")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("needs a UTC offset, e.g. 2024-04-02T09:30:00+00:00")
    limits = _limits(info)
    _in_range(parsed.date(), limits)
    try:
        utc = parsed.astimezone(UTC)
    except OverflowError:  # only reachable with limits that reach the year 1 or 9999
        raise ValueError(f"{value} cannot be expressed in UTC") from None
    if utc is not parsed:  # (astimezone to its own zone returns the datetime itself)
        _in_range(utc.date(), limits)
    return utc


def _non_blank(value: Any) -> Any:
    if type(value) is str or isinstance(value, str):
        if not value.strip():
            raise ValueError("must not be blank")
        return value
    raise ValueError("must be a string")


_TERM = re.compile(r"^(\d{4})-(autumn|spring|summer)$")


def _parse_term(value: Any) -> Any:
    if not isinstance(value, str) or not _TERM.match(value):
        raise ValueError("must be a term id such as 2023-autumn, 2024-spring or 2024-summer")
    return value


class RuleError(ValueError):
    """A rule across fields is broken; names the fields it is reported under, first
    the one most likely wrong (so a bad ``occurred_on`` is never blamed on
    ``recorded_at`` alone)."""

    def __init__(self, message: str, field: str, *related: str) -> None:
        super().__init__(message)
        self.field = field
        self.related = related


#: A framework id: lower-case letters, digits and single hyphens or underscores.
#: Never a path: data must not name files on the server (issue 12).
_FRAMEWORK_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


MAX_FRAMEWORK_ID = 64


def _parse_framework_id(value: Any) -> Any:
    if (
        not isinstance(value, str)
        or len(value) > MAX_FRAMEWORK_ID
        or not _FRAMEWORK_ID.match(value)
    ):
        raise ValueError(
            "must be a framework id such as national-2022 (lower-case letters, digits and "
            f"hyphens, at most {MAX_FRAMEWORK_ID} characters), never a path"
        )
    return value


_CRITERION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9.\-]+$")


def _parse_criterion(value: Any) -> Any:
    if not isinstance(value, str) or not _CRITERION.match(value):
        raise ValueError("must be '<framework>:<code>', e.g. national-2022:7.1")
    return value
