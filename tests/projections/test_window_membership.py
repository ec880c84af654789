"""Which records fall in a window, and when a window count can change — the helpers the
framework leaves and the catalogue primitives share (projections/windows.py,
change_points.py, days.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sftimeline.projections.change_points import month_window_points
from sftimeline.projections.days import day_after, day_before, days_inclusive
from sftimeline.projections.windows import in_months_after, in_months_before, no_x_since
from sftimeline.records import Record


def rec(day: date) -> Record:
    return Record(
        key=f"k-{day}",
        type="incident_recorded",
        family="f",
        occurred_on=day,
        recorded_at=datetime(2030, 1, 1, tzinfo=UTC),
        person="p1",
        data={"kind": "asb"},
    )


def test_the_month_prior_to_a_closure_counts_from_the_record_forward() -> None:
    # herefordshire-2022 6.2: C = 2024-03-31; 2024-02-29 + 1 month = 2024-03-29 <= C (out),
    # 2024-03-01 + 1 month = 2024-04-01 > C (in); a record after C is never in
    c = date(2024, 3, 31)
    recs = [rec(date(2024, 2, 29)), rec(date(2024, 3, 1)), rec(c), rec(date(2024, 4, 1))]
    assert [r.occurred_on for r in in_months_before(recs, c, 1)] == [date(2024, 3, 1), c]


def test_the_months_after_an_anchor_exclude_both_ends() -> None:
    c = date(2023, 8, 31)  # + 6 months = 2024-02-29
    recs = [rec(c), rec(date(2023, 9, 1)), rec(date(2024, 2, 28)), rec(date(2024, 2, 29))]
    assert [r.occurred_on for r in in_months_after(recs, c, 6)] == [
        date(2023, 9, 1),
        date(2024, 2, 28),
    ]


def test_no_x_for_months_counts_from_the_later_of_the_last_x_and_the_period_start() -> None:
    start = date(2024, 1, 31)
    assert no_x_since(None, start, 1) == (start, date(2024, 2, 29))
    assert no_x_since(date(2023, 12, 1), start, 1) == (start, date(2024, 2, 29))
    assert no_x_since(date(2024, 3, 31), start, 6) == (date(2024, 3, 31), date(2024, 9, 30))


def test_a_month_window_count_changes_only_when_a_record_enters_or_ages_out() -> None:
    e = date(2023, 8, 31)
    assert month_window_points([e], 6) == {e, date(2024, 2, 29)}
    assert month_window_points([e], 6, spans=2) == {e, date(2024, 2, 29), date(2024, 8, 31)}


def test_days_around_a_last_day_and_inclusive_counts() -> None:
    assert day_after(date(2024, 2, 28)) == date(2024, 2, 29)
    assert day_before(date(2024, 3, 1)) == date(2024, 2, 29)
    assert days_inclusive(date(2024, 2, 26), date(2024, 3, 3)) == 7
    assert days_inclusive(date(2024, 3, 3), date(2024, 3, 3)) == 1
