"""The import service: JSON Lines files in, records stored, a summary out.

Files are streamed line by line (a county's export does not fit comfortably in
memory as one string) and saved in batches, one transaction each, so that a crash
leaves whole batches stored and a re-run stores the rest (re-import is a no-op for
records with a source_id). A bad line never stops the import: it is rejected with
its file, line number and field, and every other line is still imported.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, TextIO

from sftimeline.adapters.store import RecordStore
from sftimeline.aggregates.family import Outcome
from sftimeline.records import FieldProblem, RecordError, RecordModel, validate_record

DEFAULT_BATCH = 500


@dataclass(frozen=True)
class Rejection:
    """One line that could not be imported, and why."""

    file: str
    line: int
    fields: list[str]
    message: str
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {', '.join(self.fields)}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "fields": self.fields,
            "error": self.message,
            "text": self.text,
        }


@dataclass(frozen=True)
class Conflict:
    """A line whose key is already stored with different content (the stored one stays)."""

    file: str
    line: int
    key: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: conflict: {self.key} is already stored with "
            "different content; the stored record stays"
        )


@dataclass
class ImportSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"read:       {self.read}",
            f"stored:     {self.stored}",
            f"unchanged:  {self.duplicates} (duplicates)",
            f"conflicts:  {len(self.conflicts)}",
            f"rejected:   {len(self.rejected)}",
        ]

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.rejected


def parse_line(text: str, file: str, number: int) -> RecordModel | Rejection:
    """Decode and validate one line; a Rejection names the line number and field."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        return Rejection(file, number, ["line"], f"malformed JSON: {exc.msg}", text)
    try:
        return validate_record(raw)
    except RecordError as exc:
        return Rejection(file, number, exc.fields, str(exc), text)


def read_lines(file: str, stdin: TextIO | None = None) -> Iterator[tuple[int, str]]:
    """(line number, text) of the non-blank lines of a file, streamed; ``-`` is stdin."""
    handle: IO[str]
    if file == "-":
        handle = stdin or sys.stdin
        for number, text in enumerate(handle, 1):
            if text.strip():
                yield number, text.rstrip("\r\n")
        return
    with open(file, encoding="utf-8") as handle:
        for number, text in enumerate(handle, 1):
            if text.strip():
                yield number, text.rstrip("\r\n")


def import_files(
    store: RecordStore,
    files: Iterable[str],
    *,
    batch_size: int = DEFAULT_BATCH,
    imported_at: datetime | None = None,
    rejects: IO[str] | None = None,
    progress: Callable[[int], None] | None = None,
    stdin: TextIO | None = None,
) -> ImportSummary:
    """Import every line of every file; return the summary.

    ``imported_at`` is the knowledge time of records that give no ``recorded_at``
    (default: now, once per run, so a run is one moment of import).
    """
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    moment = imported_at or datetime.now(UTC)
    summary = ImportSummary()
    batch: list[tuple[str, int, RecordModel]] = []

    def flush() -> None:
        if not batch:
            return
        result = store.save_records([m for _, _, m in batch], moment)
        for (file, number, _), out in zip(batch, result.outcomes, strict=True):
            if out.outcome is Outcome.STORED:
                summary.stored += 1
            elif out.outcome is Outcome.DUPLICATE:
                summary.duplicates += 1
            else:
                summary.conflicts.append(Conflict(file, number, out.key))
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for file in files:
        for number, text in read_lines(file, stdin):
            summary.read += 1
            parsed = parse_line(text, file, number)
            if isinstance(parsed, Rejection):
                summary.rejected.append(parsed)
                if rejects is not None:
                    rejects.write(json.dumps(parsed.to_json(), ensure_ascii=False) + "\n")
                if progress is not None:
                    progress(1)
                continue
            batch.append((file, number, parsed))
            if len(batch) >= batch_size:
                flush()
    flush()
    return summary


__all__ = [
    "DEFAULT_BATCH",
    "Conflict",
    "FieldProblem",
    "ImportSummary",
    "Rejection",
    "import_files",
    "parse_line",
    "read_lines",
]
