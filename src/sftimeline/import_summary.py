"""What an import did: per-file counts, the first few rejections and conflicts.

A million bad lines must not cost a million objects (issue 12 measured 439 MB): the
summary keeps counts, plus the first :data:`KEEP` rejections and conflicts as
examples; every rejection is streamed to the rejects file as it happens.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields, replace
from typing import IO, Any

#: How many rejections (and conflicts) a summary keeps as examples.
KEEP = 20
#: How much of a rejected line's text a kept example holds (the rejects file has it all).
KEPT_TEXT = 1000
_UNENCODABLE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Rejection:
    """One line or row that could not be imported, and why."""

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
    """A record whose key is already stored with different content (the stored one stays)."""

    file: str
    line: int
    key: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: conflict: {self.key} is already stored with "
            "different content; the stored record stays"
        )

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "key": self.key, "error": str(self)}


@dataclass
class FileCounts:
    """One file's counts (or the totals). ``accepted`` records passed validation; in a
    real run each is then stored, unchanged (already stored) or conflicting."""

    rows: int = 0
    records: int = 0
    accepted: int = 0
    stored: int = 0
    unchanged: int = 0
    conflicting: int = 0
    filtered: int = 0
    rejected: int = 0

    def add(self, other: FileCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class ImportSummary:
    """Counts per file and in total, and the first :data:`KEEP` rejections and conflicts."""

    files: dict[str, FileCounts] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    dry_run: bool = False

    def counts(self, file: str) -> FileCounts:
        """The counts of ``file``, created on first use (in the order files come)."""
        found = self.files.get(file)
        if found is None:
            found = self.files[file] = FileCounts()
        return found

    @property
    def totals(self) -> FileCounts:
        total = FileCounts()
        for counts in self.files.values():
            total.add(counts)
        return total

    def reject(self, rejection: Rejection, rejects: IO[str] | None) -> None:
        """Count a rejection, stream it to ``rejects``, keep it if among the first few."""
        self.counts(rejection.file).rejected += 1
        if rejects is not None:
            rejects.write(_json_line({"kind": "rejected", **rejection.to_json()}))
        if len(self.rejections) < KEEP:
            self.rejections.append(replace(rejection, text=rejection.text[:KEPT_TEXT]))

    def conflict(self, conflict: Conflict, rejects: IO[str] | None) -> None:
        """Count a conflict, stream it to ``rejects``, keep it if among the first few."""
        self.counts(conflict.file).conflicting += 1
        if rejects is not None:
            rejects.write(_json_line({"kind": "conflict", **conflict.to_json()}))
        if len(self.conflicts) < KEEP:
            self.conflicts.append(conflict)

    # -- the figures callers have always read -------------------------------------

    @property
    def read(self) -> int:
        return self.totals.rows

    @property
    def stored(self) -> int:
        return self.totals.stored

    @property
    def duplicates(self) -> int:
        return self.totals.unchanged

    @property
    def rejected(self) -> list[Rejection]:
        """The first :data:`KEEP` rejections (``totals.rejected`` counts them all)."""
        return self.rejections

    @property
    def ok(self) -> bool:
        totals = self.totals
        return not totals.rejected and not totals.conflicting

    def lines(self) -> list[str]:
        """The summary as printed: totals, then each file when there are several."""
        out = _count_lines(self.totals, self.dry_run)
        if len(self.files) > 1:
            for name, counts in self.files.items():
                out.append(f"{name}:")
                out.extend("  " + line for line in _count_lines(counts, self.dry_run))
        return out

    def example_lines(self, limit: int = 10) -> list[str]:
        """The first ``limit`` rejections and conflicts, and how many more there were."""
        totals = self.totals
        out = [f"rejected {r}" for r in self.rejections[:limit]]
        if totals.rejected > len(out):
            out.append(f"... and {totals.rejected - len(out):,} more rejected")
        shown = self.conflicts[:limit]
        out += [str(c) for c in shown]
        if totals.conflicting > len(shown):
            out.append(f"... and {totals.conflicting - len(shown):,} more conflicts")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "totals": asdict(self.totals),
            "files": [{"file": name, **asdict(c)} for name, c in self.files.items()],
            "rejections": [r.to_json() for r in self.rejections],
            "conflicts": [c.to_json() for c in self.conflicts],
        }


def _count_lines(c: FileCounts, dry_run: bool) -> list[str]:
    lines = [f"read:       {c.rows} rows, {c.records} records"]
    if dry_run:
        lines.append(f"valid:      {c.accepted} (dry run: nothing stored)")
    else:
        lines += [
            f"stored:     {c.stored}",
            f"unchanged:  {c.unchanged} (duplicates)",
            f"conflicts:  {c.conflicting}",
        ]
    lines += [f"filtered:   {c.filtered}", f"rejected:   {c.rejected}"]
    return lines


def _json_line(obj: dict[str, Any]) -> str:
    text = json.dumps(obj, ensure_ascii=False)
    if _UNENCODABLE.search(text):  # a lone surrogate cannot be written as UTF-8
        text = json.dumps(obj)
    return text + "\n"
