"""Reading files: encodings (UTF-8, BOM, Windows-1252), an undecodable byte, XLSX cells."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from legacy_helpers import HEAD, convert, records, rejections
from openpyxl import Workbook

from sftimeline.legacy import Overrides
from sftimeline.legacy.readers import column_names

DEBTS = (
    HEAD
    + """
records:
  - type: debt_recorded
    occurred_on: {column: On, as: date, formats: dd/mm/yyyy}
    debt: {column: Ref}
    kind: rent_arrears
    balance: {column: Arrears, as: pence}
"""
)
CSV = "Family,Ref,On,Arrears,Note\nF1,R1,01/02/2024,£12.50,café – late\n"


def test_windows_1252_pounds_are_read_under_auto_detection(tmp_path: Path) -> None:
    rows = convert(tmp_path, DEBTS, CSV.encode("cp1252"))
    assert records(rows)[0]["balance"] == 1250


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    rows = convert(tmp_path, DEBTS, b"\xef\xbb\xbf" + CSV.encode("utf-8"))
    assert records(rows)[0]["family"] == "F1"


def test_an_undecodable_line_is_rejected_with_its_offset_and_its_neighbours_kept(
    tmp_path: Path,
) -> None:
    data = (
        b"Family,Ref,On,Arrears,Note\n"
        b"F1,R1,01/02/2024,12.50,ok\n"
        b"F1,R2,01/02/2024,12.50,bad \xff byte\n"
        b"F1,R3,01/02/2024,12.50,ok\n"
    )
    rows = convert(tmp_path, DEBTS, data, overrides=Overrides(encoding="utf-8"))
    assert [r["debt"] for r in records(rows)] == ["R1", "R3"]
    [message] = rejections(rows)
    assert message.endswith(
        "in.csv:3: line: cannot be decoded: byte 0xff at offset 80 is not valid UTF-8"
    )
    assert [row.line for row in rows] == [2, 3, 4]


def test_a_quoted_cell_over_several_lines_keeps_the_first_lines_number(tmp_path: Path) -> None:
    data = 'Family,Ref,On,Arrears,Note\nF1,R1,01/02/2024,1,"two\nlines"\nF1,R2,01/02/2024,1,x\n'
    rows = convert(tmp_path, DEBTS, data)
    assert [row.line for row in rows] == [2, 4]


def test_tsv_and_a_delimiter_override(tmp_path: Path) -> None:
    tsv = CSV.replace(",", "\t").replace("£12.50", "12.50")
    assert records(convert(tmp_path, DEBTS, tsv, name="in.tsv"))[0]["balance"] == 1250
    semi = CSV.replace(",", ";")
    rows = convert(tmp_path, DEBTS, semi, overrides=Overrides(delimiter=";"))
    assert records(rows)[0]["balance"] == 1250


def test_header_names_of_a_merged_two_row_header() -> None:
    assert column_names(
        [["UPN", "Sessions", None, None, "Entered"], [None, "Possible", "Auth", "Unauth", None]]
    ) == ("UPN", "Sessions Possible", "Sessions Auth", "Sessions Unauth", "Entered")
    assert column_names([["A", None, "A", " A "]]) == ("A", "column 2", "A (2)", "A (3)")


ATTENDANCE = """
knowledge_time: {column: Entered}
reading: {sheet: Terms}
defaults:
  family: {column: Family}
records:
  - type: term_attendance_posted
    person: {column: UPN}
    occurred_on: {column: End, as: date, formats: dd/mm/yyyy}
    term: {column: Term, as: term}
    possible_sessions: {column: Possible, as: integer}
    attended_sessions: {column: Attended, as: integer}
"""


def _workbook(path: Path, rows: list[list[object]]) -> None:
    book = Workbook()
    book.active.title = "Cover"  # type: ignore[union-attr]
    sheet = book.create_sheet("Terms")
    sheet.append(["Family", "UPN", "Term", "End", "Possible", "Attended", "Entered"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_xlsx_date_cells_serial_numbers_and_text_dates_all_become_dates(tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    _workbook(
        path,
        [
            ["F1", "U1", "Autumn 2023", date(2023, 12, 20), 140, 130.0, datetime(2024, 1, 5, 9)],
            ["F1", "U1", "Spring 2024", 45379, 118, 110, 45390],
            ["F1", "U1", "2024-summer", "19/07/2024", 128, 120, "2024-07-30"],
        ],
    )
    mapping = ATTENDANCE.replace("{column: Entered}", "{column: Entered, timezone: UTC}")
    rows = convert(tmp_path, mapping, path.read_bytes(), name="in.xlsx")
    got = [(r["occurred_on"], r["recorded_at"], r["attended_sessions"]) for r in records(rows)]
    assert got == [
        ("2023-12-20", "2024-01-05T09:00:00+00:00", 130),
        ("2024-03-28", "2024-04-08", 110),
        ("2024-07-19", "2024-07-30", 120),
    ]


def test_a_knowledge_time_of_day_without_a_timezone_is_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    entered = datetime(2024, 1, 5, 9)
    _workbook(path, [["F1", "U1", "Autumn 2023", date(2023, 12, 20), 140, 130, entered]])
    [message] = rejections(convert(tmp_path, ATTENDANCE, path.read_bytes(), name="in.xlsx"))
    assert "2024-01-05 09:00:00 has a time of day: state the timezone" in message


def test_a_missing_sheet_names_the_sheets_there_are(tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    _workbook(path, [])
    rows = convert(
        tmp_path, ATTENDANCE, path.read_bytes(), name="in.xlsx", overrides=Overrides(sheet="Nope")
    )
    assert rejections(rows)[0].endswith(
        "in.xlsx:0: file: no sheet 'Nope' (sheets: 'Cover', 'Terms')"
    )


def test_a_file_that_is_not_a_workbook_is_one_rejection(tmp_path: Path) -> None:
    rows = convert(tmp_path, ATTENDANCE, b"not a zip", name="in.xlsx")
    assert "not a readable .xlsx workbook" in rejections(rows)[0]


@pytest.mark.parametrize("name", ["in.json", "in.pdf"])
def test_other_file_kinds_are_named(tmp_path: Path, name: str) -> None:
    rows = convert(tmp_path, ATTENDANCE, b"{}", name=name)
    assert "not a .csv, .tsv or .xlsx file" in rejections(rows)[0]
