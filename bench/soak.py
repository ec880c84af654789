"""The long run of the crash, concurrency and fuzz probes (issue 12, "keep the guarantees").

The test suite runs each probe a few times (tests/test_guarantees.py,
tests/test_loader_fuzz.py); this script runs them for longer and prints the figures:

    .venv/bin/python bench/soak.py [--kill-points 10] [--rounds 3] [--families 20]
        [--loader-fuzz 10000] [--import-fuzz 100000] [--stores sqlite,postgres] [--seed N]

- kill points: imports and policy runs SIGKILLed at random moments (per store kind),
  each followed by a run to the end, compared with a clean run;
- concurrent runs: overlapping importers, and policy workers, side by side;
- fuzz: the framework loader (hypothesis: arbitrary text, packaged frameworks with
  random edits, YAML trees of the DSL's vocabulary) and the JSON Lines importer (lines
  of real records with hostile values, broken JSON and raw bytes, imported into a store).

It prints kill points tried, concurrent runs, records and outcome events counted, fuzz
inputs tried, tracebacks, lost and duplicated; it exits 1 unless the last three are 0.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from guarantees import (
    Tally,
    import_kill_points,
    parallel_importers,
    parallel_workers,
    pg_schemas,
    process_kill_points,
    write_county,
)

HOSTILE_VALUES: list[Any] = [
    None, "", " ", "\x00", "a\x00b", "\ud800", "\u202e", "\x1b[31m", "x" * 1_100_000,
    "9" * 5000, -1, 0, 2**63, 1e308, float("inf"),
    [], {}, [[[]]], {"a": {"b": {}}}, True, "2024-02-30", "9999-12-31T23:59:59-05:00",
    "0001-01-01", "1899-12-31", "2101-01-01", "2024-13-01", "/usr/bin/env", "../../etc",
]  # fmt: skip


def hostile_line(rng: random.Random, base: dict[str, Any]) -> bytes:
    """One line: a real record with a hostile change, or broken JSON, or raw bytes."""
    kind = rng.randrange(10)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80)))
    if kind == 1:
        depth = rng.choice([10, 1000, 60_000])
        return ("[" * depth + "]" * depth).encode()
    if kind == 3:  # a number of more than 4,300 digits
        return (json.dumps(base)[:-1] + ', "gross_pay": ' + "9" * 5000 + "}").encode()
    if kind == 2:
        text = json.dumps(base)
        cut = rng.randrange(len(text))
        return (text[:cut] + rng.choice(["", "\r", "\ufeff", '"', "}", "\\"]) + text[cut:]).encode(
            "utf-8", "surrogatepass"
        )
    rec = dict(base)
    for _ in range(rng.randrange(1, 3)):
        name = rng.choice([*rec, "extra", "family", "occurred_on", "recorded_at", "type"])
        value = rng.choice(HOSTILE_VALUES)
        if value is None and rng.random() < 0.5:
            rec.pop(name, None)
        else:
            rec[name] = value
    return json.dumps(rec, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")


def import_fuzz(n: int, rng: random.Random, workdir: Path, tally: Tally) -> int:
    """Import ``n`` hostile lines (files of 200, good lines between) into a store."""
    from sftimeline.adapters.store import RecordStore
    from sftimeline.generate import family_records
    from sftimeline.importer import import_files

    bases = [r for i in range(3) for r in family_records(1, i)]
    tried = 0
    with RecordStore.open(str(workdir / "fuzz.sqlite"), key="") as store:
        while tried < n:
            path = workdir / "fuzz.jsonl"
            good = 0
            with path.open("wb") as fh:
                for _ in range(min(200, n - tried)):
                    base = rng.choice(bases)
                    if rng.random() < 0.2:
                        fh.write(json.dumps({**base, "source_id": f"g{tried}"}).encode() + b"\n")
                        good += 1
                    else:
                        fh.write(hostile_line(rng, base) + b"\n")
                    tried += 1
            try:
                summary = import_files(store, [str(path)], batch_size=50)
            except Exception:
                tally.tracebacks += 1
                tally.notes.append("importer: " + traceback.format_exc()[-1500:])
                continue
            stored = sum(c.stored + c.unchanged for c in summary.files.values())
            if stored < good:
                tally.lost += good - stored
                tally.notes.append(f"importer: {good - stored} good line(s) not stored")
    return tried


def loader_fuzz(n: int, tally: Tally) -> int:
    """``n`` inputs to the framework loader, spread over the hypothesis targets."""
    from test_loader_fuzz import FUZZ_TARGETS

    return sum(
        _fuzz(name, strategy, n // len(FUZZ_TARGETS), tally) for name, strategy in FUZZ_TARGETS
    )


def _fuzz(name: str, strategy: Any, n: int, tally: Tally) -> int:
    from hypothesis import HealthCheck, given, settings

    from test_loader_fuzz import loads_or_refuses

    tried = 0

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def target(text: str) -> None:
        nonlocal tried
        tried += 1
        try:
            loads_or_refuses(text)
        except Exception:
            tally.tracebacks += 1
            tally.notes.append(f"loader ({name}): {traceback.format_exc()[-1500:]}")

    target()
    return tried


def probes(urls: tuple[str, str], workdir: Path, args: argparse.Namespace, tally: Tally) -> None:
    url, clean = urls
    rng = random.Random(args.seed)
    county = workdir / "county.jsonl"
    write_county(county, args.families, seed=args.seed)
    tally.add(import_kill_points(url, clean, county, args.kill_points, rng, batch=40))
    tally.add(process_kill_points(url, clean, args.kill_points, rng, window=150))
    for r in range(args.rounds):
        files = []
        for i in range(4):
            f = workdir / f"part{r}-{i}.jsonl"
            write_county(f, max(2, args.families // 4), seed=args.seed + r, start=i * 2)
            files.append(f)
        with pg_or_sqlite(url, workdir, f"par{r}") as pair:
            tally.add(parallel_importers(*pair, files))
            tally.add(parallel_workers(*pair, workers=3, window=100))


class pg_or_sqlite:
    """Two more stores of the kind of ``like`` (fresh schemas, or files)."""

    def __init__(self, like: str, workdir: Path, name: str) -> None:
        self.like, self.workdir, self.name = like, workdir, name
        self._pg: Any = None

    def __enter__(self) -> tuple[str, str]:
        if self.like.startswith("postgresql"):
            self._pg = pg_schemas(2)
            a, b = self._pg.__enter__()
            return a, b
        return str(self.workdir / f"{self.name}.sqlite"), str(self.workdir / f"{self.name}c.sqlite")

    def __exit__(self, *exc: object) -> None:
        if self._pg is not None:
            self._pg.__exit__(None, None, None)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kill-points", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--families", type=int, default=20)
    ap.add_argument("--loader-fuzz", type=int, default=10_000)
    ap.add_argument("--import-fuzz", type=int, default=100_000)
    ap.add_argument("--stores", default="sqlite,postgres")
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    args = ap.parse_args()
    tally = Tally()
    started = time.perf_counter()
    fuzzed = {"loader": 0, "importer": 0}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for kind in args.stores.split(","):
            if kind == "sqlite":
                probes((str(workdir / "a.sqlite"), str(workdir / "b.sqlite")), workdir, args, tally)
            else:
                with pg_schemas(2) as (a, b):
                    probes((a, b), workdir, args, tally)
            print(f"[{kind} done: {time.perf_counter() - started:.0f}s]", file=sys.stderr)
        fuzzed["importer"] = import_fuzz(args.import_fuzz, random.Random(args.seed), workdir, tally)
        fuzzed["loader"] = loader_fuzz(args.loader_fuzz, tally)
    print(
        f"soak run, seed {args.seed}, stores {args.stores}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(f"kill points tried:      {tally.kill_points} ({tally.killed_midway} killed mid-work)")
    print(f"concurrent runs:        {tally.concurrent_runs}")
    print(f"records counted:        {tally.records}")
    print(f"outcome events counted: {tally.outcome_events}")
    print(
        f"fuzz inputs tried:      {fuzzed['loader'] + fuzzed['importer']} "
        f"(framework loader {fuzzed['loader']}, JSON Lines importer {fuzzed['importer']} lines)"
    )
    print(f"tracebacks:             {tally.tracebacks}")
    print(f"lost:                   {tally.lost}")
    print(f"duplicated:             {tally.duplicated}")
    print(f"elapsed:                {time.perf_counter() - started:.0f}s")
    for note in tally.notes[:10]:
        print("note:", note, file=sys.stderr)
    return 0 if (tally.tracebacks, tally.lost, tally.duplicated) == (0, 0, 0) else 1


if __name__ == "__main__":
    sys.exit(main())
