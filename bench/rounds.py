"""Paired rounds: each ratio of ``bench/run``'s import, evaluate and 2-workers columns taken
several times, the command and its floor one straight after the other, the order
alternating.

On these shared machines one import against one raw insert moved by a third from run to
run, and the two-worker evaluation of 1,000 families read 0.61× and 0.76× of one worker in
two runs minutes apart. A pair run back to back shares its moment; alternating the order,
neither side always goes first; the cells give the median of the rounds' ratios and their
range.
"""

from __future__ import annotations

import filecmp
import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from bench.children import Run, floor, pg_url, run, sftimeline

if TYPE_CHECKING:
    from bench.suite import Row

ON = "2025-06-01"
FRAMEWORK = "national-2022"
#: rounds of each paired column: ``--rounds``
ROUNDS = 3


def supports_workers(cmd: str) -> bool:
    return "--workers" in run([cmd, "evaluate", "--help"]).stdout


@contextmanager
def scratch_url(store: str, work: Path, name: str) -> Iterator[str]:
    """A fresh, empty database of the row's kind for one round's import or floor, removed
    afterwards (a SQLite file in the work directory; a PostgreSQL schema)."""
    if store == "SQLite":
        path = work / f"{name}.sqlite"
        _remove_sqlite(path)
        try:
            yield str(path)
        finally:
            _remove_sqlite(path)
        return
    with pg_url() as url:
        if url is None:
            raise SystemExit("PostgreSQL is no longer reachable")
        yield url


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def import_rounds(
    row: Row, url: str, county: Path, work: Path, say: Callable[[str], None], rounds: int
) -> None:
    """The import column: ``rounds`` rounds, each a raw insert and an import of the county
    into fresh databases, one straight after the other, the order alternating (the
    machine's speed drifts over minutes: one pair shares its moment, and neither side
    always goes first). The last round's import fills ``url``, which the later columns
    read. The cell shows the median of the rounds' ratios and their range."""
    cmd = sftimeline()
    floors: list[Run] = []
    imports: list[Run] = []
    for i in range(rounds):
        last = i == rounds - 1
        name = f"{row.store}-{row.families}-round{i}"
        into = nullcontext(url) if last else scratch_url(row.store, work, name)
        with scratch_url(row.store, work, f"{name}-raw") as raw_url, into as store_url:
            steps = [
                lambda u=raw_url: floors.append(floor("insert", u, str(county))),
                lambda u=store_url: imports.append(
                    run([cmd, "--db", u, "import", str(county), "--no-process"])
                ),
            ]
            for step in steps if i % 2 == 0 else reversed(steps):
                step()
        f, r = floors[-1], imports[-1]
        row.import_ratios.append(f.wall / r.wall)
        say(
            f"round {i + 1}: raw insert {f.stdout.strip()} rows in {f.wall:.1f}s, import in"
            f" {r.wall:.1f}s ({r.peak_mb:.0f} MB): {f.wall / r.wall:.2f}×"
        )
    row.records = int(floors[0].stdout)
    row.insert_rate = row.records / statistics.median(f.wall for f in floors)
    row.import_rate = row.records / statistics.median(r.wall for r in imports)
    row.import_cpu = statistics.median(f.cpu / r.cpu for f, r in zip(floors, imports, strict=True))
    row.floor_mb = max(f.peak_mb for f in floors)
    row.import_mb = max(r.peak_mb for r in imports)


def evaluate_rounds(
    row: Row, url: str, work: Path, say: Callable[[str], None], rounds: int
) -> float:
    """The evaluate and 2-workers columns: ``rounds`` rounds, each the raw read, the
    evaluation on one worker and on two, and the raw read split over two processes (the
    2-workers column's own floor: what two processes gain here), one straight after the
    other, the order alternating (as :func:`import_rounds`); each round's two outputs
    compared byte for byte. The cells show the medians of the rounds' ratios and their
    range. Returns the raw read's CPU (median), which the catch-up's CPU ratio is taken
    against."""
    cmd = sftimeline()
    evaluate = [cmd, "--db", url, "evaluate", "--on", ON, "--known-at", "2026-01-01"]
    evaluate += ["--framework", FRAMEWORK, "--format", "jsonl"]
    parallel = supports_workers(cmd)
    one = work / f"{row.store}-{row.families}-1.jsonl"
    two = work / f"{row.store}-{row.families}-2.jsonl"
    reads: list[Run] = []
    ones: list[Run] = []
    twos: list[Run] = []
    halves: list[Run] = []
    identical = True
    for i in range(rounds):
        steps = [
            lambda: reads.append(floor("read", url)),
            lambda: ones.append(
                run([*evaluate, *(["--workers", "1"] if parallel else [])], out=one)
            ),
        ]
        if parallel:
            steps.append(lambda: twos.append(run([*evaluate, "--workers", "2"], out=two)))
            steps.append(lambda: halves.append(floor("read-halves", url)))
        for step in steps if i % 2 == 0 else reversed(steps):
            step()
        f, r = reads[-1], ones[-1]
        row.evaluate_ratios.append(r.wall / f.wall)
        told = f"round {i + 1}: raw read {f.wall:.1f}s, evaluate {r.wall:.1f}s (CPU {r.cpu:.1f}s)"
        if parallel:
            # compared a block at a time: read whole, the two outputs (≈ 280 MB each at
            # 100,000 families) stayed in this process, and every later child's peak
            # memory counted them (a child's ru_maxrss starts from its parent's at the fork)
            same = filecmp.cmp(one, two, shallow=False)
            identical = identical and same
            row.workers2_ratios.append(twos[-1].wall / r.wall)
            row.halves_ratios.append(halves[-1].wall / f.wall)
            told += f", 2 workers {twos[-1].wall:.1f}s (identical: {same})"
            told += f", raw read on 2 processes {halves[-1].wall:.1f}s"
        say(told)
    row.raw_read = statistics.median(f.wall for f in reads)
    row.evaluate = statistics.median(r.wall for r in ones)
    row.evaluate_mb = max(r.peak_mb for r in ones)
    row.evaluate_cpu = statistics.median(r.cpu / f.cpu for f, r in zip(reads, ones, strict=True))
    if parallel:
        row.workers2 = statistics.median(r.wall for r in twos)
        row.identical = identical
    return statistics.median(f.cpu for f in reads)


def spread(ratios: list[float]) -> str:
    """The rounds' ratios, lowest to highest (the cell's bold figure is their median)."""
    if len(ratios) == 1:
        return "1 round"
    return f"{min(ratios):.2f}–{max(ratios):.2f} in {len(ratios)} rounds"
