"""`sftimeline records schema`: the JSON Schema of the interchange records."""

from __future__ import annotations

import click


@click.group("records")
def records() -> None:
    """The interchange record format (documented in docs/records.md)."""


@records.command("schema")
def schema() -> None:
    """Print the JSON Schema (2020-12) of one interchange record."""
    from sftimeline.records_doc import schema_json

    click.echo(schema_json(), nl=False)


def register(group: click.Group) -> None:
    group.add_command(records)
