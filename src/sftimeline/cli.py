"""The ``sftimeline`` command group.

Commands live in modules of :mod:`sftimeline.commands`; each module has a
``register(group)`` function. To add a module, add one line to ``COMMAND_MODULES``.
"""

from __future__ import annotations

import importlib

import click

from sftimeline.adapters.store import DEFAULT_DB

#: Command modules, registered in this order.
COMMAND_MODULES: list[str] = [
    "sftimeline.commands.records",
    "sftimeline.commands.decisions",
    "sftimeline.commands.frameworks",
    "sftimeline.commands.process",
    "sftimeline.commands.claims",
    "sftimeline.commands.audit",
    "sftimeline.commands.schema",
    "sftimeline.commands.key",
    "sftimeline.commands.verify",
]


@click.group()
@click.option(
    "--db",
    "db",
    envvar="SFTIMELINE_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="Store: a SQLite file path, or postgresql://user@host:port/dbname[?schema=S] "
    "(env SFTIMELINE_DB).",
)
@click.pass_context
def main(ctx: click.Context, db: str) -> None:
    """Supporting Families outcomes: records in, decisions as of any date, as known at any time."""
    ctx.ensure_object(dict)
    ctx.obj["store"] = db
    ctx.obj["store_url"] = db


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(main)
