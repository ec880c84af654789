"""`sftimeline verify`: walk the store and report what was checked and every problem.

Exit 0 when every check holds, 1 when a problem is found (each named by family), 2 when
the store cannot be opened (including a missing or wrong key).
"""

from __future__ import annotations

import json

import click

from sftimeline.adapters.store import StoreError


class VerifyProblem(click.ClickException):
    """The store cannot be opened or read; exit code 2 (like other store errors)."""

    exit_code = 2


@click.command("verify")
@click.option(
    "--full",
    is_flag=True,
    help="Re-evaluate every family's recorded decisions (default: a sample).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def verify(ctx: click.Context, full: bool, fmt: str) -> None:
    """Check the store: events, records, retractions, the process, the read models."""
    from sftimeline.adapters.store import RecordStore
    from sftimeline.adapters.verify import verify_store

    obj = ctx.find_root().obj
    url = str(obj["store"]) if isinstance(obj, dict) and obj.get("store") else None
    try:
        with RecordStore.open(url) as store:
            result = verify_store(store, full=full)
    except StoreError as exc:
        raise VerifyProblem(str(exc)) from None
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ok": result.ok,
                    "families": result.families,
                    "checked": result.checked,
                    "sampled": result.sampled,
                    "problems": [p.__dict__ for p in result.problems],
                },
                indent=2,
            )
        )
    else:
        for line in result.lines():
            click.echo(line)
    ctx.exit(0 if result.ok else 1)


def register(group: click.Group) -> None:
    group.add_command(verify)
