"""Rows in, interchange records out: a mapping applied to one file's rows.

Every row read ends as exactly one of: records (one or more), filtered (a ``skip``
rule matched, or no record's ``when`` held — counted under its reason), or rejected
(naming the row and the columns). A row is converted whole or not at all: a plan row
whose closing date is unreadable does not store the opening alone.

Blank rows (every cell missing) are passed over, as blank lines are in JSON Lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sftimeline.importer import Rejection, SourceRow
from sftimeline.legacy.fields import (
    MISSING,
    CellError,
    Cells,
    Getter,
    Header,
    compile_field,
    condition,
    template_columns,
    text_of,
)
from sftimeline.legacy.model import FieldSpec, FieldValue, KnowledgeTime, Mapping
from sftimeline.records import RECORD_MODELS

#: ``recorded_at_basis`` of a record whose knowledge time is a mapping default.
BASIS_EXTRACT_DATE = "extract_date"
BASIS_CONSTANT = "mapping_constant"
BASIS_IMPORT = "import_moment"


class ConversionError(ValueError):
    """A file that cannot be converted at all (its header lacks a mapped column, …)."""


@dataclass(frozen=True)
class RawRow:
    """One row as a reader gives it: its 1-based line (or sheet row), cells and text."""

    line: int
    cells: Cells
    text: str
    #: every cell empty or spaces (the reader knows cheaply)
    blank: bool = False


def _knowledge(kt: KnowledgeTime, header: Header, extract_date: date | None) -> Getter:
    """A function giving (recorded_at or None, basis or None) for a row."""
    default: tuple[Any, str | None]
    if kt.default == "extract_date":
        chosen = extract_date or kt.extract_date
        if chosen is None:
            raise ConversionError(
                "the mapping's knowledge_time.default is extract_date: give the file's "
                "extract date with --extract-date YYYY-MM-DD (or knowledge_time.extract_date)"
            )
        default = (chosen.isoformat(), BASIS_EXTRACT_DATE)
    elif kt.default == "import":
        default = (None, BASIS_IMPORT)
    elif isinstance(kt.default, date | datetime):
        default = (kt.default.isoformat(), BASIS_CONSTANT)
    else:
        default = (MISSING, None)
    if kt.column is None:
        return lambda _cells: default
    spec = FieldSpec.model_validate(
        {
            "column": kt.column,
            "as": "datetime",
            "formats": kt.formats,
            "timezone": kt.timezone,
            "optional": default[0] is not MISSING or default[1] is not None,
        }
    )
    read = compile_field("recorded_at", spec, header)

    def knowledge(cells: Cells) -> Any:
        found = read(cells)
        return default if found is MISSING else (found, None)

    return knowledge


@dataclass
class _Output:
    type: str
    when: list[Callable[[Cells], bool]]
    knowledge: Getter
    fields: list[tuple[str, Getter]]


class RowConverter:
    """A mapping compiled against one file's header."""

    def __init__(
        self, mapping: Mapping, header: Header, file: str, *, extract_date: date | None = None
    ) -> None:
        missing = [c for c in referenced_columns(mapping) if c not in header.names]
        if missing:
            raise ConversionError(
                "the mapping names columns the file does not have: "
                + ", ".join(repr(c) for c in missing)
                + " (the file's columns: "
                + ", ".join(repr(c) for c in header.names)
                + ")"
            )
        self.file = file
        self.width = len(header.names)
        self.skips = [(condition(header, s), s.reason) for s in mapping.skip]
        row_knowledge = _knowledge(mapping.knowledge_time, header, extract_date)
        self.outputs = [
            _Output(
                spec.type,
                [condition(header, c) for c in spec.when],
                row_knowledge
                if spec.knowledge_time is None
                else _knowledge(spec.knowledge_time, header, extract_date),
                [
                    (name, compile_field(name, value, header))
                    for name, value in _fields_for(spec.type, mapping.defaults, spec.fields)
                ],
            )
            for spec in mapping.records
        ]

    def __call__(self, row: RawRow) -> SourceRow | None:
        cells = row.cells
        if row.blank:
            return None
        extra = [c for c in cells[self.width :] if c is not None and text_of(c).strip()]
        if extra:
            return self._reject(
                row, ["row"], f"the row has {len(cells)} cells, the header has {self.width}"
            )
        for test, reason in self.skips:
            if test(cells):
                return SourceRow(self.file, row.line, filtered=reason, text=row.text)
        records, problems, columns = [], [], []
        for out in self.outputs:
            if not all(test(cells) for test in out.when):
                continue
            record: dict[str, Any] = {"type": out.type}
            try:
                recorded_at, basis = out.knowledge(cells)
            except CellError as exc:
                problems.append(str(exc))
                columns += [c for c in exc.columns if c not in columns]
                continue
            for name, get in out.fields:
                try:
                    value = get(cells)
                except CellError as exc:
                    problems.append(str(exc))
                    columns += [c for c in exc.columns if c not in columns]
                    continue
                if value is not MISSING:
                    record[name] = value
            if recorded_at is not None:
                record["recorded_at"] = recorded_at
            if basis is not None:
                record["recorded_at_basis"] = basis
            records.append(record)
        if problems:
            return self._reject(row, columns, "; ".join(problems))
        if not records:
            return SourceRow(
                self.file, row.line, filtered="no record's 'when' holds for the row", text=row.text
            )
        return SourceRow(self.file, row.line, records=tuple(records), text=row.text)

    def _reject(self, row: RawRow, fields: list[str], message: str) -> SourceRow:
        rejection = Rejection(self.file, row.line, fields, message, row.text)
        return SourceRow(self.file, row.line, rejection=rejection, text=row.text)

    def convert(self, rows: Iterable[RawRow | Rejection]) -> Iterator[SourceRow]:
        """Every row's outcome, in order; a reader's rejection passes straight through."""
        for row in rows:
            if isinstance(row, Rejection):
                yield SourceRow(row.file, row.line, rejection=row, text=row.text)
                continue
            out = self(row)
            if out is not None:
                yield out


#: the order of fields in a converted record, for reading and diffing ``convert``'s output
_FIELD_ORDER = {"family": 0, "person": 1, "occurred_on": 2, "source": 4, "source_id": 5}


def _fields_for(
    record_type: str, defaults: dict[str, FieldValue], own: dict[str, FieldValue]
) -> list[tuple[str, FieldValue]]:
    """A record's fields: the mapping's ``defaults`` its type has, then its own."""
    model = RECORD_MODELS.get(record_type)
    known = set(model.model_fields) if model is not None else set(defaults)
    merged = {k: v for k, v in defaults.items() if k in known}
    merged.update(own)
    return sorted(merged.items(), key=lambda item: _FIELD_ORDER.get(item[0], 3))


def _columns_of(value: FieldValue | None) -> list[str]:
    if not isinstance(value, FieldSpec):
        return []
    found = [value.column] if value.column else []
    found += template_columns(value.template) if value.template else []
    found += list(value.sum or []) + list(value.difference or [])
    return found + _columns_of(value.otherwise)


def referenced_columns(mapping: Mapping) -> list[str]:
    """Every column a mapping reads, in order of first mention."""
    names: list[str] = []
    for kt in [mapping.knowledge_time, *(r.knowledge_time for r in mapping.records)]:
        if kt is not None and kt.column:
            names.append(kt.column)
    names += [s.column for s in mapping.skip]
    for value in mapping.defaults.values():
        names += _columns_of(value)
    for spec in mapping.records:
        names += [c.column for c in spec.when]
        for value in spec.fields.values():
            names += _columns_of(value)
    return list(dict.fromkeys(names))
