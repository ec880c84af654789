"""Whole weeks at their one home, projections/weeks.py: weeks run Monday to Sunday
(docs/semantics.md §2)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from sftimeline.projections.weeks import (
    add_weeks,
    days_of_week,
    last_sunday_on_or_before,
    whole_weeks_ending,
)


def test_a_sunday_ends_its_own_week() -> None:
    assert last_sunday_on_or_before(date(2024, 3, 3)) == date(2024, 3, 3)


def test_monday_and_saturday_belong_to_a_week_not_yet_whole() -> None:
    assert last_sunday_on_or_before(date(2024, 3, 4)) == date(2024, 3, 3)  # Monday
    assert last_sunday_on_or_before(date(2024, 3, 9)) == date(2024, 3, 3)  # Saturday


def test_whole_weeks_run_monday_to_sunday_oldest_first_across_a_year_end() -> None:
    assert whole_weeks_ending(date(2025, 1, 2), 3) == [
        (date(2024, 12, 9), date(2024, 12, 15)),
        (date(2024, 12, 16), date(2024, 12, 22)),
        (date(2024, 12, 23), date(2024, 12, 29)),
    ]


@settings(max_examples=200, deadline=None)
@given(
    on=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    n=st.integers(min_value=1, max_value=60),
)
def test_whole_weeks_are_consecutive_and_end_no_later_than_d(on: date, n: int) -> None:
    weeks = whole_weeks_ending(on, n)
    assert len(weeks) == n
    for monday, sunday in weeks:
        assert monday.weekday() == 0 and sunday.weekday() == 6
        assert sunday - monday == timedelta(days=6)
    for (_, sunday), (monday, _) in pairwise(weeks):
        assert monday == sunday + timedelta(days=1)
    assert on - timedelta(days=6) <= weeks[-1][1] <= on


def test_days_of_week_and_add_weeks_count_seven_days() -> None:
    monday = date(2024, 2, 26)
    assert days_of_week(monday) == [monday + timedelta(days=i) for i in range(7)]
    assert days_of_week(monday)[-1] == date(2024, 3, 3)
    assert add_weeks(date(2024, 2, 26), 2) == date(2024, 3, 11)
