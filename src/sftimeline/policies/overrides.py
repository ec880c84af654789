"""Discretionary overrides (FL-HT-3, AMB-K05): an ``override_recorded`` for a criterion, or
for ``<framework>:family``, replaces the computed result from its date — never disguised:
the explanation says so and the computed result stays shown."""

from __future__ import annotations

from typing import Any

from sftimeline.projections.results import Result, Status
from sftimeline.projections.timeline import Timeline
from sftimeline.records import Record


def latest_override(tl: Timeline, criterion: str, person: str | None) -> Record | None:
    """The latest ``override_recorded`` for ``criterion`` (and the person, or none named)
    dated on or before D (FL-HT-3, AMB-K05)."""
    found = None
    for r in tl.of_type("override_recorded"):
        if r.get("criterion") == criterion and r.person in (None, person):
            found = r
    return found


def override_dict(r: Record) -> dict[str, Any]:
    return {
        "approver": r.get("approver"),
        "role": r.get("role"),
        "reason": r.get("reason"),
        "record": r.key,
        "on": r.occurred_on.isoformat(),
    }


def override_text(r: Record) -> str:
    return (
        f"discretionary override by {r.get('approver')} ({r.get('role')}) on "
        f"{r.occurred_on.isoformat()}: {r.get('reason')}"
    )


def overridden(computed: Result, r: Record) -> Result:
    """A computed result replaced by a discretionary decision: met from the override's
    date, never disguised — the explanation says so and the computed result stays a part."""
    return Result(
        Status.MET,
        f"{override_text(r)} (computed: {computed.status.value} — {computed.explanation})",
        facts=(r.key,),
        met_since=r.occurred_on,
        parts=(computed,),
        label="override",
    )
