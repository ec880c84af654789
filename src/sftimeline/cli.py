"""The ``sftimeline`` command group.

Commands live in modules of :mod:`sftimeline.commands`; each module has a
``register(group)`` function. To add a module, add one line to ``COMMAND_MODULES``.

Start-up is kept light (``sftimeline --help`` loads no SQLAlchemy, eventsourcing or
record models): command modules import only click and ``commands._common``, and call
the service layer (:mod:`sftimeline.service`) inside their functions.
"""

from __future__ import annotations

import importlib
import os

import click

from sftimeline.commands._common import group, store_options

#: the eventsourcing library's setting of the PostgreSQL connections a pool opens at once
POOL_SIZE_ENV = "POSTGRES_POOL_SIZE"
#: commands that serve requests concurrently, and keep the library's pool size
CONCURRENT_COMMANDS = frozenset({"serve"})

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
    "sftimeline.commands.mapping",
    "sftimeline.commands.serve",
]


@group()
@click.version_option(package_name="sftimeline", message="sftimeline %(version)s")
@store_options
@click.pass_context
def main(ctx: click.Context) -> None:
    """Supporting Families outcomes: records in, decisions as of any date, as known at any time."""
    ctx.ensure_object(dict)
    if ctx.invoked_subcommand not in CONCURRENT_COMMANDS:
        # The library's PostgreSQL pools open POSTGRES_POOL_SIZE connections each (5 by
        # default) as the store opens; a command uses one at a time, and the others
        # cost the server a backend each and the command's start-up ≈ 50 ms (issue 14).
        # More open when asked for (POSTGRES_MAX_OVERFLOW); a setting of the council's wins.
        os.environ.setdefault(POOL_SIZE_ENV, "1")


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(main)
