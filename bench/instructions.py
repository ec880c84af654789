"""The instructions an import spends per record, counted by callgrind.

```sh
.venv/bin/python -m bench.instructions                          # a generated county
.venv/bin/python -m bench.instructions --county C --workers 2   # writer and workers apart
```

On a shared machine the clock is no measure of a small change: the same import's CPU time
varied by a sixth from one minute to the next (bench/README.md, stop 24). callgrind
counts the instructions a process runs, the same count run after run. For the first
``N`` and ``2N`` records of the county, ``sftimeline import --no-process --workers W``
runs under ``valgrind --tool=callgrind`` (``PYTHONHASHSEED=0``), each into a fresh SQLite
store, and the instructions per record are ``(I(2N) − I(N)) / N``: the start-up cancels
out. With two workers each process is counted on its own: the single writer (the first
process) and the workers together.

Limits: callgrind counts no work of the kernel (system calls, copies of pages); under
valgrind, SHA-256 runs without the CPU's SHA instructions (≈ 8,000 instructions a record
here), so natively the interpreter's share is larger than it looks. Each import runs
≈ 50 times slower than natively: 20,000 records take a minute or two.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.children import run, sftimeline

#: runs the CLI as its console script does (``python -m sftimeline`` has no ``__main__``)
_CLI = "import sys; from sftimeline.cli import main; sys.argv[0] = 'sftimeline'; main()"


def _first_lines(county: Path, n: int, out: Path) -> Path:
    with county.open("rb") as src, out.open("wb") as dst:
        for i, line in enumerate(src):
            if i == n:
                break
            dst.write(line)
    return out


def counted(records: Path, workers: int, work: Path) -> list[int]:
    """Instructions of each process of one import, the writer's first (by process id)."""
    out = work / f"cg-{records.stem}"
    out.mkdir()
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg.%p"]
    argv += [sys.executable, "-c", _CLI, "--db", str(work / f"{records.stem}.sqlite")]
    argv += ["import", "--no-process", "--workers", str(workers), str(records)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the import under callgrind failed:\n{done.stderr.decode()[-2000:]}")
    counts = []
    for path in sorted(out.glob("cg.*"), key=lambda p: int(p.suffix[1:])):
        found = re.search(r"^summary: (\d+)", path.read_text(errors="replace"), re.MULTILINE)
        if found:
            counts.append(int(found.group(1)))
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--county", type=Path, help="a JSON Lines county (default: generated)")
    ap.add_argument("--records", type=int, default=20_000, help="N (default 20,000)")
    ap.add_argument("--workers", type=int, choices=(1, 2), default=1)
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    n = args.records
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        county = args.county
        if county is None:  # ≈ 100 records a family
            county = work / "county.jsonl"
            families = str(max(1, 2 * n // 90))
            run([sftimeline(), "generate", "--families", families, "--out", str(county)])
        small = _first_lines(county, n, work / "small.jsonl")
        large = _first_lines(county, 2 * n, work / "large.jsonl")
        if sum(1 for _ in large.open("rb")) < 2 * n:
            raise SystemExit(f"{county} has fewer than {2 * n:,} lines")
        before, after = counted(small, args.workers, work), counted(large, args.workers, work)
    if len(before) != len(after):
        raise SystemExit("the two imports ran a different number of processes")
    per = [(b - a) / n for a, b in zip(before, after, strict=True)]
    print(f"{n:,} and {2 * n:,} records, --workers {args.workers}: instructions per record")
    print(f"  all processes: {sum(per):,.0f}")
    if len(per) > 1:
        print(f"  the writer:    {per[0]:,.0f}")
        print(f"  the workers:   {sum(per[1:]):,.0f} ({len(per) - 1} processes)")


if __name__ == "__main__":
    main()
