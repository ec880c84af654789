"""The record format's documentation and JSON Schema, generated from the models.

Users of the package have no specification documents: ``docs/records.md`` is what
they read, so it is generated from the pydantic models in :mod:`sftimeline.records`
(their docstrings, ``#:`` field comments and types) and from
:class:`sftimeline.limits.InputLimits`, and a test fails when the committed file is
out of date. Regenerate with ``python -m sftimeline.records_doc docs/records.md``.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import sys
from dataclasses import fields
from functools import cache
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from sftimeline.limits import (
    DATE_RANGE,
    DATE_RANGE_WHY,
    DEFAULT_LIMITS,
    LIMIT_CEILINGS,
    InputLimits,
)
from sftimeline.records import RECORD_MODELS, RecordModel

SCHEMA_ID = "https://sftimeline.invalid/schema/interchange-record.json"


def interchange_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of one interchange record: one of the record types,
    chosen by ``type``. Limits that are settings (string length, date range) are
    documented in docs/records.md rather than fixed in the schema."""
    models = tuple(RECORD_MODELS.values())
    union = Annotated[Union[models], Field(discriminator="type")]  # type: ignore[valid-type]  # noqa: UP007
    schema = TypeAdapter(union).json_schema(ref_template="#/$defs/{model}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "sftimeline interchange record",
        "description": "One line of an interchange JSON Lines file.",
        **schema,
    }


def schema_json() -> str:
    return json.dumps(interchange_schema(), indent=2, ensure_ascii=False) + "\n"


# -- markdown ---------------------------------------------------------------------

_INTRO = """\
# Records: the interchange format

<!-- Generated from src/sftimeline/records/ by `python -m sftimeline.records_doc
docs/records.md`; do not edit by hand (a test fails when this file is out of date). -->

Records come in as JSON Lines: one JSON object per line, one record per object. Lines
may come in any order (the engine orders by the dates, never by file position); blank
lines are ignored. `sftimeline records schema` prints the JSON Schema of a record.
Mapped CSV and Excel files (docs/legacy.md) are turned into these same records.
"""

_ENCODINGS = """\
## Encodings and line endings

Every importer reads bytes by one rule (`sftimeline.decoding`):

- Lines end at `\\n`. A `\\r\\n` ending is stripped like `\\n`; a bare `\\r` inside a line
  stays inside that line: it never splits a line or shifts the numbers of later lines.
- A leading UTF-8 byte-order mark means UTF-8, whatever encoding was declared, and is
  stripped.
- Accepted encodings: `utf-8`, `cp1252` (alias `windows-1252`) and `auto`. `auto` reads
  the first 64 KiB of the file: if it is pure ASCII or valid UTF-8 the file is read as
  UTF-8, otherwise as Windows-1252. JSON Lines files are UTF-8 unless `--encoding` says
  otherwise.
- A line that cannot be decoded under the chosen encoding (including the five bytes
  Windows-1252 leaves undefined: 0x81, 0x8D, 0x8F, 0x90, 0x9D) is rejected with its line
  number and the byte offset of the bad byte, e.g. `byte 0xff at offset 1234 is not
  valid UTF-8`; the lines around it are read normally. The rejects file holds the line
  with each bad byte escaped (`\\xff`).
"""

_REJECTIONS = """\
## Rejections

A line that breaks any rule here is rejected with its file, line and field, e.g.
`in.jsonl:12: occurred_on: '2024-02-30' is not a calendar date`; every other line is
still imported. `sftimeline import --rejects FILE` writes each rejection as it happens
(JSON Lines: `kind`, `file`, `line`, `fields`, `error`, `text`; conflicts too, with
`kind: "conflict"`); the command prints the first ten and a count.
"""

_CRITERIA = """\
## Criterion codes

`criterion` fields are `<framework id>:<code>`: `national-2022:7.1`,
`herefordshire-tf-2020:4A`, `hertfordshire-2018:4.SA`, `hampshire:CRIME.i`. Family-level
evidence uses the code `family` (`hertfordshire-2018:family`). `sftimeline frameworks
show ID` lists a framework's codes and the evidence kinds each accepts.
"""


