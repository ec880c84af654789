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

Memory stays flat in file size: a block of lines read at once (:data:`BLOCK_BYTES`,
and the 64 KiB sample with the first) and one unfinished line (bounded by
``max_line_bytes``) are the most ever held. Lines are read in blocks, not one by one:
an import's single process then only reads bytes and hands them to the workers that
decode them (:func:`raw_blocks`, :func:`block_texts`).
"""

from __future__ import annotations

import codecs
import contextlib
from collections.abc import Callable, Iterator
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
#: bytes read at a time: a block of about 500 lines of a generated county, one task of an
#: import's workers (:mod:`sftimeline.jsonl`)
BLOCK_BYTES = 128 * 1024
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
    chosen, blocks = raw_blocks(stream, encoding, max_line_bytes)
    for number, offset, data, _ in blocks:
        if data is None:
            yield number, None, offset, too_long(offset, max_line_bytes), ""
        else:
            yield from block_texts(data, number, offset, chosen, max_line_bytes)


#: A block of whole lines: ``(number of its first line, that line's offset, the lines'
#: bytes, how many lines)``; the bytes are None for one line too long to hold
Block = tuple[int, int, bytes | None, int]


def raw_blocks(
    stream: IO[bytes], encoding: str | None = "auto", max_line_bytes: int | None = None
) -> tuple[str, Iterator[Block]]:
    """The encoding ``stream`` is read with (``utf-8`` or ``cp1252``, from its first
    :data:`SAMPLE_BYTES`), and its bytes as blocks of whole lines, read
    :data:`BLOCK_BYTES` at a time (:func:`block_texts` decodes one the module's way).

    Lines are cut only at ``\\n``; every line of a block ends with it but the file's last.
    A line still unfinished after more than ``max_line_bytes`` is reported as a block
    of its own without bytes, then skipped unread (memory holds at most a block and
    one line); a shorter line over the limit is left in its block, where
    :func:`block_texts` reports it.
    Raises :class:`EncodingNameError` for an encoding name that is not accepted (before
    reading anything).
    """
    declared = canonical_encoding(encoding)
    sample = stream.read(SAMPLE_BYTES)
    chosen = resolve_encoding(declared, sample)
    start = len(BOM) if sample.startswith(BOM) else 0
    return chosen, _blocks(stream, sample[start:], start, max_line_bytes)


def _blocks(stream: IO[bytes], held: bytes, offset: int, limit: int | None) -> Iterator[Block]:
    # read1: what a pipe has now (a record piped in is imported without waiting for more)
    read = getattr(stream, "read1", None) or stream.read
    number = 1
    while True:
        chunk = read(BLOCK_BYTES)
        held += chunk
        cut = held.rfind(b"\n") + 1 if chunk else len(held)  # at the end, every line held
        if cut:
            block = held[:cut]
            held = held[cut:]
            lines = block.count(b"\n") + (not block.endswith(b"\n"))
            yield number, offset, block, lines
            number += lines
            offset += cut
        if not chunk:
            return
        if limit is not None and len(held) > limit:  # an unfinished line, too long to hold
            yield number, offset, None, 1
            skipped, held = _skip_line(read, held)
            number += 1
            offset += skipped


def _skip_line(read: Callable[[int], bytes], head: bytes) -> tuple[int, bytes]:
    """Read past the end of the line that begins with ``head``: its size (with its
    ``\\n``) and the bytes read after it."""
    size = len(head)
    while chunk := read(BLOCK_BYTES):
        end = chunk.find(b"\n")
        if end >= 0:
            return size + end + 1, chunk[end + 1 :]
        size += len(chunk)
    return size, b""


def too_long(offset: int, limit: int | None) -> str:
    """The error of a line over ``limit`` bytes."""
    return f"line at offset {offset} is longer than the limit of {limit} bytes"


def whole_texts(data: bytes, chosen: str, limit: int | None) -> list[str] | None:
    """The texts of a block's lines (:func:`raw_blocks`), each as :func:`block_texts`
    gives it, when the block is no longer than ``limit`` (so no line in it can be) and
    decodes whole; else None (then :func:`block_texts`, line by line). One decode and one
    cut, with no cut of the bytes and no tuple a line: an import's workers take nearly
    every block this way (≈ 2,000 instructions a line less)."""
    if limit is not None and len(data) > limit:
        return None
    try:
        text = data.decode(chosen)
    except UnicodeDecodeError:
        return None
    texts = text.split("\n")
    if texts[-1] == "":  # the block's last line ends with "\n"
        texts.pop()
        last = len(texts)
    else:  # it is the file's last line, whose "\r" is its own
        last = len(texts) - 1
    if "\r" in text:
        texts = [t[:-1] if t.endswith("\r") and i != last else t for i, t in enumerate(texts)]
    return texts


def block_texts(
    data: bytes, number: int, offset: int, chosen: str, limit: int | None
) -> Iterator[tuple[int, str | None, int, str | None, str]]:
    """The lines of a block (:func:`raw_blocks`) as :func:`decoded_texts` gives them.

    A block whose lines are all within the limit and which decodes whole is decoded in
    one call (a block holds hundreds of lines), then cut: ``\\n`` is never part of
    another character in UTF-8 or Windows-1252, so each line's text is what decoding it
    alone gives. Otherwise each line is decoded on its own, so that one bad byte costs
    one line, and its error names the byte's offset in the file.
    """
    raws = data.split(b"\n")
    ended = raws[-1] == b""  # the block's last line ends with "\n" (else it is the file's last)
    if ended:
        raws.pop()
    texts = None
    if limit is None or max(map(len, raws), default=0) <= limit:
        with contextlib.suppress(UnicodeDecodeError):  # then line by line, below
            texts = data.decode(chosen).split("\n")
    unended = -1 if ended else len(raws) - 1  # the one line whose "\r" is its own
    describe = _DESCRIBE[chosen]
    for i, raw in enumerate(raws):
        if texts is not None:
            text = texts[i]
            if text.endswith("\r") and i != unended:
                text = text[:-1]
            yield number, text, offset, None, ""
        elif limit is not None and len(raw) > limit:
            yield number, None, offset, too_long(offset, limit), ""
        else:
            line = raw[:-1] if raw.endswith(b"\r") and i != unended else raw
            try:
                text = line.decode(chosen)
            except UnicodeDecodeError as exc:
                at = offset + exc.start
                error = f"byte 0x{line[exc.start]:02x} at offset {at} is not {describe}"
                yield number, None, offset, error, line.decode(chosen, "backslashreplace")
            else:
                yield number, text, offset, None, ""
        offset += len(raw) + 1
        number += 1


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
