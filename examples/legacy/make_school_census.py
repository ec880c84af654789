"""Writes school-census.xlsx: the made-up school census extract in examples/legacy/.

Kept so the workbook can be rebuilt and reviewed as code. It is laid out the way
census extracts arrive from a management information system: a title row, a blank
row, a two-row header whose "Sessions" heading is a merged cell, real Excel date
cells, Excel serial numbers where a column was formatted as General, and a second
sheet for exclusions.

    python examples/legacy/make_school_census.py   # rewrites school-census.xlsx
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook


def _serial(day: date) -> int:
    """The Excel serial number of ``day`` (what a General-formatted date cell holds)."""
    return (day - date(1899, 12, 30)).days


ATTENDANCE = [
    # UPN, Family ID, Person ID, Academic Year, Term, Term End, possible, auth, unauth, entered
    (
        "A820212303001",
        "FAM-L01",
        "L01-P2",
        "2023/24",
        "Autumn",
        date(2023, 12, 20),
        142,
        10,
        18,
        date(2024, 1, 12),
    ),
    (
        "A820212303001",
        "FAM-L01",
        "L01-P2",
        "2023/24",
        "Spring",
        date(2024, 3, 28),
        118,
        8,
        9,
        date(2024, 4, 19),
    ),
    (
        "A820212303001",
        "FAM-L01",
        "L01-P2",
        "2023/24",
        "Summer",
        date(2024, 7, 19),
        128,
        4,
        3,
        date(2024, 9, 13),
    ),
    (
        "A820212303001",
        "FAM-L01",
        "L01-P2",
        "2024/25",
        "Autumn",
        date(2024, 12, 20),
        140,
        5,
        2,
        None,
    ),
    (
        "A820212316002",
        "FAM-L01",
        "L01-P3",
        "2023/24",
        "Autumn",
        date(2023, 12, 20),
        142,
        3,
        1,
        date(2024, 1, 12),
    ),
    (
        "A820212316002",
        "FAM-L01",
        "L01-P3",
        "2023/24",
        "Spring",
        date(2024, 3, 28),
        118,
        2,
        0,
        date(2024, 4, 19),
    ),
    (
        "A820212316002",
        "FAM-L01",
        "L01-P3",
        "2023/24",
        "Summer",
        date(2024, 7, 19),
        128,
        3,
        0,
        date(2024, 9, 13),
    ),
    (
        "A820212316002",
        "FAM-L01",
        "L01-P3",
        "2024/25",
        "Autumn",
        date(2024, 12, 20),
        140,
        2,
        1,
        None,
    ),
    (None, None, None, None, None, None, None, None, None, None),
    (
        "A820212309003",
        "FAM-L03",
        "L03-P2",
        "2023/24",
        "Autumn",
        date(2023, 12, 20),
        140,
        6,
        30,
        date(2024, 1, 12),
    ),
    (
        "A820212309003",
        "FAM-L03",
        "L03-P2",
        "2023/24",
        "Spring",
        date(2024, 3, 28),
        118,
        4,
        25,
        date(2024, 4, 19),
    ),
    (
        "A820212309003",
        "FAM-L03",
        "L03-P2",
        "2023/24",
        "Summer",
        date(2024, 7, 19),
        126,
        5,
        31,
        date(2024, 9, 13),
    ),
    (
        "A820212309003",
        "FAM-L03",
        "L03-P2",
        "2024/25",
        "Autumn",
        date(2024, 12, 20),
        138,
        4,
        20,
        None,
    ),
    (
        "A820212318004",
        "FAM-L02",
        "L02-P3",
        "2023/24",
        "Summer",
        date(2024, 7, 19),
        140,
        3,
        1,
        date(2024, 9, 13),
    ),
    # a keying slip: 40 sessions possible, 42 absent — rejected, the rest imported
    (
        "A820212318004",
        "FAM-L02",
        "L02-P3",
        "2024/25",
        "Autumn",
        date(2024, 12, 20),
        40,
        30,
        12,
        None,
    ),
]
EXCLUSIONS = [
    # UPN, Family ID, Person ID, Category, Start Date, Sessions, Reason, Date Recorded
    (
        "A820212309003",
        "FAM-L03",
        "L03-P2",
        "FIXD",
        date(2023, 11, 14),
        6,
        "Persistent disruptive behaviour",
        datetime(2023, 11, 15, 10, 5),
    ),
    (
        "A820212309003",
        "FAM-L03",
        "L03-P2",
        "FIXD",
        date(2024, 1, 22),
        10,
        "Physical assault against a pupil",
        datetime(2024, 1, 22, 15, 40),
    ),
    (
        "A820212309003",
        "FAM-L03",
        "L03-P2",
        "LNCH",
        date(2024, 3, 5),
        1,
        "Persistent disruptive behaviour",
        datetime(2024, 3, 5, 13, 0),
    ),
    (
        "A820212309003",
        "FAM-L03",
        "L03-P2",
        "FIXD",
        _serial(date(2024, 10, 3)),
        4,
        "Verbal abuse against an adult",
        _serial(date(2024, 10, 4)),
    ),
]


def build(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Attendance"
    sheet.append(["Westshire County Council - school census attendance extract (made up)"])
    sheet.append([])
    sheet.append(
        [
            "UPN",
            "Family ID",
            "Person ID",
            "Academic Year",
            "Term",
            "Term End",
            "Sessions",
            None,
            None,
            "Entry Date",
        ]
    )
    sheet.append(
        [None, None, None, None, None, None, "Possible", "Authorised", "Unauthorised", None]
    )
    sheet.merge_cells("G3:I3")
    for row in ATTENDANCE:
        *cells, entered = row
        sheet.append([*cells, _serial(entered) if entered else None])
    for cell in sheet["F"][4:]:
        cell.number_format = "dd/mm/yyyy"
    exclusions = book.create_sheet("Exclusions")
    exclusions.append(
        [
            "UPN",
            "Family ID",
            "Person ID",
            "Category",
            "Start Date",
            "Sessions",
            "Reason",
            "Date Recorded",
        ]
    )
    for row in EXCLUSIONS:
        exclusions.append(list(row))
    book.save(path)


if __name__ == "__main__":
    build(Path(__file__).with_name("school-census.xlsx"))
