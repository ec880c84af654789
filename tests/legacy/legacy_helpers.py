"""Helpers for the legacy tests: write a mapping and a file, convert, collect rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sftimeline.importer import SourceRow, known_frameworks
from sftimeline.legacy import Overrides, load_mapping_text, mapped_rows, validated

FRAMEWORKS = known_frameworks(None)
HEAD = """
knowledge_time: {default: 2025-01-01}
defaults:
  source: test
  family: {column: Family}
"""


def write(tmp: Path, name: str, data: str | bytes) -> str:
    path = tmp / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return str(path)


def convert(
    tmp: Path,
    mapping: str,
    data: str | bytes,
    name: str = "in.csv",
    overrides: Overrides | None = None,
) -> list[SourceRow]:
    path = write(tmp, name, data)
    rows = mapped_rows(load_mapping_text(mapping), [path], overrides)
    return [validated(row, FRAMEWORKS) for row in rows]


def records(rows: list[SourceRow]) -> list[dict[str, Any]]:
    return [r for row in rows for r in row.records]


def rejections(rows: list[SourceRow]) -> list[str]:
    return [str(row.rejection) for row in rows if row.rejection is not None]
