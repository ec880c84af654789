"""What the command modules share: the store option, errors and exit codes, dates, output.

Not a command module (it registers nothing): the command modules import it and the
service layer, never each other. Light on purpose — ``sftimeline --help`` imports it —
so the service is imported inside :func:`store_session`, when a command runs.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sftimeline.service.errors import EXIT_CODES, ServiceError, UsageProblem
from sftimeline.service.inputs import DEFAULT_URL, ENV, parse_date, parse_known_at

if TYPE_CHECKING:
    from sftimeline.service import Store
    from sftimeline.service.results import CatchUp

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
_DB = "sftimeline.db"


# -- errors -------------------------------------------------------------------------


class ServiceFailure(click.ClickException):
    """A service error shown as ``Error: …`` on stderr, with its kind's exit code."""


#: One exception class per kind of error, each with its exit code.
_FAILURES = {
    kind: type(f"ServiceFailure_{kind}", (ServiceFailure,), {"exit_code": code})
    for kind, code in EXIT_CODES.items()
}


def _translate(ctx: click.Context, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except UsageProblem as exc:
        raise click.UsageError(str(exc), ctx) from None
    except ServiceError as exc:
        raise _FAILURES[exc.kind](str(exc)) from None


class Command(click.Command):
    """A command whose service errors become clean messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        return _translate(ctx, lambda: super(Command, self).invoke(ctx))


class Group(click.Group):
    """A group whose own callback and subcommands translate service errors likewise."""

    command_class = Command

    def invoke(self, ctx: click.Context) -> Any:
        return _translate(ctx, lambda: super(Group, self).invoke(ctx))


Group.group_class = Group


def command(name: str, **kw: Any) -> Callable[[F], Command]:
    return click.command(name, cls=Command, **kw)


def group(name: str | None = None, **kw: Any) -> Callable[[F], Group]:
    return click.group(name, cls=Group, **kw)


# -- the store ----------------------------------------------------------------------


def _remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    if param.name == "deprecated_store":
        click.echo("note: --store is deprecated; use --db", err=True)
    ctx.meta[_DB] = value


def store_options(f: F) -> F:
    """``--db URL`` (and the deprecated ``--store``), on the group and on each command.

    The last one given wins, so ``sftimeline --db A evaluate --db B`` reads B; without
    either, ``SFTIMELINE_DB``, else ``./sftimeline.sqlite`` (the service's rule).
    """
    f = click.option(
        "--store",
        "deprecated_store",
        metavar="URL",
        hidden=True,
        expose_value=False,
        callback=_remember,
        help="Deprecated name of --db.",
    )(f)
    return click.option(
        "--db",
        "db",
        metavar="URL",
        expose_value=False,
        callback=_remember,
        help=f"Store: a SQLite file, or postgresql://user@host:port/dbname[?schema=S] "
        f"(env {ENV}; default {DEFAULT_URL}).",
    )(f)


@contextmanager
def store_session(ctx: click.Context) -> Iterator[Store]:
    """The store the options (or environment) name, closed after the command."""
    from sftimeline.service import open_store

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DeprecationWarning)
        store = open_store(ctx.meta.get(_DB))
    for w in caught:
        click.echo(f"note: {w.message}", err=True)
    try:
        yield store
    finally:
        store.close()


def note_if_behind(store: Store) -> None:
    """On stderr: the read models are behind the records (the process has not run since)."""
    behind = store.pending_events()
    if behind:
        click.echo(
            f"note: {behind} record event(s) not yet processed; "
            "run `sftimeline process run` for an up-to-date answer",
            err=True,
        )


def echo_catch_up(catch_up: CatchUp | None) -> None:
    """The policy process's run after a write, or its warning (stderr): never an error."""
    if catch_up is None:
        return
    if catch_up.run is not None:
        click.echo("process:")
        for line in catch_up.run.lines():
            click.echo("  " + line)
    if catch_up.warning:
        click.echo(f"warning: {catch_up.warning}", err=True)


# -- option values ------------------------------------------------------------------


def option_value(parse: Callable[[str], T]) -> Callable[[Any, Any, str | None], T | None]:
    """A click callback parsing an option's value with a service parser; its message
    becomes click's "Invalid value for '--OPTION': …", naming the option."""

    def callback(_ctx: Any, _param: Any, value: str | None) -> T | None:
        if value is None:
            return None
        try:
            return parse(value)
        except UsageProblem as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


#: An ISO date option (None when not given).
date_option = option_value(parse_date)


def known_at_option(ctx: Any, param: Any, value: str | None) -> datetime:
    """A knowledge-time option: now by default; a date means the end of that day."""
    return option_value(parse_known_at)(ctx, param, value or "now") or parse_known_at(None)


KNOWN_AT = click.option(
    "--known-at",
    "known_at",
    default=None,
    callback=known_at_option,
    help="Knowledge time T (default now; a date means the end of that day).",
)
WORKERS = click.option(
    "--workers",
    "workers",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes to share the families (default: every core); the output is the same.",
)


LIMITS = click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=VALUE",
    help="Change an input limit (repeatable; docs/records.md, Limits): max_line_bytes, "
    "max_string_chars, max_depth, max_integer_digits, earliest, latest.",
)
FRAMEWORK = click.option(
    "--framework", "framework", default="national-2022", show_default=True, metavar="ID"
)
FRAMEWORK_FILE = click.option(
    "--framework-file",
    "framework_file",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="A council's framework YAML.",
)


def framework_choice(framework: str, framework_file: str | None) -> tuple[str, str | None]:
    """(id, file): ``--framework`` naming a YAML file still means that file."""
    if framework_file is None and (framework.endswith((".yaml", ".yml")) or "/" in framework):
        return framework, framework
    return framework, framework_file


# -- output -------------------------------------------------------------------------


def started(items: Iterator[T]) -> Iterator[T]:
    """The same items, the first already pulled: a streamed answer fails (no store, no
    such family) before anything is written, never after a table's header."""
    try:
        first = next(items)
    except StopIteration:
        return iter(())
    return itertools.chain([first], items)


class PrivateFile(click.File):
    """``click.File("w")`` whose new file is readable by its owner only (rejects hold
    records' data); ``-`` is standard output."""

    def __init__(self) -> None:
        super().__init__("w")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value == "-" or not isinstance(value, str):
            return super().convert(value, param, ctx)
        from sftimeline.service import open_private

        try:
            fh = open_private(value)
        except OSError as exc:
            self.fail(f"cannot write {value!r}: {exc.strerror}", param, ctx)
        if ctx is not None:
            ctx.call_on_close(fh.close)
        return fh
