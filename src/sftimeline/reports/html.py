"""The audit pack: one self-contained HTML file showing a family's decision on D as known at T.

One file, no network: inline CSS and inline SVG only, no scripts, no external URL (a
reviewer can open it offline, attach it to a claim file and print it). Built with the
standard library (``html.escape`` and f-strings): the page is small and fixed in shape,
so a template engine would add a dependency without removing any code.

The picture (SVG) has one lane per person and one for the family, the records as
markers; a criteria panel below the lanes with, per criterion and person, a bar from the
day the need was identified to the day its status is decided (``met_since`` for met,
``expected_on`` for pending, D otherwise) in the status's colour, and under it the
windows the rule examined. Vertical lines mark nomination, closure, claims, the on-date
and ``eligible_from``. Every drawn element carries ``data-*`` attributes (criterion,
person, status, start, end, key, late, retracted) so the picture can be checked by a
program as well as by eye.

**Late record**: a record whose knowledge time is more than ``late_after_days`` days
(default :data:`LATE_AFTER_DAYS`) after the end of its valid date. The threshold is a
display choice, not a rule: it never changes a decision, it only draws the eye to the
records an auditor should ask about (they are the ones that put claims at risk).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape as _escape
from typing import Any

from sftimeline.policies.evaluator import CriterionDecision, Decision
from sftimeline.projections.results import Result, Status, Window
from sftimeline.projections.timeline import RETRACTION, retracted_keys
from sftimeline.records import Record, source_key
from sftimeline.reports.visible import make_visible


def escape(text: str) -> str:
    """HTML-escaped, with bidi overrides and other invisible characters shown as
    ``[U+202E]`` (record text is outside input: ``reports/visible.py``)."""
    return _escape(make_visible(text))


#: A record known more than this many days after its valid date is marked "late".
LATE_AFTER_DAYS = 30

STATUS_COLOUR = {
    "met": "#2e7d32",
    "pending": "#e0a100",
    "not_met": "#c62828",
    "insufficient_data": "#6d6d6d",
    "evidence_required": "#7b3fa0",
}
FAMILY_STATUS_COLOUR = {
    "eligible": STATUS_COLOUR["met"],
    "pending": STATUS_COLOUR["pending"],
    "not_eligible": STATUS_COLOUR["not_met"],
    "insufficient_data": STATUS_COLOUR["insufficient_data"],
    "evidence_required": STATUS_COLOUR["evidence_required"],
}
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


@dataclass(frozen=True, slots=True)
class ReportInput:
    """Everything the page shows; built by the command from the store and the evaluator."""

    decision: Decision
    framework_title: str
    records: Sequence[Record]  # every record of the family (filtered to known-at here)
    explain_text: str
    readings: Sequence[tuple[str, str, str]] = ()  # (name, value, "AMB-…: doc")
    late_after_days: int = LATE_AFTER_DAYS


def is_late(r: Record, late_after_days: int = LATE_AFTER_DAYS) -> bool:
    """Known more than ``late_after_days`` days after the end of its valid date."""
    return r.recorded_at.date() > r.occurred_on + timedelta(days=late_after_days)


def render_report(inp: ReportInput) -> str:
    """The whole page as one string."""
    d = inp.decision
    known = [r for r in inp.records if r.recorded_at <= d.known_at]
    unknown = len(inp.records) - len(known)
    retracted = retracted_keys(known)
    title = f"Audit pack — family {d.family}, {d.framework}, on {d.on.isoformat()}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Family {escape(d.family)} <span class='muted'>— {escape(inp.framework_title)} "
        f"({escape(d.framework)})</span></h1>",
        _summary(d),
        "<h2>Timeline</h2>",
        timeline_figure(inp),
        "<h2>Decision</h2>",
        _decision(d, inp.readings),
        "<h2>Explanation</h2>",
        _criteria(d, {r.key: r for r in known}),
        "<details><summary>The same explanation as <code>sftimeline explain</code> prints"
        f"</summary><pre class='explain'>{escape(inp.explain_text)}</pre></details>",
        "<h2>Records</h2>",
        _records_table(d, known, retracted, inp.late_after_days, unknown),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def timeline_figure(inp: ReportInput) -> str:
    """The picture (SVG) and its legend, as the pack shows them; the web view's family page
    shows the same figure, so an auditor sees one picture wherever they look."""
    d = inp.decision
    known = [r for r in inp.records if r.recorded_at <= d.known_at]
    svg = _svg(d, known, retracted_keys(known), inp.late_after_days)
    return svg + "\n" + _legend(inp.late_after_days)


# ---------------------------------------------------------------------------
# Summary and decision
# ---------------------------------------------------------------------------


def _badge(status: str, colour: str) -> str:
    return (
        f"<span class='badge' style='background:{colour}' data-status='{escape(status)}'>"
        f"{escape(status.replace('_', ' '))}</span>"
    )


def _summary(d: Decision) -> str:
    colour = FAMILY_STATUS_COLOUR.get(d.status, "#444")
    ef = (
        f"eligible from <b>{d.eligible_from.isoformat()}</b> if nothing else is recorded"
        if d.eligible_from
        else "no eligible-from date"
        + (f": {escape(d.eligible_from_reason)}" if d.eligible_from_reason else "")
    )
    return (
        f"<p class='summary' id='decision' data-status='{escape(d.status)}' "
        f"data-eligible-from='{_iso(d.eligible_from)}'>On <b>{d.on.isoformat()}</b>, as known at "
        f"<b>{escape(d.known_at.isoformat())}</b>: {_badge(d.status, colour)} — {ef}.</p>"
    )


def _decision(d: Decision, readings: Sequence[tuple[str, str, str]]) -> str:
    rows = "".join(
        f"<tr><td>{'ok' if r.holds else '<b>fails</b>'}</td><td>{escape(r.name)}</td>"
        f"<td>{escape(r.explanation)}</td></tr>"
        for r in d.family_rules
    )
    crit_rows = "".join(
        f"<tr data-criterion='{escape(c.criterion)}' data-person='{escape(c.person or '')}'>"
        f"<td>{escape(c.criterion)}</td><td>{escape(c.person or 'family')}</td>"
        f"<td>{c.identified.isoformat()}</td>"
        f"<td>{_badge(c.result.status.value, STATUS_COLOUR[c.result.status.value])}</td>"
        f"<td>{_decided_on_text(c)}</td><td>{escape(_entry_text(c))}</td></tr>"
        for c in d.criteria
    )
    flags = "".join(f"<li>{escape(f)}</li>" for f in d.flags)
    read = "".join(
        f"<li><code>{escape(n)} = {escape(v)}</code> <span class='muted'>{escape(doc)}</span></li>"
        for n, v, doc in readings
    )
    return (
        "<table class='grid'><thead><tr><th>criterion</th><th>person</th><th>identified</th>"
        f"<th>status</th><th>date</th><th>entry</th></tr></thead><tbody>{crit_rows}</tbody>"
        "</table>"
        + (f"<h3>Flagged for review</h3><ul class='flags'>{flags}</ul>" if flags else "")
        + "<h3>Family-level rules</h3><table class='grid'><tbody>"
        f"{rows}</tbody></table>"
        f"<p class='muted'>Framework definition fingerprint <code>{escape(d.fingerprint)}</code>"
        "</p>"
        + (
            f"<details><summary>Readings used ({len(readings)} named parameters)</summary>"
            f"<ul class='readings'>{read}</ul></details>"
            if read
            else ""
        )
    )


def _entry_text(c: CriterionDecision) -> str:
    """The entry verdict as the pack shows it (docs/semantics.md, "Entry conditions")."""
    return c.entry.verdict.replace("_", " ") if c.entry is not None else "no entry condition"


def _decided_on_text(c: CriterionDecision) -> str:
    r = c.result
    if r.status is Status.MET:
        return f"met since {_iso(r.met_since) or '?'}"
    if r.status is Status.PENDING:
        return f"expected {r.expected_on.isoformat()}" if r.expected_on else "no date forecast"
    return ""


def _bar_text(c: CriterionDecision) -> str:
    r = c.result
    if r.status is Status.MET:
        return f"met since {_iso(r.met_since) or '?'}"
    if r.status is Status.PENDING:
        return f"pending, expected {_iso(r.expected_on) or '(no date)'}"
    return r.status.value.replace("_", " ")


def _criteria(d: Decision, records: dict[str, Record]) -> str:
    if not d.criteria:
        return "<p>No need of this framework identified on or before this date.</p>"
    out = []
    for c in d.criteria:
        r = c.result
        facts = "".join(
            f"<li><code>{escape(k)}</code> "
            f"{escape(_record_line(records[k]) if k in records else '')}</li>"
            for k in r.all_facts()
        )
        out.append(
            f"<section class='criterion' data-criterion='{escape(c.criterion)}' "
            f"data-person='{escape(c.person or '')}' data-status='{r.status.value}'>"
            f"<h3>{escape(c.criterion)} — {escape(c.person or 'family')} "
            f"{_badge(r.status.value, STATUS_COLOUR[r.status.value])} "
            f"<span class='muted'>{escape(_decided_on_text(c))}</span></h3>"
            f"<p class='muted'>identified {c.identified.isoformat()}"
            f"{' · ' + escape(c.cite) if c.cite else ''}"
            + (
                " · evidence accepted: " + escape(", ".join(c.evidence_kinds))
                if c.evidence_kinds
                else ""
            )
            + "</p>"
            + (
                f"<p class='entry' data-entry='{c.entry.verdict}'>Entry "
                f"{escape(_entry_text(c))}: {escape(c.entry.explanation)}</p>"
                if c.entry is not None
                else ""
            )
            + f"<ul class='tree'>{_result_tree(r, 0)}</ul>"
            + (f"<p>Records used:</p><ul class='facts'>{facts}</ul>" if facts else "")
            + "</section>"
        )
    return "".join(out)


def _result_tree(r: Result, depth: int) -> str:
    own = ""
    if r.explanation:
        own = (
            f"<li><span class='dot' style='background:{STATUS_COLOUR[r.status.value]}'></span>"
            f"<b>{escape(r.status.value)}</b>: {escape(r.explanation)}"
        )
        for w in r.windows:
            own += (
                f"<div class='win'>window {escape(w.label)}: {w.start.isoformat()} to "
                f"{w.end.isoformat()}</div>"
            )
        if r.values:
            vals = ", ".join(f"{k}={v}" for k, v in r.values.items())
            own += f"<div class='vals'>{escape(vals)}</div>"
    inner = "".join(_result_tree(p, depth + 1) for p in r.parts) if depth < 6 else ""
    if own:
        return own + (f"<ul>{inner}</ul>" if inner else "") + "</li>"
    return inner


def _record_line(r: Record) -> str:
    extra = ", ".join(f"{k}={v}" for k, v in r.data.items())
    return f"{r.occurred_on.isoformat()} {r.type} {r.person or ''} {extra}".strip()


def _records_table(
    d: Decision,
    known: Sequence[Record],
    retracted: dict[str, Any],
    late_after: int,
    unknown: int,
) -> str:
    rows = []
    for r in sorted(known, key=Record.sort_key):
        flags = []
        if is_late(r, late_after):
            flags.append("<span class='flag late'>late</span>")
        if r.key in retracted:
            by = escape(retracted[r.key].by.key)
            flags.append(f"<span class='flag retracted'>retracted by {by}</span>")
        if r.type == RETRACTION:
            target = source_key(r.get("target_source"), r.get("target_source_id"))
            flags.append(f"<span class='flag retracted'>retracts {escape(target or '?')}</span>")
        if r.occurred_on > d.on:
            flags.append("<span class='flag'>after the on-date: not used</span>")
        if r.knowledge_note:
            flags.append(f"<span class='flag basis'>{escape(r.knowledge_note)}</span>")
        extra = ", ".join(f"{k}={v}" for k, v in r.data.items())
        rows.append(
            f"<tr data-key='{escape(r.key)}' class='{'struck' if r.key in retracted else ''}'>"
            f"<td>{r.occurred_on.isoformat()}</td><td>{escape(r.recorded_at.isoformat())}</td>"
            f"<td>{escape(r.type)}</td><td>{escape(r.person or '')}</td>"
            f"<td>{escape(r.source or '')}</td><td>{escape(r.source_id or '')}</td>"
            f"<td>{escape(extra)}</td><td>{''.join(flags)}</td></tr>"
        )
    note = (
        f"<p class='muted'>{unknown} record(s) of this family were recorded after "
        f"{escape(d.known_at.isoformat())} and are not part of this decision.</p>"
        if unknown
        else ""
    )
    return (
        "<table class='grid records'><thead><tr><th>occurred on</th><th>recorded at</th>"
        "<th>type</th><th>person</th><th>source</th><th>source id</th><th>details</th>"
        f"<th>notes</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"
    )


# ---------------------------------------------------------------------------
# The picture
# ---------------------------------------------------------------------------


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
    crit_bottom = crit_top + max(sum(_row_height(c) for c in d.criteria), CRIT_H)
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


def _row_height(c: CriterionDecision) -> int:
    return CRIT_H + WIN_H * len(_windows(c.result)) + 6


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
        for j, (w, st) in enumerate(_windows(c.result)):
            wx1, wx2 = scale.x(w.start), scale.x(w.end)
            wy = y + CRIT_H + WIN_H * j
            text = f"{w.label}: {w.start.isoformat()} to {w.end.isoformat()}"
            # the label beside the window, on whichever side has room
            if wx2 + 6 + 5.5 * len(text) <= WIDTH:
                tx, anchor = wx2 + 6, "start"
            else:
                tx, anchor = max(wx1 - 6, LEFT), "end" if wx1 - 6 > LEFT else "start"
            out.append(
                f"<g class='window' data-criterion='{escape(c.criterion)}' "
                f"data-person='{escape(c.person or '')}' data-status='{st.value}' "
                f"data-label='{escape(w.label)}' data-start='{w.start.isoformat()}' "
                f"data-end='{w.end.isoformat()}'><title>{escape(w.label)}: "
                f"{w.start.isoformat()} to {w.end.isoformat()} ({st.value})</title>"
                f"<rect x='{wx1}' y='{wy - 8}' width='{max(wx2 - wx1, 2)}' height='7' "
                f"fill='none' stroke='{STATUS_COLOUR[st.value]}' stroke-width='1.5'/>"
                f"<text x='{tx}' y='{wy}' font-size='10' fill='#555' text-anchor='{anchor}'>"
                f"{escape(text)}</text></g>"
            )
        y += _row_height(c)
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


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;
max-width:1140px;color:#1f2328;line-height:1.45;padding:0 12px}
h1{font-size:24px;margin:0 0 6px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid
#e5e7ea;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
.muted{color:#65707a;font-weight:normal}
.summary{font-size:16px;background:#f6f8fa;border:1px solid #e5e7ea;border-radius:6px;
padding:10px 14px}
.badge{color:#fff;border-radius:10px;padding:1px 9px;font-size:13px;font-weight:600;
white-space:nowrap}
.picture{overflow-x:auto;border:1px solid #e5e7ea;border-radius:6px}
.legend{font-size:13px;color:#444}.key{margin-right:16px;white-space:nowrap}
.sw{display:inline-block;width:14px;height:10px;border-radius:2px;margin-right:4px}
.ring{display:inline-block;width:10px;height:10px;border:2px solid #ef6c00;border-radius:50%;
margin-right:4px;vertical-align:-2px}
table.grid{border-collapse:collapse;width:100%;font-size:13px}
.grid th,.grid td{border:1px solid #e1e4e8;padding:4px 7px;text-align:left;vertical-align:top}
.grid th{background:#f6f8fa}.records td:nth-child(-n+2){white-space:nowrap}
tr.struck td{text-decoration:line-through;color:#8a8f95}
.flag{display:inline-block;font-size:11px;border-radius:8px;padding:0 6px;margin:1px;
background:#eceff1;color:#37474f}.flag.late{background:#fff3e0;color:#e65100}
.flag.retracted{background:#ffebee;color:#b71c1c;text-decoration:none}
.criterion{border-left:4px solid #e5e7ea;padding-left:12px;margin:12px 0}
ul.tree{padding-left:18px;font-size:13px}ul.tree ul{padding-left:18px}
.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px}
.win,.vals{color:#555;font-size:12px}ul.facts{font-size:12px}
pre.explain{font-size:12px;background:#f6f8fa;padding:10px;overflow-x:auto}
"""
