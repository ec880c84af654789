"""Raw inputs of the front doors made into values: the store URL, dates, knowledge times.

One home for the rules every door shares (the CLI, the Python API, the HTTP API):

- the store URL: given, else ``SFTIMELINE_DB``, else the deprecated ``SFTIMELINE_STORE``,
  else ``./sftimeline.sqlite``; a PostgreSQL URL must name its database;
- an on-date is an ISO date; a knowledge time is an ISO date-time with a UTC offset, or a
  date meaning the end of that day (UTC), defaulting to now;
- an import's input limits are the defaults with the named settings changed.

Light on purpose (standard library only): the CLI imports it at start-up.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from sftimeline.service.errors import UsageProblem

if TYPE_CHECKING:
    from sftimeline.limits import InputLimits

DEFAULT_URL = "./sftimeline.sqlite"
ENV = "SFTIMELINE_DB"
#: Still read, with a deprecation warning: the CLI's evaluate family used it once.
DEPRECATED_ENV = "SFTIMELINE_STORE"


class DeprecatedStoreSetting(DeprecationWarning):
    """``--store`` / ``SFTIMELINE_STORE`` were used: they still work, ``--db`` is the name."""


def resolve_url(url: str | None = None) -> str:
    """The store URL to use: ``url``, else the environment, else the default file."""
    if not url:
        url = os.environ.get(ENV)
    if not url and os.environ.get(DEPRECATED_ENV):
        warnings.warn(
            f"{DEPRECATED_ENV} is deprecated; set {ENV} instead",
            DeprecatedStoreSetting,
            stacklevel=2,
        )
        url = os.environ[DEPRECATED_ENV]
    url = url or DEFAULT_URL
    check_url(url)
    return url


def check_url(url: str) -> None:
    """Refuse a URL no store can be at, before anything is opened or created."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgresql", "postgres"):
        if not parsed.path.strip("/"):
            raise UsageProblem(
                f"store URL {url!r} names no database: "
                "use postgresql://user@host:port/DBNAME[?schema=NAME]"
            )
    elif parsed.scheme not in ("", "file", "sqlite") and len(parsed.scheme) > 1:
        # one letter is a Windows drive, as in C:\\data\\store.sqlite
        raise UsageProblem(f"unsupported store URL {url!r}: use a file path or postgresql://")


def _named(what: str | None, message: str) -> UsageProblem:
    return UsageProblem(f"{what}: {message}" if what else message)


def parse_date(value: str | date, what: str | None = None) -> date:
    """An ISO date (YYYY-MM-DD); a ``date`` passes through. ``what`` names the input."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _named(what, f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def parse_known_at(value: str | date | datetime | None, what: str | None = None) -> datetime:
    """A knowledge time in UTC: now when None; a date is the end of that day (UTC).

    A date-time must carry its offset: a naive one would silently mean the machine's zone.
    """
    if value is None or value == "now":
        return datetime.now(UTC)
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        return datetime.combine(value, time.max, tzinfo=UTC)
    else:
        try:
            if len(value) == 10:
                return datetime.combine(date.fromisoformat(value), time.max, tzinfo=UTC)
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except (TypeError, ValueError):
            raise _named(
                what, f"{value!r} is not an ISO date-time with offset, a date, or `now`"
            ) from None
    if parsed.tzinfo is None:
        raise _named(what, "needs a UTC offset, e.g. 2024-07-20T00:00:00+00:00")
    return parsed.astimezone(UTC)


def parse_limits(
    settings: Mapping[str, Any] | Iterable[str] | InputLimits | None,
) -> InputLimits:
    """An import's input limits (``sftimeline.limits``): the defaults with ``settings``
    changed, by name (``{"max_string_chars": 20000}``) or as ``NAME=VALUE`` texts (the
    CLI's ``--limit``, the HTTP API's ``limit=``); UsageProblem naming the setting for
    one that is not a limit, or a value it cannot take."""
    from sftimeline.limits import InputLimits, LimitSettingError, limits_from

    if isinstance(settings, str):  # one NAME=VALUE, not its characters
        settings = [settings]
    if settings is not None and not isinstance(settings, Mapping | InputLimits):
        settings = _named_settings(settings)
    try:
        return limits_from(settings)
    except LimitSettingError as exc:
        raise UsageProblem(f"input limits: {exc}") from None


def _named_settings(texts: Iterable[str]) -> dict[str, str] | None:
    """``NAME=VALUE`` texts as values by name."""
    named: dict[str, str] = {}
    for text in texts:
        name, sep, value = str(text).partition("=")
        if not sep or not name.strip():
            raise UsageProblem(
                f"input limits: {text!r} is not NAME=VALUE (e.g. max_string_chars=20000)"
            )
        named[name.strip()] = value
    return named or None
