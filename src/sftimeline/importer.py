"""The import service: source rows in, records stored, a summary out.

Every importer produces :class:`SourceRow` values - a JSON Lines line, a mapped CSV
row or spreadsheet row - each holding the interchange records it turned into, or
the reason it could not (decoding, mapping), or the reason the mapping filtered it
out. :func:`import_items` validates and stores them; :func:`import_files` is the
JSON Lines producer (:mod:`sftimeline.jsonl`) feeding it.

Validation and fingerprinting (most of an import's work) run on ``workers`` processes
(:mod:`sftimeline.pool`) over chunks of rows, in input order; this process alone
counts, de-duplicates and writes, row by row in input order, so the store, the summary
and the rejects are the same bytes whatever the number of workers. A JSON Lines line
is parsed in the worker too (:class:`Pending`); a mapped row is converted here.

Rows are saved in batches (:mod:`sftimeline.import_batch`), one transaction each and never
splitting a row, so that a crash leaves whole rows stored and a re-run stores the rest
(re-import is a no-op for records with a source_id; on SQLite the log is fsynced once, at
the end: :mod:`sftimeline.adapters.sqlite_sync`). A bad row never stops the import: it is
rejected with its file, line and field, streamed to the rejects file, and every other row
is still imported. Memory stays flat: the summary keeps counts and the first few
rejections, never all of them."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol, TextIO, cast

from sftimeline.adapters.eventstate import PreparedRecord, prepared_record
from sftimeline.adapters.sqlite_sync import deferred_sync
from sftimeline.adapters.store import RecordStore
from sftimeline.import_batch import Batch
from sftimeline.import_frameworks import known_frameworks
from sftimeline.import_summary import Conflict, FileCounts, ImportSummary, Rejection
from sftimeline.limits import DEFAULT_LIMITS, InputLimits
from sftimeline.records.fast import compile_plans, fast_record
from sftimeline.records.record import Record

if TYPE_CHECKING:
    from sftimeline.records.base import RecordModel

DEFAULT_BATCH = 500
#: rows per task handed to a worker process
CHUNK = 500
#: an input of at most this many chunks is validated here, without starting processes
#: (one late record, a claim: a pool would cost more than it saves)
IN_PROCESS_CHUNKS = 2
#: how much lower the workers' scheduling priority is than the writer's (``os.nice``).
#: The single writer is the import's serial stage: with two workers and the writer on two
#: cores, each got two thirds of a core and the writer, starved, held the workers up in
#: turn (1,000,000 records: 15.6 s at equal priority, 12.5 s with the workers at 10; the
#: same CPU). The workers still get every cycle the writer leaves.
WORKER_NICENESS = 10
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
    #: the source proved (from the line's text) that no value can break an input limit,
    #: so validation skips the per-value walk (:func:`sftimeline.limits.line_within_limits`)
    within_limits: bool = False
    #: rows it holds (a task's weight: :class:`PendingRows` hold many)
    lines: ClassVar[int] = 1


class Pending(Protocol):
    """A row not yet parsed (a JSON Lines line): the worker that validates it parses it."""

    lines: ClassVar[int]

    def row(self, limits: InputLimits) -> SourceRow: ...


class PendingRows(Protocol):
    """Rows not yet read (a block of a JSON Lines file's lines): the worker that
    validates them reads them, so the single writer never handles each line."""

    @property
    def lines(self) -> int:
        """How many rows it may hold (at most: blank lines are none)."""

    def items(self) -> Iterable[SourceRow | Pending]: ...


#: what an importer hands :func:`import_items`
Item = SourceRow | Pending | PendingRows


class Prepared(NamedTuple):
    """One row after validation, all the single writer needs: ``records`` counts the
    records the row held (0 for a row rejected or filtered upstream), ``values`` are the
    accepted records, each as the writer takes it: plain strings and the event's state
    as bytes (:func:`~sftimeline.adapters.eventstate.prepared_record`; none on a dry
    run). It crosses from a worker for every row as a plain tuple (a named tuple is
    rebuilt by a Python call)."""

    file: str
    line: int
    records: int = 0
    rejection: Rejection | None = None
    filtered: str | None = None
    accepted: int = 0
    values: tuple[PreparedRecord, ...] = ()


class _Prepare:
    """The workers' job: rows (or pending lines) in, :class:`Prepared` rows out."""

    def __init__(
        self, limits: InputLimits, known: frozenset[str], moment: datetime, build: bool
    ) -> None:
        self.limits = limits
        self.known = known
        self.moment = moment
        self.build = build

    def __call__(self, chunk: list[Item]) -> list[tuple[Any, ...]]:
        return list(_each(chunk, self))

    def one(self, item: SourceRow | Pending) -> Prepared:
        row = item if isinstance(item, SourceRow) else item.row(self.limits)
        if row.rejection is not None:
            return Prepared(row.file, row.line, rejection=row.rejection)
        if row.filtered is not None:
            return Prepared(row.file, row.line, filtered=row.filtered)
        records = row_records(row, self.limits, self.known, self.moment)
        if isinstance(records, Rejection):
            return Prepared(row.file, row.line, len(row.records), rejection=records)
        values: tuple[PreparedRecord, ...] = ()
        if self.build:
            values = tuple([prepared_record(r) for r in records])
        # every accepted row passes here: tuple.__new__ skips the named tuple's Python __new__
        return _new_prepared(
            Prepared, (row.file, row.line, len(row.records), None, None, len(records), values)
        )


_new_prepared = tuple.__new__


def _each(items: Iterable[Item], job: _Prepare) -> Iterator[tuple[Any, ...]]:
    """Every row prepared (a plain tuple: it crosses from a worker): a block of lines
    the fast way it has (``PendingBlock.prepared``), any other row by ``job.one``."""
    for item in items:
        if isinstance(item, SourceRow) or hasattr(item, "row"):
            yield tuple(job.one(cast(SourceRow | Pending, item)))
        else:
            prepared = getattr(item, "prepared", None)
            if prepared is not None:
                yield from prepared(job)
            else:
                yield from (tuple(job.one(row)) for row in item.items())


def _chunks(items: Iterable[Item]) -> Iterator[list[Item]]:
    """Tasks of at least :data:`CHUNK` rows (a block of lines counts its lines)."""
    chunk: list[Item] = []
    rows = 0
    for item in items:
        chunk.append(item)
        rows += item.lines
        if rows >= CHUNK:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


def _types_named(items: Iterable[Item]) -> set[str]:
    """The record types ``items`` name, as far as is seen without validating them: a row's
    records' ``type``, a block's (``record_types``); another item names none."""
    named: set[str] = set()
    for item in items:
        if isinstance(item, SourceRow):
            named.update(t for r in item.records if isinstance(t := r.get("type"), str))
        elif (types := getattr(item, "record_types", None)) is not None:
            named |= types()
    return named


def _prepared(items: Iterable[Item], job: _Prepare, workers: int) -> Iterator[tuple[Any, ...]]:
    """Every row prepared, in input order: on ``workers`` processes, at most ``2 ×
    workers`` chunks in flight (memory stays flat); here, one row at a time (each row
    counted and any rejection written before the next is read), for one worker or an
    input of at most :data:`IN_PROCESS_CHUNKS` chunks."""
    if workers > 1:
        chunks = _chunks(items)
        head = list(islice(chunks, IN_PROCESS_CHUNKS + 1))
        if len(head) > IN_PROCESS_CHUNKS:
            from sftimeline.pool import ordered_map

            # built once here, before the fork, not in every worker (≈ 1 ms of CPU each
            # a type: its checker compiled from its kept form), and kept from the
            # collector; only the types the first chunks name (a county's export names a
            # score of the 54, a police export two or three)
            compile_plans(job.limits, _types_named(chain.from_iterable(head)))
            gc.freeze()
            tasks = chain(head, chunks)
            for done in ordered_map(job, tasks, workers, niceness=WORKER_NICENESS):
                yield from done
            return
        items = chain.from_iterable(head)
    yield from _each(items, job)


def import_items(
    store: RecordStore | None,
    rows: Iterable[Item],
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    imported_at: datetime | None = None,
    rejects: IO[str] | None = None,
    progress: Progress | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
    frameworks: Collection[str] | None = None,
    workers: int = 1,
) -> ImportSummary:
    """Validate every row's records and store them; return the summary per file.

    ``dry_run`` validates everything and stores nothing (``store`` may be None).
    ``imported_at`` is the knowledge time of records that give no ``recorded_at``
    (default: now, once per run, so a run is one moment of import). ``frameworks``
    are the ids a ``claim_submitted`` record may name (default: the packaged ones
    and those enabled in ``store``). ``workers`` processes validate (the result is the
    same whatever their number).
    """
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    if store is None and not dry_run:
        raise ValueError("a store is needed unless this is a dry run")
    # Everything loaded so far (models, schemas, the library) lives as long as the
    # process: frozen, the collector stops re-scanning it every time the rows' objects
    # trigger a collection (about a quarter of an import's CPU otherwise)
    gc.freeze()
    moment = imported_at or datetime.now(UTC)
    known = frozenset(frameworks) if frameworks is not None else known_frameworks(store)
    summary = ImportSummary(dry_run=dry_run)
    job = _Prepare(limits, known, moment, build=store is not None and not dry_run)
    flushed = None if progress is None else partial(progress, summary)
    batch = Batch(None if dry_run else store, batch_size, summary, rejects, flushed)
    entries = _prepared(rows, job, workers)
    if progress is not None:  # progress every PROGRESS_EVERY rows: each row on its own
        entries = _each_row(entries)
    with nullcontext() if dry_run else deferred_sync():
        counts = FileCounts()
        counted = None  # the file ``counts`` belongs to (rows come file after file)
        n = 0
        for entry in entries:
            if len(entry) == 3:  # a run of accepted one-record rows: (file, lines, records)
                file, lines, values = entry
                if file != counted:
                    counts, counted = summary.counts(file), file
                counts.rows += len(lines)
                counts.records += len(lines)
                counts.accepted += len(lines)
                batch.add_run(file, lines, values)
                continue
            file, line, records, rejection, filtered, accepted, values = entry
            n += 1
            if file != counted:
                counts, counted = summary.counts(file), file
            counts.rows += 1
            counts.records += records
            if rejection is not None:
                summary.reject(rejection, rejects)
            elif filtered is not None:
                counts.filtered += 1
            else:
                counts.accepted += accepted
                if batch.add(file, line, values):
                    continue  # stored (and progress told)
            if progress is not None and n % PROGRESS_EVERY == 0:
                progress(summary)
        batch.flush()
    return summary


def _each_row(entries: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Every run of rows (:meth:`sftimeline.jsonl.PendingBlock.prepared`) as its rows."""
    for entry in entries:
        if len(entry) == 3:
            file, lines, values = entry
            for line, value in zip(lines, values, strict=True):
                yield (file, line, 1, None, None, 1, (value,))
        else:
            yield entry


def validate_row(
    row: SourceRow, limits: InputLimits, frameworks: Collection[str]
) -> list[RecordModel] | Rejection:
    """The row's validated records, or the rejection of the whole row (naming the
    record and field when the row has several). ``convert`` uses it to print exactly
    what an import would accept. The full path: only here are pydantic and the record
    models loaded (an import of records of the usual form never needs them)."""
    from sftimeline.records.validation import RecordError, validate_record

    models = []
    for i, raw in enumerate(row.records, 1):
        try:
            models.append(
                validate_record(
                    raw, limits=limits, frameworks=frameworks, within_limits=row.within_limits
                )
            )
        except RecordError as exc:
            where = f"record {i} of {len(row.records)}: " if len(row.records) > 1 else ""
            return Rejection(row.file, row.line, exc.fields, where + str(exc), _row_text(row))
    return models


def row_records(
    row: SourceRow, limits: InputLimits, frameworks: Collection[str], moment: datetime
) -> tuple[Record, ...] | Rejection:
    """The row's records as the engine's values (``moment``: the knowledge time of those
    that give none), or the rejection of the whole row: exactly :func:`validate_row`
    then :func:`~sftimeline.records.record_from_model`, but a record of the usual form
    takes the fast path (:mod:`sftimeline.records.fast`, several times cheaper), which
    answers the same value or "not sure"."""
    records = row.records
    if len(records) == 1:  # a JSON Lines line
        record = fast_record(records[0], limits, frameworks, moment, row.within_limits)
        if record is not None:
            return (record,)
    models = validate_row(row, limits, frameworks)
    if isinstance(models, Rejection):
        return models
    from sftimeline.records.value import record_from_model

    return tuple([record_from_model(m, default_recorded_at=moment) for m in models])


def _row_text(row: SourceRow) -> str:
    if row.text is not None:
        return row.text
    try:
        return json.dumps(list(row.records), default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(row.records)


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
    workers: int = 1,
) -> ImportSummary:
    """Import every line of every JSON Lines file (``-`` is ``stdin``); return the summary.

    ``encoding`` is ``utf-8`` (the default; a byte-order mark is accepted),
    ``cp1252``/``windows-1252`` or ``auto`` (see :mod:`sftimeline.decoding`).
    Unreadable files raise ``OSError`` before anything is stored.
    """
    from sftimeline.jsonl import jsonl_lines

    return import_items(
        store,
        jsonl_lines(list(files), stdin=stdin, encoding=encoding, limits=limits),
        dry_run=dry_run,
        batch_size=batch_size,
        imported_at=imported_at,
        rejects=rejects,
        progress=progress,
        limits=limits,
        frameworks=frameworks,
        workers=workers,
    )


__all__ = [
    "DEFAULT_BATCH",
    "Conflict",
    "FileCounts",
    "ImportSummary",
    "Pending",
    "PendingRows",
    "Prepared",
    "Progress",
    "Rejection",
    "SourceRow",
    "import_files",
    "import_items",
    "known_frameworks",
    "validate_row",
]
