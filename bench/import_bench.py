"""Import and read rates (records/s) for the example and 100,000 generated lines.

Not a timed test: run ``.venv/bin/python bench/import_bench.py [--lines N]``.
PostgreSQL (127.0.0.1:5432, db test, user postgres) is measured in a fresh schema
when reachable.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sftimeline.adapters.store import RecordStore
from sftimeline.generate import family_records, write_county
from sftimeline.importer import import_files

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "county.jsonl"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"


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


def measure(label: str, url: str, path: str, batch: int) -> None:
    with RecordStore.open(url) as store:
        t0 = time.perf_counter()
        s = import_files(store, [path], batch_size=batch)
        t1 = time.perf_counter()
    with RecordStore.open(url) as store:
        t2 = time.perf_counter()
        n = store.read_all_records()
        t3 = time.perf_counter()
    print(
        f"{label:<34} import {s.stored:>7} in {t1 - t0:6.2f}s = {s.stored / (t1 - t0):8.0f} rec/s"
        f" | read+decode {n:>7} in {t3 - t2:5.2f}s = {n / (t3 - t2):8.0f} rec/s"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--batch-size", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gen = Path(tmp) / "county.jsonl"
        families = 0
        lines = 0
        while lines < args.lines:  # enough families for the requested number of lines
            lines += len(family_records(1, families))
            families += 1
        with gen.open("w", encoding="utf-8") as fh:
            write_county(fh, families, 1)
        print(f"generated {lines} lines for {families} families")
        cases: list[tuple[str, Path]] = [("example", EXAMPLE), (f"generated {lines}", gen)]
        for name, path in cases:
            url = str(Path(tmp) / f"{uuid.uuid4().hex}.sqlite")
            measure(f"sqlite {name}", url, str(path), args.batch_size)
        for name, path in cases:
            with pg_schema() as url:
                if url is not None:
                    measure(f"postgres {name}", url, str(path), args.batch_size)


if __name__ == "__main__":
    main()
