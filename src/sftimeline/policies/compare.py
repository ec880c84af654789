"""Where two frameworks (or two readings of one) decide a family differently, and why.

A council moving families from a Troubled Families framework to the 2022-25 one, or
trying a local reading of an ambiguity, needs to see family by family what changes:
the status, the eligible-from date, and the criteria and family rules behind the
difference. Criteria are matched by code and person when both sides are the same
framework (two readings); across frameworks the codes differ, so each side's
unresolved criteria are listed instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sftimeline.policies.evaluator import CriterionDecision, Decision
from sftimeline.projections.results import Status


@dataclass(frozen=True)
class Comparison:
    """One family's two decisions and the reasons they differ (empty when they agree)."""

    family: str
    a: Decision
    b: Decision
    differences: list[str] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return bool(self.differences)

    def to_dict(self) -> dict[str, Any]:
        def side(d: Decision) -> dict[str, Any]:
            return {
                "framework": d.framework,
                "fingerprint": d.fingerprint,
                "status": d.status,
                "eligible_from": d.eligible_from.isoformat() if d.eligible_from else None,
                "eligible_from_reason": d.eligible_from_reason,
                # a claim resting on the practitioner's identification alone (AMB-A07)
                "entry_not_shown": unshown_entries(d),
            }

        return {
            "family": self.family,
            "on": self.a.on.isoformat(),
            "known_at": self.a.known_at.isoformat(),
            "a": side(self.a),
            "b": side(self.b),
            "differs": self.differs,
            "differences": self.differences,
        }


def unshown_entries(d: Decision) -> list[str]:
    """The criteria (and persons) whose entry the records do not show (policies/entry.py)."""
    return [_label(c) for c in d.criteria if c.entry is not None and c.entry.verdict == "not_shown"]


def _verdict(c: CriterionDecision) -> str | None:
    return c.entry.verdict if c.entry is not None else None


def _label(c: CriterionDecision) -> str:
    return c.criterion + (f" ({c.person})" if c.person else "")


def _when(c: CriterionDecision) -> str:
    r = c.result
    if r.status is Status.PENDING and r.expected_on:
        return f"{r.status.value}, expected {r.expected_on.isoformat()}"
    if r.status is Status.MET and r.met_since:
        return f"{r.status.value} since {r.met_since.isoformat()}"
    return r.status.value


def compare(a: Decision, b: Decision) -> Comparison:
    """Compare two decisions for one family on one date as known at one time."""
    diffs: list[str] = []
    if a.status != b.status:
        diffs.append(f"status: {a.status} under A, {b.status} under B")
    if a.eligible_from != b.eligible_from:
        fa = a.eligible_from.isoformat() if a.eligible_from else "none"
        fb = b.eligible_from.isoformat() if b.eligible_from else "none"
        diffs.append(f"eligible from: {fa} under A, {fb} under B")
    if not diffs:
        return Comparison(a.family, a, b, [])
    if a.framework == b.framework:
        diffs += _same_framework(a, b)
    else:
        diffs += _unresolved("A", a) + _unresolved("B", b)
    rules_a = {r.name: r for r in a.family_rules}
    rules_b = {r.name: r for r in b.family_rules}
    for name in sorted(set(rules_a) | set(rules_b)):
        ra, rb = rules_a.get(name), rules_b.get(name)
        if ra is not None and rb is not None and ra.holds == rb.holds:
            continue
        if ra is not None and not ra.holds:
            diffs.append(f"family rule {name} fails under A: {ra.explanation}")
        if rb is not None and not rb.holds:
            diffs.append(f"family rule {name} fails under B: {rb.explanation}")
    return Comparison(a.family, a, b, diffs)


def _same_framework(a: Decision, b: Decision) -> list[str]:
    """Two readings of one framework: the criteria whose result changed."""
    out = []
    by_b = {(c.criterion, c.person): c for c in b.criteria}
    for ca in a.criteria:
        cb = by_b.get((ca.criterion, ca.person))
        if cb is None:
            continue
        if (ca.result.status, ca.result.expected_on, ca.result.met_since) != (
            cb.result.status,
            cb.result.expected_on,
            cb.result.met_since,
        ):
            out.append(
                f"{_label(ca)}: {_when(ca)} under A ({ca.result.explanation}); "
                f"{_when(cb)} under B ({cb.result.explanation})"
            )
        if _verdict(ca) != _verdict(cb):
            out.append(f"{_label(ca)}: entry {_verdict(ca)} under A, {_verdict(cb)} under B")
    return out


def _unresolved(side: str, d: Decision) -> list[str]:
    """Different frameworks: each side's criteria that hold the family back."""
    if not d.criteria:
        return [f"under {side} ({d.framework}): no need of this framework identified"]
    return [
        f"under {side} ({d.framework}): {_label(c)} is {_when(c)}"
        + (f", entry {c.entry.verdict}" if c.entry and c.entry.verdict != "confirmed" else "")
        + f" — {c.result.explanation}"
        for c in d.criteria
        if c.result.status is not Status.MET
    ]
