"""The audit pack's picture: an SVG timeline of a family's records and criteria, and its
legend. The web view's family page shows the same figure, so an auditor sees one picture
wherever they look.

The picture has one lane per person and one for the family, the records as markers; a
criteria panel below the lanes with, per criterion and person, a bar from the day the need
was identified to the day its status is decided (``met_since`` for met, ``expected_on``
for pending, D otherwise) in the status's colour, and under it the windows the rule
examined. Vertical lines mark nomination, closure, claims, the on-date and
``eligible_from``. Every drawn element carries ``data-*`` attributes (criterion, person,
status, start, end, key, late, retracted) so the picture can be checked by a program as
well as by eye. Late records are marked as ``reports/pack_common.py`` defines them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sftimeline.policies.evaluator import CriterionDecision, Decision
from sftimeline.projections.results import Result, Status, Window
from sftimeline.projections.timeline import RETRACTION, retracted_keys
from sftimeline.records import Record
from sftimeline.reports.pack_common import (
    STATUS_COLOUR,
    ReportInput,
    escape,
    is_late,
    iso,
    known_records,
)

TYPE_COLOUR = {
    "need_identified": "#1565c0",
    "incident_recorded": "#c62828",
    "evidence_recorded": "#2e7d32",
    "term_attendance_posted": "#00838f",
    "claim_submitted": "#000000",
    "family_nominated": "#37474f",
    "case_closed": "#37474f",
    RETRACTION: "#c62828",
}
MARK_COLOUR = {
    "nomination": "#37474f",
    "closure": "#5d4037",
    "claim": "#000000",
    "on": "#1565c0",
    "eligible_from": "#2e7d32",
}

WIDTH = 1100
LEFT = 170
RIGHT = 200
LANE_H = 34
CRIT_H = 26  # a criterion's bar row; each window it examined adds WIN_H
WIN_H = 16


def timeline_figure(inp: ReportInput) -> str:
    """The picture (SVG) and its legend, as the pack shows them; the web view's family page
    shows the same figure, so an auditor sees one picture wherever they look."""
    d = inp.decision
    known = known_records(inp)
    svg = _svg(d, known, retracted_keys(known), inp.late_after_days)
    return svg + "\n" + _legend(inp.late_after_days)


def _bar_text(c: CriterionDecision) -> str:
    r = c.result
    if r.status is Status.MET:
        return f"met since {iso(r.met_since) or '?'}"
    if r.status is Status.PENDING:
        return f"pending, expected {iso(r.expected_on) or '(no date)'}"
    return r.status.value.replace("_", " ")


def criterion_span(c: CriterionDecision, on: date) -> tuple[date, date]:
    """The bar drawn for a criterion: from identification to the day its status is
    decided (``met_since`` when met, ``expected_on`` when pending and forecast, D else)."""
    r = c.result
    end = on
    if r.status is Status.MET and r.met_since:
        end = r.met_since
    elif r.status is Status.PENDING and r.expected_on:
        end = r.expected_on
    return (min(c.identified, end), end)


def _windows(r: Result) -> list[tuple[Window, Status]]:
    out: list[tuple[Window, Status]] = []
    seen: set[tuple[str, date, date]] = set()

    def walk(x: Result) -> None:
        for w in x.windows:
            k = (w.label, w.start, w.end)
            if k not in seen:
                seen.add(k)
                out.append((w, x.status))
        for p in x.parts:
            walk(p)

    walk(r)
    return out


class _Scale:
    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = start, end
        self.days = max((end - start).days, 1)

    def x(self, day: date) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - self.start).days / self.days, 1)


def _svg(d: Decision, known: Sequence[Record], retracted: dict[str, Any], late_after: int) -> str:
    shown = list(known)
    dates: list[date] = [d.on, *(r.occurred_on for r in shown)]
    for c in d.criteria:
        dates.extend(criterion_span(c, d.on))
        dates.extend(w.start for w, _ in _windows(c.result))
        dates.extend(w.end for w, _ in _windows(c.result))
    if d.eligible_from:
        dates.append(d.eligible_from)
    lo, hi = min(dates), max(dates)
    pad = max(10, (hi - lo).days // 30)
    scale = _Scale(lo - timedelta(days=pad), hi + timedelta(days=pad))
    people: list[str] = []
    for r in sorted(shown, key=Record.sort_key):
        if r.person and r.person not in people:
            people.append(r.person)
    lanes: list[str | None] = [None, *people]
    top = 34
    lanes_h = LANE_H * len(lanes)
    crit_top = top + lanes_h + 30
    marks = _mark_list(d, known)
    crit_bottom = crit_top + max(sum(_row_height(c, scale) for c in d.criteria), CRIT_H)
    height = crit_bottom + 14 * len(_mark_groups(marks)) + 16
    el: list[str] = [
        f"<svg id='timeline' viewBox='0 0 {WIDTH} {height}' "
        f"width='{WIDTH}' height='{height}' role='img' "
        f"aria-label='Timeline of family {escape(d.family)}' data-on='{d.on.isoformat()}' "
        f"data-status='{escape(d.status)}' font-family='sans-serif' font-size='12'>",
        f"<rect x='0' y='0' width='{WIDTH}' height='{height}' fill='#ffffff'/>",
    ]
    el += _axis(scale, top, crit_bottom)
    for i, lane in enumerate(lanes):
        y = top + i * LANE_H
        fill = "#f4f6f8" if i % 2 == 0 else "#ffffff"
        el.append(
            f"<rect class='lane' data-lane='{escape(lane or 'family')}' x='0' y='{y}' "
            f"width='{WIDTH}' height='{LANE_H}' fill='{fill}'/>"
        )
        el.append(
            f"<text x='10' y='{y + LANE_H / 2 + 4}' font-weight='bold'>"
            f"{escape(lane or 'Family')}</text>"
        )
    el.append(
        f"<text x='10' y='{crit_top - 10}' font-weight='bold' fill='#333'>"
        "Criteria (bar: identified → decided)</text>"
    )
    el += _marks(marks, scale, top - 6, crit_bottom)
    el += _criteria_bars(d, scale, crit_top)
    # markers last so they sit on top of the marks
    stack: dict[tuple[int, date], int] = {}
    for r in sorted(shown, key=Record.sort_key):
        lane_i = lanes.index(r.person) if r.person in lanes else 0
        n = stack.get((lane_i, r.occurred_on), 0)
        stack[(lane_i, r.occurred_on)] = n + 1
        cy = top + lane_i * LANE_H + LANE_H / 2
        cx = scale.x(r.occurred_on) + n * 5
        el.append(_marker(r, cx, cy, d, retracted, late_after))
    el.append("</svg>")
    return "<div class='picture'>" + "\n".join(el) + "</div>"


def _axis(scale: _Scale, top: int, bottom: int) -> list[str]:
    out = []
    months = (scale.end.year - scale.start.year) * 12 + scale.end.month - scale.start.month
    step = 1 if months <= 18 else 3 if months <= 48 else 12
    day = date(scale.start.year, scale.start.month, 1)
    while day <= scale.end:
        if day >= scale.start and (day.month - 1) % step == 0:
            x = scale.x(day)
            out.append(
                f"<line class='tick' x1='{x}' y1='{top}' x2='{x}' y2='{bottom}' "
                "stroke='#dde1e5' stroke-width='1'/>"
            )
            first = not any("class='tick'" in o for o in out)
            label = (
                day.strftime("%b %Y") if day.month == 1 or step > 1 or first else day.strftime("%b")
            )
            out.append(
                f"<text x='{x}' y='{top - 8}' text-anchor='middle' fill='#555' "
                f"font-size='11'>{label}</text>"
            )
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


def _mark_list(d: Decision, known: Sequence[Record]) -> list[tuple[str, date, str]]:
    """Nomination, closure and claim dates (records in force, dated up to D), the on-date
    and ``eligible_from``."""
    marks: list[tuple[str, date, str]] = []
    retracted = retracted_keys(known)
    for r in known:
        if r.key in retracted or r.occurred_on > d.on:
            continue
        if r.type == "family_nominated":
            marks.append(("nomination", r.occurred_on, "nominated"))
        elif r.type == "case_closed":
            marks.append(("closure", r.occurred_on, "closed"))
        elif r.type == "claim_submitted":
            marks.append(("claim", r.occurred_on, "claim"))
    marks.append(("on", d.on, "on-date"))
    if d.eligible_from:
        marks.append(("eligible_from", d.eligible_from, "eligible from"))
    return marks


def _mark_groups(marks: list[tuple[str, date, str]]) -> dict[date, list[str]]:
    groups: dict[date, list[str]] = {}
    for _kind, day, label in sorted(marks, key=lambda m: m[1]):
        groups.setdefault(day, []).append(label)
    return groups


def _marks(marks: list[tuple[str, date, str]], scale: _Scale, top: int, bottom: int) -> list[str]:
    """A vertical line per mark; one label per date, each date on its own row below."""
    out = []
    for kind, day, _label in marks:
        x = scale.x(day)
        colour = MARK_COLOUR[kind]
        dash = "" if kind in ("on", "claim") else " stroke-dasharray='5,3'"
        out.append(
            f"<g class='mark' data-mark='{kind}' data-date='{day.isoformat()}'>"
            f"<line x1='{x}' y1='{top}' x2='{x}' y2='{bottom}' stroke='{colour}' "
            f"stroke-width='{2 if kind in ('on', 'claim') else 1.5}'{dash}/></g>"
        )
    for row, (day, labels) in enumerate(_mark_groups(marks).items()):
        x = scale.x(day)
        out.append(
            f"<text x='{x + 3}' y='{bottom + 13 + 14 * row}' fill='#333' font-size='11'>"
            f"{escape(', '.join(labels))} {day.isoformat()}</text>"
        )
    return out


#: the width of a window label's character (font-size 10), for placing it
CHAR_W = 5.5
#: the extra height of a window whose label has a line of its own below it
UNDER_H = 11


def _window_label(w: Window, scale: _Scale) -> tuple[str, float, str, bool]:
    """A window's label, its x, its anchor and whether it goes under the window.

    Beside the window on whichever side has room on the picture; when neither has (a
    window spanning most of the axis), on a line of its own under the window, inside
    its span, so that a label never covers a window's outline nor runs off the
    picture.
    """
    wx1, wx2 = scale.x(w.start), scale.x(w.end)
    text = f"{w.label}: {w.start.isoformat()} to {w.end.isoformat()}"
    width = CHAR_W * len(text)
    if wx2 + 6 + width <= WIDTH:
        return text, wx2 + 6, "start", False
    if wx1 - 6 - width >= 4:
        return text, wx1 - 6, "end", False
    return text, max(4.0, min(wx1, WIDTH - 4 - width)), "start", True


def _row_height(c: CriterionDecision, scale: _Scale) -> int:
    windows = _windows(c.result)
    under = sum(_window_label(w, scale)[3] for w, _ in windows)
    return CRIT_H + WIN_H * len(windows) + UNDER_H * under + 6


def _criteria_bars(d: Decision, scale: _Scale, crit_top: int) -> list[str]:
    """One row per criterion: its bar, then each window it examined on a line of its own."""
    out = []
    y = crit_top
    for c in d.criteria:
        status = c.result.status.value
        colour = STATUS_COLOUR[status]
        start, end = criterion_span(c, d.on)
        x1, x2 = scale.x(start), scale.x(end)
        code = c.criterion.split(":", 1)[1]
        label = f"{code} {c.person or 'family'}"
        out.append(
            f"<text x='10' y='{y + 14}' font-weight='bold'>{escape(label)}</text>"
            f"<g class='criterion-bar' data-criterion='{escape(c.criterion)}' "
            f"data-person='{escape(c.person or '')}' data-status='{status}' "
            f"data-start='{start.isoformat()}' data-end='{end.isoformat()}'>"
            f"<title>{escape(c.criterion)} {escape(c.person or 'family')}: {status}, "
            f"{start.isoformat()} → {end.isoformat()}</title>"
            f"<rect x='{x1}' y='{y + 3}' width='{max(x2 - x1, 3)}' height='14' rx='3' "
            f"fill='{colour}'/>"
            f"<text x='{x2 + 6}' y='{y + 14}' fill='{colour}' font-weight='bold'>"
            f"{escape(_bar_text(c))}</text></g>"
        )
        wy = y + CRIT_H
        for w, st in _windows(c.result):
            wx1, wx2 = scale.x(w.start), scale.x(w.end)
            text, tx, anchor, under = _window_label(w, scale)
            ty = wy + UNDER_H if under else wy
            out.append(
                f"<g class='window' data-criterion='{escape(c.criterion)}' "
                f"data-person='{escape(c.person or '')}' data-status='{st.value}' "
                f"data-label='{escape(w.label)}' data-start='{w.start.isoformat()}' "
                f"data-end='{w.end.isoformat()}'><title>{escape(w.label)}: "
                f"{w.start.isoformat()} to {w.end.isoformat()} ({st.value})</title>"
                f"<rect x='{wx1}' y='{wy - 8}' width='{max(wx2 - wx1, 2)}' height='7' "
                f"fill='none' stroke='{STATUS_COLOUR[st.value]}' stroke-width='1.5'/>"
                f"<text x='{tx}' y='{ty}' font-size='10' fill='#555' text-anchor='{anchor}'>"
                f"{escape(text)}</text></g>"
            )
            wy += WIN_H + (UNDER_H if under else 0)
        y += _row_height(c, scale)
    return out


def _marker(
    r: Record, x: float, y: float, d: Decision, retracted: dict[str, Any], late_after: int
) -> str:
    late = is_late(r, late_after)
    gone = r.key in retracted
    after = r.occurred_on > d.on
    colour = TYPE_COLOUR.get(r.type, "#546e7a")
    attrs = (
        f"class='record' data-key='{escape(r.key)}' data-type='{escape(r.type)}' "
        f"data-person='{escape(r.person or '')}' data-occurred-on='{r.occurred_on.isoformat()}' "
        f"data-recorded-at='{escape(r.recorded_at.isoformat())}' "
        f"data-late='{str(late).lower()}' data-retracted='{str(gone).lower()}' "
        f"data-after-on='{str(after).lower()}'"
    )
    tip = (
        f"{r.type} {r.person or ''} occurred {r.occurred_on.isoformat()}, recorded "
        f"{r.recorded_at.isoformat()} [{r.key}]"
        + (" — LATE" if late else "")
        + (" — RETRACTED" if gone else "")
        + (f" — {r.knowledge_note}" if r.knowledge_note else "")
    )
    body: list[str] = []
    opacity = "0.35" if after or gone else "1"
    if r.type == RETRACTION:
        body.append(
            f"<path d='M{x - 6},{y - 6} L{x + 6},{y + 6} M{x - 6},{y + 6} L{x + 6},{y - 6}' "
            f"stroke='{colour}' stroke-width='3'/>"
        )
    else:
        body.append(
            f"<circle cx='{x}' cy='{y}' r='6' fill='{colour}' fill-opacity='{opacity}' "
            "stroke='#fff' stroke-width='1'/>"
        )
    if late:
        body.append(
            f"<circle cx='{x}' cy='{y}' r='10' fill='none' stroke='#ef6c00' stroke-width='2'/>"
            f"<text x='{x + 11}' y='{y - 6}' font-size='10' fill='#ef6c00' "
            "font-weight='bold'>late</text>"
        )
    if gone:
        body.append(
            f"<line x1='{x - 9}' y1='{y}' x2='{x + 9}' y2='{y}' stroke='#c62828' "
            f"stroke-width='2.5'/><text x='{x + 11}' y='{y + 13}' font-size='10' "
            "fill='#c62828' font-weight='bold'>retracted</text>"
        )
    return f"<g {attrs}><title>{escape(tip)}</title>{''.join(body)}</g>"


def _legend(late_after: int) -> str:
    items = "".join(
        f"<span class='key'><span class='sw' style='background:{c}'></span>"
        f"{escape(s.replace('_', ' '))}</span>"
        for s, c in STATUS_COLOUR.items()
    )
    return (
        f"<p class='legend'>{items}<span class='key'><span class='ring'></span>late: "
        f"recorded more than {late_after} days after it occurred</span>"
        "<span class='key'><b style='color:#c62828'>×</b> retraction; "
        "<s>struck</s> retracted record</span>"
        "<span class='key'>faded: dated after the on-date (not used)</span></p>"
    )
