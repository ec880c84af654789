"""The import alone against its floor, on SQLite and PostgreSQL, with 1 and 2 workers.

```sh
.venv/bin/python -m bench.import_ratio --families 500            # ≈ 50,000 records
.venv/bin/python -m bench.import_ratio --families 10000 --no-pg  # ≈ 1,000,000 records
```

For each store: the raw insert floor (``bench/floors.py``), then ``sftimeline import
--no-process --workers 1`` and ``--workers 2`` into fresh stores, each a child process
timed from start to exit with its own CPU time (its workers' too) and peak memory. The
two imports' stored records are compared (they must be equal). Figures are ratios to the
floor measured in the same run, as in ``bench/run``'s table (issue 14 items 2 and 4).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.children import floor, pg_url, run, sftimeline


def _records(url: str) -> str:
    """Every stored record (no event timestamps), for comparing two imports."""
    code = (
        "import json,sys\n"
        "from sftimeline.adapters.store import RecordStore\n"
        "with RecordStore.open(sys.argv[1], create=False, key='') as s:\n"
        "    for _, recs in s.iter_family_records():\n"
        "        for r in recs:\n"
        "            print(json.dumps([r.key, r.fingerprint, r.to_interchange()]))\n"
    )
    return run([sys.executable, "-c", code, url]).stdout


def measure(label: str, urls: list[str], county: Path) -> None:
    f = floor("insert", urls[0], str(county))
    records = int(f.stdout)
    print(
        f"{label}: {records:,} records; raw insert {f.wall:.2f} s wall "
        f"({records / f.wall:,.0f}/s), {f.cpu:.2f} s CPU, {f.peak_mb:.0f} MB"
    )
    walls = []
    for workers, url in zip((1, 2), urls[1:], strict=True):
        cmd = [sftimeline(), "--db", url, "import", "--no-process", "--workers", str(workers)]
        r = run([*cmd, str(county)])
        walls.append(r.wall)
        print(
            f"  import --workers {workers}: {r.wall:.2f} s wall = {f.wall / r.wall:.2f}× the raw "
            f"insert ({records / r.wall:,.0f}/s); CPU {r.cpu:.2f} s; peak {r.peak_mb:.0f} MB "
            f"(raw's ×{r.peak_mb / f.peak_mb:.1f})"
        )
    same = _records(urls[1]) == _records(urls[2])
    print(f"  2 workers / 1 worker: {walls[1] / walls[0]:.2f}× the time; same records: {same}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--families", type=int, default=500)
    ap.add_argument("--county", help="an existing JSON Lines file instead of a generated one")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        county = Path(args.county) if args.county else work / "county.jsonl"
        if not args.county:
            run([sftimeline(), "generate", "--families", str(args.families), "--out", str(county)])
        if not args.no_sqlite:
            measure("SQLite", [str(work / f"{n}.sqlite") for n in ("raw", "w1", "w2")], county)
        if not args.no_pg:
            with pg_url() as a, pg_url() as b, pg_url() as c:
                if a and b and c:
                    measure("PostgreSQL", [a, b, c], county)


if __name__ == "__main__":
    main()
