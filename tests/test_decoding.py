"""Bytes to lines: encodings, byte-order marks, line endings and undecodable lines."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sftimeline.decoding import (
    SAMPLE_BYTES,
    DecodedLine,
    EncodingNameError,
    decoded_lines,
    resolve_encoding,
)


def lines_of(data: bytes, encoding: str | None = "auto", **kw: int) -> list[DecodedLine]:
    return list(decoded_lines(io.BytesIO(data), encoding, **kw))


def texts(data: bytes, encoding: str | None = "auto") -> list[str | None]:
    return [line.text for line in lines_of(data, encoding)]


def test_lines_end_at_newline_and_crlf_endings_are_stripped() -> None:
    assert texts(b"a\nb\r\nc") == ["a", "b", "c"]


def test_offsets_and_numbers_are_physical() -> None:
    got = lines_of(b"ab\r\n\ncd\n")
    assert [(x.number, x.offset, x.text) for x in got] == [(1, 0, "ab"), (2, 4, ""), (3, 5, "cd")]


def test_bare_cr_stays_inside_its_line_and_never_shifts_numbers() -> None:
    got = lines_of(b'{"a": "x\ry"}\nnext\n')
    assert [(x.number, x.text) for x in got] == [(1, '{"a": "x\ry"}'), (2, "next")]


def test_trailing_cr_without_newline_at_end_of_file_is_kept() -> None:
    assert texts(b"a\nb\r") == ["a", "b\r"]


def test_empty_stream_yields_nothing() -> None:
    assert lines_of(b"") == []


def test_bom_means_utf8_and_is_stripped() -> None:
    data = "\ufeffcafé\nx\n".encode()
    got = lines_of(data)
    assert [x.text for x in got] == ["café", "x"]
    assert got[0].offset == 3


def test_bom_wins_over_a_cp1252_declaration() -> None:
    assert texts("\ufeff£\n".encode(), "cp1252") == ["£"]


@pytest.mark.parametrize("name", ["cp1252", "windows-1252", "Windows-1252", "CP1252"])
def test_cp1252_and_its_alias(name: str) -> None:
    assert texts("£5 – café\n".encode("cp1252"), name) == ["£5 – café"]


@pytest.mark.parametrize("name", ["utf-8", "UTF-8", "utf8"])
def test_utf8_names(name: str) -> None:
    assert texts("£\n".encode(), name) == ["£"]


def test_unknown_encoding_name_is_refused_before_reading() -> None:
    with pytest.raises(EncodingNameError, match="latin-1"):
        list(decoded_lines(io.BytesIO(b"x"), "latin-1"))


def test_auto_detects_ascii_and_utf8_as_utf8() -> None:
    assert resolve_encoding("auto", b"plain ascii") == "utf-8"
    assert resolve_encoding(None, "£ café".encode()) == "utf-8"


def test_auto_detects_windows_1252() -> None:
    assert resolve_encoding("auto", "£ café".encode("cp1252")) == "cp1252"
    assert texts("Smith £40\n".encode("cp1252")) == ["Smith £40"]


def test_auto_accepts_a_sample_cut_inside_a_character() -> None:
    sample = b"a" * (SAMPLE_BYTES - 1) + "£".encode()[:1]
    assert resolve_encoding("auto", sample) == "utf-8"


def test_auto_looks_only_at_the_first_64_kib() -> None:
    head = b"x" * SAMPLE_BYTES + b"\n"
    got = lines_of(head + b"bad \xa3 byte\nok\n")
    assert [x.text is None for x in got] == [False, True, False]
    assert got[1].error == f"byte 0xa3 at offset {len(head) + 4} is not valid UTF-8"


def test_undecodable_utf8_line_names_the_byte_offset_and_neighbours_decode() -> None:
    got = lines_of(b"good\nba\xffd\nalso good\n", "utf-8")
    assert [x.text for x in got] == ["good", None, "also good"]
    assert got[1].error == "byte 0xff at offset 7 is not valid UTF-8"
    assert got[1].shown == "ba\\xffd" and got[0].shown == ""
    assert (got[1].number, got[1].offset) == (2, 5)


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_cp1252_undefined_bytes_are_rejected_per_line(byte: int) -> None:
    got = lines_of(b"ok\nx" + bytes([byte]) + b"\nok\n", "cp1252")
    assert [x.text for x in got] == ["ok", None, "ok"]
    assert got[1].error == f"byte 0x{byte:02x} at offset 4 is not defined in Windows-1252"


def test_line_longer_than_the_limit_is_reported_and_skipped() -> None:
    got = lines_of(b"short\n" + b"y" * 50 + b"\nafter\n", max_line_bytes=10)
    assert [(x.number, x.text) for x in got] == [(1, "short"), (2, None), (3, "after")]
    assert got[1].error is not None and "longer than the limit of 10 bytes" in got[1].error
    assert got[2].offset == 6 + 51


def test_limit_applies_beyond_the_sample_and_exactly_at_the_boundary() -> None:
    head = b"h\n" * (SAMPLE_BYTES // 2)
    body = b"z" * 10 + b"\n" + b"z" * 11 + b"\n" + b"w" * 10_000 + b"\nend"
    got = lines_of(head + body, max_line_bytes=10)
    tail = got[-4:]
    assert [x.text for x in tail] == ["z" * 10, None, None, "end"]
    assert tail[3].offset == len(head + body) - 3


def test_long_line_straddling_the_sample_end_is_skipped() -> None:
    data = b"a\n" + b"q" * (SAMPLE_BYTES + 100) + b"\nb\n"
    got = lines_of(data, max_line_bytes=1000)
    assert [x.text for x in got] == ["a", None, "b"]
    assert got[2].offset == len(data) - 2


def _chunks(n: int) -> Iterator[bytes]:
    for i in range(n):
        yield b'{"n": %d, "text": "some text to make a line"}\n' % i


class _Generated(io.RawIOBase):
    """A read-only stream of ``n`` generated lines, never held in memory at once."""

    def __init__(self, n: int) -> None:
        self._it = _chunks(n)
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while len(self._buf) < len(b):
            nxt = next(self._it, None)
            if nxt is None:
                break
            self._buf += nxt
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def test_memory_is_flat_in_file_size() -> None:
    def peak(n: int) -> int:
        tracemalloc.start()
        count = sum(1 for _ in decoded_lines(io.BufferedReader(_Generated(n))))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == n
        return top

    small, large = peak(5_000), peak(50_000)
    assert large < small * 1.5 + 64 * 1024


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=30)))
def test_round_trip_of_any_utf8_lines(lines: list[str]) -> None:
    data = "".join(x + "\n" for x in lines).encode("utf-8", "surrogatepass")
    got = lines_of(data, "utf-8")
    assert [x.number for x in got] == list(range(1, len(lines) + 1))
    for line, want in zip(got, lines, strict=True):
        if any("\ud800" <= c <= "\udfff" for c in want):
            assert line.text is None and line.error is not None
            continue
        if line.number == 1 and want.startswith("\ufeff"):
            want = want[1:]  # a leading byte-order mark is not text
        if want.endswith("\r"):
            want = want[:-1]  # "\r" then "\n" is a CRLF ending
        assert line.text == want
