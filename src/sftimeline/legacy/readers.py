"""Reading legacy exports: CSV and TSV through the standard ``csv`` module, XLSX streamed.

CSV and TSV text comes from :func:`sftimeline.decoding.decoded_lines` (one rule for
UTF-8, a byte-order mark and Windows-1252, shared with the JSON Lines importer); a
line that cannot be decoded becomes a rejection naming its byte offset, and the rows
around it are read as usual.

XLSX is read with openpyxl's read-only mode, which streams a sheet's XML row by row:
peak memory does not grow with the number of rows (``bench/legacy_bench.py``
measures it). python-calamine reads about 17× faster but loads the whole sheet into
memory first. Date cells arrive as dates; numbers stay numbers.

The header: rows above ``header_row`` (titles, notes) are passed over; a header of
several rows (``header_rows: 2``) joins each column's parts with a space, and an
empty cell in any of its rows but the last repeats the one on its left (a merged
cell: a heading over several columns). An
empty name becomes ``column N``; a repeated name gets `` (2)``, `` (3)`` … in order.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sftimeline.decoding import decoded_lines
from sftimeline.importer import Rejection
from sftimeline.legacy.convert import RawRow
from sftimeline.legacy.fields import text_of
from sftimeline.legacy.model import Reading

#: csv's own limit is 128 KiB a cell; a legacy free-text column can be longer.
csv.field_size_limit(16 * 1024 * 1024)


class ReadError(ValueError):
    """A file that cannot be read as a table at all (not found, not an XLSX, no header)."""


@dataclass
class Table:
    """A file opened for reading: its column names and its rows (streamed)."""

    header: tuple[str, ...]
    rows: Iterator[RawRow | Rejection]


def kind_of(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix in (".csv", ".txt"):
        return "csv"
    raise ReadError(f"{path}: not a .csv, .tsv or .xlsx file (a mapped import reads those)")


def column_names(rows: Sequence[Sequence[object]]) -> tuple[str, ...]:
    """The column names of a header made of ``rows`` (see the module's docstring)."""
    width = max((len(r) for r in rows), default=0)
    parts: list[list[str]] = [[] for _ in range(width)]
    for depth, row in enumerate(rows, 1):
        carried = ""
        for i in range(width):
            cell = row[i] if i < len(row) else None
            text = text_of(cell).strip() if cell is not None else ""
            if not text and depth < len(rows):
                text = carried
            carried = text
            if text and (not parts[i] or parts[i][-1] != text):
                parts[i].append(text)
    names = [" ".join(p) or f"column {i + 1}" for i, p in enumerate(parts)]
    while names and names[-1].startswith("column ") and not parts[len(names) - 1]:
        names.pop()
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return tuple(unique)


def _header(
    rows: Iterator[RawRow | Rejection] | Iterator[RawRow], reading: Reading, path: str
) -> tuple[str, ...]:
    wanted = reading.header_row + reading.header_rows - 1
    header_rows: list[Sequence[object]] = []
    for item in rows:
        if isinstance(item, Rejection):
            raise ReadError(f"{path}:{item.line}: the header cannot be read: {item.message}")
        if item.line >= reading.header_row:
            header_rows.append(item.cells)
        if item.line >= wanted:
            break
    names = column_names(header_rows)
    if not names:
        raise ReadError(f"{path}: no header row (expected the column names on row {wanted})")
    return names


def _csv_rows(stream: BinaryIO, path: str, reading: Reading) -> Iterator[RawRow | Rejection]:
    """Rows of a delimited file, each with its first line's number and its text."""
    delimiter = reading.delimiter or ("\t" if kind_of(path) == "tsv" else ",")
    pending: list[Rejection] = []
    taken: list[tuple[int, str]] = []

    def texts() -> Iterator[str]:
        for line in decoded_lines(stream, reading.encoding):
            if line.text is None:
                pending.append(
                    Rejection(
                        path,
                        line.number,
                        ["line"],
                        f"cannot be decoded: {line.error}",
                        line.shown,
                    )
                )
                continue
            text = line.text if line.text.endswith("\n") else line.text + "\n"
            taken.append((line.number, text))
            yield text

    reader = csv.reader(texts(), delimiter=delimiter)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number = taken[0][0] if taken else reader.line_num
            yield Rejection(path, number, ["row"], f"not a readable CSV row: {exc}", "")
            taken.clear()
            continue
        yield from pending
        pending.clear()
        if taken:
            number = taken[0][0]
            text = "".join(t for _, t in taken).rstrip("\r\n")
            taken.clear()
            yield RawRow(number, cells, text, blank=not "".join(cells).strip())
    yield from pending


def _xlsx_rows(path: str, sheet: str | None) -> Generator[RawRow, None, None]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ReadError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise ReadError(
                f"{path}: no sheet {sheet!r} (sheets: {', '.join(map(repr, book.sheetnames))})"
            )
        reset = getattr(ws, "reset_dimensions", None)
        if reset is not None:
            reset()  # exports often write a wrong <dimension>; read what is there
        for number, values in enumerate(ws.iter_rows(values_only=True), 1):
            cells: list[Any] = list(values)
            text = "\t".join("" if c is None else text_of(c) for c in cells)
            yield RawRow(number, cells, text, blank=not text.strip())
    finally:
        book.close()


@contextmanager
def open_table(path: str, reading: Reading) -> Iterator[Table]:
    """The file's header and rows; ReadError for a file that is no table at all."""
    kind = kind_of(path)
    if not Path(path).is_file():
        raise ReadError(f"{path}: no such file")
    if kind == "xlsx":
        sheet_rows = _xlsx_rows(path, reading.sheet)
        try:
            yield Table(_header(sheet_rows, reading, path), sheet_rows)
        finally:
            sheet_rows.close()  # closes the workbook
        return
    with open(path, "rb") as stream:
        rows = _csv_rows(stream, path, reading)
        yield Table(_header(rows, reading, path), rows)
