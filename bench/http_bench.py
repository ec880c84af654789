"""HTTP decision latency: ``GET /api/families/{family}/decision`` on a generated county,
measured with a real client (httpx) against ``sftimeline serve`` (uvicorn) on loopback.

Not a timed test: run ``.venv/bin/python bench/http_bench.py [--families 10000]
[--store PATH] [--requests 300]``. The server runs in its own process (the CLI, as a user
starts it), so client and server do not share an interpreter. The floor is ``GET /api``
(a trivial JSON answer) in the same run: the ratio says what a decision adds to a request.

A decision reads one family's records from the store and evaluates them; the server keeps
one store, whose aggregate cache makes a family asked again cheaper. Both are measured:
*distinct* asks each family once (the cold case, the headline), *repeated* asks one family
again and again. ``--store PATH`` keeps the imported county for the next run (importing
10,000 families, about a million records, takes minutes).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from sftimeline.service import open_store
from sftimeline.service.errors import NotFound

ON = "2024-09-30"
KNOWN_AT = "2024-12-31T00:00:00+00:00"


def ensure_county(url: str, families: int) -> int:
    """Families in the store at ``url``, generating and importing the county if absent."""
    store = open_store(url)
    try:
        have = len(store.families())
    except NotFound:
        have = 0
    if have >= families:
        print(f"store {url}: {have} families (reused)")
        store.close()
        return have
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.jsonl"
        t0 = time.perf_counter()
        with path.open("w", encoding="utf-8") as fh:
            from sftimeline.service.records import generate_county

            lines = generate_county(fh, families, seed=1)
        t1 = time.perf_counter()
        result = store.import_files([str(path)], run_process=False)
        t2 = time.perf_counter()
    store.close()
    print(
        f"generated {families} families ({lines} records) in {t1 - t0:.1f}s; imported "
        f"{result.summary.stored} in {t2 - t1:.1f}s ({result.summary.stored / (t2 - t1):.0f} rec/s)"
    )
    return families


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    cli = Path(sys.executable).with_name("sftimeline")
    env = {k: v for k, v in os.environ.items() if k != "SFTIMELINE_API_TOKEN"}
    proc = subprocess.Popen(
        [str(cli), "--db", url, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300  # a loaded, shared machine can be slow to start it
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def timed(
    client: httpx.Client, paths: list[str], params: dict[str, str] | None = None
) -> list[float]:
    """Milliseconds per request, each answer checked."""
    out = []
    for path in paths:
        t0 = time.perf_counter()
        answer = client.get(path, params=params)
        out.append((time.perf_counter() - t0) * 1000)
        answer.raise_for_status()
    return out


def line(label: str, ms: list[float], floor: float | None = None) -> str:
    median = statistics.median(ms)
    p95 = statistics.quantiles(ms, n=20)[18]
    ratio = f"  x{median / floor:5.1f} floor" if floor else ""
    return f"{label:<30} median {median:7.2f} ms   p95 {p95:7.2f} ms   n={len(ms)}{ratio}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--families", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--store", default=None, help="SQLite file to keep the county in")
    args = ap.parse_args()
    tmp = None
    if args.store is None:
        tmp = tempfile.TemporaryDirectory()
        args.store = str(Path(tmp.name) / "county.sqlite")
    have = ensure_county(args.store, args.families)
    codes = open_store(args.store).families()
    port = free_port()
    proc = start_server(args.store, port)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            n = min(args.requests, len(codes))
            timed(client, ["/api"] * 20)  # warm the connection and the server
            floor = timed(client, ["/api"] * n)
            picked = random.Random(1).sample(codes, n)
            query = {"on": ON, "known_at": KNOWN_AT}
            distinct = timed(client, [f"/api/families/{c}/decision" for c in picked], query)
            repeated = timed(client, [f"/api/families/{picked[0]}/decision"] * n, query)
        f = statistics.median(floor)
        print(f"store: SQLite, {have} families; server: sftimeline serve (uvicorn), httpx client")
        print(line("floor GET /api", floor))
        print(line("decision, distinct families", distinct, f))
        print(line("decision, one family repeated", repeated, f))
        verdict = "under" if statistics.median(distinct) < 50 else "OVER"
        print(f"target: median decision under 50 ms -> {verdict}")
    finally:
        proc.terminate()
        proc.wait(10)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
