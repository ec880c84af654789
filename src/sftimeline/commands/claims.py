"""`sftimeline claims` (the claims register) and `sftimeline claims submit`.

A claim is a ``claim_submitted`` record (interchange.md): ``claims submit`` stores one
through the normal import path (validated like any imported line, de-duplicated by
``source`` + ``source_id``), then runs the policy process when a framework is enabled,
which assesses the claim. The register answers from the ``sftimeline_claims`` table the
process keeps: each claim's state now (``sound``, ``at_risk``, ``unsupported`` — not
eligible even as known when it was made —, ``withdrawn``, ``not_assessable``) and, for a
claim at risk, the late record or retraction that put it at risk.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import click

from sftimeline.adapters.store import StoreError
from sftimeline.commands.process import _engine, run_after_import, warn_if_behind
from sftimeline.commands.records import open_store, parse_date
from sftimeline.policies.loader import FrameworkError, load_framework


@click.group("claims", invoke_without_command=True)
@click.option("--at-risk", "at_risk", is_flag=True, help="Only claims at risk.")
@click.option("--framework", "framework", default=None, help="Only claims under this framework.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def claims(ctx: click.Context, at_risk: bool, framework: str | None, fmt: str) -> None:
    """List every submitted claim with its state now (the claims register)."""
    if ctx.invoked_subcommand is not None:
        return
    from sftimeline.readmodels.status import query_claims

    with _engine(ctx) as engine:
        rows = list(query_claims(engine, framework=framework, at_risk=at_risk))
    warn_if_behind(ctx)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in rows], indent=2))
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
@click.option("--on", "on", required=True, callback=parse_date, help="The claim date.")
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
    from sftimeline.importer import import_files

    try:
        load_framework(framework)
    except FrameworkError as exc:
        raise click.UsageError(f"unknown framework: {exc}") from None
    bad = [c for c in criteria if not c.startswith(framework + ":")]
    if bad:
        raise click.UsageError(f"criteria must be of {framework}: {', '.join(bad)}")
    now = datetime.now(UTC)
    line: dict[str, object] = {
        "type": "claim_submitted",
        "family": family,
        "occurred_on": on.isoformat(),
        "recorded_at": now.isoformat(),
        "source": "sftimeline-claims",
        "source_id": source_id or f"claim:{framework}:{on.isoformat()}",
        "framework": framework,
    }
    if criteria:
        line["criteria"] = list(criteria)
    with open_store(ctx) as store:
        try:
            store.family_records(family)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
        summary = import_files(store, ["-"], stdin=io.StringIO(json.dumps(line) + "\n"))
        for r in summary.rejected:
            raise click.ClickException(f"claim rejected: {r.message}")
        for c in summary.conflicts:
            raise click.ClickException(
                f"a different claim {c.key} is already stored; give another --source-id"
            )
        if summary.duplicates:
            click.echo(f"claim {line['source']}:{line['source_id']} is already recorded")
        else:
            click.echo(f"claim {line['source']}:{line['source_id']} recorded at {now.isoformat()}")
        for out in run_after_import(store):
            click.echo(out)


COMMANDS = [claims]


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
