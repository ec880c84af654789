"""The ``sftimeline`` command group.

Commands live in modules of :mod:`sftimeline.commands`; each module has a
``register(group)`` function. To add a module, add one line to ``COMMAND_MODULES``.

Start-up is kept light (``sftimeline --help`` loads no SQLAlchemy, eventsourcing or
record models): command modules import only click and ``commands._common``, and call
the service layer (:mod:`sftimeline.service`) inside their functions.
"""

from __future__ import annotations

import importlib

import click

from sftimeline.commands._common import group, store_options

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


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(main)
