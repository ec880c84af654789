"""The Python API's cost over the internals: a county evaluated both ways (issue 13).

Not a timed test: run ``.venv/bin/python bench/api_bench.py [--families 500] [--seed 1]
[--repeat 5] [--framework national-2022] [--on 2025-06-01]``.

It generates and imports a synthetic county into a fresh SQLite file, then evaluates every
family under one framework, alternately

(a) directly: ``RecordStore.iter_family_records`` + ``evaluate_family`` (the internals), and
(b) through the API: ``sftimeline.open_store(path).evaluate(...)`` (what a notebook calls),

each in a fresh store connection, ``--repeat`` times, and prints the best and median wall
and CPU time (``time.process_time``: steadier than wall time on a shared machine) of each and
the ratios API / internals (the claim: about 1.00, i.e. no measurable cost — the API resolves
the URL, loads the framework and parses dates once per call, nothing per family).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import sftimeline
from sftimeline.adapters.store import RecordStore
from sftimeline.generate import write_county
from sftimeline.importer import import_files
from sftimeline.policies.evaluator import evaluate_family
from sftimeline.policies.loader import load_framework


def direct(path: str, framework: str, on: date, known_at: datetime) -> int:
    fw = load_framework(framework)
    with RecordStore.open(path) as store:
        return sum(
            1
            for code, recs in store.iter_family_records()
            if evaluate_family(fw, code, recs, on, known_at) is not None
        )


def through_api(path: str, framework: str, on: date, known_at: datetime) -> int:
    with sftimeline.open_store(path) as store:
        return len(store.evaluate(on, framework, known_at))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--framework", default="national-2022")
    ap.add_argument("--on", type=date.fromisoformat, default=date(2025, 6, 1))
    args = ap.parse_args()
    known_at = datetime(2026, 1, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        county = Path(tmp) / "county.jsonl"
        with county.open("w", encoding="utf-8") as fh:
            records = write_county(fh, args.families, args.seed)
        path = str(Path(tmp) / "county.sqlite")
        with RecordStore.open(path) as store:
            import_files(store, [str(county)])
        print(
            f"county: {args.families} families, {records} records ({args.framework}, "
            f"on {args.on}, {args.repeat} runs each, alternating)"
        )
        wall: dict[str, list[float]] = {"internals": [], "api": []}
        cpu: dict[str, list[float]] = {"internals": [], "api": []}
        counts = set()
        for _ in range(args.repeat):
            for name, run in (("internals", direct), ("api", through_api)):
                t0, c0 = time.perf_counter(), time.process_time()
                counts.add(run(path, args.framework, args.on, known_at))
                wall[name].append(time.perf_counter() - t0)
                cpu[name].append(time.process_time() - c0)
        assert len(counts) == 1, counts  # both evaluated every family
        for label, times in (("wall", wall), ("cpu", cpu)):
            for name, ts in times.items():
                med_t = statistics.median(ts)
                print(f"{label} {name:<10} best {min(ts):.3f}s  median {med_t:.3f}s")
            best = min(times["api"]) / min(times["internals"])
            med = statistics.median(times["api"]) / statistics.median(times["internals"])
            print(f"{label} ratio API / internals: best {best:.3f}, median {med:.3f}")


if __name__ == "__main__":
    main()