def render() -> str:
    """docs/records.md, complete."""
    parts = [_INTRO, _common_fields(), _type_index(), *map(_type_section, _models())]
    parts += [_ENCODINGS, _limits_section(), _REJECTIONS, _CRITERIA]
    return "\n".join(parts)


def _models() -> list[type[RecordModel]]:
    return list(RECORD_MODELS.values())


def _common_fields() -> str:
    rows = ["## Fields on every record", "", "| field | required | value | meaning |"]
    rows.append("| --- | --- | --- | --- |")
    schema = RecordModel.model_json_schema()
    notes = field_notes(RecordModel)
    for name in RecordModel.model_fields:
        required = "yes" if name in schema.get("required", ()) else "no"
        value = "a record type (below)" if name == "type" else describe(schema["properties"][name])
        rows.append(f"| `{name}` | {required} | {value} | {notes.get(name, '')} |")
    rows.append(
        "| `person` | per type | text, not blank | the person's id within the family "
        "(required, optional or absent: see each type) |"
    )
    rows.append("")
    rows.append("No other fields are accepted: a field a type does not list is rejected.")
    return "\n".join(rows) + "\n"


def _type_index() -> str:
    links = ", ".join(f"[`{m.TYPE}`](#{m.TYPE})" for m in _models())
    return f"## Record types\n\n{len(_models())} types: {links}.\n"


def _type_section(model: type[RecordModel]) -> str:
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    notes = field_notes(model)
    out = [f"### `{model.TYPE}`", ""]
    doc = inspect.getdoc(model)
    if doc and model.__doc__ is not None and "__doc__" in model.__dict__:
        out += [_markdown(doc), ""]
    own = [n for n in model.model_fields if n not in RecordModel.model_fields]
    if not own:
        out.append("No fields of its own.")
        return "\n".join(out) + "\n"
    out += ["| field | required | value | meaning |", "| --- | --- | --- | --- |"]
    for name in own:
        flag = "yes" if name in required else "no"
        note = notes.get(name) or _COMMON_NOTES.get(name, "")
        out.append(f"| `{name}` | {flag} | {describe(schema['properties'][name])} | {note} |")
    return "\n".join(out) + "\n"


#: What fields of one name mean wherever they appear without a note of their own.
_COMMON_NOTES = {
    "person": "the person's id within the family",
    "plan": "the plan's id",
    "tenancy": "the tenancy's id",
    "criterion": "`<framework>:<code>` (see Criterion codes)",
}


def _limits_section() -> str:
    notes = field_notes(InputLimits)
    out = [
        "## Limits",
        "",
        "Data from outside can hold a megabyte string, a number of 5,000 digits, an array",
        "nested 50,000 deep or the year 9999. Each such value is a rejection naming file, line",
        "and field, and the lines around it are stored. The limits are named settings",
        "(`sftimeline.limits.InputLimits`) with these defaults, which suit any real export:",
        "",
        "| setting | default | may be set to | what it bounds |",
        "| --- | --- | --- | --- |",
    ]
    for f in fields(InputLimits):
        default = getattr(DEFAULT_LIMITS, f.name)
        shown = f"{default:,}" if isinstance(default, int) else str(default)
        ceiling = LIMIT_CEILINGS.get(f.name)
        low, high = DATE_RANGE
        dates = f"{low} to {high} ({DATE_RANGE_WHY})"
        most = f"1 to {ceiling[0]:,} ({ceiling[1]})" if ceiling else dates
        out.append(f"| `{f.name}` | {shown} | {most} | {notes.get(f.name, '')} |")
    out += [
        "",
        "A council whose data legitimately goes past one (a long free-text note, a plan",
        "dated beyond 2100) changes it for an import: `sftimeline import --limit",
        "max_string_chars=20000 --limit latest=2200-12-31 FILES` (`--limit` is repeatable;",
        "`sftimeline convert` takes it too), or `store.import_files(files,",
        'limits={"max_string_chars": 20000})` (and `import_records`) in the Python API,',
        "`POST /api/records?limit=max_string_chars=20000` in the HTTP API.",
        "A name that is not a limit, a value outside its range (or a date written other than",
        "`YYYY-MM-DD`), or `earliest` after `latest` is a usage error naming it, and nothing",
        "is read. The limits guard the edge: `sftimeline verify` checks stored records",
        "against the widest limits an import may be given, not the defaults.",
        "",
        "Strings (and field names) may not contain NUL (`\\u0000`) or a lone surrogate",
        "(`\\ud800` to `\\udfff`); numbers must be finite (`NaN`, `Infinity` and `1e999` are",
        "rejected). A `claim_submitted` record's `framework` must be a framework id (never a",
        "path) that is packaged or enabled in the store (`sftimeline process enable`).",
    ]
    return "\n".join(out) + "\n"


