"""`sftimeline claims` (the claims register) and `sftimeline claims submit`.

A claim is a ``claim_submitted`` record: ``claims submit`` stores one through the normal
import path (validated like any imported line, de-duplicated by ``source`` +
``source_id``), then the policy process assesses it when a framework is enabled. The
register lists each claim's state now (``sound``, ``at_risk``, ``unsupported`` — not
eligible even as known when it was made —, ``withdrawn``, ``not_assessable``) and, for a
claim at risk, the late record or retraction that put it at risk.
"""

from __future__ import annotations

from datetime import date

import click

from sftimeline.commands._common import (
    date_option,
    echo_catch_up,
    echo_json,
    group,
    note_if_behind,
    store_options,
    store_session,
)


@group("claims", invoke_without_command=True)
@click.option("--at-risk", "at_risk", is_flag=True, help="Only claims at risk.")
@click.option(
    "--entry-not-shown",
    "entry_not_shown",
    is_flag=True,
    help="Only claims resting on an entry condition the records do not show (AMB-A07).",
)
@click.option("--framework", "framework", default=None, help="Only claims under this framework.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@store_options
@click.pass_context
def claims(
    ctx: click.Context, at_risk: bool, entry_not_shown: bool, framework: str | None, fmt: str
) -> None:
    """List every submitted claim with its state now (the claims register)."""
    if ctx.invoked_subcommand is not None:
        return
    with store_session(ctx) as store:
        rows = store.claims(at_risk=at_risk, framework=framework, entry_not_shown=entry_not_shown)
        note_if_behind(store)
    if fmt == "json":
        echo_json([r.to_dict() for r in rows])
        return
    click.echo(
        f"{'family':<12} {'claim date':<11} {'framework':<16} {'state':<15} "
        f"{'then':<18} {'now':<18} claim"
    )
    for r in rows:
        click.echo(
            f"{r.family:<12} {r.claim_date.isoformat():<11} {r.framework:<16} {r.state:<15} "
            f"{r.status_at_submission or '-':<18} {r.status_now or '-':<18} {r.claim}"
        )
        if r.entry_not_shown:
            click.echo(f"    entry not shown: {', '.join(r.entry_not_shown)}")
        if r.state == "at_risk":
            for c in r.caused_by:
                click.echo(
                    f"    at risk by {c['type']} {c['key']} (dated {c['occurred_on']}, "
                    f"recorded {c['recorded_at']})"
                )
    click.echo(f"\n{len(rows)} claim(s)")


@claims.command("submit")
@click.argument("family")
@click.option("--framework", "framework", required=True)
@click.option("--on", "on", required=True, callback=date_option, help="The claim date.")
@click.option(
    "--criteria",
    "criteria",
    multiple=True,
    help="A claimed criterion (repeatable), e.g. national-2022:7.1.",
)
@click.option(
    "--source-id",
    "source_id",
    default=None,
    help="The claim's id (default claim:<framework>:<date>; re-submitting it changes nothing).",
)
@store_options
@click.pass_context
def submit(
    ctx: click.Context,
    family: str,
    framework: str,
    on: date,
    criteria: tuple[str, ...],
    source_id: str | None,
) -> None:
    """Record a claim for FAMILY under a framework on a date (recorded now)."""
    with store_session(ctx) as store:
        result = store.submit_claim(family, framework, on, criteria, source_id)
    if result.already_recorded:
        click.echo(f"claim {result.claim} is already recorded")
    else:
        click.echo(f"claim {result.claim} recorded at {result.recorded_at.isoformat()}")
    echo_catch_up(result.process)


COMMANDS = [claims]


def register(group: click.Group) -> None:
    for c in COMMANDS:
        group.add_command(c)
