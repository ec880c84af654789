"""The store session every service method runs in: lazy connections, one error vocabulary.

A :class:`StoreBase` opens nothing until a method needs it, and opens the event store
with ``create=False`` for methods that only read, so that a question asked of a store that
does not exist is answered "no store at …; import records first" rather than by creating
an empty one. Errors of the adapters and the policy loader are translated here, once,
into the kinds of :mod:`sftimeline.service.errors`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self

from sftimeline.service.errors import (
    InvalidInput,
    NotFound,
    ServiceError,
    StoreProblem,
    UsageProblem,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from sftimeline.adapters.store import RecordStore
    from sftimeline.policies.loader import Framework


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise the adapters' and loader's errors as service errors (no traceback)."""
    try:
        yield
    except ServiceError:
        raise
    except Exception as exc:
        mapped = _service_error(exc)
        if mapped is None:
            raise
        raise mapped from None


def _service_error(exc: Exception) -> ServiceError | None:
    """The service error for an adapter's, the loader's or a driver's exception.

    The classes are looked up among the modules already loaded: an exception of a module
    nobody imported cannot occur, and importing the policy compiler just to test for its
    error would cost every command its start-up time.
    """
    store = sys.modules.get("sftimeline.adapters.store_errors")
    compiler = sys.modules.get("sftimeline.policies.compiler")
    if store is not None:
        if isinstance(exc, store.NoStore | store.UnknownFamily):
            return NotFound(str(exc))
        if isinstance(exc, store.InvalidStoreURL):
            return UsageProblem(str(exc))
        if isinstance(exc, store.StoreError):
            return StoreProblem(str(exc))
    if compiler is not None and isinstance(exc, compiler.FrameworkError):
        return InvalidInput("\n".join(exc.located()) or str(exc))
    if type(exc).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
        return StoreProblem(f"store problem: {exc}")  # OperationalError and kin
    return None


def load_framework(
    framework: str | Framework, file: str | None = None, overrides: dict[str, Any] | None = None
) -> Framework:
    """A framework: a packaged id (or a loaded :class:`Framework`), or a council's file.

    An id is never read as a path: a path comes only through ``file``, so that a value a
    user of the HTTP API types cannot make the server read a file of its choosing.
    """
    from sftimeline.policies.loader import Framework, list_frameworks
    from sftimeline.policies.loader import load_framework as load

    if isinstance(framework, Framework) and file is None:
        return framework
    with translated():
        if file is not None:
            return load(file, overrides)
        assert isinstance(framework, str)
        if framework not in list_frameworks():
            raise NotFound(
                f"no framework {framework!r} (packaged: {', '.join(list_frameworks())}); "
                "a council's own file is given with --framework-file"
            )
        return load(framework, overrides)


class StoreBase:
    """Holds the store's URL and, once needed, its event store and SQL engine."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._records: RecordStore | None = None
        self._engine: Engine | None = None

    def __repr__(self) -> str:
        return f"<sftimeline Store {self.url!r}>"

    def record_store(self, *, create: bool = False) -> RecordStore:
        """The event store, opened once; ``create`` for the methods that write."""
        if self._records is None:
            from sftimeline.adapters.store import RecordStore

            with translated():
                self._records = RecordStore.open(self.url, create=create)
        return self._records

    def engine(self, *, create: bool = False) -> Engine:
        """The SQL engine on the same database (settings, status and claims tables).

        The event store is opened first, so a reading method on a missing SQLite file
        fails as "no store" instead of the engine creating the file.
        """
        self.record_store(create=create)
        if self._engine is None:
            from sftimeline.adapters.sql import engine_for_url

            with translated():
                self._engine = engine_for_url(self.url)
        return self._engine

    def close(self) -> None:
        """Close the connections (the store can still be used: they reopen on demand)."""
        if self._records is not None:
            self._records.close()
            self._records = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
