"""The policy process's settings, kept in the store's settings table: which frameworks the
council has enabled (a packaged id or a file it keeps) and the day the process decides on
(a fixed date, or "today" in the UK). Read by ``sftimeline status``, the web view and the
importer without loading the process itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from sftimeline.adapters.sql import get_setting, set_setting

if TYPE_CHECKING:
    from sftimeline.policies.loader import Framework


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
    raw = get_setting(engine, FRAMEWORKS_SETTING, [])
    return [EnabledFramework(d["id"], d.get("file")) for d in raw]


def enable_framework(engine: Engine, framework: Framework, file: str | None) -> None:
    """Enable (or re-point) a framework; loading it first proves the file is valid."""
    current = [f for f in enabled_frameworks(engine) if f.id != framework.id]
    current.append(EnabledFramework(framework.id, file))
    set_setting(engine, FRAMEWORKS_SETTING, [{"id": f.id, "file": f.file} for f in current])


def disable_framework(engine: Engine, framework_id: str) -> bool:
    current = enabled_frameworks(engine)
    kept = [f for f in current if f.id != framework_id]
    set_setting(engine, FRAMEWORKS_SETTING, [{"id": f.id, "file": f.file} for f in kept])
    return len(kept) != len(current)


def configured_on(engine: Engine) -> date | None:
    """The on-date setting: a fixed date, or None for "today" (the default)."""
    value = get_setting(engine, ON_SETTING, None)
    return date.fromisoformat(value) if value else None


def set_on(engine: Engine, on: date | None) -> None:
    set_setting(engine, ON_SETTING, on.isoformat() if on else None)
