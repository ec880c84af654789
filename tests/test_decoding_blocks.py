"""Lines read a block at a time (decoding.raw_blocks, block_texts) are the module's rule
applied line by line, wherever the blocks are cut and however the stream delivers its
bytes; an import's blocks of lines (jsonl.PendingBlock) hold the same rows."""

from __future__ import annotations

import io
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sftimeline import decoding
from sftimeline.decoding import BOM, decoded_texts, resolve_encoding
from sftimeline.importer import SourceRow
from sftimeline.jsonl import PendingLine, file_blocks
from sftimeline.limits import InputLimits

PIECES = [b"a", b"{}", b" ", b"\n", b"\r", b"\r\n", b"\xc3\xa9", b"\xc3", b"\xff", b"\x81"]
PIECES += [b"\xe2\x82\xac", BOM, b"x" * 9]


def by_the_rule(data: bytes, encoding: str, limit: int | None) -> list[tuple[Any, ...]]:
    """The module's docstring, line by line: the oracle."""
    sample = data[: decoding.SAMPLE_BYTES]
    chosen = resolve_encoding(encoding, sample)
    start = len(BOM) if sample.startswith(BOM) else 0
    raws = data[start:].split(b"\n")
    if raws[-1] == b"":
        raws.pop()
    ended = data.endswith(b"\n")
    out: list[tuple[Any, ...]] = []
    offset = start
    for number, raw in enumerate(raws, 1):
        if limit is not None and len(raw) > limit:
            error = f"line at offset {offset} is longer than the limit of {limit} bytes"
            out.append((number, None, offset, error, ""))
        else:
            line = raw[:-1] if raw.endswith(b"\r") and (ended or number < len(raws)) else raw
            try:
                out.append((number, line.decode(chosen), offset, None, ""))
            except UnicodeDecodeError as exc:
                what = "valid UTF-8" if chosen == "utf-8" else "defined in Windows-1252"
                error = f"byte 0x{line[exc.start]:02x} at offset {offset + exc.start} is not {what}"
                out.append((number, None, offset, error, line.decode(chosen, "backslashreplace")))
        offset += len(raw) + 1
    return out


class Trickle(io.RawIOBase):
    """A pipe: each read gives at most ``step`` bytes."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.step = data, step

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = min(len(b), len(self.data), self.step)
        b[:n] = self.data[:n]
        self.data = self.data[n:]
        return n


#: a file of the pieces, read in one of the encodings, under a line limit, in blocks of
#: a size (bytes)
BLOCKED_FILES = {
    "pieces": st.lists(st.sampled_from(PIECES), max_size=80),
    "encoding": st.sampled_from(["utf-8", "cp1252", "auto"]),
    "limit": st.sampled_from([None, 0, 1, 4, 12, 1000]),
    "block": st.integers(1, 40),
}


@settings(max_examples=400, deadline=None)
@given(**BLOCKED_FILES, sample=st.integers(3, 30), step=st.sampled_from([0, 1, 3, 17]))
def test_blocks_read_lines_by_the_rule_wherever_they_are_cut(
    pieces: list[bytes], encoding: str, limit: int | None, block: int, sample: int, step: int
) -> None:
    data = b"".join(pieces)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(decoding, "BLOCK_BYTES", block)
        mp.setattr(decoding, "SAMPLE_BYTES", sample)
        stream: Any = io.BufferedReader(Trickle(data, step), 8) if step else io.BytesIO(data)
        got = list(decoded_texts(stream, encoding, limit))
        assert got == by_the_rule(data, encoding, limit)


@settings(max_examples=400, deadline=None)
@given(**BLOCKED_FILES)
def test_a_block_decoded_whole_gives_the_texts_of_its_lines_by_the_rule(
    pieces: list[bytes], encoding: str, limit: int | None, block: int
) -> None:
    """``whole_texts`` (the import's workers' way) gives a block's texts as
    ``block_texts`` does, or declines (a byte that does not decode, a block over the
    limit); a block of lines that all decode and fit is never declined."""
    data = b"".join(pieces)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(decoding, "BLOCK_BYTES", block)
        chosen, blocks = decoding.raw_blocks(io.BytesIO(data), encoding, limit)
        for number, offset, raw, _ in blocks:
            if raw is None:
                continue
            texts = decoding.whole_texts(raw, chosen, limit)
            want = list(decoding.block_texts(raw, number, offset, chosen, limit))
            if texts is not None:
                assert texts == [t for _, t, _, _, _ in want]
            elif limit is None or len(raw) <= limit:
                assert any(t is None for _, t, _, _, _ in want)  # a byte that does not decode


def test_an_import_block_holds_the_rows_of_its_lines() -> None:
    data = b'{"a": 1}\r\n\n  \n\xff\n' + b"y" * 30 + b'\n{"b": 2}'
    blocks = list(file_blocks("f.jsonl", io.BytesIO(data), "utf-8", InputLimits(max_line_bytes=20)))
    assert sum(b.lines for b in blocks) == 6
    rows = [row for b in blocks for row in pickle.loads(pickle.dumps(b)).items()]
    assert [
        (type(r).__name__, r.number if isinstance(r, PendingLine) else r.line) for r in rows
    ] == [
        ("PendingLine", 1),
        ("SourceRow", 4),
        ("SourceRow", 5),
        ("PendingLine", 6),
    ]
    bad, long = rows[1], rows[2]
    assert isinstance(bad, SourceRow) and bad.rejection is not None
    assert bad.rejection.message == "byte 0xff at offset 14 is not valid UTF-8"
    assert isinstance(long, SourceRow) and long.rejection is not None
    assert long.rejection.message == "line at offset 16 is longer than the limit of 20 bytes"
    assert isinstance(rows[0], PendingLine) and rows[0].text == '{"a": 1}'
