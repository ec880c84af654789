"""Exact ``met_since`` / ``expected_on`` for a condition that can only change on known days.

Every window condition in the engine is piecewise constant: a count over "the N months
before D" changes only on the day a record happens or ages out (``add_months(e, N)``), an
open spell only on its start and end days. Given those change points, the day a condition
began to hold (``met_since``) and the first day it will hold (``expected_on``) are found
exactly by testing only those days.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date

from sftimeline.projections.days import ONE_DAY
from sftimeline.projections.months import add_months


def held_since(ok: Callable[[date], bool], on: date, points: Collection[date]) -> date:
    """The earliest day from which ``ok`` held without a break up to ``on``, given
    every day ``p`` on which ``ok(p)`` may differ from ``ok(p - 1)`` (``ok(on)`` true)."""
    for p in sorted({p for p in points if p <= on}, reverse=True):
        if not ok(p - ONE_DAY):
            return p
    return min(points, default=on)


def next_true(ok: Callable[[date], bool], on: date, points: Collection[date]) -> date | None:
    """The first change point after ``on`` on which ``ok`` holds, or None."""
    for p in sorted({p for p in points if p > on}):
        if ok(p):
            return p
    return None


def month_window_points(dates: Iterable[date], months: int, *, spans: int = 1) -> set[date]:
    """The days on which a count over "the ``months`` months before D" can change: each
    record's date and the day it ages out (``add_months(e, N)``); with ``spans=2`` also the
    day it leaves "the previous N months" (``add_months(e, 2N)``)."""
    out: set[date] = set()
    for e in dates:
        out.add(e)
        for k in range(1, spans + 1):
            out.add(add_months(e, k * months))
    return out
