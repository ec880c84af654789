"""The policy process's settings, kept in the store's settings table: which frameworks the
council has enabled (a packaged id or a file it keeps) and the day the process decides on
(a fixed date, or "today" in the UK). Read by ``sftimeline status``, the web view and the
importer without loading the process itself; read on the store's own connection
(:class:`Settings`: no SQLAlchemy, ≈ 0.15 s of a late record's start-up)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from sftimeline.adapters.store import RecordStore
    from sftimeline.policies.loader import Framework


#: the store's settings table: key → JSON value (``adapters/sql.py`` declares it for
#: SQLAlchemy; named here, in a module that imports nothing heavy, for every reader)
SETTINGS_TABLE = "sftimeline_settings"
FRAMEWORKS_SETTING = "process.frameworks"
ON_SETTING = "process.on"


@dataclass(frozen=True)
class EnabledFramework:
    """A framework the council has enabled: a packaged id, or a file it keeps."""

    id: str
    file: str | None = None

    def load(self) -> Framework:
        from sftimeline.policies.loader import load_framework

        return load_framework(self.file or self.id)


def enabled_frameworks(engine: Engine) -> list[EnabledFramework]:
    from sftimeline.adapters.sql import get_setting

    return _enabled(get_setting(engine, FRAMEWORKS_SETTING, []))


def _enabled(raw: list[dict[str, Any]]) -> list[EnabledFramework]:
    return [EnabledFramework(d["id"], d.get("file")) for d in raw]


class Settings:
    """The process's settings of one store, read once on the store's own connection
    (:meth:`RecordStore.own_setting`: SQLite's or PostgreSQL's, without SQLAlchemy), or,
    where that read fails, through SQLAlchemy's ``engine`` (made on first use, by
    ``engine``), which says why."""

    def __init__(self, store: RecordStore, engine: Callable[[], Engine]) -> None:
        self._engine = engine
        self._values: dict[str, Any] | None = {}
        for key in (FRAMEWORKS_SETTING, ON_SETTING):
            read, value = store.own_setting(key)
            if not read:
                self._values = None
                break
            if value is not None:
                self._values[key] = value

    def enabled_frameworks(self) -> list[EnabledFramework]:
        if self._values is None:
            return enabled_frameworks(self._engine())
        return _enabled(self._values.get(FRAMEWORKS_SETTING, []))

    def configured_on(self) -> date | None:
        if self._values is None:
            return configured_on(self._engine())
        return _on(self._values.get(ON_SETTING))


def enable_framework(engine: Engine, framework: Framework, file: str | None) -> None:
    from sftimeline.adapters.sql import set_setting

    """Enable (or re-point) a framework; loading it first proves the file is valid."""
    current = [f for f in enabled_frameworks(engine) if f.id != framework.id]
    current.append(EnabledFramework(framework.id, file))
    set_setting(engine, FRAMEWORKS_SETTING, [{"id": f.id, "file": f.file} for f in current])


def disable_framework(engine: Engine, framework_id: str) -> bool:
    from sftimeline.adapters.sql import set_setting

    current = enabled_frameworks(engine)
    kept = [f for f in current if f.id != framework_id]
    set_setting(engine, FRAMEWORKS_SETTING, [{"id": f.id, "file": f.file} for f in kept])
    return len(kept) != len(current)


def configured_on(engine: Engine) -> date | None:
    """The on-date setting: a fixed date, or None for "today" (the default)."""
    from sftimeline.adapters.sql import get_setting

    return _on(get_setting(engine, ON_SETTING, None))


def _on(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def set_on(engine: Engine, on: date | None) -> None:
    from sftimeline.adapters.sql import set_setting

    set_setting(engine, ON_SETTING, on.isoformat() if on else None)
