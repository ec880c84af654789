"""Mapped imports: CSV rate against JSON Lines of the same records, and XLSX memory.

Not a timed test: run ``.venv/bin/python bench/legacy_bench.py [--rows N]``.

1. A generated incident export of N rows (CSV) and the very records its mapping makes
   (written by ``convert``, so both imports store the same records) are each imported
   into a fresh SQLite store; the figure is the mapped CSV rate over the JSON Lines
   rate (the issue's floor: 0.8). Conversion alone (no store) is shown beside them.
2. Sheets of increasing size are converted from XLSX in a child process each, and the
   child's peak resident memory is printed: streaming means it stays flat as rows grow.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sftimeline.adapters.store import RecordStore
from sftimeline.importer import import_files
from sftimeline.legacy import convert_files, import_mapped, load_mapping_text

MAPPING = """
knowledge_time: {column: Date Recorded, formats: dd/mm/yyyy}
skip:
  - reason: not matched
    column: Person ID
    present: false
defaults:
  source: police
  family: {column: Family ID}
records:
  - type: incident_recorded
    person: {column: Person ID}
    occurred_on: {column: Incident Date, as: date, formats: [dd/mm/yyyy, excel_serial]}
    kind:
      column: Crime type
      map:
        Anti-social behaviour: asb
        Burglary: offence
        Shoplifting: offence
        Public order: offence
        Criminal damage and arson: offence
        Violence and sexual offences: offence
    source_id: {template: "{Crime ID}"}
"""
HEADER = ["Crime ID", "Family ID", "Person ID", "Incident Date", "Crime type", "Date Recorded"]
KINDS = [
    "Anti-social behaviour",
    "Burglary",
    "Shoplifting",
    "Public order",
    "Criminal damage and arson",
    "Violence and sexual offences",
]


#: runs of each import; the best of them is compared (a shared machine is noisy)
RUNS = 3


def rows(n: int, seed: int = 1) -> list[list[str]]:
    rng = random.Random(seed)
    start = date(2022, 1, 1)
    out = []
    for i in range(n):
        day = start + timedelta(days=rng.randrange(900))
        known = day + timedelta(days=rng.randrange(60))
        out.append(
            [
                f"C{i:08d}",
                f"FAM-{rng.randrange(max(1, n // 50)):05d}",
                f"P{rng.randrange(4)}",
                day.strftime("%d/%m/%Y"),
                rng.choice(KINDS),
                known.strftime("%d/%m/%Y"),
            ]
        )
    return out


def write_csv(path: Path, data: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\n")
        for row in data:
            fh.write(",".join(row) + "\n")


def write_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Incidents")
    sheet.append(HEADER)
    for row in rows(n):
        day, month, year = (int(x) for x in row[3].split("/"))
        sheet.append([*row[:3], date(year, month, day), row[4], row[5]])
    book.save(path)


def timed_import(url: str, mapped: bool, path: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, records stored) of one import into a fresh store."""
    mapping = load_mapping_text(MAPPING)
    with RecordStore.open(url) as store:
        t0, c0 = time.perf_counter(), time.process_time()
        if mapped:
            summary = import_mapped(store, mapping, [str(path)])
        else:
            summary = import_files(store, [str(path)])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return wall, cpu, summary.stored


def rates(n: int, tmp: Path) -> None:
    csv_path, jsonl_path = tmp / "incidents.csv", tmp / "incidents.jsonl"
    write_csv(csv_path, rows(n))
    with jsonl_path.open("w", encoding="utf-8") as out:
        t0 = time.perf_counter()
        convert_files(load_mapping_text(MAPPING), [str(csv_path)], out)
        convert_s = time.perf_counter() - t0
    print(f"convert only (no store): {n:,} rows in {convert_s:.2f}s = {n / convert_s:,.0f} rows/s")
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for attempt in range(RUNS):  # alternating, so a busy moment hurts both alike
        for label, mapped, path in (
            ("json lines", False, jsonl_path),
            ("mapped csv", True, csv_path),
        ):
            url = str(tmp / f"{label.replace(' ', '-')}-{attempt}.sqlite")
            w, c, stored = timed_import(url, mapped, path)
            assert stored == n, (label, stored)
            wall[label] = max(wall.get(label, 0.0), stored / w)
            cpu[label] = max(cpu.get(label, 0.0), stored / c)
            print(
                f"  {label:<10} run {attempt + 1}: {stored:,} stored in {w:.2f}s wall "
                f"({stored / w:,.0f} rec/s), {c:.2f}s CPU ({stored / c:,.0f} rec/s)"
            )
    for name, best in (("wall", wall), ("CPU", cpu)):
        ratio = best["mapped csv"] / best["json lines"]
        verdict = "ok" if ratio >= 0.8 else "BELOW"
        print(
            f"mapped CSV / JSON Lines import rate, {name} (best of {RUNS}): "
            f"{best['mapped csv']:,.0f} / {best['json lines']:,.0f} = {ratio:.2f} "
            f"(floor 0.80: {verdict})"
        )


def child_peak(path: Path) -> None:
    """In a child process: convert one workbook, print the peak resident set (KiB)."""
    mapping = load_mapping_text(MAPPING + "reading: {sheet: Incidents}\n")
    summary = convert_files(mapping, [str(path)], _Null())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{summary.totals.rows} {peak}")


class _Null(io.TextIOBase):
    def write(self, s: str) -> int:
        return len(s)


def memory(sizes: list[int], tmp: Path) -> None:
    peaks = []
    for n in sizes:
        path = tmp / f"sheet-{n}.xlsx"
        write_xlsx(path, n)
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        elapsed = time.perf_counter() - t0
        read, peak_kib = int(out[0]), int(out[1])
        peaks.append(peak_kib)
        print(
            f"  xlsx {n:>7,} rows: {read:,} read in {elapsed:5.1f}s, "
            f"peak RSS {peak_kib / 1024:6.1f} MiB"
        )
    print(
        f"xlsx peak memory, {sizes[-1]:,} rows / {sizes[0]:,} rows: "
        f"{peaks[-1] / peaks[0]:.2f}x for {sizes[-1] / sizes[0]:.0f}x the rows"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the CSV export")
    parser.add_argument(
        "--sheets", type=int, nargs="+", default=[10_000, 50_000, 100_000], help="XLSX sizes"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_peak(Path(args.child))
        return
    with tempfile.TemporaryDirectory() as tmp:
        rates(args.rows, Path(tmp))
        memory(args.sheets, Path(tmp))


if __name__ == "__main__":
    main()
