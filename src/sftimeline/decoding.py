"""Bytes to text lines, one line at a time, for every importer.

Councils' exports arrive as UTF-8, UTF-8 with a byte-order mark, or Windows-1252
(Excel's "CSV" on a UK Windows machine). One stray byte must never lose a batch, so
decoding happens per line: a line that cannot be decoded is reported with its
number and the byte offset of the bad byte, and the lines around it decode normally.

The rule (also in docs/records.md, "Encodings and line endings"):

- Lines end at ``\\n``. A ``\\r\\n`` ending is stripped like ``\\n``; a bare ``\\r``
  inside a line stays inside that line, so it never splits a line or shifts the
  numbers of later lines (line numbers are what an analyst looks up in an editor).
- A leading UTF-8 byte-order mark means UTF-8, whatever was declared, and is
  stripped (line 1's ``offset`` is then 3, the offset of its first real byte).
- Accepted encodings: ``utf-8``, ``cp1252`` (alias ``windows-1252``) and ``auto``.
  ``auto`` reads the first 64 KiB: pure ASCII or valid UTF-8 means UTF-8, anything
  else Windows-1252. (A sample that ends inside a multi-byte character still counts
  as valid: the cut is ours, not the file's.)
- A line that does not decode under the chosen encoding - including the five bytes
  Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) - is yielded with
  ``text=None`` and an ``error`` naming the byte and its offset in the file.
- When ``max_line_bytes`` is given, a line of more bytes than that (not counting
  its final ``\\n``) is yielded with ``text=None`` and an error, and is skipped
  without being held in memory.

Memory stays flat in file size: one line (bounded by ``max_line_bytes``) and the
64 KiB sample are the most ever held.
"""

from __future__ import annotations

import codecs
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import IO

#: How much of a file ``auto`` looks at to choose its encoding.
SAMPLE_BYTES = 64 * 1024
#: Encoding names a user may give (case-insensitive), and what each resolves to.
ENCODING_NAMES: dict[str, str] = {
    "auto": "auto",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
}
BOM = codecs.BOM_UTF8
_READ_CHUNK = 64 * 1024
_DESCRIBE = {"utf-8": "valid UTF-8", "cp1252": "defined in Windows-1252"}


class EncodingNameError(ValueError):
    """An encoding name outside :data:`ENCODING_NAMES`."""


@dataclass(frozen=True)
class DecodedLine:
    """One physical line of a file, decoded, or the reason it could not be."""

    number: int  # 1-based physical line number
    offset: int  # byte offset of the line's first byte in the file
    text: str | None  # without its line ending; None when it could not be decoded
    error: str | None  # e.g. "byte 0xff at offset 1234 is not valid UTF-8"
    #: an undecodable line's bytes shown as text, bad bytes escaped (``\\xff``), for
    #: the rejects file; "" otherwise (and for a line too long to hold)
    shown: str = ""


def canonical_encoding(name: str | None) -> str:
    """``utf-8``, ``cp1252`` or ``auto`` for a user's spelling; None means ``auto``."""
    if name is None:
        return "auto"
    try:
        return ENCODING_NAMES[name.strip().lower()]
    except KeyError:
        accepted = ", ".join(sorted(ENCODING_NAMES))
        raise EncodingNameError(f"unknown encoding {name!r}; accepted: {accepted}") from None


def resolve_encoding(declared: str | None, sample: bytes) -> str:
    """The encoding to read a file with: ``utf-8`` or ``cp1252``.

    ``sample`` is the start of the file (up to :data:`SAMPLE_BYTES`). A byte-order
    mark wins over any declaration; ``auto`` (or None) applies the detection rule.
    """
    chosen = canonical_encoding(declared)
    if sample.startswith(BOM):
        return "utf-8"
    if chosen != "auto":
        return chosen
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decoded_lines(
    stream: IO[bytes], encoding: str | None = "auto", *, max_line_bytes: int | None = None
) -> Iterator[DecodedLine]:
    """Every physical line of ``stream`` (binary), decoded by the module's rule.

    An empty stream yields nothing; a final line without ``\\n`` is still a line.
    Raises :class:`EncodingNameError` for an encoding name that is not accepted
    (before reading anything).
    """
    for number, text, offset, error, shown in decoded_texts(stream, encoding, max_line_bytes):
        yield DecodedLine(number, offset, text, error, shown)


def decoded_texts(
    stream: IO[bytes], encoding: str | None = "auto", max_line_bytes: int | None = None
) -> Iterator[tuple[int, str | None, int, str | None, str]]:
    """:func:`decoded_lines` as plain tuples ``(number, text, offset, error, shown)``: an
    import reads every line in its single writing process, where a :class:`DecodedLine`
    (a frozen dataclass, built field by field in Python) cost more than the decoding."""
    declared = canonical_encoding(encoding)
    sample = stream.read(SAMPLE_BYTES)
    chosen = resolve_encoding(declared, sample)
    describe = _DESCRIBE[chosen]
    start = 0
    if sample.startswith(BOM):
        start = len(BOM)
    raw_lines = _raw_lines(stream, sample, start, max_line_bytes)
    for number, (offset, raw, too_long) in enumerate(raw_lines, 1):
        if too_long:
            error = f"line at offset {offset} is longer than the limit of {max_line_bytes} bytes"
            yield number, None, offset, error, ""
            continue
        if raw.endswith(b"\n"):
            raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
        try:
            text = raw.decode(chosen)
        except UnicodeDecodeError as exc:
            error = f"byte 0x{raw[exc.start]:02x} at offset {offset + exc.start} is not {describe}"
            yield number, None, offset, error, raw.decode(chosen, "backslashreplace")
            continue
        yield number, text, offset, None, ""


def _raw_lines(
    stream: IO[bytes], sample: bytes, start: int, limit: int | None
) -> Iterator[tuple[int, bytes, bool]]:
    """(offset, bytes including the ``\\n``, too long?) of each line; the sample first.

    Splits only on ``\\n`` (binary ``readline`` never splits on ``\\r``). A line over
    ``limit`` is reported once and its bytes are read and dropped in chunks.
    """
    offset = start
    pending = b""  # the sample's unfinished last line
    pos = start
    while True:
        end = sample.find(b"\n", pos)
        if end < 0:
            pending = sample[pos:]
            break
        line = sample[pos : end + 1]
        yield offset, line, limit is not None and len(line) - 1 > limit
        offset += len(line)
        pos = end + 1
    while True:
        if limit is not None and len(pending) > limit:
            offset += yield from _skip_long(stream, offset, pending)
            pending = b""
            continue
        want = -1 if limit is None else limit + 2 - len(pending)
        line = pending + stream.readline(want)
        pending = b""
        if not line:
            return
        if limit is not None and not line.endswith(b"\n") and len(line) > limit:
            offset += yield from _skip_long(stream, offset, line)
            continue
        yield offset, line, limit is not None and len(line.rstrip(b"\n")) > limit
        offset += len(line)


def _skip_long(
    stream: IO[bytes], offset: int, head: bytes
) -> Generator[tuple[int, bytes, bool], None, int]:
    """Report a too-long line starting with ``head`` and read past its end; return its size."""
    yield offset, b"", True
    size = len(head)
    if head.endswith(b"\n"):
        return size
    while chunk := stream.readline(_READ_CHUNK):
        size += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return size


__all__ = [
    "BOM",
    "ENCODING_NAMES",
    "SAMPLE_BYTES",
    "DecodedLine",
    "EncodingNameError",
    "canonical_encoding",
    "decoded_lines",
    "decoded_texts",
    "resolve_encoding",
]
