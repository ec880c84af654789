"""Days: the unit every window is made of (docs/semantics.md §2: UK calendar days, no time
of day). A spell's or a course's end date is its last day, so "the day after" and
"inclusive" counts are the two conversions the rules need."""

from __future__ import annotations

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def day_after(day: date) -> date:
    """The day after ``day`` (a state recorded as ending on ``day`` no longer holds then)."""
    return day + ONE_DAY


def day_before(day: date) -> date:
    """The day before ``day``."""
    return day - ONE_DAY


def days_inclusive(first: date, last: date) -> int:
    """The number of days from ``first`` to ``last``, both included."""
    return (last - first).days + 1
