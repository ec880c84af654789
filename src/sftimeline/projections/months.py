"""Month arithmetic, the one home of calendar months in windows (docs/semantics.md §2).

Every window counted in months is built here, forward from a record's or an anchor's date:

- :func:`add_months` — ``day`` plus N calendar months, clamped to the end of the month
  exactly as ``pendulum.Date.add(months=n)`` does it (31 January + 1 month = 28/29
  February; pendulum's arithmetic is the reference, tests/projections/test_months.py
  compares the two). Cached: the engine adds the same few months to the same dates many
  thousands of times over a county.
- :func:`within_months_before` — ``e`` lies in the N months before (and including) ``D``:
  ``e <= D < add_months(e, N)``.
- :func:`within_months_after` — ``e`` lies in the N months following ``c``:
  ``c < e < add_months(c, N)``.
- :func:`within_previous_months` — ``e`` lies in "the previous N months" before an N-month
  window ending on ``D``: ``add_months(e, N) <= D < add_months(e, 2N)``.
- :func:`whole_months_between` — whole months from one day to another (an age in months),
  the largest N with ``add_months(start, N) <= day``.
- :func:`months_back_from` — the first day shown for an N-month window ending on ``D``
  (display only: membership is always decided forward from the record's date).

The school calendar (terms, term dates) and ages are reference facts about a day, not
windows over records; they stay in :mod:`sftimeline.calendar`.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from sftimeline.projections.days import ONE_DAY


@lru_cache(maxsize=65536)
def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the end of the month.

    Negative ``months`` are allowed for display only; windows are always built
    forward from a record's date or an anchor (docs/semantics.md §2).

    pendulum's ``Date.add(months=n)`` computed in a few integer operations (pendulum
    itself cost ≈ 8% of evaluating a county, every date of which misses the cache once,
    and its import ≈ 0.05 s of every evaluating command's start-up).
    """
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month0 + 1
    last = _DAYS_IN_MONTH[month0]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return date(year, month, min(day.day, last))


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def within_months_before(event: date, on: date, months: int) -> bool:
    """docs/semantics.md §2: ``event`` is within the ``months`` months before ``on``
    when ``event <= on < event + months``."""
    return event <= on < add_months(event, months)


def within_months_after(event: date, anchor: date, months: int) -> bool:
    """docs/semantics.md §2: ``event`` falls in the ``months`` months following ``anchor``
    when ``anchor < event < anchor + months`` (neither end included)."""
    return anchor < event < add_months(anchor, months)


def within_previous_months(event: date, on: date, months: int) -> bool:
    """docs/semantics.md §2: ``event`` is in "the previous ``months`` months" before the
    ``months``-month window ending on ``on``: ``event + N <= on < event + 2N``."""
    return add_months(event, months) <= on < add_months(event, 2 * months)


def months_back_from(on: date, months: int) -> date:
    """The first day of the ``months`` months ending on ``on`` as shown to a reader
    (``on - N months + 1 day``); display only, see :func:`within_months_before`."""
    return add_months(on, -months) + ONE_DAY


def whole_months_between(start: date, day: date) -> int:
    """Whole calendar months from ``start`` to ``day`` — the largest N with
    ``add_months(start, N) <= day`` (so a child born on 31 July is 30 months old on 31
    January, and one born on 29 February is 12 months old on 28 February)."""
    months = (day.year - start.year) * 12 + (day.month - start.month)
    if add_months(start, months) > day:
        months -= 1
    return months
