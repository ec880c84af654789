"""`sftimeline process …` and `sftimeline status`: the policy process and its status table.

``process enable ID [--file F]`` / ``process disable ID`` keep the council's enabled
frameworks in the database, ``process on D|today`` the on-date; ``process run`` catches
the process up; ``import`` runs it too when at least one framework is enabled.
``status`` answers from the status table the process keeps.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from sftimeline.commands._common import (
    WORKERS,
    command,
    date_option,
    group,
    note_if_behind,
    option_value,
    store_options,
    store_session,
)
from sftimeline.commands._output import format_option, listing, write_json
from sftimeline.service.learned import learned_after

if TYPE_CHECKING:
    from sftimeline.policies.evaluator import Decision


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
    """Catch up from the tracked position: evaluate every family whose records changed.

    On PostgreSQL --workers forks that many workers of a shared queue; several runs, on
    one machine or many, share the same queue.
    """
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
        write_json(state.to_dict())
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
    "--learned-since",
    "learned_since",
    default=None,
    metavar="T",
    callback=option_value(learned_after),
    help="Instead: decisions changed by records recorded after T (a date: from its start), "
    "whatever their dates (what a backfill changed); re-evaluates those families.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="STATUS",
    help="Only rows with this status (repeatable): eligible, pending, not_eligible, ...",
)
@format_option()
@store_options
@click.pass_context
def status(
    ctx: click.Context,
    framework: str | None,
    family: str | None,
    eligible_by: date | None,
    pending: bool,
    regressed_since: date | None,
    learned_since: datetime | None,
    statuses: tuple[str, ...],
    fmt: str,
) -> None:
    """Families' status from the status table (kept by the process; no re-evaluation)."""
    if learned_since is not None:
        _learned(ctx, learned_since, framework, family, fmt)
        return
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
    if statuses:
        rows = [r for r in rows if r.status in statuses]
    listing(
        fmt,
        [r.to_dict() for r in rows],
        STATUS_COLUMNS,
        (
            (
                r.family,
                r.framework,
                r.status,
                r.eligible_from,
                r.earliest_pending,
                r.last_regression,
                r.on_date,
                ", ".join(r.entry_not_shown),
                f"evaluation failed: {r.reason}" if r.status == "evaluation_failed" else "",
            )
            for r in rows
        ),
    )
    if fmt == "table":
        click.echo(f"\n{len(rows)} row(s)")
        if in_clear:
            click.echo(
                "note: this store was created without a key: its records are in clear", err=True
            )


def _learned(
    ctx: click.Context, since: datetime, framework: str | None, family: str | None, fmt: str
) -> None:
    """``status --learned-since``: each changed decision, before and after."""
    with store_session(ctx) as store:
        changes = store.learned_since(since, [framework] if framework else (), family=family)
    listing(
        fmt,
        [c.to_dict() for c in changes],
        ["family", "framework", "on", "before", "after", "learnt", "what changed"],
        (
            (
                c.family,
                c.framework,
                c.on,
                _state(c.before),
                _state(c.after),
                f"{len(c.learnt)} record(s)",
                "; ".join(c.changes),
            )
            for c in changes
        ),
    )
    if fmt == "table":
        click.echo(f"\n{len(changes)} decision(s) changed by records recorded after {since}")


def _state(d: Decision) -> str:
    return d.status + (f" from {d.eligible_from}" if d.eligible_from else "")


STATUS_COLUMNS = [
    "family",
    "framework",
    "status",
    "eligible_from",
    "pending_to",
    "regressed",
    "on",
    "entry not shown",
    "failure",
]


COMMANDS = [process, status]


def register(group: click.Group) -> None:
    for c in COMMANDS:
        group.add_command(c)
