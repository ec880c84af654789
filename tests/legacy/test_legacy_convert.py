"""Rows to records: value maps, several records per row, skips, knowledge time, dirty cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from legacy_helpers import HEAD, convert, records, rejections

from sftimeline.legacy import Overrides

#: a case_closed record per row, from Family and Closed (the knowledge time is the test's)
CLOSED = """\
records:
  - type: case_closed
    family: {column: Family}
    occurred_on: {column: Closed, as: date, formats: iso}
"""
PLANS = (
    HEAD
    + """
records:
  - type: plan_opened
    plan: {column: Plan}
    occurred_on: {column: Start, as: date, formats: dd/mm/yyyy}
    level: {column: Level, map: {CIN: cin, CPP: cp}}
    source_id: {template: "{Plan}-opened"}
  - type: plan_closed
    when: {column: End, present: true}
    plan: {column: Plan}
    occurred_on: {column: End, as: date, formats: dd/mm/yyyy}
    source_id: {template: "{Plan}-closed"}
"""
)


def test_a_plan_row_opens_and_closes_only_when_the_end_is_present(tmp_path: Path) -> None:
    rows = convert(
        tmp_path,
        PLANS,
        "Family,Plan,Start,End,Level\nF1,P1,01/02/2024,01/06/2024,CIN\nF1,P2,01/03/2024,,CPP\n",
    )
    assert [[r["type"] for r in row.records] for row in rows] == [
        ["plan_opened", "plan_closed"],
        ["plan_opened"],
    ]
    assert records(rows)[1]["occurred_on"] == "2024-06-01"
    assert [row.line for row in rows] == [2, 3]


def test_an_unknown_value_is_rejected_naming_file_row_and_column(tmp_path: Path) -> None:
    rows = convert(tmp_path, PLANS, "Family,Plan,Start,End,Level\nF1,P1,01/02/2024,,LAC\n")
    [message] = rejections(rows)
    assert message.endswith(
        "in.csv:2: Level: level: 'LAC' is not in the value map (known: 'CIN', 'CPP')"
    )
    assert not records(rows)


def test_a_row_is_converted_whole_or_not_at_all(tmp_path: Path) -> None:
    rows = convert(
        tmp_path, PLANS, "Family,Plan,Start,End,Level\nF1,P1,01/02/2024,31/02/2024,CIN\n"
    )
    assert rows[0].records == () and "End" in rows[0].rejection.fields  # type: ignore[union-attr]


def test_skipped_rows_are_counted_under_their_reason(tmp_path: Path) -> None:
    mapping = (
        PLANS
        + """
skip:
  - reason: draft plan
    column: Status
    in: [Draft]
"""
    )
    rows = convert(
        tmp_path,
        mapping,
        "Family,Plan,Start,End,Level,Status\nF1,P1,01/02/2024,,CIN,Draft\n"
        "F1,P2,01/02/2024,,CIN,Open\n",
    )
    assert [row.filtered for row in rows] == ["draft plan", None]


def test_a_row_no_record_applies_to_is_filtered_not_dropped(tmp_path: Path) -> None:
    mapping = (
        HEAD
        + """
records:
  - type: case_closed
    when: {column: Closed, present: true}
    occurred_on: {column: Closed, as: date, formats: iso}
"""
    )
    rows = convert(tmp_path, mapping, "Family,Closed\nF1,\n")
    assert rows[0].filtered == "no record's 'when' holds for the row"


def test_blank_rows_are_passed_over_trailing_spaces_trimmed_null_cells_missing(
    tmp_path: Path,
) -> None:
    mapping = (
        HEAD
        + """
records:
  - type: person_joined
    person: {column: Person}
    occurred_on: {column: Joined, as: date, formats: iso}
    role: {column: Role, map: {Adult: adult, Child: child}}
    born_on: {column: Born, as: date, formats: iso, optional: true}
"""
    )
    rows = convert(
        tmp_path,
        mapping,
        "Family,Person,Joined,Role,Born\n ,,,,\nF1 , P1 ,2024-01-01,Adult ,NULL\n"
        "F1,P2,2024-01-01,Child,n/a\n\n",
    )
    assert [row.line for row in rows] == [3, 4]
    first, second = records(rows)
    assert first["family"] == "F1" and first["person"] == "P1" and "born_on" not in first
    assert "born_on" not in second


def test_a_missing_required_cell_names_its_column(tmp_path: Path) -> None:
    mapping = (
        HEAD
        + """
