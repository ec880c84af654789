"""`sftimeline key generate` and `sftimeline key rotate`: the council's encryption key.

The key itself is supplied to every command by ``SFTIMELINE_KEY`` (the key) or
``SFTIMELINE_KEY_FILE`` (a file holding it); see README, "Encryption at rest".
"""

from __future__ import annotations

import click

from sftimeline.commands._common import group, store_options, store_session


@group("key")
def key() -> None:
    """The encryption key of the store (records and outcome events, AES-GCM)."""


@key.command("generate")
@click.option(
    "--out",
    "out",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write the key to this new file (readable by its owner only) instead of printing it.",
)
def generate(out: str | None) -> None:
    """Print a new random key (AES-256, base64) for SFTIMELINE_KEY / SFTIMELINE_KEY_FILE."""
    from sftimeline.service import generate_key, write_new_key

    if out is None:
        click.echo(generate_key())
        return
    write_new_key(out)
    click.echo(f"wrote a new key to {out} (readable by its owner only)")


@key.command("rotate")
@click.option(
    "--new-key-file",
    "new_key_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The file holding the new key (`sftimeline key generate --out FILE`).",
)
@store_options
@click.pass_context
def rotate(ctx: click.Context, new_key_file: str) -> None:
    """Re-encrypt every record and outcome event under a new key.

    The current key comes from SFTIMELINE_KEY / SFTIMELINE_KEY_FILE (none: the store is
    in clear and becomes encrypted). Stop imports, the process and the server first.
    If interrupted, run the same command again: it resumes.
    """
    with store_session(ctx) as store:
        done = store.rotate_key(new_key_file)
    for line in done.lines():
        click.echo(line)


def register(group: click.Group) -> None:
    group.add_command(key)
