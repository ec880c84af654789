"""JSON Lines files as source rows: one interchange record per non-blank line.

Bytes become lines by :mod:`sftimeline.decoding` (so an undecodable byte costs one
line, never the batch), and each line's JSON is parsed under the input limits:
a line too long, nested too deep, or holding a number too large is a rejection
naming the line (and the field where it can be told), never a ``RecursionError``
or ``ValueError`` escaping. Blank lines are skipped (interchange format).

:func:`jsonl_lines` leaves the parsing to whoever validates (:class:`PendingLine`), so
that an import's worker processes parse as well as validate.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import count, repeat
from typing import IO, TYPE_CHECKING, Any, ClassVar, TextIO

import orjson

from sftimeline.decoding import block_texts, raw_blocks, too_long, whole_texts
from sftimeline.import_summary import Rejection
from sftimeline.importer import SourceRow
from sftimeline.limits import (
    DEFAULT_LIMITS,
    InputLimits,
    bounded_int,
    json_depth_problem,
    line_within_limits,
    orjson_line_within_limits,
    strings_within_limits,
)
from sftimeline.records.fast import fast_preparer

if TYPE_CHECKING:
    from sftimeline.adapters.eventstate import PreparedRecord
    from sftimeline.importer import _Prepare


def jsonl_lines(
    files: list[str],
    *,
    stdin: TextIO | IO[bytes] | Iterable[str] | None = None,
    encoding: str = "utf-8",
    limits: InputLimits = DEFAULT_LIMITS,
) -> Iterator[PendingBlock]:
    """The lines of every file in turn (``-`` is ``stdin``), in blocks of whole lines, neither
    decoded nor parsed (:class:`PendingBlock`): an import's single writer only reads
    the bytes, and its workers decode, parse and validate."""
    from sftimeline.decoding import canonical_encoding

    canonical_encoding(encoding)
    for name in files:
        if name != "-":
            open(name, "rb").close()
    return _lines(files, stdin, encoding, limits)


def _lines(
    files: list[str],
    stdin: TextIO | IO[bytes] | Iterable[str] | None,
    encoding: str,
    limits: InputLimits,
) -> Iterator[PendingBlock]:
    for name in files:
        if name == "-":
            yield from file_blocks(name, _binary(stdin), encoding, limits)
        else:
            with open(name, "rb") as stream:
                yield from file_blocks(name, stream, encoding, limits)


#: a record type named in a line's bytes (:meth:`PendingBlock.record_types`)
_TYPE_NAMED = re.compile(rb'"type"\s*:\s*"([a-z_]{1,64})"')


@dataclass(frozen=True, slots=True)
class PendingBlock:
    """Whole lines of one JSON Lines file as read (:func:`~sftimeline.decoding.raw_blocks`),
    to be decoded, cut and parsed by the worker that validates them: the single writer
    of an import reads and sends bytes, ≈ 0.1 µs a line, where reading each line and
    sending it cost ≈ 2.5 µs. ``data`` None is one line too long to hold."""

    file: str
    number: int  # the first line's
    offset: int  # the first line's, in the file
    encoding: str  # ``utf-8`` or ``cp1252``, as the file's sample resolved it
    limit: int | None  # ``max_line_bytes``
    data: bytes | None
    lines: int

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its fields (see :meth:`PendingLine.__reduce__`)."""
        return (
            PendingBlock,
            (self.file, self.number, self.offset, self.encoding, self.limit, self.data, self.lines),
        )

    def record_types(self) -> set[str]:
        """The record types its lines appear to name: every ``"type": "…"`` in its bytes
        (both encodings a block has are ASCII's in these characters). Only what the
        import makes ready before it forks its workers (``importer._prepared``): a name
        found in some other string costs a plan made for nothing, a type missed is made
        by the worker that meets it; what the import stores is the same either way."""
        if self.data is None:
            return set()
        return {name.decode("ascii") for name in _TYPE_NAMED.findall(self.data)}

    def items(self) -> Iterator[SourceRow | PendingLine]:
        """The block's lines as rows (:func:`_line_rows`)."""
        name, limit = self.file, self.limit
        if self.data is None:
            long = Rejection(name, self.number, ["line"], too_long(self.offset, limit), "")
            yield SourceRow(name, self.number, rejection=long, text="")
            return
        yield from _line_rows(
            name, block_texts(self.data, self.number, self.offset, self.encoding, limit)
        )

    def prepared(self, job: _Prepare) -> list[tuple[Any, ...]]:
        """The block's rows as ``job`` prepares them (the import's workers), each line of
        the usual form straight from its text to the writer's values
        (:func:`~sftimeline.records.fast.fast_preparer`: no row, no Record, no walk of its
        numbers); any other line, or any line of a dry run, as ``job.one`` prepares its
        row, which is exactly what such a line gives then (the same decoding, parsing,
        limits and validation: :meth:`items`).

        Consecutive lines prepared the fast way come as one run, ``(file, [line numbers],
        [records])``, rather than a :class:`~sftimeline.importer.Prepared` row each: the
        single writer takes a run a slice at a time (``import_batch.Batch.add_run``)."""
        if self.data is None or not job.build:
            return [tuple(job.one(row)) for row in self.items()]
        name, limits = self.file, job.limits
        prepare = fast_preparer(limits, job.known, job.moment)
        out: list[tuple[Any, ...]] = []
        lines: list[int] = []  # the run of lines prepared the fast way, and their records
        records: list[PreparedRecord] = []
        whole = whole_texts(self.data, self.encoding, self.limit)
        texts: Iterable[tuple[int, str | None, int, str | None, str]]
        if whole is not None:  # as block_texts gives them, made in C (no offsets: unused)
            texts = zip(count(self.number), whole, repeat(0), repeat(None), repeat(""))
        else:
            texts = block_texts(self.data, self.number, self.offset, self.encoding, self.limit)
        for number, text, _, error, shown in texts:
            if text is not None and strings_within_limits(text, limits):
                try:
                    value = orjson.loads(text)
                except ValueError:
                    value = None
                if type(value) is dict:
                    prepared = prepare(value)
                    if prepared is not None:
                        lines.append(number)
                        records.append(prepared)
                        continue
            for row in _line_rows(name, ((number, text, 0, error, shown),)):
                if lines:
                    out.append((name, lines, records))
                    lines, records = [], []
                out.append(tuple(job.one(row)))
        if lines:
            out.append((name, lines, records))
        return out