records:
  - type: case_closed
    occurred_on: {column: Closed, as: date, formats: iso}
"""
    )
    [message] = rejections(convert(tmp_path, mapping, "Family,Closed\nF1,N/A\n"))
    assert message.endswith(":2: Closed: occurred_on: Closed is empty")


def test_duplicate_header_names_are_numbered(tmp_path: Path) -> None:
    mapping = (
        HEAD
        + """
records:
  - type: plan_opened
    plan: {column: Date (2)}
    occurred_on: {column: Date, as: date, formats: iso}
    level: early_help
"""
    )
    rows = convert(tmp_path, mapping, "Family,Date,Date\nF1,2024-01-01,P9\n")
    assert records(rows)[0]["plan"] == "P9"


def test_extra_cells_beyond_the_header_reject_the_row(tmp_path: Path) -> None:
    mapping = (
        HEAD
        + """
records:
  - type: case_closed
    occurred_on: {column: Closed, as: date, formats: iso}
"""
    )
    [message] = rejections(convert(tmp_path, mapping, "Family,Closed\nF1,2024-01-01,oops\n"))
    assert "the row has 3 cells, the header has 2" in message


def test_a_column_the_file_lacks_rejects_the_file_at_line_0(tmp_path: Path) -> None:
    rows = convert(tmp_path, PLANS, "Family,Plan,Start\nF1,P1,01/02/2024\n")
    [message] = rejections(rows)
    assert message.endswith(
        "in.csv:0: file: the mapping names columns the file does not have: 'Level', 'End' "
        "(the file's columns: 'Family', 'Plan', 'Start')"
    )


def test_knowledge_time_from_a_column_with_a_timezone(tmp_path: Path) -> None:
    mapping = (
        "knowledge_time: {column: Entered, formats: dd/mm/yyyy HH:MM, timezone: Europe/London}\n"
        + CLOSED
    )
    rows = convert(tmp_path, mapping, "Family,Closed,Entered\nF1,2024-07-01,02/07/2024 09:30\n")
    record = records(rows)[0]
    assert record["recorded_at"] == "2024-07-02T09:30:00+01:00"
    assert "recorded_at_basis" not in record


def test_an_empty_knowledge_column_without_a_default_rejects_the_row(tmp_path: Path) -> None:
    mapping = "knowledge_time: {column: Entered, formats: iso}\n" + CLOSED
    [message] = rejections(convert(tmp_path, mapping, "Family,Closed,Entered\nF1,2024-07-01,\n"))
    assert "recorded_at: Entered is empty" in message


def test_defaults_say_where_the_knowledge_time_came_from(tmp_path: Path) -> None:
    body = "\n" + CLOSED
    data = "Family,Closed\nF1,2024-07-01\n"
    extract = records(
        convert(
            tmp_path,
            "knowledge_time: {default: extract_date}" + body,
            data,
            overrides=Overrides(extract_date=date(2024, 8, 1)),
        )
    )
    assert extract[0]["recorded_at"] == "2024-08-01"
    assert extract[0]["recorded_at_basis"] == "extract_date"
    constant = records(convert(tmp_path, "knowledge_time: {default: 2024-09-01}" + body, data))
    assert constant[0]["recorded_at_basis"] == "mapping_constant"
    imported = records(convert(tmp_path, "knowledge_time: {default: import}" + body, data))
    assert "recorded_at" not in imported[0]
    assert imported[0]["recorded_at_basis"] == "import_moment"


def test_an_extract_date_default_without_a_date_rejects_the_file(tmp_path: Path) -> None:
    mapping = "knowledge_time: {default: extract_date}\n" + CLOSED
    [message] = rejections(convert(tmp_path, mapping, "Family,Closed\nF1,2024-07-01\n"))
    assert "--extract-date" in message


def test_the_command_line_extract_date_wins_over_the_mappings(tmp_path: Path) -> None:
    mapping = "knowledge_time: {default: extract_date, extract_date: 2024-08-01}\n" + CLOSED
    data = "Family,Closed\nF1,2024-07-01\n"
    assert records(convert(tmp_path, mapping, data))[0]["recorded_at"] == "2024-08-01"
    later = convert(tmp_path, mapping, data, overrides=Overrides(extract_date=date(2024, 9, 2)))
    assert records(later)[0]["recorded_at"] == "2024-09-02"


def test_a_record_can_state_its_own_knowledge_time(tmp_path: Path) -> None:
    mapping = """
