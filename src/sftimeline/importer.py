"""The import service: source rows in, records stored, a summary out.

Every importer produces :class:`SourceRow` values - a JSON Lines line, a mapped CSV
row or spreadsheet row - each holding the interchange records it turned into, or
the reason it could not (decoding, mapping), or the reason the mapping filtered it
out. :func:`import_items` validates and stores them; :func:`import_files` is the
JSON Lines producer (:mod:`sftimeline.jsonl`) feeding it.

Rows are saved in batches, one transaction each and never splitting a row, so that
a crash leaves whole rows stored and a re-run stores the rest (re-import is a no-op
for records with a source_id). A bad row never stops the import: it is rejected
with its file, line and field, streamed to the rejects file, and every other row
is still imported. Memory stays flat: the summary keeps counts and the first few
rejections, never all of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, TextIO

from sftimeline.adapters.store import RecordStore
from sftimeline.aggregates.family import Outcome
from sftimeline.import_summary import Conflict, FileCounts, ImportSummary, Rejection
from sftimeline.limits import DEFAULT_LIMITS, InputLimits
from sftimeline.records import FieldProblem, RecordError, RecordModel, validate_record

DEFAULT_BATCH = 500
#: How often (in rows) progress is reported between batches.
PROGRESS_EVERY = 1000

#: A progress callback: called with the running summary after every batch and
#: every :data:`PROGRESS_EVERY` rows (see :mod:`sftimeline.progress`).
Progress = Callable[[ImportSummary], None]


@dataclass(frozen=True)
class SourceRow:
    """One row of a source file and what it turned into.

    Exactly one of: ``records`` (validated here; if any fails the whole row is
    rejected), ``rejection`` (a failure found upstream: decoding, mapping) or
    ``filtered`` (the mapping's reason for leaving the row out; counted, not an
    error). ``text`` is the row as the source had it, written to the rejects file
    when the row is rejected (default: its records as JSON).
    """

    file: str
    line: int  # JSON Lines line or spreadsheet/CSV row number
    records: tuple[dict[str, Any], ...] = ()
    rejection: Rejection | None = None
    filtered: str | None = None
    text: str | None = None


def import_items(
    store: RecordStore | None,
    rows: Iterable[SourceRow],
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    imported_at: datetime | None = None,
    rejects: IO[str] | None = None,
    progress: Progress | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
    frameworks: Collection[str] | None = None,
) -> ImportSummary:
    """Validate every row's records and store them; return the summary per file.

    ``dry_run`` validates everything and stores nothing (``store`` may be None).
    ``imported_at`` is the knowledge time of records that give no ``recorded_at``
    (default: now, once per run, so a run is one moment of import). ``frameworks``
    are the ids a ``claim_submitted`` record may name (default: the packaged ones
    and those enabled in ``store``).
    """
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    if store is None and not dry_run:
        raise ValueError("a store is needed unless this is a dry run")
    moment = imported_at or datetime.now(UTC)
    known = frozenset(frameworks) if frameworks is not None else known_frameworks(store)
    summary = ImportSummary(dry_run=dry_run)
    batch: list[tuple[str, int, RecordModel]] = []

    def flush() -> None:
        if batch and store is not None and not dry_run:
            _save(store, batch, moment, summary, rejects)
        batch.clear()
        if progress is not None:
            progress(summary)

    for n, row in enumerate(rows, 1):
        counts = summary.counts(row.file)
        counts.rows += 1
        if row.rejection is not None:
            summary.reject(row.rejection, rejects)
        elif row.filtered is not None:
            counts.filtered += 1
        else:
            counts.records += len(row.records)
            models = validate_row(row, limits, known)
            if isinstance(models, Rejection):
                summary.reject(models, rejects)
            else:
                counts.accepted += len(models)
                batch.extend((row.file, row.line, m) for m in models)
        if len(batch) >= batch_size:
            flush()
        elif progress is not None and n % PROGRESS_EVERY == 0:
            progress(summary)
    flush()
    return summary


def validate_row(
    row: SourceRow, limits: InputLimits, frameworks: Collection[str]
) -> list[RecordModel] | Rejection:
    """The row's validated records, or the rejection of the whole row (naming the
    record and field when the row has several). ``convert`` uses it to print exactly
    what an import would accept."""
    models = []
    for i, raw in enumerate(row.records, 1):
        try:
            models.append(validate_record(raw, limits=limits, frameworks=frameworks))
        except RecordError as exc:
            where = f"record {i} of {len(row.records)}: " if len(row.records) > 1 else ""
            return Rejection(row.file, row.line, exc.fields, where + str(exc), _row_text(row))
    return models


def _row_text(row: SourceRow) -> str:
    if row.text is not None:
        return row.text
    try:
        return json.dumps(list(row.records), default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(row.records)


def _save(
    store: RecordStore,
    batch: list[tuple[str, int, RecordModel]],
    moment: datetime,
    summary: ImportSummary,
    rejects: IO[str] | None,
) -> None:
    result = store.save_records([m for _, _, m in batch], moment)
    for (file, number, _), out in zip(batch, result.outcomes, strict=True):
        if out.outcome is Outcome.STORED:
            summary.counts(file).stored += 1
        elif out.outcome is Outcome.DUPLICATE:
            summary.counts(file).unchanged += 1
        else:
            summary.conflict(Conflict(file, number, out.key), rejects)


def known_frameworks(store: RecordStore | None) -> frozenset[str]:
    """The framework ids a claim may name: the packaged ones and those the council
    has enabled in ``store``. Reading the settings never creates them."""
    from sftimeline.policies.loader import list_frameworks

    ids = set(list_frameworks())
    if store is not None:
        from sqlalchemy import inspect

        from sftimeline.adapters.outcomes import enabled_frameworks
        from sftimeline.adapters.sql import engine_for_url, settings_table

        engine = engine_for_url(store.url)
        try:
            if inspect(engine).has_table(settings_table.name):
                ids.update(f.id for f in enabled_frameworks(engine))
        finally:
            engine.dispose()
    return frozenset(ids)


def import_files(
    store: RecordStore | None,
    files: Iterable[str],
    *,
    batch_size: int = DEFAULT_BATCH,
    imported_at: datetime | None = None,
    rejects: IO[str] | None = None,
    progress: Progress | None = None,
    stdin: TextIO | IO[bytes] | Iterable[str] | None = None,
    encoding: str = "utf-8",
    dry_run: bool = False,
    limits: InputLimits = DEFAULT_LIMITS,
    frameworks: Collection[str] | None = None,
) -> ImportSummary:
    """Import every line of every JSON Lines file (``-`` is ``stdin``); return the summary.

    ``encoding`` is ``utf-8`` (the default; a byte-order mark is accepted),
    ``cp1252``/``windows-1252`` or ``auto`` (see :mod:`sftimeline.decoding`).
    Unreadable files raise ``OSError`` before anything is stored.
    """
    from sftimeline.jsonl import jsonl_rows

    return import_items(
        store,
        jsonl_rows(list(files), stdin=stdin, encoding=encoding, limits=limits),
        dry_run=dry_run,
        batch_size=batch_size,
        imported_at=imported_at,
        rejects=rejects,
        progress=progress,
        limits=limits,
        frameworks=frameworks,
    )


__all__ = [
    "DEFAULT_BATCH",
    "Conflict",
    "FieldProblem",
    "FileCounts",
    "ImportSummary",
    "Progress",
    "Rejection",
    "SourceRow",
    "import_files",
    "import_items",
    "known_frameworks",
    "validate_row",
]
