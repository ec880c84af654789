"""Mapped files through the importer: ``convert`` (records out, nothing stored) and
``import --mapping`` (stored, or validated only on a dry run).

Both count through :func:`sftimeline.importer.import_items`, so ``convert``'s summary,
a dry run's and an import's agree row for row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import datetime
from typing import IO

from sftimeline.adapters.store import RecordStore
from sftimeline.importer import (
    DEFAULT_BATCH,
    ImportSummary,
    Progress,
    Rejection,
    SourceRow,
    import_items,
    known_frameworks,
    validate_row,
)
from sftimeline.legacy.model import Mapping
from sftimeline.legacy.source import Overrides, mapped_rows
from sftimeline.limits import DEFAULT_LIMITS, InputLimits


def convert_files(
    mapping: Mapping,
    files: Iterable[str],
    out: IO[str],
    *,
    overrides: Overrides | None = None,
    on_row: Callable[[SourceRow], None] | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> ImportSummary:
    """Write the records an import (under ``limits``) would accept as JSON Lines to
    ``out``; the summary is a dry run's. ``on_row`` sees every row's outcome, in order."""
    frameworks = known_frameworks(None)

    def emitting(rows: Iterable[SourceRow]) -> Iterator[SourceRow]:
        for row in rows:
            checked = validated(row, frameworks, limits)
            if on_row is not None:
                on_row(checked)
            for record in checked.records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            yield row  # the importer counts it (and rejects it) exactly as an import would

    rows = emitting(mapped_rows(mapping, files, overrides))
    return import_items(None, rows, dry_run=True, frameworks=frameworks, limits=limits)


def validated(
    row: SourceRow, frameworks: Collection[str], limits: InputLimits = DEFAULT_LIMITS
) -> SourceRow:
    """``row``, or its rejection when one of its records fails validation (the importer's
    own check, so that ``convert`` prints exactly what an import would accept)."""
    if not row.records:
        return row
    checked = validate_row(row, limits, frameworks)
    if isinstance(checked, Rejection):
        return SourceRow(row.file, row.line, rejection=checked, text=row.text)
    return row


def import_mapped(
    store: RecordStore | None,
    mapping: Mapping,
    files: Iterable[str],
    *,
    overrides: Overrides | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    imported_at: datetime | None = None,
    rejects: IO[str] | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    limits: InputLimits = DEFAULT_LIMITS,
) -> ImportSummary:
    """Import mapped files (``store`` may be None on a dry run). The rows are converted
    here; ``workers`` processes validate them (the same result whatever their number)
    under ``limits``."""
    return import_items(
        store,
        mapped_rows(mapping, files, overrides),
        dry_run=dry_run,
        batch_size=batch_size,
        imported_at=imported_at,
        rejects=rejects,
        progress=progress,
        workers=workers,
        limits=limits,
    )
