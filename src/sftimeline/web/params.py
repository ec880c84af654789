"""Query parameters: parsed by the service layer's rules, so that a bad value names its
parameter and reads as the CLI's message does (``known_at: '2024-13-01' is not …``).

Absent values are left to the service's defaults (a knowledge time of now); the pages'
own default on-date is today in the UK, the policy process's default.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from sftimeline.service.errors import UsageProblem
from sftimeline.service.inputs import parse_date as _parse_date
from sftimeline.service.inputs import parse_known_at as _parse_known_at
from sftimeline.web.errors import ApiError

T = TypeVar("T")


def _parsed(name: str, value: str | None, parse: Callable[[str, str], T]) -> T | None:
    """``parse(value, name)``, None when absent; its error names the parameter."""
    if value is None or not value.strip():
        return None
    try:
        return parse(value.strip(), name)
    except UsageProblem as exc:
        raise ApiError(400, str(exc), parameter=name) from None


def parse_date(name: str, value: str | None) -> date | None:
    """An ISO date, or None when absent."""
    return _parsed(name, value, _parse_date)


def require_date(name: str, value: str | None) -> date:
    """An ISO date that must be given (the CLI's option is required too)."""
    day = parse_date(name, value)
    if day is None:
        raise ApiError(400, f"{name}: is required (an ISO date, YYYY-MM-DD)", parameter=name)
    return day


def parse_known_at(name: str, value: str | None) -> datetime | None:
    """A knowledge time; None when absent (the service then uses now)."""
    return _parsed(name, value, _parse_known_at)


def parse_flag(name: str, value: str | None) -> bool:
    """``true``/``false`` (also 1/0, yes/no, on/off; empty is false, as an unticked box)."""
    if value is None:
        return False
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise ApiError(400, f"{name}: {value!r} is not true or false", parameter=name)