knowledge_time: {column: Entered, formats: iso}
defaults:
  family: {column: Family}
  notice: section_21
records:
  - type: notice_served
    occurred_on: {column: Served, as: date, formats: iso}
  - type: notice_withdrawn
    when: {column: Withdrawn, present: true}
    knowledge_time: {column: Updated, formats: iso}
    occurred_on: {column: Withdrawn, as: date, formats: iso}
"""
    rows = convert(
        tmp_path,
        mapping,
        "Family,Served,Withdrawn,Entered,Updated\nF1,2024-01-02,2024-03-04,2024-01-03,2024-03-05\n",
    )
    served, withdrawn = records(rows)
    assert served["recorded_at"] == "2024-01-03" and withdrawn["recorded_at"] == "2024-03-05"


def test_templates_arithmetic_terms_money_and_lists(tmp_path: Path) -> None:
    mapping = (
        HEAD
        + """
records:
  - type: term_attendance_posted
    person: {column: UPN}
    occurred_on: {column: End, as: date, formats: iso}
    term: {template: "{Term} {Year}", as: term}
    possible_sessions: {column: Possible, as: integer}
    attended_sessions: {difference: [Possible, Auth, Unauth]}
    source_id: {template: "{UPN}-{Year}-{Term}"}
  - type: debt_recorded
    occurred_on: {column: End, as: date, formats: iso}
    debt: d1
    kind: rent_arrears
    balance: {column: Arrears, as: pence}
  - type: need_identified
    occurred_on: {column: End, as: date, formats: iso}
    criterion: "national-2022:7.1"
    measure: {column: Kinds, split: ";", map: {Crime: offence, ASB: asb}}
"""
    )
    rows = convert(
        tmp_path,
        mapping,
        "Family,UPN,Year,Term,End,Possible,Auth,Unauth,Arrears,Kinds\n"
        'F1,U1,2023/24,Spring,2024-03-28,118,8,9,"£1,250.50",Crime; ASB\n',
    )
    attendance, debt, need = records(rows)
    assert attendance["term"] == "2024-spring" and attendance["attended_sessions"] == 101
    assert attendance["source_id"] == "U1-2023/24-Spring"
    assert debt["balance"] == 125050
    assert need["measure"] == ["offence", "asb"]


def test_an_id_made_of_a_row_digest_is_stable(tmp_path: Path) -> None:
    mapping = (
        HEAD
        + """
records:
  - type: case_closed
    occurred_on: {column: Closed, as: date, formats: iso}
    source_id: {column: Id, otherwise: {template: "row-{@digest}"}}
"""
    )
    data = "Family,Closed,Id\nF1,2024-07-01,\nF1,2024-07-01,X1\n"
    first, second = records(convert(tmp_path, mapping, data))
    again = records(convert(tmp_path, mapping, data))
    assert first["source_id"].startswith("row-") and first["source_id"] == again[0]["source_id"]
    assert second["source_id"] == "X1"


def test_a_record_the_format_refuses_rejects_its_row(tmp_path: Path) -> None:
    mapping = (
        HEAD
        + """
records:
  - type: term_attendance_posted
    person: {column: UPN}
    occurred_on: {column: End, as: date, formats: iso}
    term: 2024-spring
    possible_sessions: {column: Possible, as: integer}
    attended_sessions: {column: Attended, as: integer}
"""
    )
    [message] = rejections(
        convert(tmp_path, mapping, "Family,UPN,End,Possible,Attended\nF1,U1,2024-03-28,10,12\n")
    )
    assert "attended_sessions" in message and ":2:" in message


def test_infinite_or_not_a_number_amounts_reject_the_row_naming_the_value(tmp_path: Path) -> None:
    """'INF' and 'NaN' parse as Decimals; they are no amount of money (was an OverflowError)."""
    mapping = (
        HEAD
        + """
records:
  - type: debt_recorded
    occurred_on: {column: End, as: date, formats: iso}
    debt: d1
    kind: rent_arrears
    balance: {column: Arrears, as: pence}
"""
    )
    rows = convert(tmp_path, mapping, "Family,End,Arrears\nF1,2024-03-28,INF\nF1,2024-03-28,NaN\n")
    problems = rejections(rows)
    assert len(problems) == 2
    assert all("is not an amount of money" in str(p) for p in problems)
