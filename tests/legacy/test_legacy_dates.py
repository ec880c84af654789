"""Date formats: exact shapes, two-digit years (AMB-L03), month-only formats, Excel serials."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from sftimeline.legacy.dates import (
    FormatError,
    compile_format,
    date_reader,
    from_excel_serial,
)


def read(formats: list[str], cell: object, in_month: str | None = None) -> date:
    return date_reader(formats, window_end=2049, in_month=in_month)(cell)[0]


def test_day_month_year_formats_read_exactly() -> None:
    assert read(["dd/mm/yyyy"], "03/09/2012") == date(2012, 9, 3)
    assert read(["d/m/yyyy"], "3/9/2012") == date(2012, 9, 3)
    assert read(["iso"], "2012-09-03") == date(2012, 9, 3)
    assert read(["dd-mon-yyyy"], "03-Sep-2012") == date(2012, 9, 3)


def test_a_value_of_another_shape_is_not_guessed() -> None:
    with pytest.raises(ValueError, match="not a date in any of the formats dd/mm/yyyy"):
        read(["dd/mm/yyyy"], "3/9/2012")
    with pytest.raises(ValueError, match="not a date"):
        read(["d/m/yy"], "03/09/2012")


def test_a_shape_that_fits_but_is_no_calendar_date_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a calendar date"):
        read(["dd/mm/yyyy"], "31/02/2024")


def test_two_digit_years_fall_in_the_hundred_years_ending_2049() -> None:
    assert read(["d/m/yy"], "1/1/49") == date(2049, 1, 1)
    assert read(["d/m/yy"], "1/1/50") == date(1950, 1, 1)
    assert date_reader(["d/m/yy"], window_end=2030, in_month=None)("1/1/31")[0] == date(1931, 1, 1)


def test_month_only_formats_take_the_first_or_last_day() -> None:
    assert read(["yyyy-mm"], "2024-02", "first") == date(2024, 2, 1)
    assert read(["yyyy-mm"], "2024-02", "last") == date(2024, 2, 29)
    assert read(["yyyy-mm"], "2023-12", "last") == date(2023, 12, 31)


def test_excel_serial_numbers_and_cells() -> None:
    assert from_excel_serial(45292) == date(2024, 1, 1)
    assert read([], 45292.75) == date(2024, 1, 1)
    assert read(["excel_serial"], "45292") == date(2024, 1, 1)
    assert read([], datetime(2024, 1, 1, 0, 0)) == date(2024, 1, 1)
    with pytest.raises(ValueError, match="not an Excel date serial"):
        read([], 10**7)
    with pytest.raises(ValueError, match="not a date"):
        read(["dd/mm/yyyy"], "45292")  # digits are a serial only where the mapping says so


def test_time_of_day_is_kept_for_date_times() -> None:
    assert date_reader(["dd/mm/yyyy HH:MM"], window_end=2049, in_month=None)(
        "15/01/2024 09:12"
    ) == (date(2024, 1, 15), time(9, 12))


def test_unknown_format_tokens_are_named() -> None:
    with pytest.raises(FormatError, match="at 'q"):
        compile_format("dd/qq/yyyy")
    with pytest.raises(FormatError, match="needs a year and a month"):
        compile_format("dd")
