"""`sftimeline process …` and `sftimeline status`: the policy process and its status table.

``process enable ID [--file F]`` / ``process disable ID`` keep the council's enabled
frameworks in the database, ``process on D|today`` the on-date; ``process run`` catches
the process up; ``import`` runs it too when at least one framework is enabled.
``status`` answers from the status table the process keeps.
"""

from __future__ import annotations

import json
from datetime import date

import click

from sftimeline.commands._common import (
    WORKERS,
    command,
    date_option,
    echo_json,
    group,
    note_if_behind,
    store_options,
    store_session,
)


@group("process")
def process() -> None:
    """The policy process: re-evaluate changed families, record outcome events."""


@process.command("run")
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    help="Evaluate these frameworks (default: those enabled in the database).",
)
@click.option(
    "--on",
    "on",
    default=None,
    callback=date_option,
    help="On-date for eligibility (default: the `process on` setting, else today, UK).",
)
@click.option("--all", "all_families", is_flag=True, help="Also re-evaluate every family once.")
@WORKERS
@store_options
@click.pass_context
def run(
    ctx: click.Context,
    frameworks: tuple[str, ...],
    on: date | None,
    all_families: bool,
    workers: int | None,
) -> None:
    """Catch up from the tracked position: evaluate every family whose records changed."""
    with store_session(ctx) as store:
        result = store.process_run(frameworks, on, all_families, workers=workers)
    for line in result.lines():
        click.echo(line)


@process.command("enable")
@click.argument("framework")
@click.option(
    "--file",
    "file",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="The council's framework YAML for this id (kept by path).",
)
@store_options
@click.pass_context
def enable(ctx: click.Context, framework: str, file: str | None) -> None:
    """Enable a framework for the process (a packaged id, or --file)."""
    with store_session(ctx) as store:
        fw = store.process_enable(framework, file)
    click.echo(f"enabled {fw.id} (fingerprint {(fw.fingerprint or '')[:16]})")
    click.echo(
        "families are evaluated under it as their records change; "
        "`sftimeline process run --all` evaluates every family now"
    )


@process.command("disable")
@click.argument("framework")
@store_options
@click.pass_context
def disable(ctx: click.Context, framework: str) -> None:
    """Disable a framework (its recorded outcomes stay)."""
    with store_session(ctx) as store:
        store.process_disable(framework)
    click.echo(f"disabled {framework}")


def _on_value(_ctx: object, _param: object, value: str) -> date | None:
    return None if value == "today" else date_option(_ctx, _param, value)


@process.command("on")
@click.argument("when", callback=_on_value, metavar="DATE|today")
@store_options
@click.pass_context
def on_(ctx: click.Context, when: date | None) -> None:
    """Set the process's on-date: an ISO date, or `today` (the default)."""
    with store_session(ctx) as store:
        value = store.process_on(when)
    click.echo(f"on-date: {value.isoformat() if value else 'today (UK)'}")


@process.command("show")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@store_options
@click.pass_context
def show(ctx: click.Context, fmt: str) -> None:
    """Enabled frameworks, on-date, and how far the process has read."""
    with store_session(ctx) as store:
        state = store.process_show()
    if fmt == "json":
        echo_json(state.to_dict())
        return
    click.echo(
        "frameworks: "
        + (
            ", ".join(f.id + (f" ({f.file})" if f.file else "") for f in state.frameworks)
            or "none enabled"
        )
    )
    click.echo(f"on-date:    {state.on.isoformat() if state.on else 'today (UK)'}")
    click.echo(
        f"position:   {state.position} of {state.head}"
        + ("" if not state.behind else " (behind: run `process run`)")
    )
    click.echo(
        "encryption: "
        + (
            "records and outcome events encrypted (AES-GCM, the council's key)"
            if state.encrypted
            else "none: this store was created without a key, its records are stored in clear"
        )
    )
    click.echo(f"failures:   {len(state.failures) or 'none'}")
    for f in state.failures:
        what = f"claim {f['claim']}" if f["claim"] else f["framework"]
        click.echo(f"  {f['family']} ({what}): {f['reason'] or 'see its outcome events'}")


@command("status")
@click.option("--framework", "framework", default=None)
@click.option("--family", "family", default=None)
@click.option(
    "--eligible-by",
    "eligible_by",
    default=None,
    callback=date_option,
    help="Families eligible on or before this date if nothing else is recorded.",
)
@click.option("--pending", "pending", is_flag=True, help="Families whose status is pending.")
@click.option(
    "--regressed-since",
    "regressed_since",
    default=None,
    callback=date_option,
    help="Families with a regression learnt on or after this date.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl"]),
    default="table",
    show_default=True,
)
@store_options
@click.pass_context
def status(
    ctx: click.Context,
    framework: str | None,
    family: str | None,
    eligible_by: date | None,
    pending: bool,
    regressed_since: date | None,
    fmt: str,
) -> None:
    """Families' status from the status table (kept by the process; no re-evaluation)."""
    with store_session(ctx) as store:
        rows = store.status(
            framework,
            family,
            eligible_by=eligible_by,
            pending=pending,
            regressed_since=regressed_since,
        )
        note_if_behind(store)
        in_clear = not store.encrypted()
    if fmt == "json":
        echo_json([r.to_dict() for r in rows])
        return
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r.to_dict(), ensure_ascii=False))
        return
    click.echo(
        f"{'family':<16} {'framework':<20} {'status':<18} {'eligible_from':<13} "
        f"{'pending_to':<11} {'regressed':<11} on"
    )
    for r in rows:
        click.echo(
            f"{r.family:<16} {r.framework:<20} {r.status:<18} "
            f"{r.eligible_from.isoformat() if r.eligible_from else '-':<13} "
            f"{r.earliest_pending.isoformat() if r.earliest_pending else '-':<11} "
            f"{r.last_regression.isoformat() if r.last_regression else '-':<11} "
            f"{r.on_date.isoformat()}"
        )
        if r.entry_not_shown:
            click.echo(f"    entry not shown: {', '.join(r.entry_not_shown)}")
        if r.status == "evaluation_failed":
            click.echo(f"    evaluation failed: {r.reason}")
    click.echo(f"\n{len(rows)} row(s)")
    if in_clear:
        click.echo("note: this store was created without a key: its records are in clear", err=True)


COMMANDS = [process, status]


def register(group: click.Group) -> None:
    for c in COMMANDS:
        group.add_command(c)
