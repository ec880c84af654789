"""Property: no input, however dirty, gives a traceback; every row read is accounted for."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sftimeline.legacy import MappingError, load_mapping_text, mapped_rows, validated

MAPPING = load_mapping_text("""
knowledge_time: {column: Entered, formats: [dd/mm/yyyy HH:MM, iso], timezone: Europe/London,
                 default: import}
skip: [{column: Status, equals: draft, reason: draft}]
defaults: {family: {column: Family}, source: f}
records:
  - type: term_attendance_posted
    person: {column: Person}
    occurred_on: {column: On, as: date, formats: [dd/mm/yyyy, d/m/yy, excel_serial]}
    term: {template: "{Term} {Year}", as: term}
    possible_sessions: {column: Possible, as: integer}
    attended_sessions: {difference: [Possible, Absent]}
    source_id: {template: "{Person}-{@digest}"}
  - type: debt_recorded
    when: {column: Arrears, present: true}
    occurred_on: {column: On, as: date, formats: [dd/mm/yyyy]}
    debt: {column: Person}
    kind: {column: Kind, map: {RA: rent_arrears, CT: council_tax}}
    balance: {column: Arrears, as: pence}
""")
HEADER = "Family,Person,On,Term,Year,Possible,Absent,Arrears,Kind,Status,Entered"
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "NULL",
            "N/A",
            " 12 ",
            "01/02/2024",
            "31/02/2024",
            "45292",
            "RA",
            "£1,000.005",
            "Spring",
            "2023/24",
            "draft",
            "-3",
            "1e9",
            '"',
            "\r",
        ]
    ),
)


def _rows_of(data: bytes, suffix: str = ".csv") -> list[object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(data)
        return [validated(row, ()) for row in mapped_rows(MAPPING, [str(path)])]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(CELLS, min_size=0, max_size=13), max_size=8),
    st.sampled_from(["utf-8", "cp1252"]),
)
def test_any_table_of_cells_converts_without_a_traceback(
    rows: list[list[str]], encoding: str
) -> None:
    lines = [HEADER] + [",".join('"' + c.replace('"', '""') + '"' for c in row) for row in rows]
    data = "\n".join(lines).encode(encoding, errors="replace")
    for out in _rows_of(data):
        outcomes = [bool(out.records), out.rejection is not None, out.filtered is not None]  # type: ignore[attr-defined]
        assert sum(outcomes) == 1


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_convert_without_a_traceback(data: bytes) -> None:
    _rows_of(HEADER.encode() + b"\n" + data)
    _rows_of(data, ".xlsx")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_mapping_text_loads_or_names_its_problems(text: str) -> None:
    try:
        load_mapping_text(text)
    except MappingError as exc:
        assert exc.located()
