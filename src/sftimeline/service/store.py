"""The :class:`Store`: the one object every front door (CLI, Python API, HTTP) calls.

Its methods are grouped by job in the service modules it combines — records out
(:mod:`.records`), decisions (:mod:`.decisions`), the policy process and its read models
(:mod:`.process`), what a backfill changed (:mod:`.learned`), records in (:mod:`.writes`),
integrity and keys (:mod:`.keys`) — and
the frameworks
(:mod:`.catalogue`), which need no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sftimeline.service import catalogue
from sftimeline.service.inputs import resolve_url
from sftimeline.service.keys import KeysService
from sftimeline.service.learned import LearnedService
from sftimeline.service.writes import WritesService

if TYPE_CHECKING:
    from sftimeline.service.results import FrameworkCheck, FrameworkSummary


class Store(WritesService, LearnedService, KeysService):
    """A council's store: its records, the decisions they support, the process's outcomes.

    Open one with :func:`open_store`; use it as a context manager (or call
    :meth:`close`) to release its connections. Nothing is opened until a method needs it,
    and a method that only reads never creates a store.
    """

    def frameworks(self) -> list[FrameworkSummary]:
        """Every packaged framework (see :func:`sftimeline.service.catalogue.frameworks`)."""
        return catalogue.frameworks()

    def framework(self, id_or_file: str, overrides: dict[str, Any] | None = None) -> Any:
        """A loaded packaged framework, with ``overrides`` applied."""
        return catalogue.framework(id_or_file, overrides)

    def check_framework(self, file: str, overrides: dict[str, Any] | None = None) -> FrameworkCheck:
        """Validate a council's framework file (see ``check_framework``)."""
        return catalogue.check_framework(file, overrides)


def open_store(url: str | None = None) -> Store:
    """Open a council's store.

    ``url`` is a SQLite file path (``sqlite:///path`` also works) or
    ``postgresql://user@host:port/dbname[?schema=NAME]``; without it, the environment's
    ``SFTIMELINE_DB`` (the same variable the CLI reads), else ``./sftimeline.sqlite``.
    A PostgreSQL URL must name its database. Nothing is created until records are
    imported (or a framework enabled): reading a store that does not exist raises
    :class:`~sftimeline.service.errors.NotFound`.
    """
    return Store(resolve_url(url))
