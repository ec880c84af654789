"""`sftimeline import`, `families`, `timeline` and `generate`: records in and back out."""

from __future__ import annotations

import json
import os
import sys
from contextlib import AbstractContextManager, nullcontext, suppress
from datetime import date, datetime
from typing import IO, Any

import click

from sftimeline.commands._common import (
    KNOWN_AT,
    LIMITS,
    PrivateFile,
    command,
    date_option,
    echo_catch_up,
    store_options,
    store_session,
)
from sftimeline.commands._output import (
    format_option,
    listing,
    safe,
    table,
    write_csv,
    write_json,
)


def _count_lines(path: str) -> int:
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
    return n


@command("import")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--rejects",
    "rejects",
    type=PrivateFile(),
    default=None,
    help="Write rejected lines here (JSON Lines with the error).",
)
@click.option(
    "--batch-size",
    "batch_size",
    type=click.IntRange(min=1),
    default=None,
    help="Records per transaction (default 500).",
)
@click.option(
    "--no-process",
    "no_process",
    is_flag=True,
    help="Do not run the policy process afterwards (it runs when a framework is enabled).",
)
@click.option(
    "--encoding",
    "encoding",
    type=click.Choice(["utf-8", "cp1252", "windows-1252", "auto"], case_sensitive=False),
    default="utf-8",
    show_default=True,
    help="Text encoding of the files (a UTF-8 byte-order mark is always accepted; "
    "auto: UTF-8 if the first 64 KiB are, else Windows-1252).",
)
@click.option(
    "--dry-run",
    "dry_run",
    is_flag=True,
    help="Validate every line and report; store nothing (no store is created).",
)
@click.option(
    "--mapping",
    "mapping",
    type=click.Path(dir_okay=False),
    help="FILES are CSV/TSV/XLSX exports read through this mapping (docs/legacy.md).",
)
@click.option("--sheet", help="With --mapping: the XLSX sheet.")
@click.option("--delimiter", help="With --mapping: the CSV delimiter (a character, or 'tab').")
@click.option(
    "--extract-date",
    "extract_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="With --mapping: the files' extract date (YYYY-MM-DD).",
)
@click.option(
    "--workers",
    "workers",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes to validate the rows (default: every core); the result is the same.",
)
@LIMITS
@store_options
@click.pass_context
def import_(
    ctx: click.Context,
    files: tuple[str, ...],
    rejects: IO[str] | None,
    batch_size: int | None,
    no_process: bool,
    encoding: str,
    dry_run: bool,
    mapping: str | None,
    sheet: str | None,
    delimiter: str | None,
    extract_date: datetime | None,
    workers: int | None,
    limits: tuple[str, ...],
) -> None:
    """Import interchange JSON Lines FILES (``-`` for stdin), or CSV/TSV/XLSX exports
    through a mapping (``--mapping``, docs/legacy.md).

    The summary is printed as soon as the records are stored; the policy process runs
    after it (when a framework is enabled) and, if it cannot run now, says so as a
    warning: the import stands and the next run catches up.
    """
    with store_session(ctx) as store:
        total = None
        if mapping is None and (sheet or delimiter or extract_date):
            raise click.UsageError("--sheet, --delimiter and --extract-date need --mapping")
        given = ctx.get_parameter_source("encoding") is not click.core.ParameterSource.DEFAULT
        if (
            mapping is None
            and sys.stderr.isatty()
            and "-" not in files
            and all(_readable(f) for f in files)
        ):
            # Lines are counted in a cheap binary pass so the bar has a length.
            total = sum(_count_lines(f) for f in files)
        with _progress(total) as progress:
            result = store.import_files(
                files,
                dry_run=dry_run,
                batch_size=batch_size,
                rejects=rejects,
                progress=progress,
                encoding=encoding if given or mapping is None else None,
                run_process=False,
                mapping=mapping,
                sheet=sheet,
                delimiter=delimiter,
                extract_date=extract_date.date() if extract_date else None,
                workers=workers,
                limits=limits or None,
            )
        for line in result.summary.example_lines():
            click.echo(line, err=True)
        for line in result.lines():
            click.echo(line)
        if not no_process and result.summary.stored:
            sys.stdout.flush()  # the summary is out before the process starts
            echo_catch_up(store.catch_up())
    ctx.exit(0 if result.ok else 1)


