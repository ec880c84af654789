"""``mapping draft FILE``: a starting mapping from a file's header and first rows.

The draft says what it sees and proposes nothing it cannot see: each column's type,
the date formats every sampled value fits, the distinct values of a short list (ready
to become a value map, targets left for the analyst), and where knowledge time might
come from. It is meant to be edited: ``records`` holds a placeholder type that
``mapping check`` rejects until someone decides what a row means.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sftimeline.legacy.convert import RawRow
from sftimeline.legacy.dates import compile_format, match
from sftimeline.legacy.fields import number_of, text_of, whole_number
from sftimeline.legacy.model import DEFAULT_MISSING_VALUES, Reading
from sftimeline.legacy.readers import open_table

#: Formats a draft tries, most specific first.
CANDIDATE_FORMATS = (
    "yyyy-mm-dd",
    "dd/mm/yyyy",
    "d/m/yyyy",
    "dd/mm/yy",
    "d/m/yy",
    "dd-mm-yyyy",
    "dd.mm.yyyy",
    "dd-mon-yyyy",
    "d mon yyyy",
    "dd mon yyyy",
    "dd/mm/yyyy HH:MM",
    "dd/mm/yyyy HH:MM:SS",
    "yyyy-mm-dd HH:MM:SS",
    "yyyy-mm",
    "mon-yy",
)
#: A column with at most this many distinct values is offered as a value map.
MAX_DISTINCT = 25
_KNOWLEDGE_WORDS = ("recorded", "entered", "entry", "extract", "created", "input")


@dataclass
class ColumnProfile:
    name: str
    values: list[object] = field(default_factory=list)
    missing: int = 0

    def kind(self) -> str:
        present = self.values
        if not present:
            return "empty"
        if all(isinstance(v, datetime | date) for v in present):
            return "date (Excel date cells)"
        for kind, check in (("integer", whole_number), ("number", number_of)):
            try:
                [check(v) for v in present]
            except ValueError:
                continue
            return kind
        if self.date_formats():
            return "date"
        return "text"

    def date_formats(self) -> list[str]:
        texts = [text_of(v) for v in self.values if not isinstance(v, datetime | date)]
        if not texts:
            return []
        fits = []
        for fmt in CANDIDATE_FORMATS:
            compiled = compile_format(fmt)
            try:
                if all(match(compiled, t, window_end=2049, in_month="first") for t in texts):
                    fits.append(fmt)
            except ValueError:
                continue
        return fits

    def distinct(self) -> list[str]:
        return sorted({text_of(v) for v in self.values})

    def looks_coded(self) -> bool:
        """A short list of repeating values: a value map's candidate (not ids, not free text)."""
        distinct = len(self.distinct())
        short = distinct <= MAX_DISTINCT and 2 * distinct <= len(self.values)
        return short and self.kind() == "text"


def profile(header: Sequence[str], rows: Sequence[RawRow]) -> list[ColumnProfile]:
    missing = {m.casefold() for m in DEFAULT_MISSING_VALUES}
    profiles = [ColumnProfile(name) for name in header]
    for row in rows:
        for i, p in enumerate(profiles):
            cell = row.cells[i] if i < len(row.cells) else None
            if isinstance(cell, str):
                cell = cell.strip()
            if cell is None or (isinstance(cell, str) and cell.casefold() in missing):
                p.missing += 1
            else:
                p.values.append(cell)
    return profiles


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _column_comment(p: ColumnProfile) -> list[str]:
    kind = p.kind()
    lines = [f"#   {_q(p.name)}: {kind}, {len(p.values)} values, {p.missing} missing"]
    if kind == "date":
        lines.append(f"#     fits: {', '.join(p.date_formats())}")
    if p.looks_coded():
        lines.append(f"#     values: {', '.join(_q(v) for v in p.distinct())}")
    elif kind in ("text", "integer", "number") and p.values:
        lines.append(f"#     e.g. {', '.join(_q(text_of(v)) for v in p.values[:3])}")
    return lines


def _knowledge_lines(profiles: list[ColumnProfile]) -> list[str]:
    for p in profiles:
        if any(w in p.name.lower() for w in _KNOWLEDGE_WORDS) and p.kind().startswith("date"):
            out = ["knowledge_time:", f"  column: {_q(p.name)}"]
            if p.date_formats():
                out.append(f"  formats: [{', '.join(_q(f) for f in p.date_formats())}]")
            return [*out, "  # default: extract_date   # for rows where it is empty"]
    return [
        "knowledge_time:",
        "  # No entry / date-recorded column found. State what the council knew each row from:",
        "  default: extract_date      # or: import, or a date such as 2024-05-15",
        "  # extract_date: 2024-05-15 # or give --extract-date on the command line",
    ]


def _value_maps(profiles: list[ColumnProfile]) -> list[str]:
    out = []
    for p in profiles:
        if p.looks_coded() and len(p.distinct()) > 1:
            out.append(f"  #   {{column: {_q(p.name)}, map: {{")
            out += [f"  #     {_q(v)}: ,   # fill in" for v in p.distinct()]
            out.append("  #   }}")
    return out


def draft_mapping(path: str, reading: Reading, sample_rows: int = 200) -> str:
    """The draft mapping's YAML text for ``path``."""
    with open_table(path, reading) as table:
        rows: list[RawRow] = []
        for row in table.rows:
            if isinstance(row, RawRow):
                rows.append(row)
            if len(rows) >= sample_rows:
                break
        header = table.header
    profiles = profile(header, rows)
    lines = [
        f"# Draft mapping for {path}, from its header and first {len(rows)} rows.",
        "# Edit it, then: sftimeline mapping check THIS.yaml  (docs/legacy.md explains each key)",
        "#",
        "# Columns seen:",
    ]
    for p in profiles:
        lines += _column_comment(p)
    lines += ["", f"description: {_q('export ' + path)}"]
    if reading.delimiter or reading.sheet or reading.encoding != "auto":
        lines.append("reading:")
        if reading.encoding != "auto":
            lines.append(f"  encoding: {reading.encoding}")
        if reading.delimiter:
            lines.append(f"  delimiter: {_q(reading.delimiter)}")
        if reading.sheet:
            lines.append(f"  sheet: {_q(reading.sheet)}")
    lines += _knowledge_lines(profiles)
    lines += [
        "defaults:",
        "  source: CHANGE_ME            # the source system's name",
        "records:",
        "  - type: CHANGE_ME            # e.g. incident_recorded (docs/records.md lists them)",
        "    family: {column: CHANGE_ME}",
        "    occurred_on: {column: CHANGE_ME, as: date, formats: dd/mm/yyyy}",
        '    source_id: {template: "{CHANGE_ME}"}',
    ]
    maps = _value_maps(profiles)
    if maps:
        lines += ["  # Value maps ready to fill in (unknown values are rejected, never guessed):"]
        lines += maps
    return "\n".join(lines) + "\n"
