"""`sftimeline serve`: the web view and the HTTP API on the store every command uses.

It binds 127.0.0.1 unless told otherwise: the pages show every family's records, so a
wider address is a choice the council makes on purpose (and is warned about). Writes
(``POST /api/records``) need ``SFTIMELINE_API_TOKEN``; without it the server is read-only.
"""

from __future__ import annotations

import click

from sftimeline.commands._common import command, store_options, store_session


@command("serve")
@click.option("--host", "host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    "port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@store_options
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the web view (overview, families, claims register) and the JSON API.

    Pages at http://HOST:PORT/, the API under /api, its documentation at /docs.
    Read-only unless SFTIMELINE_API_TOKEN is set (then POST /api/records accepts
    records from a client sending it as a bearer token).
    """
    from sftimeline.web import Settings, create_app
    from sftimeline.web.server import is_loopback, run
    from sftimeline.web.settings import TOKEN_ENV

    with store_session(ctx) as store:
        count = len(store.families())  # a missing store is refused now, not on each page
        settings = Settings.from_env(store.url)
        if not is_loopback(host):
            click.echo(
                f"warning: serving on {host}, not a loopback address: anyone who can reach "
                "it can read every family's records",
                err=True,
            )
        click.echo(f"sftimeline: {count} families in {store.url}", err=True)
        click.echo(
            "writes: POST /api/records needs the bearer token"
            if not settings.read_only
            else f"read-only: set {TOKEN_ENV} to accept records over the API",
            err=True,
        )
        shown = f"[{host}]" if ":" in host else host
        click.echo(
            f"pages: http://{shown}:{port}/   API docs: http://{shown}:{port}/docs", err=True
        )
        run(create_app(settings, store), host, port)


COMMANDS = [serve]


def register(group: click.Group) -> None:
    for cmd in COMMANDS:
        group.add_command(cmd)
