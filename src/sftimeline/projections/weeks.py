"""Week arithmetic: weeks run Monday to Sunday (docs/semantics.md §2).

The one home of whole weeks and of durations counted in weeks (7 days each), used by the
continuous-state and in-work primitives (P18, leaves/employment*.py) and the spells
projection.
"""

from __future__ import annotations

from datetime import date, timedelta

#: seven days, Monday to Sunday
ONE_WEEK = timedelta(weeks=1)


def last_sunday_on_or_before(day: date) -> date:
    """The Sunday ending the latest whole week on or before ``day`` (``day`` itself when it
    is a Sunday)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def whole_weeks_ending(on: date, n: int) -> list[tuple[date, date]]:
    """The ``n`` whole weeks (Monday, Sunday) ending on the last Sunday on or before
    ``on``, oldest first."""
    sunday = last_sunday_on_or_before(on)
    weeks = []
    for i in range(n - 1, -1, -1):
        end = sunday - timedelta(weeks=i)
        weeks.append((end - timedelta(days=6), end))
    return weeks


def days_of_week(monday: date) -> list[date]:
    """The seven days Monday to Sunday of the week starting on ``monday``."""
    return [monday + timedelta(days=i) for i in range(7)]


def add_weeks(day: date, weeks: int) -> date:
    """``day`` plus ``weeks`` weeks of 7 days."""
    return day + timedelta(weeks=weeks)


def days_in_weeks(weeks: int) -> int:
    """The number of days in ``weeks`` weeks (7 each)."""
    return 7 * weeks
