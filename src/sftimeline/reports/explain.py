"""The text explanation of one family's decision: every need, rule, window and record.

Shared by ``sftimeline explain`` and the HTML audit pack (``reports/html.py`` shows it
verbatim), so an auditor reads the same words in both.
"""

from __future__ import annotations

import io
from typing import Any

from sftimeline.policies.evaluator import Decision
from sftimeline.policies.loader import Framework
from sftimeline.projections.results import ANY_OF, Result, Status
from sftimeline.records import Record


def explain_text(fw: Framework, d: Decision, records: dict[str, Record]) -> str:
    buf = io.StringIO()
    w = buf.write
    w(f"Family {d.family} — {fw.model.title} ({fw.id})\n")
    w(f"On {d.on.isoformat()}, as known at {d.known_at.isoformat()}: {d.status.upper()}\n")
    if d.eligible_from:
        w(f"Eligible from {d.eligible_from.isoformat()} if nothing else is recorded.\n")
    elif d.eligible_from_reason:
        w(f"No eligible-from date: {d.eligible_from_reason}.\n")
    if d.eligible_from and d.eligible_from_reason:
        w(f"Why: {d.eligible_from_reason}.\n")
    if d.override:
        w(f"DISCRETIONARY OVERRIDE of the family's claim: {_override_line(d.override)}\n")
    for flag in d.flags:
        w(f"Flagged for review: {flag}\n")
    w("\nFamily-level rules:\n")
    for rule in d.family_rules:
        w(f"  [{'ok' if rule.holds else 'FAILS'}] {rule.explanation}\n")
    if not d.criteria:
        w("\nNo need of this framework identified on or before this date.\n")
    for c in d.criteria:
        code = c.criterion.split(":", 1)[1]
        comp = fw.criteria.get(code)
        w(
            f"\n{c.criterion}"
            + (f" for {c.person}" if c.person else " (family)")
            + f" — identified {c.identified.isoformat()}\n"
        )
        if comp is not None:
            w(
                f"  Need: {comp.definition.need}\n  Rule: {comp.definition.cite} "
                f"[{comp.definition.tag}]\n"
            )
        r = c.result
        w(f"  Status: {r.status.value}")
        if r.status is Status.PENDING:
            w(
                f" — will be met on {r.expected_on.isoformat()} if nothing else is recorded"
                if r.expected_on
                else " — no date can be forecast (depends on records not yet known)"
            )
        if r.status is Status.MET and r.met_since:
            w(f" (since {r.met_since.isoformat()})")
        w("\n")
        if c.entry is not None:
            w(f"  Entry: {c.entry.verdict.replace('_', ' ')} — {c.entry.explanation}\n")
        if c.stand_alone:
            w("  Stand-alone criterion: once met it makes the claim on its own (FL-HT-6)\n")
        if c.override:
            w(f"  DISCRETIONARY OVERRIDE: {_override_line(c.override)}\n")
        _explain_result(w, r, 2)
        if r.status is Status.EVIDENCE_REQUIRED or (comp and comp.evidence_kinds):
            w(f"  Evidence accepted: {', '.join(c.evidence_kinds) or 'none (data only)'}\n")
        facts = r.all_facts()
        if facts:
            w("  Records used:\n")
            for key in facts:
                rec = records.get(key)
                if rec is None:
                    w(f"    {key}\n")
                    continue
                extra = ", ".join(f"{k}={v}" for k, v in rec.data.items())
                note = f" ({rec.knowledge_note})" if rec.knowledge_note else ""
                w(
                    f"    {rec.occurred_on.isoformat()} {rec.type} {rec.person or ''} {extra} "
                    f"[{key}]{note}\n"
                )
    # The readings come after the decision they shaped: what was decided first, then the
    # framework's fingerprint and every reading (AMB parameter) it was decided under.
    w(f"\nFramework definition fingerprint {d.fingerprint[:16]}; readings used:\n")
    for name, value in fw.parameters.items():
        p = fw.model.parameters[name]
        w(f"  {name} = {value} ({p.amb}: {p.doc})\n")
    return buf.getvalue()


def _override_line(o: dict[str, Any]) -> str:
    """FL-HT-3 / AMB-K05: an override is printed as such, never as a computed result."""
    return (
        f"discretionary override by {o['approver']} ({o['role']}) on {o['on']}: {o['reason']} "
        f"[{o['record']}]; not a computed result"
    )


def _same_line(r: Result, p: Result) -> bool:
    """A wrapper (a reading's switch, a stand-alone flag) that only repeats its one part."""
    return (
        p.status is r.status
        and p.explanation == r.explanation
        and (not r.windows or r.windows == p.windows)
        and (not r.values or r.values == p.values)
    )


def _explain_result(w: Any, r: Result, depth: int) -> None:
    while len(r.parts) == 1 and _same_line(r, r.parts[0]):
        r = r.parts[0]
    pad = "  " * depth
    if r.label == ANY_OF and len(r.parts) > 1:
        # alternatives: one is enough, so the reader must not take them as all required
        w(f"{pad}- {r.status.value}: any of these {len(r.parts)} (one is enough):\n")
        for i, p in enumerate(r.parts, 1):
            w(f"{pad}  alternative {i}:\n")
            _explain_result(w, p, depth + 2)
        return
    if r.explanation:
        w(f"{pad}- {r.status.value}: {r.explanation}\n")
    for win in r.windows:
        w(f"{pad}  window {win.label}: {win.start.isoformat()} to {win.end.isoformat()}\n")
    if r.values:
        w(f"{pad}  values: {', '.join(f'{k}={v}' for k, v in r.values.items())}\n")
    if depth < 6:
        for p in r.parts:
            _explain_result(w, p, depth + 1)
