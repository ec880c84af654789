"""The issue-14 benchmark: one table of ratios, each against a floor measured in the same run.

``bench/run`` (or ``python -m bench``) generates counties (``sftimeline generate``, seed 1,
≈ 100 records per family) and, for each size and store (a fresh SQLite file, a fresh
PostgreSQL schema when the server is reachable), runs the real ``sftimeline`` commands as
child processes beside the floors of :mod:`bench.floors`, each timed from process start
to exit (wall) with its peak resident memory (``wait4``'s ``ru_maxrss``):

==================  ==========================================  ===========================
column              measured                                    divided by (the floor)
==================  ==========================================  ===========================
start-up            ``sftimeline --help`` (median of 5)         ``python -c pass``
import              ``sftimeline import --no-process`` rec/s    raw insert rec/s (≥ 0.5)
evaluate            ``sftimeline evaluate --format jsonl``      raw select + json.loads
                    (national-2022, 1 worker)                   (≤ 2.0)
2 workers           the same with ``--workers 2``               1 worker (≤ 0.65); output
                                                                must be byte-identical;
                                                                beside it the raw read
                                                                split over 2 processes
                                                                against the raw read: what
                                                                2 processes gain here
peak memory         import / evaluate ``ru_maxrss``             the raw insert's
late record         ``sftimeline import`` of one retraction     raw insert of one row +
                    (process runs after it), median             read of that family
catch-up            ``sftimeline process run`` from scratch     raw select + json.loads
==================  ==========================================  ===========================

The machine is shared, so only ratios taken in the same run mean anything; the import's
ratio is the median of ``--rounds`` pairs (default 3), each a raw insert and an import into
fresh databases one straight after the other, the order alternating, and its cell gives the
rounds' range (one import against one raw insert moved by a third from run to run); the
evaluate and 2-workers columns likewise (each round: the raw read, one worker, two). Sizes:
``--families 1000 10000`` by default; ``--large`` adds 100,000 families (≈ 10 million
records: an hour or more on a loaded 2-core machine, so it is opt-in).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.children import floor, median_run, pg_url, run, sftimeline
from bench.rounds import FRAMEWORK, ON, ROUNDS, evaluate_rounds, import_rounds, spread

LATE_SAMPLES = 5
#: the largest size (families) whose SQLite import is also profiled stage by stage
STAGES_UP_TO = 10_000


def late_records(county: Path, n: int) -> list[tuple[str, str]]:
    """(family, JSON line) for ``n`` retractions of evidence records spread over the county."""
    evidence: dict[str, tuple[str, str]] = {}
    with county.open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["type"] == "evidence_recorded" and d.get("source_id"):
                evidence.setdefault(d["family"], (d["source"], d["source_id"]))
    families = sorted(evidence)
    step = max(1, len(families) // n)
    out = []
    for i, fam in enumerate(families[::step][:n]):
        source, source_id = evidence[fam]
        line = {
            "type": "record_retracted",
            "family": fam,
            "occurred_on": "2025-05-01",
            "recorded_at": "2025-05-02T09:00:00Z",
            "source": "bench",
            "source_id": f"LATE-{i}",
            "target_source": source,
            "target_source_id": source_id,
            "reason": "entered in error",
        }
        out.append((fam, json.dumps(line)))
    return out


@dataclass
class Row:
    """One line of the table (None: not measured)."""

    store: str
    families: int
    records: int = 0
    import_rate: float = 0.0
    insert_rate: float = 0.0
    import_cpu: float = 0.0  # CPU ratio to the raw insert's (steadier when the machine is busy)
    #: each round's import ratio (raw insert wall / import wall), in the order they ran
    import_ratios: list[float] = field(default_factory=list)
    #: each round's evaluation against its raw read, and two workers against one
    evaluate_ratios: list[float] = field(default_factory=list)
    workers2_ratios: list[float] = field(default_factory=list)
    #: each round's raw read split over two processes against the raw read on one
    halves_ratios: list[float] = field(default_factory=list)
    evaluate: float = 0.0
    raw_read: float = 0.0
    evaluate_cpu: float = 0.0  # CPU ratio to the raw read's
    workers2: float | None = None
    identical: bool | None = None
    import_mb: float = 0.0
    evaluate_mb: float = 0.0
    floor_mb: float = 0.0
    late_ms: float = 0.0
    late_floor_ms: float = 0.0
    catch_up: float = 0.0
    catch_up_cpu: float = 0.0
    notes: list[str] = field(default_factory=list)

    def cells(self) -> list[str]:
        w2 = "n/a (no --workers)"
        if self.workers2 is not None:
            same = "identical" if self.identical else "**output differs**"
            ratio, rounds = statistics.median(self.workers2_ratios), spread(self.workers2_ratios)
            w2 = f"{self.workers2:.1f} s = **{ratio:.2f}**× ({rounds}), {same}"
            if self.halves_ratios:
                halves = statistics.median(self.halves_ratios)
                w2 += f"; the raw read on 2 processes: {halves:.2f}× ({spread(self.halves_ratios)})"
        cells = [
            self.store,
            f"{self.families:,}",
            f"{self.records:,}",
            _cell(
                self.import_rate,
                lambda: (
                    f"{self.import_rate:,.0f}/s = **{statistics.median(self.import_ratios):.2f}**×"
                    f" ({spread(self.import_ratios)}; raw {self.insert_rate:,.0f}/s;"
                    f" CPU {self.import_cpu:.2f}×)"
                ),
            ),
            _cell(
                self.evaluate,
                lambda: (
                    f"{self.evaluate:.1f} s = **{statistics.median(self.evaluate_ratios):.2f}**×"
                    f" ({spread(self.evaluate_ratios)}; raw {self.raw_read:.1f} s;"
                    f" CPU {self.evaluate_cpu:.2f}×)"
                ),
            ),
            w2 if self.evaluate else "not measured",
            _cell(
                self.import_mb,
                lambda: (
                    f"{self.import_mb:.0f} / {self.evaluate_mb:.0f} MB"
                    f" (raw {self.floor_mb:.0f}: **{self.import_mb / self.floor_mb:.1f}**×)"
                ),
            ),
            _cell(
                self.late_ms,
                lambda: (
                    f"{self.late_ms:.0f} ms = **{self.late_ms / self.late_floor_ms:.1f}**×"
                    f" (raw {self.late_floor_ms:.0f} ms)"
                ),
            ),
            _cell(
                self.catch_up,
                lambda: (
                    f"{self.catch_up:.1f} s = **{self.catch_up / self.raw_read:.2f}**×"
                    f" (CPU {self.catch_up_cpu:.2f}×)"
                ),
            ),
        ]
        return cells


def _cell(value: float, text: Callable[[], str]) -> str:
    return text() if value else "not measured"


HEADER = [
    "store",
    "families",
    "records",
    "import (× raw insert, ≥ 0.5)",
    "evaluate (× raw read, ≤ 2)",
    "2 workers (× 1 worker, ≤ 0.65)",
    "peak memory import / evaluate (× raw insert's)",
    "late record (× raw)",
    "catch-up (× raw read)",
]


def measure(row: Row, url: str, county: Path, work: Path, rounds: int = ROUNDS) -> Row:
    """Every figure of one row, on a fresh store at ``url``."""
    cmd = sftimeline()
    store, families = row.store, row.families
    say = lambda msg: print(f"  [{store} {families}] {msg}", file=sys.stderr, flush=True)  # noqa: E731

    import_rounds(row, url, county, work, say, rounds)

    read_cpu = evaluate_rounds(row, url, work, say, rounds)

    run([cmd, "--db", url, "process", "enable", FRAMEWORK])
    run([cmd, "--db", url, "process", "on", ON])
    r = run([cmd, "--db", url, "process", "run"])
    row.catch_up, row.catch_up_cpu = r.wall, r.cpu / read_cpu
    say(f"catch-up in {r.wall:.1f}s")

    lates, floors = [], []
    for i, (family, line) in enumerate(late_records(county, LATE_SAMPLES)):
        floors.append(floor("late", url, family).wall)
        path = work / f"late-{i}.jsonl"
        path.write_text(line + "\n", encoding="utf-8")
        lates.append(run([cmd, "--db", url, "import", str(path)]).wall)
    row.late_ms = statistics.median(lates) * 1000
    row.late_floor_ms = statistics.median(floors) * 1000
    say(f"late record {row.late_ms:.0f} ms (raw {row.late_floor_ms:.0f} ms)")
    return row


def attempt(row: Row, url: str, county: Path, work: Path, rounds: int = ROUNDS) -> Row:
    """:func:`measure`, keeping what was measured when a step fails (a shared database
    server may refuse connections): the failure is printed, the cell says so."""
    try:
        return measure(row, url, county, work, rounds)
    except SystemExit as exc:
        print(f"  [{row.store} {row.families}] stopped: {exc}", file=sys.stderr, flush=True)
        return row


def compile_package() -> None:
    """Bytecode for the package, as an installed copy has it (pip compiles on install).

    The children run with ``PYTHONDONTWRITEBYTECODE=1`` (nothing written into the
    checkout while measuring), so an editable checkout without ``__pycache__`` would
    compile every module it imports on every start — ≈ 0.1 s per command that no
    installed copy pays."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("sftimeline")
    for location in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(location, quiet=1)