def file_blocks(
    name: str, stream: IO[bytes], encoding: str = "utf-8", limits: InputLimits = DEFAULT_LIMITS
) -> Iterator[PendingBlock]:
    """The lines of one binary stream, reported under ``name``, in blocks as read."""
    limit = limits.max_line_bytes
    chosen, blocks = raw_blocks(stream, encoding, limit)
    for number, offset, data, lines in blocks:
        yield PendingBlock(name, number, offset, chosen, limit, data, lines)


@dataclass(frozen=True, slots=True)
class PendingLine:
    """One decoded, non-blank line of a JSON Lines file, to be parsed (small to pickle)."""

    file: str
    number: int
    text: str
    #: rows it holds (a task's weight: :class:`PendingBlock` holds many)
    lines: ClassVar[int] = 1

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its three fields: the single writer sends every line to a worker,
        and a frozen dataclass's default pickling (a state dict built in Python) cost it
        three times as much."""
        return (PendingLine, (self.file, self.number, self.text))

    def row(self, limits: InputLimits) -> SourceRow:
        """The line parsed: its record, or the rejection naming line and field.

        orjson parses first (five times faster than ``json.loads``); whenever it fails,
        gives no object, or may have read a number differently
        (:func:`~sftimeline.limits.orjson_line_within_limits`), the line is parsed again
        the standard library's way, whose result and messages are the import's.
        """
        text = self.text
        if text.count("[") + text.count("{") <= limits.max_depth:  # else the depth check
            try:
                value = orjson.loads(text)
            except ValueError:  # orjson.JSONDecodeError: the standard library's message
                value = None
            if type(value) is dict:
                within = orjson_line_within_limits(text, value, limits)
                if within is not None:
                    return _parsed_row(self.file, self.number, value, text, within)
        parsed = parse_line(self.text, self.file, self.number, limits)
        if isinstance(parsed, Rejection):
            return SourceRow(self.file, self.number, rejection=parsed, text=self.text)
        checked = line_within_limits(self.text, parsed, limits)
        return SourceRow(
            self.file, self.number, records=(parsed,), text=self.text, within_limits=checked
        )


_new = object.__new__
_set = object.__setattr__


def _parsed_row(
    file: str, number: int, value: dict[str, Any], text: str, within: bool
) -> SourceRow:
    """``SourceRow(file, number, records=(value,), text=text, within_limits=within)``,
    without the frozen dataclass's ``__init__`` (which sets each of its seven fields
    through ``object.__setattr__``: a tenth of a worker's CPU per line); the same object
    (tests/test_fast_path.py)."""
    row = _new(SourceRow)
    _set(
        row,
        "__dict__",
        {
            "file": file,
            "line": number,
            "records": (value,),
            "rejection": None,
            "filtered": None,
            "text": text,
            "within_limits": within,
        },
    )
    return row


def _line_rows(
    name: str, texts: Iterable[tuple[int, str | None, int, str | None, str]]
) -> Iterator[SourceRow | PendingLine]:
    """Decoded lines as rows: a line that could not be decoded is rejected naming its
    number; a blank line is skipped; any other is left for a worker to parse."""
    for number, text, _, error, shown in texts:
        if text is None:
            rejection = Rejection(name, number, ["line"], error or "cannot be decoded", shown)
            yield SourceRow(name, number, rejection=rejection, text=shown)
        elif text.strip():
            yield PendingLine(name, number, text)


def parse_line(
    text: str, file: str, number: int, limits: InputLimits = DEFAULT_LIMITS
) -> dict[str, Any] | Rejection:
    """One line's JSON object, or the rejection naming the line and, if it can, the field."""
    deep = json_depth_problem(text, limits)
    if deep is not None:
        return Rejection(file, number, [deep[0]], f"malformed JSON: {deep[1]}", text)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        return Rejection(file, number, ["line"], f"malformed JSON: {exc.msg}", text)
    except ValueError:  # an integer literal past Python's conversion limit
        try:
            raw = json.loads(text, parse_int=bounded_int)
        except ValueError as exc:
            return Rejection(file, number, ["line"], f"malformed JSON: {exc}", text)
    except RecursionError:  # unreachable after the depth check; kept as a guard
        return Rejection(file, number, ["line"], "malformed JSON: nested too deep", text)
    if not isinstance(raw, dict):
        return Rejection(file, number, ["line"], "must be a JSON object (one record)", text)
    return raw


def _binary(stdin: TextIO | IO[bytes] | Iterable[str] | None) -> IO[bytes]:
    """A binary stream over ``stdin``: its buffer, or text lines encoded as UTF-8."""
    source: Any = sys.stdin if stdin is None else stdin
    buffer = getattr(source, "buffer", None)
    if buffer is not None:
        return buffer  # type: ignore[no-any-return]
    if isinstance(source, io.BufferedIOBase | io.RawIOBase):
        return source  # type: ignore[return-value]
    return io.BufferedReader(_EncodedLines(iter(source)))


class _EncodedLines(io.RawIOBase):
    """Text lines (a StringIO, a generator) read as UTF-8 bytes, streamed."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            line = next(self._lines, None)
            if line is None:
                return 0
            self._pending = line.encode("utf-8", "surrogatepass")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n
