"""Issue 12's import findings: each hostile line is a rejection naming file, line and
field, with no traceback, and the good lines around it are stored."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conftest import sample
from sftimeline.adapters.store import RecordStore
from sftimeline.importer import import_files
from sftimeline.limits import InputLimits

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def good(n: int) -> bytes:
    return json.dumps(sample("case_closed", n)).encode()


def line_with(**over: object) -> bytes:
    return json.dumps({**sample("case_closed", 99), **over}).encode()


def import_bytes(
    tmp_path: Path, url: str, bad: bytes, **kw: object
) -> tuple[list[dict[str, object]], int, list[str]]:
    """Import good line 1, ``bad`` as line 2, good line 3; (rejects, stored, source ids)."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(good(1) + b"\n" + bad + b"\n" + good(3) + b"\n")
    rejects = io.StringIO()
    with RecordStore.open(url) as store:
        summary = import_files(store, [str(path)], imported_at=NOW, rejects=rejects, **kw)  # type: ignore[arg-type]
        ids = sorted(r.source_id or "" for r in store.family_records("F1"))
    written = [json.loads(x) for x in rejects.getvalue().splitlines()]
    assert summary.totals.rejected == len(written)
    for r in written:
        assert r["file"] == str(path)
    return written, summary.stored, ids


