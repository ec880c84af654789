"""County evaluation versus read-and-decode (issue 3's benchmark).

Not a timed test: run ``.venv/bin/python bench/evaluate_bench.py [--families 10000]
[--seed 1] [--db PATH_OR_URL] [--reuse] [--framework national-2022] [--on 2026-01-01]
[--profile N]``.

It generates a synthetic county (``sftimeline generate``: about 100 records per family,
so 10,000 families ≈ 1,000,000 records), imports it into the store (a SQLite file,
or ``postgresql://user@host:port/db?schema=S``), then measures, each in a fresh store
connection:

(a) read + decode: every family's records read in bulk and decoded into Records
    (``RecordStore.iter_family_records``);
(b) evaluate: the same read plus every family decided under one framework on one
    date as known now: the path ``sftimeline evaluate`` takes, minus writing output.

It prints both times, their ratio (target: at most 2.0) and the peak resident memory
(``resource.getrusage``, the maximum over the whole run). ``--reuse`` keeps an
existing SQLite file instead of regenerating and re-importing (import of a million
records takes minutes). ``--profile N`` runs (b) under cProfile and prints the top N
functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from sftimeline.adapters.store import RecordStore
from sftimeline.generate import write_county
from sftimeline.importer import import_files
from sftimeline.policies.evaluator import evaluate_family
from sftimeline.policies.loader import load_framework


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(url: str, families: int, seed: int, batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.jsonl"
        t0 = time.perf_counter()
        with path.open("w", encoding="utf-8") as fh:
            lines = write_county(fh, families, seed)
        t1 = time.perf_counter()
        print(f"generated {lines} records for {families} families in {t1 - t0:.1f}s")
        with RecordStore.open(url) as store:
            s = import_files(store, [str(path)], batch_size=batch)
        t2 = time.perf_counter()
        print(f"imported {s.stored} records in {t2 - t1:.1f}s = {s.stored / (t2 - t1):.0f} rec/s")


def read_decode(url: str) -> tuple[int, int, float, float]:
    """(families, records, wall seconds, CPU seconds of this process)."""
    t0, c0 = time.perf_counter(), time.process_time()
    families = records = 0
    with RecordStore.open(url) as store:
        for _code, recs in store.iter_family_records():
            families += 1
            records += len(recs)
    return families, records, time.perf_counter() - t0, time.process_time() - c0


def evaluate_all(url: str, framework: str, on: date) -> tuple[Counter[str], float, float]:
    """(decisions by status, wall seconds, CPU seconds), reading included."""
    fw = load_framework(framework)
    known_at = datetime.now(UTC)
    statuses: Counter[str] = Counter()
    t0, c0 = time.perf_counter(), time.process_time()
    with RecordStore.open(url) as store:
        for code, recs in store.iter_family_records():
            statuses[evaluate_family(fw, code, recs, on, known_at).status] += 1
    return statuses, time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--families", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", default=None, help="SQLite path or postgresql:// URL")
    ap.add_argument("--reuse", action="store_true", help="use the existing --db as it is")
    ap.add_argument("--framework", default="national-2022")
    ap.add_argument("--on", type=date.fromisoformat, default=date(2026, 1, 1))
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--profile", type=int, default=0, metavar="N")
    args = ap.parse_args()

    tmpdir = None
    url = args.db
    if url is None:
        tmpdir = tempfile.TemporaryDirectory()
        url = os.path.join(tmpdir.name, "county.sqlite")
    if args.reuse:
        if "://" not in url and not os.path.exists(url):
            sys.exit(f"--reuse: no store at {url}")
    else:
        if "://" not in url and os.path.exists(url):
            os.remove(url)
        build(url, args.families, args.seed, args.batch_size)

    fams, recs, t_read, c_read = read_decode(url)
    print(
        f"read + decode: {recs} records of {fams} families in {t_read:.2f}s"
        f" (CPU {c_read:.2f}s) = {recs / t_read:.0f} rec/s"
    )
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
    statuses, t_eval, c_eval = evaluate_all(url, args.framework, args.on)
    if args.profile:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)
    print(
        f"evaluate ({args.framework} on {args.on.isoformat()}, incl. reading): "
        f"{sum(statuses.values())} families in {t_eval:.2f}s (CPU {c_eval:.2f}s)"
    )
    # The machine is shared: CPU time is the steadier comparison when others are busy.
    print(
        f"ratio evaluate / read+decode: wall {t_eval / t_read:.2f}, CPU {c_eval / c_read:.2f}"
        " (target <= 2.0)"
    )
    print("decisions: " + "  ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    print(f"peak memory (ru_maxrss): {_peak_mb():.0f} MB")
    if tmpdir is not None:
        tmpdir.cleanup()


if __name__ == "__main__":
    main()
