"""Legacy exports through a mapping, without a store: check a mapping, convert files,
draft a first mapping (docs/legacy.md). Mapped imports are ``Store.import_files(...,
mapping=...)``.

Light to import: the legacy package (pydantic, openpyxl) loads when a function runs.
"""

from __future__ import annotations

from collections import abc
from collections.abc import Callable, Iterable
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from sftimeline.service.errors import NotFound, UsageProblem
from sftimeline.service.inputs import parse_limits

if TYPE_CHECKING:
    from sftimeline.importer import ImportSummary, SourceRow
    from sftimeline.legacy import Overrides
    from sftimeline.legacy.model import Mapping


def load_checked(path: str) -> Mapping:
    """The mapping in ``path``; UsageProblem naming the line of every problem."""
    from sftimeline.legacy import MappingError, load_mapping

    try:
        return load_mapping(path)
    except MappingError as exc:
        raise UsageProblem("\n".join(exc.located())) from None


def overrides(
    encoding: str | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    extract_date: date | None = None,
) -> Overrides:
    """Settings that win over a mapping's ``reading``, checked before any file is read."""
    from sftimeline.legacy import Overrides
    from sftimeline.legacy.model import Reading

    chosen = Overrides(sheet, encoding, delimiter, extract_date)
    try:
        chosen.reading(Reading())
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    return chosen


def convert(
    mapping: str,
    files: Iterable[str],
    out: IO[str],
    *,
    on_row: Callable[[SourceRow], None] | None = None,
    limits: abc.Mapping[str, Any] | Iterable[str] | None = None,
    **settings: Any,
) -> ImportSummary:
    """Write the records a mapped import of ``files`` (under ``limits``, as
    ``import_files`` takes them) would accept to ``out`` (JSON Lines); the summary is a
    dry run's. ``settings``: see :func:`overrides`."""
    from sftimeline.legacy import convert_files

    loaded, chosen = load_checked(mapping), overrides(**settings)
    chosen_limits = parse_limits(limits)
    return convert_files(loaded, files, out, overrides=chosen, on_row=on_row, limits=chosen_limits)


def draft(file: str, *, rows: int = 200, **settings: Any) -> str:
    """A starting mapping for ``file`` (YAML text). ``settings``: see :func:`overrides`."""
    from sftimeline.legacy import ReadError, draft_mapping
    from sftimeline.legacy.model import Reading

    try:
        return draft_mapping(file, overrides(**settings).reading(Reading()), rows)
    except ReadError as exc:
        raise NotFound(str(exc)) from None
