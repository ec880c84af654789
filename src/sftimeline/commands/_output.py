"""How the command modules write results: aligned tables, JSON, JSON Lines, CSV.

Text that comes from the data (family codes, reasons, record fields) is shown in tables
with its control characters neutralised: an ANSI escape sequence, a carriage return or a
right-to-left override inside a record can neither recolour the terminal, move the cursor
nor reorder what an analyst reads; each is shown as its code point (``[U+001B]``,
``[U+202E]``), as the audit pack and the web view show it (``reports/visible.py``). JSON
escapes control characters itself; CSV carries the data as it is, for programs. Not a
command module; light at import (``rich`` loads when a table is drawn).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

#: The --format choices of a listing command (``jsonl`` where it streams).
LISTING = ["table", "json", "jsonl", "csv"]


def safe(value: object) -> str:
    """``value`` as text a terminal shows as it is: invisible characters as code points."""
    from sftimeline.reports.visible import make_visible

    return make_visible("-" if value is None or value == "" else str(value))


def safe_text(text: str) -> str:
    """Multi-line text (an explanation, a replay) with the data's controls neutralised;
    its own line breaks are kept."""
    return "\n".join(safe(line) if line else "" for line in text.split("\n"))


def format_option(choices: Sequence[str] = LISTING, default: str = "table") -> Callable[[F], F]:
    """The ``--format`` option of a command."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )


def table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """An aligned table on standard output, whatever the width.

    On a terminal long cells fold within their column; elsewhere (a pipe, a file) the
    table takes its natural width, so each row stays on one line for grep and friends.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    t = Table(
        box=box.SIMPLE_HEAD,
        safe_box=True,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
        highlight=False,
    )
    for c in columns:
        t.add_column(c, overflow="fold")
    for row in rows:
        t.add_row(*(Text(safe(v)) for v in row))
    console = Console(file=sys.stdout, highlight=False)
    if not console.is_terminal:
        width = Console(width=1 << 20).measure(t).maximum
        console = Console(file=sys.stdout, highlight=False, width=max(width, 20))
    with console.capture() as captured:
        console.print(t)
    for line in captured.get().splitlines():
        click.echo(line.rstrip())


def write_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def write_jsonl(values: Iterable[Any]) -> None:
    for v in values:
        click.echo(json.dumps(v, ensure_ascii=False))


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    w = csv.writer(sys.stdout)
    w.writerow(columns)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])


def listing(
    fmt: str,
    dicts: Sequence[Any],
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> None:
    """Write a list in ``fmt``: JSON/JSON Lines from ``dicts`` (the service's
    ``to_dict()``s), a table or CSV from ``columns`` and ``rows``."""
    if fmt == "json":
        write_json(list(dicts))
    elif fmt == "jsonl":
        write_jsonl(dicts)
    elif fmt == "csv":
        write_csv(columns, rows)
    else:
        table(columns, rows)
