"""Month windows at their one home, projections/months.py (docs/semantics.md §2): end-of-month
clamping, leap days, and which end of each window is included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sftimeline.projections.months import (
    add_months,
    months_back_from,
    whole_months_between,
    within_months_after,
    within_months_before,
    within_previous_months,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 3, 31), 6, date(2024, 9, 30)),
        (date(2024, 8, 31), 3, date(2024, 11, 30)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_a_record_counts_from_its_own_day_until_the_day_before_it_ages_out() -> None:
    e = date(2024, 2, 29)
    assert not within_months_before(e, e - timedelta(days=1), 1)  # not yet happened
    assert within_months_before(e, e, 1)
    assert within_months_before(e, date(2024, 3, 28), 1)
    assert not within_months_before(e, date(2024, 3, 29), 1)  # add_months(e, 1): aged out


def test_month_end_record_ages_out_on_the_clamped_day() -> None:
    # 31 August + 6 months = 29 February 2024: in on the 28th, out on the 29th
    e = date(2023, 8, 31)
    assert within_months_before(e, date(2024, 2, 28), 6)
    assert not within_months_before(e, date(2024, 2, 29), 6)


def test_months_after_an_anchor_exclude_the_anchor_and_the_day_it_completes() -> None:
    c = date(2023, 8, 31)  # + 6 months = 2024-02-29
    assert not within_months_after(c, c, 6)
    assert within_months_after(date(2023, 9, 1), c, 6)
    assert within_months_after(date(2024, 2, 28), c, 6)
    assert not within_months_after(date(2024, 2, 29), c, 6)


def test_previous_months_are_the_n_months_before_the_outcome_window() -> None:
    e = date(2024, 1, 31)  # + 3 = 2024-04-30, + 6 = 2024-07-31
    assert not within_previous_months(e, date(2024, 4, 29), 3)  # still in the outcome window
    assert within_previous_months(e, date(2024, 4, 30), 3)
    assert within_previous_months(e, date(2024, 7, 30), 3)
    assert not within_previous_months(e, date(2024, 7, 31), 3)


def test_the_window_shown_starts_the_day_after_n_months_back() -> None:
    assert months_back_from(date(2024, 3, 31), 1) == date(2024, 3, 1)
    assert months_back_from(date(2025, 2, 28), 12) == date(2024, 2, 29)


@settings(max_examples=200, deadline=None)
@given(
    on=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    months=st.integers(min_value=1, max_value=36),
    back=st.integers(min_value=0, max_value=1200),
)
def test_the_days_within_the_months_before_d_are_one_unbroken_run_ending_on_d(
    on: date, months: int, back: int
) -> None:
    # add_months is monotone, so an earlier day is in the window only if every later one is
    e = on - timedelta(days=back)
    if within_months_before(e, on, months):
        assert all(within_months_before(e + timedelta(days=i), on, months) for i in range(back + 1))
    assert not within_months_before(on + timedelta(days=1), on, months)


@pytest.mark.parametrize(
    ("born", "day", "expected"),
    [
        (date(2021, 7, 31), date(2024, 1, 31), 30),
        (date(2021, 7, 31), date(2024, 1, 30), 29),
        (date(2020, 2, 29), date(2021, 2, 28), 12),  # clamped: 29 Feb + 12 months
        (date(2020, 2, 29), date(2021, 2, 27), 11),
        (date(2024, 1, 31), date(2024, 2, 29), 1),
    ],
)
def test_whole_months_between_counts_an_age_in_calendar_months(
    born: date, day: date, expected: int
) -> None:
    assert whole_months_between(born, day) == expected


@settings(max_examples=3000, deadline=None)
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    st.integers(min_value=-240, max_value=240),
)
def test_add_months_is_pendulums_month_arithmetic(day: date, months: int) -> None:
    """add_months is written out in integers; pendulum's ``Date.add(months=n)`` is the
    reference it must equal (end-of-month clamping, leap years, negative months)."""
    import pendulum

    moved = pendulum.Date(day.year, day.month, day.day).add(months=months)
    assert add_months.__wrapped__(day, months) == date(moved.year, moved.month, moved.day)


@pytest.mark.parametrize("day", [date(2024, 2, 29), date(2000, 2, 29), date(2023, 12, 31)])
def test_add_months_over_every_month_of_four_centuries_equals_pendulum(day: date) -> None:
    import pendulum

    for months in range(-1200, 1201, 1):
        moved = pendulum.Date(day.year, day.month, day.day).add(months=months)
        assert add_months.__wrapped__(day, months) == date(moved.year, moved.month, moved.day)
