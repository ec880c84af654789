"""`sftimeline convert`, `mapping check` and `mapping draft`: legacy exports through a mapping.

Parse, call the service (:mod:`sftimeline.service.mappings`), format.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from sftimeline.commands._common import LIMITS, command, group

if TYPE_CHECKING:
    from sftimeline.importer import SourceRow

F = TypeVar("F", bound=Callable[..., Any])


def reading_options(func: F) -> F:
    """--sheet, --encoding and --delimiter: they win over the mapping's ``reading``."""
    func = click.option("--delimiter", help="CSV delimiter (a character, or 'tab').")(func)
    func = click.option("--encoding", help="auto, utf-8 or cp1252 (windows-1252).")(func)
    return click.option("--sheet", help="XLSX sheet (default: the mapping's, or the first).")(func)


def _tell(row: SourceRow) -> None:
    """A rejected or filtered row, on standard error as it happens."""
    if row.rejection is not None:
        click.echo(f"rejected {row.rejection}", err=True)
    elif row.filtered is not None:
        click.echo(f"filtered {row.file}:{row.line}: {row.filtered}", err=True)


@command("convert")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--mapping",
    "mapping",
    required=True,
    type=click.Path(dir_okay=False),
    help="The mapping file (YAML, docs/legacy.md).",
)
@click.option(
    "--extract-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The files' extract date, where the mapping's knowledge time default is extract_date.",
)
@reading_options
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), default=None, help="Write here, not stdout."
)
@LIMITS
def convert(
    files: tuple[str, ...],
    mapping: str,
    extract_date: datetime | None,
    sheet: str | None,
    encoding: str | None,
    delimiter: str | None,
    out: IO[str] | None,
    limits: tuple[str, ...],
) -> None:
    """Write the interchange JSON Lines a mapped import of FILES would store.

    Rejected and filtered rows go to standard error with their file and row as they
    happen, then the counts; the exit code is 1 when a row was rejected.
    """
    from sftimeline.service.mappings import convert as run

    summary = run(
        mapping,
        files,
        out or sys.stdout,
        on_row=_tell,
        limits=limits or None,
        encoding=encoding,
        sheet=sheet,
        delimiter=delimiter,
        extract_date=extract_date.date() if extract_date else None,
    )
    for line in summary.lines():
        click.echo(line, err=True)
    if not summary.ok:
        sys.exit(1)


@group("mapping")
def mapping_group() -> None:
    """Mappings for legacy CSV, TSV and XLSX exports: check one, draft one."""


@mapping_group.command("check")
@click.argument("mapping", metavar="MAPPING", type=click.Path(dir_okay=False))
def check(mapping: str) -> None:
    """Validate MAPPING; each problem is printed with its line (exit code 2)."""
    from sftimeline.service.mappings import load_checked

    loaded = load_checked(mapping)
    click.echo(f"{mapping}: ok (a row gives up to {len(loaded.records)} records)")


@mapping_group.command("draft")
@click.argument("file", type=click.Path(dir_okay=False))
@reading_options
@click.option("--rows", default=200, show_default=True, help="Rows to sample.")
def draft(
    file: str, sheet: str | None, encoding: str | None, delimiter: str | None, rows: int
) -> None:
    """Propose a starting mapping for FILE (column types, date formats, value lists)."""
    from sftimeline.service.mappings import draft as run

    click.echo(run(file, rows=rows, encoding=encoding, sheet=sheet, delimiter=delimiter), nl=False)


COMMANDS = [convert, mapping_group]


def register(cli: click.Group) -> None:
    for each in COMMANDS:
        cli.add_command(each)
