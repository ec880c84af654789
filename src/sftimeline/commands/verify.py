"""`sftimeline verify`: walk the store and report what was checked and every problem.

Exit 0 when every check holds, 1 when a problem is found (each named by family), and
the usual codes otherwise (3: no store; 4: the store cannot be opened, including a
missing or wrong key).
"""

from __future__ import annotations

import click

from sftimeline.commands._common import command, store_options, store_session
from sftimeline.commands._output import write_json


@command("verify")
@click.option(
    "--full",
    is_flag=True,
    help="Re-evaluate every family's recorded decisions (default: a sample).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@store_options
@click.pass_context
def verify(ctx: click.Context, full: bool, fmt: str) -> None:
    """Check the store: events, records, retractions, the process, the read models."""
    with store_session(ctx) as store:
        result = store.verify(full=full)
    if fmt == "json":
        write_json(
            {
                "ok": result.ok,
                "families": result.families,
                "checked": result.checked,
                "sampled": result.sampled,
                "problems": [p.__dict__ for p in result.problems],
            }
        )
    else:
        for line in result.lines():
            click.echo(line)
    ctx.exit(0 if result.ok else 1)


def register(group: click.Group) -> None:
    group.add_command(verify)
