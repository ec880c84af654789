"""Policy process: latency of one late record, and catch-up of a whole county.

Not a timed test: run ``.venv/bin/python bench/process_bench.py [--families 1000 10000]
[--samples 20] [--pg-families 1000]``. For each county size (a generated county,
``sftimeline.generate``, about 82 records per family) in a fresh SQLite file:

1. **catch-up**: a process started after the whole county was imported catches up from
   position 0 (every family evaluated under national-2022 on 2025-06-01, outcome events
   and tracking stored, status and claims tables projected);
2. **late-record latency**: for ``--samples`` eligible families, one late record (a
   retraction of a practitioner assessment the decision relies on, so that the decision
   regresses) is imported through the import service, then the process runs; the time
   from the start of the import to the process returning (outcome events stored with
   their tracking, read models updated). Median and 95th percentile, and the split
   import / process; *warm* with one long-running process, *cold* with a new process
   per record (opening connections included, as ``sftimeline import`` runs it). It
   must not grow with the county: the process reads only the new notifications and
   re-evaluates only that family.

PostgreSQL (127.0.0.1:5432, db test, user postgres) is measured in a fresh schema for the
``--pg-families`` sizes when reachable.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from sftimeline.adapters.outcomes import PolicyProcess
from sftimeline.adapters.store import RecordStore
from sftimeline.generate import write_county
from sftimeline.importer import import_files
from sftimeline.policies.evaluator import evaluate_family
from sftimeline.policies.loader import load_framework
from sftimeline.readmodels.status import query_status

PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"
ON = date(2025, 6, 1)
FW = load_framework("national-2022")


@contextmanager
def pg_schema() -> Iterator[str | None]:
    try:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_DSN, autocommit=True) as c:
            c.execute(f"CREATE SCHEMA {schema}")
    except Exception as exc:
        print(f"PostgreSQL not reachable, skipped: {exc}")
        yield None
        return
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/test?schema={schema}"
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")


def late_retraction(store: RecordStore, family: str, n: int) -> str | None:
    """A retraction of an evidence record the family's decision relies on (JSON line)."""
    recs = store.family_records(family)
    d = evaluate_family(FW, family, recs, ON, datetime.now(UTC))
    facts = {k for c in d.criteria for k in c.result.all_facts()}
    for r in recs:
        if r.key in facts and r.type == "evidence_recorded" and r.source and r.source_id:
            return json.dumps(
                {
                    "type": "record_retracted",
                    "family": family,
                    "occurred_on": "2025-05-01",
                    "source": "bench",
                    "source_id": f"RETRACT-{n}",
                    "target_source": r.source,
                    "target_source_id": r.source_id,
                    "reason": "entered in error",
                }
            )
    return None


def measure(label: str, url: str, county: Path, samples: int) -> None:
    with RecordStore.open(url) as store:
        t0 = time.perf_counter()
        s = import_files(store, [str(county)])
        t_import = time.perf_counter() - t0
        print(f"{label}: imported {s.stored} records in {t_import:.1f}s")
        with PolicyProcess(store, [FW], on=ON) as proc:
            t0 = time.perf_counter()
            summary = proc.run()
            t_catch = time.perf_counter() - t0
            print(
                f"{label}: catch-up from scratch {t_catch:.1f}s "
                f"({summary.notifications} notifications, {summary.families} family "
                f"evaluations, {sum(summary.events.values())} outcome events, "
                f"{summary.notifications / t_catch:.0f} notifications/s)"
            )
            eligible = [r.family for r in query_status(proc.engine) if r.status == "eligible"]
        candidates = []
        for n, family in enumerate(eligible):
            line = late_retraction(store, family, n)
            if line is not None:
                candidates.append(line)
            if len(candidates) >= 2 * samples:
                break
        if len(candidates) < 2:
            print(f"{label}: no eligible family with evidence to retract")
            return
        half = len(candidates) // 2
        # warm: one long-running process (connections open, framework loaded)
        with PolicyProcess(store, [FW], on=ON) as proc:
            latency(label + " warm", store, candidates[:half], lambda: proc, close=False)
        # cold: a new process per record, as `sftimeline import` runs it
        latency(
            label + " cold",
            store,
            candidates[half:],
            lambda: PolicyProcess(store, [FW], on=ON),
            close=True,
        )


def latency(
    label: str,
    store: RecordStore,
    lines: list[str],
    make: Callable[[], PolicyProcess],
    *,
    close: bool,
) -> None:
    totals: list[float] = []
    imports: list[float] = []
    processes: list[float] = []
    events = 0
    for line in lines:
        t0 = time.perf_counter()
        import_files(store, ["-"], stdin=io.StringIO(line + "\n"))
        t1 = time.perf_counter()
        proc = make()
        before = proc.position()
        out = proc.run()
        t2 = time.perf_counter()
        assert proc.position() > before
        if close:
            proc.close()
        totals.append(t2 - t0)
        imports.append(t1 - t0)
        processes.append(t2 - t1)
        events += sum(out.events.values())
    q = statistics.quantiles(totals, n=20)[-1]
    print(
        f"{label}: late record → outcome events stored: median "
        f"{statistics.median(totals) * 1000:.1f} ms, p95 {q * 1000:.1f} ms over "
        f"{len(totals)} records (import {statistics.median(imports) * 1000:.1f} ms + "
        f"process {statistics.median(processes) * 1000:.1f} ms; "
        f"{events / len(totals):.1f} outcome events each)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--families", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--pg-families", type=int, nargs="*", default=[1000])
    ap.add_argument("--samples", type=int, default=20, help="late records per mode")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(set(args.families) | set(args.pg_families)):
            county = Path(tmp) / f"county-{n}.jsonl"
            with county.open("w", encoding="utf-8") as fh:
                write_county(fh, n, 1)
            if n in args.families:
                measure(
                    f"sqlite {n:>6} families", str(Path(tmp) / f"{n}.sqlite"), county, args.samples
                )
            if n in args.pg_families:
                with pg_schema() as url:
                    if url is not None:
                        measure(f"postgres {n:>6} families", url, county, args.samples)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
