"""The mapping language: what a data analyst writes to turn a legacy export into records.

A mapping is YAML validated by the pydantic models below (``docs/legacy.md`` is the
user's reference). It borrows from Frictionless Data's Table Schema where the ideas
match: a list of ``missing_values`` for the whole table, a date ``format`` per field,
and errors that name the row and the field. It differs where the job differs: one row
can produce several records, a value map is closed (an unknown value is a rejection,
never a guess), and the knowledge time must be stated, never assumed.

This module only describes and validates; :mod:`sftimeline.legacy.fields` compiles a
field into a function and :mod:`sftimeline.legacy.convert` applies a mapping to rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from sftimeline.decoding import canonical_encoding

Scalar = str | int | float | bool
#: a constant field value: a scalar, or a list of them (``measure: [offence, asb]``)
Constant = Scalar | list[Scalar]

#: How a cell's text is read before it becomes a field's value.
ValueType = Literal["text", "integer", "number", "pence", "date", "datetime", "boolean", "term"]

#: Fields every record has that are not the type's own.
RESERVED_RECORD_KEYS = ("type", "when", "knowledge_time")

#: Cells that mean "nothing here" unless a mapping says otherwise (compared ignoring case).
DEFAULT_MISSING_VALUES = ("", "NULL", "N/A")


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


#: date formats: one (``formats: dd/mm/yyyy``) or a list tried in order
Formats = Annotated[list[str], BeforeValidator(_one_or_many)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """A test on one column: exactly one of ``equals``, ``in``, ``not_in``, ``present``."""

    column: str
    equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    present: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [n for n in ("equals", "in_", "not_in", "present") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of equals, in, not_in, present")
        return self


class SkipRule(Condition):
    """Rows that match are filtered out and counted under ``reason``."""

    reason: str = Field(min_length=1)


class FieldSpec(_Strict):
    """How one field of a record is formed from a row.

    The value comes from exactly one of ``column`` (a cell), ``template`` (text with
    ``{Column name}`` placeholders, and ``{@digest}`` for a digest of the whole row),
    ``sum`` / ``difference`` (integer cells added, or the first minus the others) or
    ``value`` (a constant). Then ``split`` (a cell holding a list, ``A;B``: each part
    goes on), ``map`` (closed: unknown values are rejected; a null target means "no
    value"), ``as`` (the type), then ``divide_by``.
    """

    column: str | None = None
    template: str | None = None
    sum: list[str] | None = None
    difference: list[str] | None = None
    value: Scalar | None = None
    split: str | None = Field(default=None, min_length=1)
    map: dict[str, Scalar | None] | None = None
    as_: ValueType = Field(default="text", alias="as")
    formats: Formats = Field(default_factory=list)
    date_in_month: Literal["first", "last"] | None = None
    timezone: str | None = None
    divide_by: float | None = None
    optional: bool = False
    default: Scalar | None = None
    otherwise: FieldValue | None = None

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        given = [
            n for n in ("column", "template", "sum", "difference", "value") if getattr(self, n)
        ]
        if self.value is not None and "value" not in given:
            given.append("value")
        if len(given) != 1:
            raise ValueError("give exactly one of column, template, sum, difference, value")
        if self.formats and self.as_ not in ("date", "datetime"):
            raise ValueError("formats is only for 'as: date' or 'as: datetime'")
        if self.divide_by is not None and self.divide_by == 0:
            raise ValueError("divide_by must not be 0")
        return self


def _field_kind(value: Any) -> str:
    return "spec" if isinstance(value, dict | FieldSpec) else "constant"


FieldValue = Annotated[
    Annotated[Constant, Tag("constant")] | Annotated[FieldSpec, Tag("spec")],
    Discriminator(_field_kind),
]
FieldSpec.model_rebuild()


class RecordSpec(_Strict):
    """One record a row produces: its ``type``, its fields, and ``when`` it is produced."""

    type: str
    when: list[Condition] = Field(default_factory=list)
    #: this record's own knowledge time, where it differs from the row's (a closure
    #: keyed months after the opening on the same row)
    knowledge_time: KnowledgeTime | None = None
    fields: dict[str, FieldValue] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _gather_fields(cls, raw: Any) -> Any:
        """The YAML lists a record's fields beside ``type`` (the analyst's view)."""
        if not isinstance(raw, dict):
            return raw
        fields = {k: v for k, v in raw.items() if k not in RESERVED_RECORD_KEYS}
        out = {k: v for k, v in raw.items() if k in RESERVED_RECORD_KEYS}
        out["fields"] = fields
        when = out.get("when")
        if isinstance(when, dict):
            out["when"] = [when]
        return out


class Reading(_Strict):
    """How the file is read; ``--sheet``, ``--encoding`` and ``--delimiter`` override it."""

    encoding: str = "auto"
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    sheet: str | None = None
    header_row: int = Field(default=1, ge=1)
    header_rows: int = Field(default=1, ge=1, le=5)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        return canonical_encoding(value)  # raises ValueError naming the accepted ones


class KnowledgeTime(_Strict):
    """Where each record's ``recorded_at`` comes from (never assumed).

    ``column`` reads it from the export (an entry or "date recorded" column);
    ``default`` says what to use where there is no such column, or the cell is empty:
    ``extract_date`` (given here or with ``--extract-date``), ``import`` (the moment
    of import) or a constant date or date-time. Records whose knowledge time came from
    ``default`` say so (``recorded_at_basis``).
    """

    column: str | None = None
    formats: Formats = Field(default_factory=list)
    timezone: str | None = None
    default: Literal["extract_date", "import"] | date | datetime | None = None
    extract_date: date | None = None

    @model_validator(mode="after")
    def _stated(self) -> KnowledgeTime:
        if self.column is None and self.default is None:
            raise ValueError(
                "say where recorded_at comes from: a column, or a default "
                "(extract_date, import, or a date)"
            )
        if isinstance(self.default, datetime) and self.default.tzinfo is None:
            raise ValueError("a constant date-time default needs a UTC offset")
        if self.column is None and (self.formats or self.timezone):
            raise ValueError("formats and timezone describe a column: give column too")
        return self


class Mapping(_Strict):
    """A whole mapping file."""

    description: str | None = None
    reading: Reading = Field(default_factory=Reading)
    missing_values: list[str] = Field(default_factory=lambda: list(DEFAULT_MISSING_VALUES))
    #: a two-digit year ``yy`` is read in the hundred years ending with this one (AMB-L03)
    two_digit_years_end: int = Field(default=2049, ge=1900, le=2999)
    knowledge_time: KnowledgeTime
    skip: list[SkipRule] = Field(default_factory=list)
    defaults: dict[str, FieldValue] = Field(default_factory=dict)
    records: list[RecordSpec] = Field(min_length=1)


RecordSpec.model_rebuild()