def start_up(work: Path) -> list[str]:
    cmd = sftimeline()
    bare = median_run([sys.executable, "-c", "pass"])
    helped = median_run([cmd, "--help"])
    small = str(work / "example.sqlite")
    example = Path(__file__).resolve().parents[1] / "examples" / "county.jsonl"
    run([cmd, "--db", small, "import", str(example), "--no-process"])
    command = median_run([cmd, "--db", small, "families"])
    return [
        f"- start-up: `sftimeline --help` {helped:.2f} s = **{helped / bare:.1f}×** "
        f"`python -c pass` ({bare:.3f} s); target < 0.25 s",
        f"- fixed overhead: `sftimeline families` on the example store {command:.2f} s"
        f" = **{command / bare:.1f}×** `python -c pass`; target < 0.4 s",
    ]


def import_stages(county: Path) -> list[str]:
    """Where a SQLite import's CPU goes, stage by stage, against the raw insert's
    (``bench/import_stages.py``, a child process): the profile behind the import column.
    On a machine of two cores the import can at best take (worker + writer) / 2 a record,
    however well its processes share them, so that bound explains a ratio below the
    target."""
    return run([sys.executable, "-m", "bench.import_stages", str(county)]).stdout.splitlines()


def table(rows: list[Row]) -> list[str]:
    out = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    out += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return out


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="bench/run", description="The issue-14 table: every figure a ratio to its floor."
    )
    ap.add_argument("--families", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument(
        "--large",
        action="store_true",
        help="also 100,000 families (≈ 10M records; an hour or more on a shared 2-core machine)",
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=ROUNDS,
        help=f"raw insert and import pairs per row, the order alternating (default {ROUNDS})",
    )
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="work here and keep the files")
    args = ap.parse_args(argv)
    sizes = sorted(set(args.families) | ({100_000} if args.large else set()))

    work_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sfbench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    try:
        compile_package()
        lines = start_up(work_dir)
        print("\n".join(lines), flush=True)
        rows: list[Row] = []
        for n in sizes:
            county = work_dir / f"county-{n}.jsonl"
            if not county.exists():
                run([sftimeline(), "generate", "--families", str(n), "--out", str(county)])
            if not args.no_sqlite:
                db = work_dir / f"county-{n}.sqlite"
                for p in work_dir.glob(f"county-{n}.sqlite*"):
                    p.unlink()
                rows.append(attempt(Row("SQLite", n), str(db), county, work_dir, args.rounds))
            if not args.no_pg:
                with pg_url() as url:
                    if url is not None:
                        rows.append(
                            attempt(Row("PostgreSQL", n), url, county, work_dir, args.rounds)
                        )
        print()
        print("\n".join(table(rows)))
        if not args.no_sqlite:
            for n in sizes:
                if n > STAGES_UP_TO:
                    continue
                print(
                    f"\nWhere a SQLite import's CPU goes, {n:,} families (bench/import_stages.py):"
                )
                print(
                    "\n".join(
                        f"    {line}" for line in import_stages(work_dir / f"county-{n}.jsonl")
                    )
                )
        load = os.getloadavg()
        print(
            f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
            f"{os.cpu_count()} cores"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
