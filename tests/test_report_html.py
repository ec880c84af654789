"""The HTML audit pack (issue 5, part 5): one self-contained file whose picture shows what
the decision says; checked as text, and in a real headless Chromium (Debian's package)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit_family import (
    AFTER_LATE,
    AFTER_RETRACTION,
    AT_CLAIM,
    CLAIM_DATE,
    FAMILY,
    records,
    to_record,
    write_jsonl,
)
from sftimeline.cli import main
from sftimeline.policies.evaluator import Decision
from sftimeline.policies.loader import load_framework
from sftimeline.projections.results import Status
from sftimeline.reports.html import render_report
from sftimeline.reports.pack_common import STATUS_COLOUR, is_late
from sftimeline.reports.timeline_svg import criterion_span
from sftimeline.service.decisions import report_input as build_input

NATIONAL = load_framework("national-2022")

Element = tuple[str, dict[str, str]]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def elements(page: str) -> list[Element]:
    parser = _Elements()
    parser.feed(page)
    return parser.found


def with_class(found: list[Element], cls: str) -> list[dict[str, str]]:
    return [a for _t, a in found if cls in a.get("class", "").split()]


def page_at(known_at: dt.datetime, on: dt.date = CLAIM_DATE) -> tuple[str, Decision]:
    inp = build_input(NATIONAL, FAMILY, records(), on, known_at)
    return render_report(inp), inp.decision


def _rec(type_: str, on: str, sid: str, **fields: object) -> dict[str, object]:
    return {
        "type": type_,
        "family": FAMILY,
        "occurred_on": on,
        "recorded_at": f"{on}T09:00:00+00:00",
        "source": "mosaic",
        "source_id": sid,
        **fields,
    }


#: tests/cases/national-2022/8.1-referral-after-closure.yaml: closed 2024-03-31, an accepted
#: domestic abuse referral on 2024-06-10 breaks the 6 months' follow-up for good (not_met).
CLOSURE_FAMILY = [
    _rec("family_nominated", "2023-11-01", "NOM"),
    _rec("person_joined", "2023-11-01", "PJ-V1", person="V1", role="adult", born_on="1988-01-31"),
    _rec("person_joined", "2023-11-01", "PJ-C1", person="C1", role="child", born_on="2017-04-04"),
    _rec("need_identified", "2023-11-01", "N-V1", criterion="national-2022:8.1", person="V1"),
    _rec("incident_recorded", "2024-02-29", "DA-7", person="V1", kind="domestic_abuse"),
    _rec(
        "evidence_recorded",
        "2024-03-20",
        "EV-1",
        criterion="national-2022:8.1",
        person="V1",
        evidence="practitioner_assessment",
        outcome_achieved=True,
    ),
    _rec("case_closed", "2024-03-31", "CL-1"),
    _rec("referral_accepted", "2024-06-10", "REF-9", service="domestic_abuse", person="V1"),
]


def closure_page(on: str = "2024-06-10") -> tuple[str, Decision]:
    recs = [to_record(r) for r in CLOSURE_FAMILY]
    inp = build_input(NATIONAL, FAMILY, recs, dt.date.fromisoformat(on), AFTER_RETRACTION)
    return render_report(inp), inp.decision


def assert_bars_agree(found: list[Element], decision: Decision) -> None:
    """Each criterion has exactly one bar, of its status, from identification to the day
    the decision dates it (met since / expected on / the on-date)."""
    bars = {(a["data-criterion"], a["data-person"]): a for a in with_class(found, "criterion-bar")}
    assert len(bars) == len(decision.criteria)
    for c in decision.criteria:
        bar = bars[(c.criterion, c.person or "")]
        r = c.result
        assert bar["data-status"] == r.status.value
        assert bar["data-start"] == c.identified.isoformat()
        if r.status is Status.MET:
            assert r.met_since is not None and bar["data-end"] == r.met_since.isoformat()
        elif r.status is Status.PENDING:
            assert r.expected_on is not None and bar["data-end"] == r.expected_on.isoformat()
        else:
            assert bar["data-end"] == decision.on.isoformat()


# --- structure ------------------------------------------------------------------------


def test_the_page_is_one_self_contained_file_with_no_external_reference() -> None:
    page, _ = page_at(AFTER_LATE)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""\b(src|href)\s*=""", page, re.I)
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert "@import" not in page and "url(" not in page
    tags = [t for t, _ in elements(page)]
    assert tags.count("svg") == 1 and tags.count("style") == 1


