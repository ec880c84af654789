"""`sftimeline import`, `families`, `timeline` and `generate`: records in and back out."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from typing import IO, Any

import click

from sftimeline.adapters.store import RecordStore, StoreError, StoreUnavailable
from sftimeline.importer import DEFAULT_BATCH, import_files
from sftimeline.progress import import_progress
from sftimeline.projections.timeline import Timeline
from sftimeline.records import Record


class StoreProblem(click.ClickException):
    """A store error shown without a traceback; exit code 2 (like usage errors)."""

    exit_code = 2


def _url(ctx: click.Context) -> str:
    obj = ctx.find_root().obj
    if isinstance(obj, dict) and obj.get("store"):
        return str(obj["store"])
    from sftimeline.adapters.store import default_url

    return default_url()


@contextmanager
def open_store(ctx: click.Context) -> Iterator[RecordStore]:
    try:
        store = RecordStore.open(_url(ctx))
    except StoreError as exc:
        raise StoreProblem(str(exc)) from None
    try:
        yield store
    except StoreUnavailable as exc:
        raise StoreProblem(str(exc)) from None
    finally:
        store.close()


def parse_date(_ctx: Any, _param: Any, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def parse_known_at(_ctx: Any, _param: Any, value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time.max, tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date-time with offset, or a date"
        ) from None
    if parsed.tzinfo is None:
        raise click.BadParameter("needs a UTC offset, e.g. 2024-07-20T00:00:00+00:00")
    return parsed.astimezone(UTC)


def _count_lines(path: str) -> int:
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
    return n


@click.command("import")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--rejects",
    "rejects",
    type=click.File("w"),
    default=None,
    help="Write rejected lines here (JSON Lines with the error).",
)
@click.option(
    "--batch-size",
    "batch_size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH,
    show_default=True,
    help="Records per transaction.",
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
@click.pass_context
def import_(
    ctx: click.Context,
    files: tuple[str, ...],
    rejects: IO[str] | None,
    batch_size: int,
    no_process: bool,
    encoding: str,
) -> None:
    """Import interchange JSON Lines FILES (``-`` for stdin)."""
    for f in files:
        if f != "-":
            try:
                open(f, "rb").close()
            except OSError as exc:
                raise click.UsageError(f"cannot read {f}: {exc.strerror}") from None
    process_lines: list[str] = []
    with open_store(ctx) as store:
        total = None
        if sys.stderr.isatty() and "-" not in files:
            # Lines are counted in a cheap binary pass so the bar has a length.
            total = sum(_count_lines(f) for f in files)
        with import_progress(total=total) as progress:
            summary = import_files(
                store,
                files,
                batch_size=batch_size,
                rejects=rejects,
                progress=progress,
                encoding=encoding,
            )
        if not no_process and summary.stored:
            from sftimeline.commands.process import run_after_import

            process_lines = run_after_import(store)
    for line in summary.example_lines():
        click.echo(line, err=True)
    for line in summary.lines():
        click.echo(line)
    for line in process_lines:
        click.echo(line)
    ctx.exit(0 if summary.ok else 1)


@click.command("families")
@click.pass_context
def families(ctx: click.Context) -> None:
    """List the families in the store (council family codes)."""
    with open_store(ctx) as store:
        for code in store.families():
            click.echo(code)


def _record_row(r: Record) -> dict[str, Any]:
    return {
        "key": r.key,
        "type": r.type,
        "person": r.person,
        "occurred_on": r.occurred_on.isoformat(),
        "recorded_at": r.recorded_at.isoformat(),
        "fields": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.data.items()},
    }


@click.command("timeline")
@click.argument("family")
@click.option("--on", "on", required=True, callback=parse_date, help="Valid date D.")
@click.option(
    "--known-at",
    "known_at",
    default=None,
    callback=parse_known_at,
    help="Knowledge time T (default now; a date means the end of that day).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def timeline(ctx: click.Context, family: str, on: date, known_at: datetime, fmt: str) -> None:
    """A family's records as of D, as known at T, in timeline order."""
    with open_store(ctx) as store:
        try:
            records = store.family_records(family)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
    tl = Timeline.build(family, records, on, known_at)
    rows = [_record_row(r) for r in tl]
    retractions = [
        {
            "target": k,
            "by": v.by.key,
            "reason": v.reason,
            "recorded_at": v.by.recorded_at.isoformat(),
        }
        for k, v in sorted(tl.retractions.items())
    ]
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "family": family,
                    "on": on.isoformat(),
                    "known_at": known_at.isoformat(),
                    "records": rows,
                    "retractions": retractions,
                },
                indent=2,
            )
        )
        return
    click.echo(f"family {family} as of {on} known at {known_at.isoformat()}: {len(rows)} records")
    for row in rows:
        fields = " ".join(f"{k}={json.dumps(v)}" for k, v in row["fields"].items())
        click.echo(
            f"{row['occurred_on']}  {row['recorded_at'][:19]}  {row['type']:<26} "
            f"{row['person'] or '-':<6} {row['key']}  {fields}"
        )
    if retractions:
        click.echo("retractions applied:")
        for x in retractions:
            click.echo(f"  {x['target']} retracted by {x['by']} ({x['reason']})")


@click.command("generate")
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
    from sftimeline.generate import write_county

    if out is None:
        write_county(sys.stdout, n, seed)
    else:
        with open(out, "w", encoding="utf-8", newline="\n") as fh:
            write_county(fh, n, seed)


COMMANDS = [import_, families, timeline, generate]


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
