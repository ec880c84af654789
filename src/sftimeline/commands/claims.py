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
from typing import TYPE_CHECKING

import click

from sftimeline.commands._common import (
    date_option,
    echo_catch_up,
    group,
    note_if_behind,
    store_options,
    store_session,
)
from sftimeline.commands._output import format_option, listing

if TYPE_CHECKING:
    from sftimeline.service.results import Claim


@group("claims", invoke_without_command=True)
@click.option("--at-risk", "at_risk", is_flag=True, help="Only claims at risk.")
@click.option(
    "--entry-not-shown",
    "entry_not_shown",
    is_flag=True,
    help="Only claims resting on an entry condition the records do not show (AMB-A07).",
)
@click.option("--framework", "framework", default=None, help="Only claims under this framework.")
@click.option("--family", "family", default=None, help="Only this family's claims.")
@format_option()
@store_options
@click.pass_context
def claims(
    ctx: click.Context,
    at_risk: bool,
    entry_not_shown: bool,
    framework: str | None,
    family: str | None,
    fmt: str,
) -> None:
    """List every submitted claim with its state now (the claims register).

    A claim under a framework the policy process does not follow is listed as not
    assessed, with the command that has it assessed.
    """
    if ctx.invoked_subcommand is not None:
        return
    with store_session(ctx) as store:
        rows = store.claims(
            at_risk=at_risk, framework=framework, family=family, entry_not_shown=entry_not_shown
        )
        note_if_behind(store)
    listing(
        fmt,
        [r.to_dict() for r in rows],
        CLAIM_COLUMNS,
        (
            (
                r.family,
                r.claim_date,
                r.framework,
                r.state,
                r.status_at_submission,
                r.status_now,
                r.claim,
                "; ".join(
                    [
                        *([r.note] if r.note else []),
                        *(
                            ["entry not shown: " + ", ".join(r.entry_not_shown)]
                            * bool(r.entry_not_shown)
                        ),
                    ]
                ),
            )
            for r in rows
        ),
    )
    if fmt == "table":
        click.echo(f"\n{len(rows)} claim(s)")


def _why(claim: Claim) -> str:
    """The register's last column: what put a claim at risk, why it is not assessed, and
    the criteria whose entry the records do not show."""
    parts = [claim.note] if claim.note else []
    if claim.entry_not_shown:
        parts.append("entry not shown: " + ", ".join(claim.entry_not_shown))
    return "; ".join(parts)


CLAIM_COLUMNS = ["family", "claim date", "framework", "state", "then", "now", "claim", "why"]


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
