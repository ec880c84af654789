"""`sftimeline process …` and `sftimeline status`: the policy process and its status table.

``process enable ID [--file F]`` / ``process disable ID`` keep the council's enabled
frameworks in the database (table ``sftimeline_settings``), ``process on D|today`` the
on-date; ``process run`` catches the process up; ``import`` runs it too when at least one
framework is enabled. ``status`` answers from the ``sftimeline_status`` table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import click
from sqlalchemy.engine import Engine

from sftimeline.adapters.store import RecordStore, StoreError
from sftimeline.commands.records import StoreProblem, open_store, parse_date
from sftimeline.policies.loader import FrameworkError, load_framework


def _url(ctx: click.Context) -> str:
    from sftimeline.commands.records import _url as records_url

    return records_url(ctx)


@contextmanager
def _engine(ctx: click.Context) -> Iterator[Engine]:
    from sftimeline.adapters.sql import engine_for_url

    try:
        engine = engine_for_url(_url(ctx))
    except StoreError as exc:
        raise StoreProblem(str(exc)) from None
    try:
        yield engine
    except StoreError as exc:
        raise StoreProblem(str(exc)) from None
    except Exception as exc:  # SQLAlchemy OperationalError and kin: no traceback
        if type(exc).__module__.startswith("sqlalchemy"):
            raise StoreProblem(f"cannot use store {_url(ctx)!r}: {exc}") from None
        raise
    finally:
        engine.dispose()


def run_process(
    store: RecordStore,
    *,
    frameworks: tuple[str, ...] = (),
    on: date | None = None,
    all_families: bool = False,
) -> list[str]:
    """Run the policy process once over ``store``; the summary lines to print."""
    from sftimeline.adapters.outcomes import PolicyProcess

    try:
        with PolicyProcess.from_settings(store, frameworks=frameworks, on=on) as proc:
            if not proc.frameworks:
                raise click.UsageError(
                    "no framework enabled: `sftimeline process enable ID` or give --framework"
                )
            return proc.run(all_families=all_families).lines()
    except FrameworkError as exc:
        raise click.ClickException(str(exc)) from None
    except StoreError as exc:
        raise StoreProblem(str(exc)) from None


def run_after_import(store: RecordStore) -> list[str]:
    """Run the process after an import when the council has enabled a framework."""
    from sftimeline.adapters.outcomes import enabled_frameworks
    from sftimeline.adapters.sql import engine_for_url

    engine = engine_for_url(store.url)
    try:
        if not enabled_frameworks(engine):
            return []
    finally:
        engine.dispose()
    return ["process:", *("  " + line for line in run_process(store))]


@click.group("process")
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
    callback=parse_date,
    help="On-date for eligibility (default: the `process on` setting, else today, UK).",
)
@click.option("--all", "all_families", is_flag=True, help="Also re-evaluate every family once.")
@click.pass_context
def run(
    ctx: click.Context, frameworks: tuple[str, ...], on: date | None, all_families: bool
) -> None:
    """Catch up from the tracked position: evaluate every family whose records changed."""
    with open_store(ctx) as store:
        for line in run_process(store, frameworks=frameworks, on=on, all_families=all_families):
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
@click.pass_context
def enable(ctx: click.Context, framework: str, file: str | None) -> None:
    """Enable a framework for the process (a packaged id, or --file)."""
    from sftimeline.adapters.outcomes import enable_framework

    try:
        fw = load_framework(file or framework)
    except FrameworkError as exc:
        raise click.ClickException(str(exc)) from None
    if fw.id != framework:
        raise click.UsageError(f"{file} defines framework {fw.id!r}, not {framework!r}")
    with _engine(ctx) as engine:
        enable_framework(engine, fw, file)
    click.echo(f"enabled {fw.id} (fingerprint {fw.fingerprint[:16]})")
    click.echo(
        "families are evaluated under it as their records change; "
        "`sftimeline process run --all` evaluates every family now"
    )


@process.command("disable")
@click.argument("framework")
@click.pass_context
def disable(ctx: click.Context, framework: str) -> None:
    """Disable a framework (its recorded outcomes stay)."""
    from sftimeline.adapters.outcomes import disable_framework

    with _engine(ctx) as engine:
        if not disable_framework(engine, framework):
            raise click.UsageError(f"{framework} is not enabled")
    click.echo(f"disabled {framework}")


@process.command("on")
@click.argument("when")
@click.pass_context
def on_(ctx: click.Context, when: str) -> None:
    """Set the process's on-date: an ISO date, or `today` (the default)."""
    from sftimeline.adapters.outcomes import set_on

    if when == "today":
        value = None
    else:
        try:
            value = date.fromisoformat(when)
        except ValueError:
            raise click.BadParameter("an ISO date (YYYY-MM-DD) or `today`") from None
    with _engine(ctx) as engine:
        set_on(engine, value)
    click.echo(f"on-date: {value.isoformat() if value else 'today (UK)'}")


