"""`sftimeline convert`, `mapping check` and `mapping draft`: legacy exports through a mapping.

Parse, call, format: the work is in :mod:`sftimeline.legacy` (docs/legacy.md).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import IO, Any, TypeVar

import click

from sftimeline.importer import SourceRow
from sftimeline.legacy import (
    MappingError,
    Overrides,
    ReadError,
    convert_files,
    draft_mapping,
    load_mapping,
)
from sftimeline.legacy.model import Reading

F = TypeVar("F", bound=Callable[..., Any])


class MappingProblem(click.ClickException):
    """A mapping or file that cannot be used: every problem with its line; exit code 2."""

    exit_code = 2


def _extract_date(_ctx: Any, _param: Any, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def reading_options(func: F) -> F:
    """--sheet, --encoding and --delimiter: they win over the mapping's ``reading``."""
    func = click.option("--delimiter", help="CSV delimiter (a character, or 'tab').")(func)
    func = click.option("--encoding", help="auto, utf-8 or cp1252 (windows-1252).")(func)
    return click.option("--sheet", help="XLSX sheet name (default: the mapping's, or the first).")(
        func
    )


def mapping_options(func: F) -> F:
    func = reading_options(func)
    func = click.option(
        "--extract-date",
        callback=_extract_date,
        help="The files' extract date (YYYY-MM-DD), where the mapping's knowledge time "
        "default is extract_date.",
    )(func)
    return click.option(
        "--mapping",
        "mapping_path",
        required=True,
        type=click.Path(dir_okay=False),
        help="The mapping file (YAML, docs/legacy.md).",
    )(func)


def load(path: str) -> Any:
    try:
        return load_mapping(path)
    except MappingError as exc:
        raise MappingProblem("\n".join(exc.located())) from None


def overrides(
    sheet: str | None, encoding: str | None, delimiter: str | None, extract_date: date | None
) -> Overrides:
    """The command line's settings, checked before any file is read."""
    chosen = Overrides(sheet, encoding, delimiter, extract_date)
    try:
        chosen.reading(Reading())
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return chosen


def _tell(row: SourceRow) -> None:
    """A rejected or filtered row, on standard error as it happens."""
    if row.rejection is not None:
        click.echo(f"rejected {row.rejection}", err=True)
    elif row.filtered is not None:
        click.echo(f"filtered {row.file}:{row.line}: {row.filtered}", err=True)


@click.command("convert")
@click.argument("files", nargs=-1, required=True)
@mapping_options
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), default=None, help="Write here, not stdout."
)
def convert(
    files: tuple[str, ...],
    mapping_path: str,
    extract_date: date | None,
    sheet: str | None,
    encoding: str | None,
    delimiter: str | None,
    out: IO[str] | None,
) -> None:
    """Write the interchange JSON Lines a mapped import of FILES would store.

    Rejected rows go to standard error with their file, row and column, then each
    file's counts; the exit code is 1 when a row was rejected.
    """
    mapping = load(mapping_path)
    chosen = overrides(sheet, encoding, delimiter, extract_date)
    summary = convert_files(
        mapping,
        files,
        out or sys.stdout,
        overrides=chosen,
        on_row=_tell,
    )
    for line in summary.lines():
        click.echo(line, err=True)
    if not summary.ok:
        sys.exit(1)


@click.group("mapping")
def mapping_group() -> None:
    """Mappings for legacy CSV, TSV and XLSX exports: check one, draft one."""


@mapping_group.command("check")
@click.argument("mapping_path", metavar="MAPPING", type=click.Path(dir_okay=False))
def check(mapping_path: str) -> None:
    """Validate MAPPING; each problem is printed with its line."""
    mapping = load(mapping_path)
    click.echo(f"{mapping_path}: ok (a row gives up to {len(mapping.records)} records)")


@mapping_group.command("draft")
@click.argument("file", type=click.Path(dir_okay=False))
@reading_options
@click.option("--rows", default=200, show_default=True, help="Rows to sample.")
def draft(
    file: str, sheet: str | None, encoding: str | None, delimiter: str | None, rows: int
) -> None:
    """Propose a starting mapping for FILE (column types, date formats, value lists)."""
    try:
        reading = Overrides(sheet, encoding, delimiter).reading(Reading())
        click.echo(draft_mapping(file, reading, rows), nl=False)
    except (ReadError, ValueError) as exc:
        raise MappingProblem(str(exc)) from None


COMMANDS = [convert, mapping_group]


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
