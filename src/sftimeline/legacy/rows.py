"""The converter's output, one per row read (the importer's ``SourceRow`` shape)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sftimeline.importer import Rejection


@dataclass(frozen=True)
class SourceRow:
    file: str
    line: int
    records: tuple[dict[str, Any], ...] = ()
    rejection: Rejection | None = None
    filtered: str | None = None