def warn_if_behind(ctx: click.Context) -> None:
    """On stderr: the read models are behind the records (the process has not run since)."""
    from sftimeline.adapters.outcomes import LEADER, FamilyOutcomesApp, outcomes_env

    with open_store(ctx) as store:
        head = store.app.recorder.max_notification_id() or 0
        app = FamilyOutcomesApp(env=outcomes_env(store.url))
        try:
            pos = app.process_recorder.max_tracking_id(LEADER) or 0
        finally:
            app.close()
    if pos < head:
        click.echo(
            f"note: {head - pos} record event(s) not yet processed; "
            "run `sftimeline process run` for an up-to-date answer",
            err=True,
        )


@process.command("show")
@click.pass_context
def show(ctx: click.Context) -> None:
    """Enabled frameworks, on-date, and how far the process has read."""
    from sftimeline.adapters.outcomes import (
        LEADER,
        FamilyOutcomesApp,
        configured_on,
        enabled_frameworks,
        outcomes_env,
    )

    with _engine(ctx) as engine:
        fws = enabled_frameworks(engine)
        on = configured_on(engine)
    with open_store(ctx) as store:
        app = FamilyOutcomesApp(env=outcomes_env(store.url))
        try:
            pos = app.process_recorder.max_tracking_id(LEADER) or 0
        finally:
            app.close()
        head = store.app.recorder.max_notification_id() or 0
    click.echo(
        "frameworks: "
        + (", ".join(f.id + (f" ({f.file})" if f.file else "") for f in fws) or "none enabled")
    )
    click.echo(f"on-date:    {on.isoformat() if on else 'today (UK)'}")
    click.echo(
        f"position:   {pos} of {head}" + ("" if pos >= head else " (behind: run `process run`)")
    )


@click.command("status")
@click.option("--framework", "framework", default=None)
@click.option("--family", "family", default=None)
@click.option(
    "--eligible-by",
    "eligible_by",
    default=None,
    callback=parse_date,
    help="Families eligible on or before this date if nothing else is recorded.",
)
@click.option("--pending", "pending", is_flag=True, help="Families whose status is pending.")
@click.option(
    "--regressed-since",
    "regressed_since",
    default=None,
    callback=parse_date,
    help="Families with a regression learnt on or after this date.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl"]),
    default="table",
    show_default=True,
)
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
    from sftimeline.readmodels.status import query_status

    with _engine(ctx) as engine:
        rows = list(
            query_status(
                engine,
                framework=framework,
                family=family,
                eligible_by=eligible_by,
                pending=pending,
                regressed_since=regressed_since,
            )
        )
    warn_if_behind(ctx)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in rows], indent=2))
        return
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r.to_dict()))
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
    click.echo(f"\n{len(rows)} row(s)")


COMMANDS = [process, status]


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