# -- helpers ----------------------------------------------------------------------


def field_notes(cls: type) -> dict[str, str]:
    """The ``#:`` comment above each field of ``cls`` (and its bases), as markdown."""
    notes: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith(("sftimeline.records", "sftimeline.limits")):
            continue
        source = _class_sources(klass.__module__).get(klass.__name__, "")
        for match in _NOTE.finditer(source):
            text = " ".join(
                line.strip()[2:].strip() for line in match.group("comment").splitlines()
            )
            notes[match.group("name")] = _markdown(text).replace("|", "\\|")
    return notes


@cache
def _class_sources(module: str) -> dict[str, str]:
    """Each top-level class's source in ``module``, parsed once (``inspect.getsource``
    re-parses the whole module for every class)."""
    text = inspect.getsource(sys.modules[module])
    tree = ast.parse(text)
    return {
        node.name: ast.get_source_segment(text, node) or ""
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }


_NOTE = re.compile(r"(?P<comment>(?:^[ \t]*#:.*\n)+)[ \t]*(?P<name>[a-z_]+)\s*:", re.MULTILINE)


def describe(schema: dict[str, Any]) -> str:
    """A field's allowed values in words, from its JSON Schema."""
    if "anyOf" in schema and "description" not in schema:
        parts = [describe(s) for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(parts)
    if "const" in schema:
        return f"`{schema['const']}`"
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    if "description" in schema:
        return str(schema["description"]).replace("<", "`<").replace(">", ">`")
    kind = schema.get("type")
    if kind == "integer":
        return "integer" + _bounds(schema)
    if kind == "number":
        return "number" + _bounds(schema)
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "array":
        least = schema.get("minItems")
        return ("non-empty list" if least else "list") + f" of {describe(schema['items'])}"
    if kind == "object":
        values: dict[str, Any] = schema.get("additionalProperties") or next(
            iter(schema.get("patternProperties", {}).values()), {}
        )
        return f"object: name → {describe(values)}"
    return "text"


def _bounds(schema: dict[str, Any]) -> str:
    marks = [
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
    ]
    found = [f"{sign} {schema[key]}" for key, sign in marks if key in schema]
    return f" {', '.join(found)}" if found else ""


def _markdown(text: str) -> str:
    """Docstring text as markdown for users: rst quotes become backticks, and
    references into the project's internal rules catalogue (``R07:``,
    ``catalogue §7 R20``, ``P34``), which users do not have, are left out."""
    text = text.replace("``", "`")
    for pattern in _INTERNAL_REFS:
        text = pattern.sub("", text)
    return text.strip()


_INTERNAL_REFS = [
    re.compile(r"^(?:R\d+|P\d+(?: / FL-[A-Z]+-\d+)?): ", re.MULTILINE),
    re.compile(r" ?\(catalogue §7 R\d+\)"),
    re.compile(r"catalogue §7 R\d+; "),
    re.compile(r", P\d+(?=\))"),
]


def main(argv: list[str] | None = None) -> int:
    """``python -m sftimeline.records_doc [PATH]``: write the doc (stdout without PATH)."""
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if not args:
        sys.stdout.write(text)
        return 0
    with open(args[0], "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
