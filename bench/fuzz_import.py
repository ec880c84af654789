"""A long fuzz run of the JSON Lines importer (issue 12): prints inputs tried,
tracebacks, lost and duplicated lines (each must be 0).

Not a test: run ``.venv/bin/python bench/fuzz_import.py --inputs 100000 [--seed 1]``.
Hostile lines (tests/fuzz_lines.py: mutated records, hostile values, random bytes,
rarely a 1 MB string or 50,000-deep nesting) are written in files of ``--per-file``
with a good line before each, imported into a fresh SQLite store, and checked:
no exception escapes, every line is stored or rejected with its line number, every
good line is stored, nothing is stored or rejected twice.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz_lines import Outcome, fuzz_file, import_and_check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inputs", type=int, default=100_000, help="hostile lines to try")
    parser.add_argument("--per-file", type=int, default=2000, help="hostile lines per file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    total = Outcome()
    files = 0
    started = time.perf_counter()
    scratch = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        while total.inputs < args.inputs:
            n = min(args.per_file, args.inputs - total.inputs)
            data, good = fuzz_file(rng, n)
            total.add(import_and_check(data, good, n, Path(tmp)))
            files += 1
            print(
                f"\rfiles {files}  inputs {total.inputs:,}  tracebacks {len(total.tracebacks)}",
                end="",
                file=sys.stderr,
                flush=True,
            )
    elapsed = time.perf_counter() - started
    print(file=sys.stderr)
    for tb in total.tracebacks[:5]:
        print(tb, file=sys.stderr)
    print(f"seed:               {args.seed}")
    print(f"files imported:     {files} (each with a good line before every hostile one)")
    print(f"inputs tried:       {total.inputs:,} hostile lines")
    print(f"tracebacks:         {len(total.tracebacks)}")
    print(f"lost (good lines):  {total.lost}")
    print(f"duplicated:         {total.duplicated}")
    print(f"unaccounted lines:  {total.unaccounted}")
    print(f"time:               {elapsed:.1f} s ({total.inputs / elapsed:,.0f} inputs/s)")
    bad = total.tracebacks or total.lost or total.duplicated or total.unaccounted
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
