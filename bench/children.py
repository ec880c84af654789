"""Child processes as the benchmarks measure them, the floors, and scratch PostgreSQL schemas.

Every figure of ``bench/run`` (and of ``import_ratio.py``, ``instructions.py``) is a child
process timed from start to exit (wall) with its own CPU time and peak memory, taken from
``wait4``'s rusage so that nothing of the suite or of other children is counted; the floors
(:mod:`bench.floors`) run the same way.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"
PG_URL = "postgresql://postgres@127.0.0.1:5432/test?schema={schema}"


@dataclass(frozen=True)
class Run:
    """One child process: wall seconds, CPU seconds (user + system), peak RSS in MB."""

    wall: float
    cpu: float
    peak_mb: float
    stdout: str


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SFTIMELINE_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(argv: Sequence[str], *, out: Path | None = None, check: bool = True) -> Run:
    """Run a child to completion; its wall time, CPU time and peak memory (its own
    ``wait4`` rusage, so nothing of the suite or of other children is counted)."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as captured:
        sink = open(out, "wb") if out else captured  # noqa: SIM115 (closed below)
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=sink, stderr=err, env=_child_env())
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if out:
            sink.close()
        err.seek(0)
        captured.seek(0)
        stderr, stdout = err.read(), captured.read()
    if check and proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv)} failed ({proc.returncode}):\n{stderr.decode(errors='replace')}"
        )
    return Run(
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        stdout.decode(errors="replace"),
    )


def sftimeline() -> str:
    """The console script of the interpreter running the suite (the venv's)."""
    found = Path(sys.executable).parent / "sftimeline"
    return str(found) if found.exists() else shutil.which("sftimeline") or "sftimeline"


def floor(kind: str, *args: str) -> Run:
    return run([sys.executable, "-m", "bench.floors", kind, *args])


def median_run(argv: Sequence[str], n: int = 5) -> float:
    return statistics.median(run(argv).wall for _ in range(n))


@contextmanager
def pg_url() -> Iterator[str | None]:
    """A fresh PostgreSQL schema's store URL, dropped afterwards (None: no server)."""
    try:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_DSN, autocommit=True) as c:
            c.execute(f"CREATE SCHEMA {schema}")
    except Exception as exc:  # no server, no driver: the PostgreSQL rows are skipped
        print(f"PostgreSQL not reachable, its rows are skipped: {exc}", file=sys.stderr)
        yield None
        return
    try:
        yield PG_URL.format(schema=schema)
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")
