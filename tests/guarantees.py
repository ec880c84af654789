"""The crash and concurrency probes, shared by the test suite (small sizes) and
``bench/soak.py`` (long runs): kill an import or a policy run at a random point with
SIGKILL, run importers and process workers side by side, then count what was lost
and what was duplicated against a clean run.

Children are real processes (a kill must not be softened by anything in-process).
Each child prints ``go`` once its store is open, and the parent kills it a random
fraction of a clean run's duration after that, so the kill points fall inside the work
(mid-batch, mid-transaction, between windows) rather than during start-up.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ON = date(2025, 6, 1)
KNOWN = "2026-06-01T00:00:00+00:00"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"

IMPORTER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from sftimeline.adapters.store import RecordStore
    from sftimeline.importer import import_files
    url, batch, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    with RecordStore.open(url) as store:
        print("go", flush=True)
        s = import_files(store, files, batch_size=batch,
                         imported_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    print("done", flush=True)
    """
)

PROCESS = textwrap.dedent(
    f"""
    import sys
    from datetime import date, datetime
    from sftimeline.adapters.outcomes import PolicyProcess, ProcessFailure
    from sftimeline.adapters.store import RecordStore
    from sftimeline.policies.loader import load_framework
    url, window = sys.argv[1], int(sys.argv[2])
    with RecordStore.open(url) as store:
        with PolicyProcess(store, [load_framework("national-2022")], on=date.fromisoformat(
                {ON.isoformat()!r}), known_at=datetime.fromisoformat({KNOWN!r}),
                window=window) as p:
            print("go", flush=True)
            try:
                p.run()
            except ProcessFailure as exc:  # gave up after conflicts: a clean exit
                print("conflict", exc, flush=True)
                sys.exit(3)
    print("done", flush=True)
    """
)


def write_county(path: Path, families: int, seed: int, start: int = 0) -> int:
    """A JSON Lines county (families ``start``… of the generator); lines written."""
    from sftimeline.generate import family_records

    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(start, start + families):
            for r in family_records(seed, i):
                fh.write(json.dumps(r) + "\n")
                n += 1
    return n


