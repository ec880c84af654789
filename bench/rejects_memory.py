"""Peak memory and terminal output of an import that rejects every line (issue 12:
1,000,000 invalid lines used to peak at 439 MB and print 86.6 MB to standard error).

Not a test: run ``.venv/bin/python bench/rejects_memory.py [--lines 1000 100000 1000000]``.
Each size runs ``sftimeline import FILE --rejects OUT`` in a fresh process; the figures
are that process's peak resident memory, as a ratio to the smallest size's (the floor,
measured in the same run), and the bytes it printed to standard error.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BAD = b'{"type": "case_closed", "family": "F1", "occurred_on": "2024-02-30"}\n'

CHILD = """
import resource, sys
from sftimeline.cli import main
try:
    main(sys.argv[1:], standalone_mode=True)
except SystemExit:
    pass
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.__stdout__)
"""


def measure(lines: int, tmp: Path) -> tuple[float, int, float]:
    """(peak RSS in MB, bytes printed to stderr, seconds) for ``lines`` bad lines."""
    data = tmp / f"bad-{lines}.jsonl"
    with open(data, "wb") as fh:
        for _ in range(lines // 10_000):
            fh.write(BAD * 10_000)
        fh.write(BAD * (lines % 10_000))
    db, out = tmp / f"s-{lines}.sqlite", tmp / f"rejects-{lines}.jsonl"
    args = ["--db", str(db), "import", str(data), "--rejects", str(out), "--no-process"]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    peak_kb = int(done.stdout.decode().strip().splitlines()[-1])
    with open(out, "rb") as fh:
        written = sum(1 for _ in fh)
    assert written == lines, f"rejects file has {written} lines, expected {lines}"
    for path in (data, db, out):
        path.unlink(missing_ok=True)
    return peak_kb / 1024, len(done.stderr), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    args = parser.parse_args()
    scratch = "/dev/shm" if os.path.isdir("/dev/shm") else None
    rows = []
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        for n in sorted(args.lines):
            rows.append((n, *measure(n, Path(tmp))))
    floor = rows[0][1]
    print("| invalid lines | peak RSS | ratio to floor | printed to stderr | time |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n, peak, err, secs in rows:
        print(f"| {n:,} | {peak:.1f} MB | {peak / floor:.2f} | {err:,} B | {secs:.1f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