def _progress(total: int | None) -> AbstractContextManager[Any]:
    """``progress.import_progress``, which shows nothing unless standard error is a
    terminal; when it plainly is not (and no FORCE_COLOR / TTY_COMPATIBLE asks ``rich``
    to decide), without importing ``rich`` for it: ≈ 20 ms of a one-record import."""
    isatty = getattr(sys.stderr, "isatty", None)
    asked = any(k in os.environ for k in ("FORCE_COLOR", "TTY_COMPATIBLE"))
    terminal = False
    with suppress(ValueError):  # a closed stream is no terminal
        terminal = isatty is not None and bool(isatty())
    if not (asked or terminal):
        return nullcontext(None)
    from sftimeline.progress import import_progress

    return import_progress(total=total)


def _readable(path: str) -> bool:
    try:
        open(path, "rb").close()
    except OSError:
        return False
    return True


@command("families")
@click.option(
    "--match", "match", default=None, metavar="PATTERN", help="Only codes matching, e.g. 'FAM-00*'."
)
@format_option()
@store_options
@click.pass_context
def families(ctx: click.Context, match: str | None, fmt: str) -> None:
    """List the families in the store (council family codes), one per line."""
    with store_session(ctx) as store:
        codes = store.families(match)
    if fmt == "table":  # a one-column list: no header, one code a line, made safe
        for code in codes:
            click.echo(safe(code))
        return
    listing(fmt, codes, ["family"], ([c] for c in codes))  # JSON: the codes, as the HTTP API


@command("timeline")
@click.argument("family")
@click.option("--on", "on", required=True, callback=date_option, help="Valid date D.")
@KNOWN_AT
@format_option(["table", "json", "csv"])
@store_options
@click.pass_context
def timeline(ctx: click.Context, family: str, on: date, known_at: datetime, fmt: str) -> None:
    """A family's records as of D, as known at T, in timeline order."""
    with store_session(ctx) as store:
        view = store.timeline(family, on, known_at)
    data = view.to_dict()
    if fmt == "json":
        write_json(data)
        return
    rows = [
        (
            r["occurred_on"],
            r["recorded_at"][:19],
            r["type"],
            r["person"],
            r["key"],
            " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in r["fields"].items()),
        )
        for r in data["records"]
    ]
    columns = ["occurred_on", "recorded_at", "type", "person", "key", "fields"]
    if fmt == "csv":
        write_csv(columns, rows)
        return
    click.echo(
        f"family {safe(family)} as of {on} known at {known_at.isoformat()}: {len(rows)} records"
    )
    table(columns, rows)
    if data["retractions"]:
        click.echo("retractions applied:")
        for x in data["retractions"]:
            click.echo(f"  {safe(x['target'])} retracted by {safe(x['by'])} ({safe(x['reason'])})")


@command("generate")
@click.option("--families", "n", type=click.IntRange(min=1), required=True)
@click.option("--seed", "seed", type=int, default=1, show_default=True)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Output file (default stdout).",
)
def generate(n: int, seed: int, out: str | None) -> None:
    """Write a deterministic synthetic county as interchange JSON Lines."""
    from sftimeline.service import generate_county

    if out is None:
        generate_county(sys.stdout, n, seed)
    else:
        with open(out, "w", encoding="utf-8", newline="\n") as fh:
            generate_county(fh, n, seed)


COMMANDS = [import_, families, timeline, generate]


def register(group: click.Group) -> None:
    for c in COMMANDS:
        group.add_command(c)