def child(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_go(proc: subprocess.Popen[str]) -> bool:
    """Wait for the child's ``go``; False if it ended first."""
    assert proc.stdout is not None
    return any(line.strip() == "go" for line in proc.stdout)


@dataclass
class Tally:
    """What a probe run counted (bench/soak.py prints it)."""

    kill_points: int = 0
    killed_midway: int = 0
    concurrent_runs: int = 0
    records: int = 0
    outcome_events: int = 0
    tracebacks: int = 0
    lost: int = 0
    duplicated: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def finish(proc: subprocess.Popen[str], tally: Tally, timeout: float = 300) -> int:
    _, err = proc.communicate(timeout=timeout)
    if "Traceback" in (err or ""):
        tally.tracebacks += 1
        tally.notes.append(err[-2000:])
    return proc.returncode


def kill_after(proc: subprocess.Popen[str], delay: float, tally: Tally) -> None:
    """SIGKILL ``proc`` ``delay`` seconds after its ``go`` (if it is still running)."""
    tally.kill_points += 1
    if not wait_go(proc):
        finish(proc, tally)
        return
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        tally.killed_midway += 1
    finish(proc, tally)


def record_keys(url: str) -> Counter[tuple[str, str, str]]:
    """(family, key, fingerprint) of every stored record, counted."""
    from sftimeline.adapters.store import RecordStore

    with RecordStore.open(url) as store:
        return Counter(
            (code, r.key, r.fingerprint) for code, recs in store.iter_family_records() for r in recs
        )


def outcome_events(url: str) -> Counter[str]:
    """Every outcome event (kind and payload, not its position), counted."""
    from sftimeline.adapters.outcomes import PolicyProcess
    from sftimeline.adapters.store import RecordStore

    with RecordStore.open(url) as store, PolicyProcess(store, []) as p:
        return Counter(
            json.dumps({k: v for k, v in e.items() if k != "id"}, sort_keys=True)
            for e in p.outcome_events()
        )


def compare(expected: Counter[Any], got: Counter[Any], tally: Tally) -> None:
    tally.lost += sum((expected - got).values())
    tally.duplicated += sum((got - expected).values())


def run_process(url: str, window: int, tally: Tally) -> int:
    return finish(child(PROCESS, url, str(window)), tally)


def import_here(url: str, *files: Path, batch: int = 500) -> None:
    """Import in this process (the clean runs: no start-up cost to pay)."""
    from sftimeline.adapters.store import RecordStore
    from sftimeline.importer import import_files

    with RecordStore.open(url) as store:
        import_files(
            store,
            [str(f) for f in files],
            batch_size=batch,
            imported_at=datetime(2026, 1, 1, tzinfo=UTC),
        )


def process_here(url: str, window: int) -> None:
    from sftimeline.adapters.outcomes import PolicyProcess
    from sftimeline.adapters.store import RecordStore
    from sftimeline.policies.loader import load_framework

    with (
        RecordStore.open(url) as store,
        PolicyProcess(
            store,
            [load_framework("national-2022")],
            on=ON,
            known_at=datetime.fromisoformat(KNOWN),
            window=window,
        ) as p,
    ):
        p.run()


def timed(fn: Any, *args: Any, **kw: Any) -> float:
    t = time.perf_counter()
    fn(*args, **kw)
    return time.perf_counter() - t


def import_kill_points(
    url: str, clean_url: str, county: Path, points: int, rng: random.Random, batch: int = 50
) -> Tally:
    """Import ``county`` killing the importer at ``points`` random moments, then once to
    the end; every record must be stored exactly once (against a clean import)."""
    tally = Tally()
    duration = timed(import_here, clean_url, county, batch=batch)
    expected = record_keys(clean_url)
    for _ in range(points):
        kill_after(child(IMPORTER, url, str(batch), str(county)), rng.uniform(0, duration), tally)
    finish(child(IMPORTER, url, str(batch), str(county)), tally)
    got = record_keys(url)
    tally.records += sum(got.values())
    compare(expected, got, tally)
    return tally


def process_kill_points(
    url: str, clean_url: str, points: int, rng: random.Random, window: int = 300
) -> Tally:
    """Run the policy process over the store's records, killed at ``points`` random
    moments, then to the end; its outcome events must equal a clean run's."""
    tally = Tally()
    duration = timed(process_here, clean_url, window)
    expected = outcome_events(clean_url)
    for _ in range(points):
        kill_after(child(PROCESS, url, str(window)), rng.uniform(0, duration), tally)
    run_process(url, window, tally)
    got = outcome_events(url)
    tally.outcome_events += sum(got.values())
    compare(expected, got, tally)
    return tally


def parallel_importers(url: str, clean_url: str, files: list[Path], batch: int = 40) -> Tally:
    """Import ``files`` (overlapping: each family in two files) at once, one process
    each; every record must be stored exactly once."""
    tally = Tally()
    import_here(clean_url, *files, batch=batch)
    expected = record_keys(clean_url)
    procs = [child(IMPORTER, url, str(batch), str(f)) for f in files]
    tally.concurrent_runs += len(procs)
    for p in procs:
        code = finish(p, tally)
        if code != 0:
            tally.notes.append(f"importer exit {code}")
    got = record_keys(url)
    tally.records += sum(got.values())
    compare(expected, got, tally)
    return tally


def parallel_workers(url: str, clean_url: str, workers: int, window: int = 200) -> Tally:
    """Run ``workers`` policy processes at once on one store, then one more to catch up;
    the outcome events must equal one clean run's (none recorded twice)."""
    tally = Tally()
    process_here(clean_url, window)
    expected = outcome_events(clean_url)
    procs = [child(PROCESS, url, str(window)) for _ in range(workers)]
    tally.concurrent_runs += len(procs)
    for p in procs:
        code = finish(p, tally)
        if code not in (0, 3):
            tally.notes.append(f"worker exit {code}")
    run_process(url, window, tally)
    got = outcome_events(url)
    tally.outcome_events += sum(got.values())
    compare(expected, got, tally)
    return tally


@contextmanager
def pg_schemas(n: int) -> Iterator[list[str]]:
    """``n`` fresh PostgreSQL schema URLs, dropped afterwards."""
    import psycopg

    names = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(n)]
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        for s in names:
            conn.execute(f"CREATE SCHEMA {s}")
    try:
        yield [f"{PG_URL}?schema={s}" for s in names]
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            for s in names:
                conn.execute(f"DROP SCHEMA {s} CASCADE")


def now() -> datetime:
    return datetime.now(UTC)
