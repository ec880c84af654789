"""Load a mapping file and check it, naming the line of every problem.

Two passes, both reported together: the pydantic model (shape, spelling, one source
per field) and what the model cannot know alone — that each record type exists, that
its fields are the type's own, that required fields are mapped, that constants and
value-map targets are values the field accepts, and that date formats and time zones
are real. Lines come from the same YAML-node walk the framework loader uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar

import yaml
from pydantic import TypeAdapter, ValidationError

from sftimeline.legacy.dates import FormatError, compile_format, zone
from sftimeline.legacy.model import FieldSpec, FieldValue, Mapping
from sftimeline.policies.compiler import FrameworkError, loc_str
from sftimeline.policies.loader import _line_of
from sftimeline.records import RECORD_MODELS

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = "tag:yaml.org,2002:bool"


class _Loader(_BaseLoader):  # type: ignore[misc]
    """YAML with only ``true``/``false`` as booleans (YAML 1.2), so that a column named
    ``On`` or ``No`` and a value-map code ``Yes`` or ``off`` stay text."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
#: knowledge time is the mapping's ``knowledge_time``, never a record's own field
_SET_BY_MAPPING = ("type", "recorded_at", "recorded_at_basis")
#: parts of pydantic's error locations that have no key in the YAML
_HIDDEN_LOC = {"fields", "spec", "constant"}


class MappingError(FrameworkError):
    """A mapping that cannot be used; ``located()`` gives ``file:line: path: message``."""


def load_mapping(path: str) -> Mapping:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError([f"cannot read the mapping: {exc}"], path) from None
    return load_mapping_text(text, path)


def load_mapping_text(text: str, source: str = "<mapping>") -> Mapping:
    """The validated mapping, or MappingError listing every problem with its line."""
    try:
        raw = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise MappingError([f"not valid YAML: {exc}"], source, [line]) from None
    if not isinstance(raw, dict):
        raise MappingError(["the file must be a YAML mapping (key: value lines)"], source, [1])
    try:
        mapping = Mapping.model_validate(raw)
    except ValidationError as exc:
        raise _located([_problem(e) for e in exc.errors(include_url=False)], source, text) from None
    problems = list(semantic_problems(mapping))
    if problems:
        raise _located(problems, source, text)
    return mapping


def _problem(error: Any) -> str:
    loc = tuple(p for p in error["loc"] if p not in _HIDDEN_LOC)
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "is required"
    elif error["type"] == "extra_forbidden":
        message = "is not a key the mapping language knows"
    return f"{loc_str('', loc).lstrip('.') or 'mapping'}: {message}"


def _located(problems: list[str], source: str, text: str) -> MappingError:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        root = None
    return MappingError(problems, source, [_line_of(root, p) for p in problems])


@cache
def _adapter(record_type: str, field: str) -> TypeAdapter[Any]:
    info = RECORD_MODELS[record_type].model_fields[field]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[annotation, *info.metadata]
    return TypeAdapter(annotation)


def _value_problem(record_type: str, field: str, value: Any) -> str | None:
    try:
        _adapter(record_type, field).validate_python(value)
    except ValidationError as exc:
        return str(exc.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
    return None


def _field_problems(path: str, record_type: str, name: str, value: FieldValue) -> Iterator[str]:
    if not isinstance(value, FieldSpec):
        problem = _value_problem(record_type, name, value)
        if problem:
            yield f"{path}: {value!r} is not a {name} of {record_type}: {problem}"
        return
    yield from _spec_problems(path, value)
    if value.map is not None and value.as_ == "text":
        for key, target in value.map.items():
            if target is None:
                continue
            probe = [target] if value.split is not None else target
            problem = _value_problem(record_type, name, probe)
            if problem:
                yield f"{path}.map.{key}: {target!r} is not a {name} of {record_type}: {problem}"
    if value.value is not None and value.as_ == "text":
        problem = _value_problem(record_type, name, value.value)
        if problem:
            yield f"{path}.value: {value.value!r} is not a {name} of {record_type}: {problem}"
    if value.otherwise is not None:
        yield from _field_problems(f"{path}.otherwise", record_type, name, value.otherwise)


def _spec_problems(path: str, spec: FieldSpec) -> Iterator[str]:
    for i, fmt in enumerate(spec.formats):
        if fmt == "excel_serial":
            continue
        try:
            compiled = compile_format(fmt)
        except FormatError as exc:
            yield f"{path}.formats[{i}]: {exc}"
            continue
        if not compiled.has_day and spec.date_in_month is None:
            yield (
                f"{path}.formats[{i}]: {fmt!r} has no day: say which day of the month "
                "it means with date_in_month: first or last"
            )
        if compiled.has_time and spec.as_ == "datetime" and spec.timezone is None:
            yield f"{path}.formats[{i}]: {fmt!r} has a time: give the timezone (Europe/London)"
    if spec.timezone is not None:
        try:
            zone(spec.timezone)
        except FormatError as exc:
            yield f"{path}.timezone: {exc}"


def semantic_problems(mapping: Mapping) -> Iterator[str]:
    """What the pydantic model cannot check by itself (see the module docstring)."""
    times = [("knowledge_time", mapping.knowledge_time)] + [
        (f"records[{i}].knowledge_time", r.knowledge_time)
        for i, r in enumerate(mapping.records)
        if r.knowledge_time is not None
    ]
    for path, kt in times:
        if kt.column is not None:
            spec = FieldSpec.model_validate(
                {
                    "column": kt.column,
                    "as": "datetime",
                    "formats": kt.formats,
                    "timezone": kt.timezone,
                }
            )
            yield from _spec_problems(path, spec)
    for name in mapping.defaults:
        if name in _SET_BY_MAPPING:
            yield f"defaults.{name}: is set by the mapping itself, not a default"
    for i, record in enumerate(mapping.records):
        model = RECORD_MODELS.get(record.type)
        if model is None:
            yield f"records[{i}].type: unknown record type {record.type!r}"
            continue
        fields = {**{k: v for k, v in mapping.defaults.items() if k in model.model_fields}}
        fields.update(record.fields)
        for name in record.fields:
            if name in _SET_BY_MAPPING:
                yield f"records[{i}].{name}: is set by the mapping (type, knowledge_time)"
            elif name not in model.model_fields:
                yield (
                    f"records[{i}].{name}: is not a field of {record.type} "
                    f"(its fields: {', '.join(_own_fields(record.type))})"
                )
        for name, value in fields.items():
            if name in model.model_fields and name not in _SET_BY_MAPPING:
                where = f"records[{i}].{name}" if name in record.fields else f"defaults.{name}"
                yield from _field_problems(where, record.type, name, value)
        for name, info in model.model_fields.items():
            if info.is_required() and name not in _SET_BY_MAPPING and name not in fields:
                yield f"records[{i}]: a {record.type} record needs {name}"


def _own_fields(record_type: str) -> list[str]:
    return [f for f in RECORD_MODELS[record_type].model_fields if f not in _SET_BY_MAPPING]
