"""The audit pack: one self-contained HTML file showing a family's decision on D as known at T.

One file, no network: inline CSS and inline SVG only, no scripts, no external URL (a
reviewer can open it offline, attach it to a claim file and print it). Built with the
standard library (``html.escape`` and f-strings): the page is small and fixed in shape,
so a template engine would add a dependency without removing any code.

This module writes the page: the summary, the decision, each criterion's explanation and
the records table. The picture is ``reports/timeline_svg.py``; what the two share (the
input, the late-record rule, the colours) is ``reports/pack_common.py``. The names the
service layer builds a pack with are exported from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sftimeline.policies.evaluator import CriterionDecision, Decision
from sftimeline.projections.results import Result, Status
from sftimeline.projections.timeline import RETRACTION, retracted_keys
from sftimeline.records import Record, source_key
from sftimeline.reports.pack_common import (
    FAMILY_STATUS_COLOUR,
    LATE_AFTER_DAYS,
    STATUS_COLOUR,
    ReportInput,
    escape,
    is_late,
    iso,
    known_records,
)
from sftimeline.reports.timeline_svg import timeline_figure

__all__ = ["LATE_AFTER_DAYS", "ReportInput", "render_report", "timeline_figure"]


def render_report(inp: ReportInput) -> str:
    """The whole page as one string."""
    d = inp.decision
    known = known_records(inp)
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
        f"data-eligible-from='{iso(d.eligible_from)}'>On <b>{d.on.isoformat()}</b>, as known at "
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
        return f"met since {iso(r.met_since) or '?'}"
    if r.status is Status.PENDING:
        return f"expected {r.expected_on.isoformat()}" if r.expected_on else "no date forecast"
    return ""


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
