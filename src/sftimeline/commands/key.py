"""`sftimeline key generate` and `sftimeline key rotate`: the council's encryption key.

The key itself is supplied to every command by ``SFTIMELINE_KEY`` (the key) or
``SFTIMELINE_KEY_FILE`` (a file holding it); see README, "Encryption at rest".
"""

from __future__ import annotations

import os

import click

from sftimeline.adapters.store import StoreError


class KeyCommandProblem(click.ClickException):
    """A key or store problem, shown without a traceback; exit code 2."""

    exit_code = 2


def _url(ctx: click.Context) -> str | None:
    obj = ctx.find_root().obj
    return str(obj["store"]) if isinstance(obj, dict) and obj.get("store") else None


@click.group("key")
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
    from sftimeline.adapters.cipher import generate_key

    value = generate_key()
    if out is None:
        click.echo(value)
        return
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise KeyCommandProblem(f"cannot create {out}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    click.echo(f"wrote a new key to {out} (readable by its owner only)")


@key.command("rotate")
@click.option(
    "--new-key-file",
    "new_key_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The file holding the new key (`sftimeline key generate --out FILE`).",
)
@click.pass_context
def rotate(ctx: click.Context, new_key_file: str) -> None:
    """Re-encrypt every record and outcome event under a new key.

    The current key comes from SFTIMELINE_KEY / SFTIMELINE_KEY_FILE (none: the store is
    in clear and becomes encrypted). Stop imports, the process and the server first.
    If interrupted, run the same command again: it resumes.
    """
    from sftimeline.adapters.cipher import key_from_env, read_key_file
    from sftimeline.adapters.rekey import rotate_key
    from sftimeline.adapters.store import default_url

    try:
        new = read_key_file(new_key_file)
        done = rotate_key(_url(ctx) or default_url(), key_from_env(), new)
    except StoreError as exc:
        raise KeyCommandProblem(str(exc)) from None
    for line in done.lines():
        click.echo(line)


def register(group: click.Group) -> None:
    group.add_command(key)
