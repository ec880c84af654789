"""The single writer's batch: the records of an import waiting to be stored together.

An import (:func:`sftimeline.importer.import_items`) takes its rows in input order and
stores their records in batches of ``size``, one transaction each, never splitting a row:
a batch is stored as soon as a row brings it to ``size`` records. Its outcomes are then
counted per file, and each conflict written to the rejects as it is found, so the
rejects file interleaves rejections (written as their rows come) and conflicts (written
as their batch is stored) the same way whatever the number of workers.

The batch keeps its records in columns (the records, their files, their line numbers)
and takes a run of accepted one-record rows (a block of JSON Lines lines prepared the
fast way, ``jsonl.PendingBlock.prepared``) a slice at a time, where taking each row cost
the writer ≈ 1 µs (issue 14: the writer is the import's one part that cannot be divided).
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from sftimeline.aggregates.family_outcomes import Outcome
from sftimeline.import_summary import Conflict, ImportSummary

if TYPE_CHECKING:
    from collections.abc import Callable

    from sftimeline.adapters.eventstate import PreparedRecord
    from sftimeline.adapters.store import RecordStore


class Batch:
    """Records waiting to be stored (see the module's docstring). ``store`` None: a dry
    run, where nothing is stored and a full batch is only dropped; ``flushed`` is called
    after each batch (the import's progress)."""

    def __init__(
        self,
        store: RecordStore | None,
        size: int,
        summary: ImportSummary,
        rejects: IO[str] | None,
        flushed: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.size = size
        self.summary = summary
        self.rejects = rejects
        self.flushed = flushed
        self.records: list[PreparedRecord] = []
        self.files: list[str] = []
        self.lines: list[int] = []

    def __len__(self) -> int:
        return len(self.records)

    def add(self, file: str, line: int, records: tuple[PreparedRecord, ...]) -> bool:
        """One row's records; whether they filled the batch (then it is stored now)."""
        self.records += records
        self.files += [file] * len(records)
        self.lines += [line] * len(records)
        if len(self.records) >= self.size:
            self.flush()
            return True
        return False

    def add_run(self, file: str, lines: list[int], records: list[PreparedRecord]) -> None:
        """Rows of one record each, in order (``lines[i]`` holds ``records[i]``): what
        :meth:`add` of each in turn does, a slice at a time."""
        start, end = 0, len(records)
        while start < end:
            take = min(end - start, self.size - len(self.records))
            stop = start + take
            self.records += records[start:stop]
            self.lines += lines[start:stop]
            self.files += [file] * take
            start = stop
            if len(self.records) >= self.size:
                self.flush()

    def flush(self) -> None:
        """Store the batch (if any) in one transaction and count its outcomes."""
        if self.records and self.store is not None:
            self._save(self.store)
        self.records.clear()
        self.files.clear()
        self.lines.clear()
        if self.flushed is not None:
            self.flushed()

    def _save(self, store: RecordStore) -> None:
        outcomes = store.save_prepared(self.records).outcomes
        summary, files = self.summary, self.files
        stored, duplicate = Outcome.STORED, Outcome.DUPLICATE
        kinds = [out[0] for out in outcomes]
        taken, same = kinds.count(stored), kinds.count(duplicate)
        if files[0] == files[-1] and taken + same == len(kinds):
            # one file (files come one after another) and no conflict: counted at once
            counts = summary.counts(files[0])
            counts.stored += taken
            counts.unchanged += same
            return
        counts, counted = summary.counts(files[0]), files[0]
        for file, number, out in zip(files, self.lines, outcomes, strict=True):
            if file != counted:
                counts, counted = summary.counts(file), file
            if out[0] is stored:
                counts.stored += 1
            elif out[0] is duplicate:
                counts.unchanged += 1
            else:
                summary.conflict(Conflict(file, number, out.key), self.rejects)