def test_bars_windows_and_marks_agree_with_the_decision() -> None:
    page, decision = page_at(AFTER_LATE)
    found = elements(page)
    assert decision.status == "pending"
    assert_bars_agree(found, decision)
    (window,) = [
        a for a in with_class(found, "window") if a["data-criterion"] == "national-2022:7.1"
    ]
    # the 6 months without an incident restart at the late arrest
    assert (window["data-start"], window["data-end"], window["data-status"]) == (
        "2024-08-15",
        "2025-02-15",
        "pending",
    )
    marks = {(a["data-mark"], a["data-date"]) for a in with_class(found, "mark")}
    assert {
        ("nomination", "2024-01-10"),
        ("claim", "2024-10-01"),
        ("on", "2024-10-01"),
        ("eligible_from", "2025-02-15"),
    } <= marks
    assert 'id="decision" data-status="pending"' in page.replace("'", '"')


@pytest.mark.parametrize(("on", "status"), [("2024-06-09", "pending"), ("2024-06-10", "not_met")])
def test_a_closure_is_marked_and_a_broken_follow_up_drawn_not_met(on: str, status: str) -> None:
    page, decision = closure_page(on)
    found = elements(page)
    assert_bars_agree(found, decision)
    (bar,) = with_class(found, "criterion-bar")
    assert bar["data-status"] == status
    assert ("closure", "2024-03-31") in {
        (a["data-mark"], a["data-date"]) for a in with_class(found, "mark")
    }
    if status == "pending":
        assert bar["data-end"] == "2024-09-30"  # closure + 6 months


def test_late_records_are_marked_and_retractions_shown_as_such() -> None:
    page, _decision = page_at(AFTER_LATE)
    recs = {a["data-key"]: a for a in with_class(elements(page), "record")}
    assert recs["police:INC-9"]["data-late"] == "true"  # known 82 days after it happened
    assert recs["police:INC-5"]["data-late"] == "false"
    assert "police:RET-1" not in recs  # not yet known at T
    page2, decision2 = page_at(AFTER_RETRACTION)
    recs2 = {a["data-key"]: a for a in with_class(elements(page2), "record")}
    assert recs2["police:INC-9"]["data-retracted"] == "true"
    assert recs2["police:RET-1"]["data-type"] == "record_retracted"
    assert "retracted by police:RET-1" in page2 and "retracts police:INC-9" in page2
    assert decision2.status == "eligible"
    assert_bars_agree(elements(page2), decision2)


def test_late_threshold_is_more_than_the_named_number_of_days() -> None:
    def incident(recorded: str) -> dict[str, object]:
        return {
            "type": "incident_recorded",
            "family": FAMILY,
            "person": "P1",
            "kind": "asb",
            "occurred_on": "2024-03-01",
            "recorded_at": recorded,
            "source": "police",
            "source_id": "X",
        }

    on_day_30 = to_record(incident("2024-03-31T23:00:00+00:00"))
    on_day_31 = to_record(incident("2024-04-01T00:00:00+00:00"))
    assert not is_late(on_day_30) and is_late(on_day_31)
    assert is_late(on_day_30, late_after_days=29) and not is_late(on_day_31, late_after_days=31)


def test_the_explanation_and_every_record_with_its_source_are_on_the_page() -> None:
    page, decision = page_at(AT_CLAIM)
    assert "national-2022:7.1" in page and "no offence/arrest/named_suspect/asb" in page
    for r in records():
        if r.recorded_at <= AT_CLAIM:
            assert f"data-key='{r.key}'" in page
            assert r.recorded_at.isoformat() in page and r.source_id in page  # type: ignore[operator]
    assert "2 record(s) of this family were recorded after" in page
    for c in decision.criteria:
        assert criterion_span(c, decision.on)[0] == c.identified