HOSTILE: dict[str, tuple[bytes, str, str]] = {
    # name: (line 2, field named, words in the error)
    "non-UTF-8 byte": (
        b'{"type": "case_closed", "family": "F\xff"}',
        "line",
        "byte 0xff at offset",
    ),
    "lone surrogate": (line_with(family="\ud800"), "family", "lone surrogate U+D800"),
    "integer of 5,000 digits": (
        b'{"type": "term_attendance_posted", "possible_sessions": ' + b"9" * 5000 + b"}",
        "possible_sessions",
        "5000 digits",
    ),
    "integer past the limit": (
        json.dumps(
            sample("term_attendance_posted", 9, possible_sessions=10**16, attended_sessions=1)
        ).encode(),
        "possible_sessions",
        "more than 15 digits",
    ),
    "nested 50,000 deep": (
        b'{"type": "case_closed", "note": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        "note",
        "nested more than 16 deep",
    ),
    "recorded_at at the end of the calendar": (
        line_with(recorded_at="9999-12-31T23:59:59-05:00"),
        "recorded_at",
        "outside the accepted range 1900-01-01 to 2100-12-31",
    ),
    "recorded_at at the start of the calendar": (
        line_with(recorded_at="0001-01-01T00:00:00+05:00"),
        "recorded_at",
        "outside the accepted range",
    ),
    "occurred_on in the year 9999": (
        line_with(occurred_on="9999-12-31"),
        "occurred_on",
        "outside the accepted range",
    ),
    "NUL in a text field": (line_with(family="F\x001"), "family", "NUL character"),
    "NUL in a field name": (line_with(**{"no\x00te": "x"}), "no\\u0000te", "NUL character"),
    "1 MB string": (line_with(source_id="x" * 1_000_000), "source_id", "more than the limit"),
    "NaN": (b'{"type": "exclusion_recorded", "days": NaN}', "days", "finite"),
    "1e999": (b'{"type": "exclusion_recorded", "days": 1e999}', "days", "finite"),
    "a JSON array, not an object": (b"[1, 2]", "line", "JSON object"),
    "framework as a path": (
        json.dumps(sample("claim_submitted", 9, framework="/usr/bin/env")).encode(),
        "framework",
        "never a path",
    ),
    "framework 1 MB long": (
        json.dumps(sample("claim_submitted", 9, framework="a" * 1_000_000)).encode(),
        "framework",
        "limit",
    ),
    "framework neither packaged nor enabled": (
        json.dumps(sample("claim_submitted", 9, framework="my-own-2025")).encode(),
        "framework",
        "neither packaged nor enabled",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_line_is_rejected_with_line_and_field_and_neighbours_stored(
    case: str, tmp_path: Path, sqlite_url: str
) -> None:
    bad, field, words = HOSTILE[case]
    [rejection], stored, ids = import_bytes(tmp_path, sqlite_url, bad)
    assert rejection["line"] == 2
    assert field in rejection["fields"], rejection
    assert words in rejection["error"], rejection
    assert stored == 2 and ids == ["case_closed-1", "case_closed-3"]
    if case == "non-UTF-8 byte":  # the rejects file shows the line, the bad byte escaped
        assert rejection["text"] == '{"type": "case_closed", "family": "F\\xff"}'


def test_line_longer_than_the_limit_is_rejected_without_reading_it_whole(
    tmp_path: Path, sqlite_url: str
) -> None:
    bad = line_with(note="y" * 2000)
    [rejection], stored, _ = import_bytes(
        tmp_path, sqlite_url, bad, limits=InputLimits(max_line_bytes=1000)
    )
    assert rejection["line"] == 2 and "longer than the limit of 1000 bytes" in rejection["error"]
    assert stored == 2


def test_bom_before_the_first_line_keeps_that_record(tmp_path: Path, sqlite_url: str) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + good(1) + b"\n" + good(2) + b"\n")
    with RecordStore.open(sqlite_url) as store:
        summary = import_files(store, [str(path)], imported_at=NOW)
    assert (summary.stored, summary.totals.rejected) == (2, 0)


def test_bare_cr_inside_a_line_neither_splits_it_nor_shifts_line_numbers(
    tmp_path: Path, sqlite_url: str
) -> None:
    path = tmp_path / "cr.jsonl"
    with_cr = json.dumps(sample("case_closed", 2)).replace(", ", ",\r ").encode()
    path.write_bytes(good(1) + b"\n" + with_cr + b"\n" + b"{oops\n" + good(4) + b"\r\n")
    rejects = io.StringIO()
    with RecordStore.open(sqlite_url) as store:
        summary = import_files(store, [str(path)], imported_at=NOW, rejects=rejects)
    assert summary.stored == 3
    [rejection] = summary.rejections
    assert rejection.line == 3


def test_windows_1252_file_with_the_encoding_option(tmp_path: Path, sqlite_url: str) -> None:
    path = tmp_path / "cp.jsonl"
    rec = sample("evidence_recorded", 1, note="paid £40 – arrears cleared")
    path.write_bytes(json.dumps(rec, ensure_ascii=False).encode("cp1252") + b"\n")
    with RecordStore.open(sqlite_url) as store:
        as_utf8 = import_files(store, [str(path)], imported_at=NOW)
        assert as_utf8.totals.rejected == 1 and "not valid UTF-8" in as_utf8.rejections[0].message
        summary = import_files(store, [str(path)], imported_at=NOW, encoding="windows-1252")
        [stored] = store.family_records("F1")
    assert summary.stored == 1 and stored.get("note") == "paid £40 – arrears cleared"


def test_bad_occurred_on_is_named_as_well_as_recorded_at(tmp_path: Path, sqlite_url: str) -> None:
    bad = line_with(occurred_on="2099-05-01", recorded_at="2024-05-02T10:00:00Z")
    [rejection], _, _ = import_bytes(tmp_path, sqlite_url, bad)
    assert set(rejection["fields"]) == {"occurred_on", "recorded_at"}
    assert "2099-05-01" in rejection["error"]


def test_date_limits_are_settings_tested_at_both_sides_of_the_boundary(
    tmp_path: Path, sqlite_url: str
) -> None:
    limits = InputLimits(earliest=date(2000, 1, 1), latest=date(2030, 12, 31))
    path = tmp_path / "d.jsonl"
    lines = [
        sample("person_joined", 1, born_on="2000-01-01"),
        sample("person_joined", 2, born_on="1999-12-31"),
        sample("case_closed", 3, occurred_on="2030-12-31", recorded_at="2030-12-31T23:00:00Z"),
        sample("case_closed", 4, occurred_on="2030-12-31", recorded_at="2030-12-31T23:00:00-05:00"),
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    with RecordStore.open(sqlite_url) as store:
        summary = import_files(store, [str(path)], imported_at=NOW, limits=limits)
    assert summary.stored == 2
    assert [(r.line, r.fields) for r in summary.rejections] == [
        (2, ["born_on"]),
        (4, ["recorded_at"]),  # 2031-01-01T04:00 in UTC
    ]


def test_enabled_framework_may_be_claimed(tmp_path: Path, sqlite_url: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(sample("claim_submitted", 1, framework="my-own-2025")) + "\n")
    with RecordStore.open(sqlite_url) as store:
        summary = import_files(
            store, [str(path)], imported_at=NOW, frameworks={"national-2022", "my-own-2025"}
        )
    assert summary.stored == 1


def test_framework_enabled_in_the_store_may_be_claimed(tmp_path: Path, sqlite_url: str) -> None:
    from sftimeline.adapters.process_settings import FRAMEWORKS_SETTING
    from sftimeline.adapters.sql import engine_for_url, set_setting

    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(sample("claim_submitted", 1, framework="my-own-2025")) + "\n")
    with RecordStore.open(sqlite_url) as store:
        before = import_files(store, [str(path)], imported_at=NOW)
        assert (before.stored, before.totals.rejected) == (0, 1)
        engine = engine_for_url(sqlite_url)
        set_setting(engine, FRAMEWORKS_SETTING, [{"id": "my-own-2025", "file": "own.yaml"}])
        engine.dispose()
        after = import_files(store, [str(path)], imported_at=NOW)
    assert after.stored == 1


def test_stdin_text_with_a_lone_surrogate_is_rejected_not_raised(sqlite_url: str) -> None:
    text = (
        json.dumps(sample("case_closed", 1))
        + "\n"
        + '{"type": "case_closed", "family": "\ud800"}\n'
    )
    with RecordStore.open(sqlite_url) as store:
        summary = import_files(store, ["-"], stdin=io.StringIO(text), imported_at=NOW)
    assert summary.stored == 1 and summary.totals.rejected == 1


def test_every_hostile_line_in_one_file_through_the_cli_on_both_stores(
    tmp_path: Path, store_url: str
) -> None:
    """The command a council runs: one file holding every hostile line between good
    ones; exit 1 (rejections), no traceback, every good line stored, each rejection
    in the rejects file with its line."""
    from click.testing import CliRunner

    from sftimeline.cli import main

    cases = sorted(HOSTILE)
    body = [good(0)]
    for n, case in enumerate(cases, 1):
        body += [HOSTILE[case][0], good(n)]
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(body) + b"\r\n")
    rejects = tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(
        main, ["--db", store_url, "import", str(path), "--rejects", str(rejects), "--no-process"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert f"stored:     {len(cases) + 1}" in result.stdout
    written = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert [r["line"] for r in written] == list(range(2, 2 * len(cases) + 1, 2))
    with RecordStore.open(store_url) as store:
        assert len(store.family_records("F1")) == len(cases) + 1
