"""Hostile JSON Lines for fuzzing the importer, and the check of what an import did.

Used by tests/test_import_fuzz.py (hypothesis, sized for CI) and by
bench/fuzz_import.py (a long run). A fuzzed file interleaves good lines (source
``good``, a unique ``source_id``) with hostile ones (source ``fuzz``) made by
mutating good lines, substituting hostile values, or random bytes; no hostile line
can take a good line's key, so every good line must end up stored.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from conftest import SAMPLES, sample
from sftimeline.adapters.store import RecordStore
from sftimeline.importer import import_files

NOW = datetime(2025, 1, 1, tzinfo=UTC)
TYPES = sorted(SAMPLES)

#: Byte sequences spliced into lines: bad UTF-8, NUL, CR, escapes, huge numbers.
NASTY_BYTES = [
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\x81",
    b"\x00",
    b"\r",
    b"\\u0000",
    b"\\ud800",
    b'"',
    b"{",
    b"[",
    b"]",
    b"}",
    b",",
    b":",
    b"\\",
    b"9" * 5000,
    b"\xef\xbb\xbf",
    b"\x1b[31m",
    b"NaN",
    b"-Infinity",
    b"1e999",
    b"null",
    b"\xe2\x80\xae",
]
#: JSON text substituted for a field's value.
NASTY_VALUES = [
    '"\\ud800"',
    '"a\\u0000b"',
    "9" * 4400,
    "-" + "9" * 20,
    "1e999",
    "NaN",
    '"9999-12-31T23:59:59-05:00"',
    '"0001-01-01T00:00:00+14:00"',
    '"9999-12-31"',
    '"2024-02-30"',
    '""',
    '" "',
    "null",
    "true",
    "[]",
    "{}",
    "-1",
    "1.5",
    '"/usr/bin/env"',
    '"../../etc/passwd"',
    '"\\u202e\\u001b[2J"',
    "[" * 40 + "]" * 40,
]
#: Rare and big: a 1 MB string, JSON nested 50,000 deep.
HUGE_VALUES = ['"' + "x" * 1_000_001 + '"', "[" * 50_000 + "]" * 50_000]
FIELDS = ["type", "family", "occurred_on", "recorded_at", "person", "framework", "note", "x"]


def good_line(rng: random.Random, n: int) -> bytes:
    rec = sample(rng.choice(TYPES), n, family=f"F{rng.randint(1, 5)}")
    rec.update(source="good", source_id=f"G{n}")
    return json.dumps(rec, ensure_ascii=rng.random() < 0.5).encode("utf-8")


def hostile_line(rng: random.Random, n: int) -> bytes:
    """One hostile line (never containing ``\\n``, never blank)."""
    rec = sample(rng.choice(TYPES), n, family=f"F{rng.randint(1, 5)}")
    rec.update(source="fuzz", source_id=f"Z{n}")
    base = json.dumps(rec, ensure_ascii=False).encode("utf-8")
    how = rng.random()
    if how < 0.35:
        pos = rng.randrange(len(base) + 1)
        line = base[:pos] + rng.choice(NASTY_BYTES) + base[pos:]
    elif how < 0.5:
        pos = rng.randrange(len(base))
        line = (
            base[:pos] + bytes([rng.choice([b for b in range(256) if b != 10])]) + base[pos + 1 :]
        )
    elif how < 0.6:
        line = base[: rng.randrange(1, len(base))]
    elif how < 0.9:
        value = rng.choice(HUGE_VALUES) if rng.random() < 0.002 else rng.choice(NASTY_VALUES)
        name = rng.choice(FIELDS)
        rec[name] = "@@@"
        line = json.dumps(rec).encode().replace(b'"@@@"', value.encode(), 1)
    else:
        size = rng.randrange(1, 120)
        line = bytes(rng.choice([b for b in range(256) if b != 10]) for _ in range(size))
    line = line.replace(b"\n", b" ")
    return line if not is_blank(line) else b"{}"


def is_blank(line: bytes) -> bool:
    try:
        return not line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False


@dataclass
class Outcome:
    """What one fuzzed import did, against what it must do."""

    inputs: int = 0
    tracebacks: list[str] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0
    unaccounted: int = 0

    def add(self, other: Outcome) -> None:
        self.inputs += other.inputs
        self.tracebacks += other.tracebacks
        self.lost += other.lost
        self.duplicated += other.duplicated
        self.unaccounted += other.unaccounted


def fuzz_file(rng: random.Random, hostile: int, good_every: int = 1) -> tuple[bytes, set[str]]:
    """A file of ``hostile`` hostile lines with good lines between; (bytes, good ids)."""
    lines: list[bytes] = []
    good: set[str] = set()
    for i in range(hostile):
        if i % good_every == 0:
            lines.append(good_line(rng, len(lines) + 1))
            good.add(f"G{len(lines)}")
        lines.append(hostile_line(rng, len(lines) + 1))
    bom = b"\xef\xbb\xbf" if rng.random() < 0.1 else b""
    return bom + b"\n".join(lines) + b"\n", good


def import_and_check(data: bytes, good: set[str], hostile: int, tmp: Path) -> Outcome:
    """Import ``data`` into a fresh store and check the guarantees."""
    import traceback

    path = tmp / "fuzz.jsonl"
    path.write_bytes(data)
    outcome = Outcome(inputs=hostile)
    rejects = io.StringIO()
    store_path = tmp / "fuzz.sqlite"
    with RecordStore.open(str(store_path)) as store:
        try:
            summary = import_files(store, [str(path)], imported_at=NOW, rejects=rejects)
        except Exception:
            outcome.tracebacks.append(traceback.format_exc())
            return outcome
        stored = [r for _, records in store.iter_family_records() for r in records]
    store_path.unlink()
    # JSON Lines end at "\n" only: str.splitlines() would also split inside a rejected
    # line's text at U+0085, U+2028 and the other Unicode line boundaries it may carry
    rejected = [json.loads(x) for x in rejects.getvalue().split("\n") if x]
    rejected_lines = [r["line"] for r in rejected if r["kind"] == "rejected"]
    good_stored = {r.source_id for r in stored if r.source == "good"}
    outcome.lost = len(good - good_stored)
    keys = [r.key for r in stored]
    outcome.duplicated = len(keys) - len(set(keys)) + len(rejected_lines) - len(set(rejected_lines))
    outcome.duplicated += sum(1 for r in rejected_lines if f"G{r}" in good_stored)
    t = summary.totals
    outcome.unaccounted = abs(t.rows - (t.stored + t.unchanged + t.conflicting + t.rejected))
    outcome.unaccounted += abs(len(stored) - t.stored)
    return outcome