def test_report_command_writes_the_file(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    runner = CliRunner()
    assert (
        runner.invoke(
            main, ["--db", db, "import", str(write_jsonl(tmp_path / "f.jsonl"))]
        ).exit_code
        == 0
    )
    out_file = tmp_path / "pack.html"
    out = runner.invoke(
        main,
        [
            "--db",
            db,
            "report",
            FAMILY,
            "--on",
            "2024-10-01",
            "--known-at",
            "2024-11-10T00:00:00+00:00",
            "--html",
            str(out_file),
        ],
    )
    assert out.exit_code == 0, out.output
    assert out_file.read_text(encoding="utf-8") == page_at(AFTER_LATE)[0]
    bad = runner.invoke(
        main, ["--db", db, "report", FAMILY, "--on", "2024-13-01", "--html", str(out_file)]
    )
    assert bad.exit_code != 0 and "Traceback" not in bad.output


# --- in a real browser ----------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on PATH (apt-get install chromium; .ci/run installs it)",
)


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA non-interlaced PNG with the standard library (zlib):
    width, height and the unfiltered rows as RGB(A) bytes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, head = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            head = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", head)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif f == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r[i] for i in range(len(r)) if i % bpp < 3) for r in rows]


def _hex(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


@needs_chromium
@pytest.mark.parametrize(
    ("scenario", "expected"),
    [("late_record", {"met", "pending"}), ("closure_broken", {"not_met"})],
)
def test_chromium_renders_bars_that_agree_with_the_decision_and_a_readable_picture(
    tmp_path: Path, scenario: str, expected: set[str]
) -> None:
    page, decision = page_at(AFTER_LATE) if scenario == "late_record" else closure_page()
    html_file = tmp_path / "pack.html"
    html_file.write_text(page, encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", html_file.as_uri()).stdout
    found = elements(dom)
    assert any(t == "svg" for t, _ in found), "the browser's DOM has no SVG"
    assert_bars_agree(found, decision)
    statuses = {a["data-status"] for a in with_class(found, "criterion-bar")}
    assert statuses == expected
    shot = tmp_path / "pack.png"
    _chromium(tmp_path, "--window-size=1200,700", f"--screenshot={shot}", html_file.as_uri())
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 700)
    pixels = [tuple(r[i : i + 3]) for r in rows for i in range(0, len(r), 3)]
    non_white = sum(1 for p in pixels if p != (255, 255, 255))
    assert non_white > 0.05 * len(pixels), "the screenshot is (nearly) blank"
    colours = set(pixels)
    assert len(colours) > 50
    # the bars are drawn in the statuses' colours: both appear on screen
    for status in statuses:
        want = _hex(STATUS_COLOUR[status])
        near = sum(1 for p in pixels if all(abs(a - b) <= 4 for a, b in zip(p, want, strict=True)))
        assert near > 200, f"no {status} bar visible in the screenshot"


@pytest.mark.parametrize(
    ("start", "end", "placed"),
    [
        ("2024-01-01", "2024-02-01", "beside, after"),  # room to the right
        ("2024-11-01", "2024-12-31", "beside, before"),  # only room to the left
        ("2024-01-01", "2024-12-31", "under"),  # spans the axis: room on neither side
    ],
)
def test_a_window_label_stays_on_the_picture_and_off_its_window(
    start: str, end: str, placed: str
) -> None:
    from datetime import date

    from sftimeline.projections.results import Window
    from sftimeline.reports.timeline_svg import CHAR_W, WIDTH, _Scale, _window_label

    scale = _Scale(date(2024, 1, 1), date(2024, 12, 31))
    w = Window("no offence for 6 months", date.fromisoformat(start), date.fromisoformat(end))
    text, x, anchor, under = _window_label(w, scale)
    left, right = (x, x + CHAR_W * len(text)) if anchor == "start" else (x - CHAR_W * len(text), x)
    assert left >= 0 and right <= WIDTH, "the label runs off the picture"
    wx1, wx2 = scale.x(w.start), scale.x(w.end)
    if under:
        assert placed == "under"
    else:
        assert right <= wx1 or left >= wx2, "the label covers its window"
        assert placed == ("beside, after" if left >= wx2 else "beside, before")
