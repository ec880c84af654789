"""The auditor's replay: a family's history in valid-date order, as it was known at T.

What "the state after a step" means (the reading an auditor can check with a calendar):

- A **step** is a valid date ``d`` (``occurred_on``) on or before the claim date. The
  state after the step is exactly the decision ``evaluate`` gives **on d as known at T**:
  every record of the family known at T (retractions known at T applied, whatever
  their own ``occurred_on``: docs/semantics.md §1) and dated on or before ``d``, with the
  forecasts (``expected_on``, ``eligible_from``) that assume nothing further happens
  after ``d`` (docs/semantics.md §1, §5). So each step is reproducible on its own with
  ``sftimeline explain FAMILY --on d --known-at T``.
- Steps are taken on every date that has records (all of that day's records together:
  a decision is per day, so records of one day cannot be ordered within it), on every
  date a forecast made at an earlier step falls due (a window can complete without any
  record: "no arrest for 6 months" is met on the day the months run out), and on the
  claim date itself, which always ends the replay. A forecast step where nothing changed
  (a later record had already moved the forecast) is dropped.
- What changed is the difference between consecutive states: ``reports/changes.py``.

``diff_known_at`` answers the other question an auditor asks of late data: the records
that became known between T and T2 (late records, retractions), in order of arrival,
each with what it changed in the decision on the claim date; and the decision as known
at T against as known at T2.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sftimeline.policies.evaluator import CriterionDecision, Decision, evaluate_family
from sftimeline.policies.loader import Framework
from sftimeline.projections.results import Status
from sftimeline.projections.timeline import RETRACTION, Retraction, known_records, retracted_keys
from sftimeline.records import Record, source_key
from sftimeline.reports.changes import Change, diff_decisions, entry_verdict, iso_or_none

#: Why a step was taken.
STEP_RECORDS = "records"
STEP_FORECAST = "forecast_due"
STEP_CLAIM = "claim_date"


#: ``Change`` and ``diff_decisions`` live in reports/changes.py; exported here too for the
#: replay's callers.
__all__ = [
    "STEP_CLAIM",
    "STEP_FORECAST",
    "STEP_RECORDS",
    "Arrival",
    "Change",
    "KnownAtDiff",
    "Replay",
    "Step",
    "diff_decisions",
    "diff_known_at",
    "forecast_dates",
    "record_summary",
    "replay",
]


@dataclass(frozen=True, slots=True)
class Step:
    """The state after one valid date: the decision on ``on`` as known at T."""

    on: date
    reason: str
    records: tuple[Record, ...]
    decision: Decision
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "reason": self.reason,
            "records": [record_summary(r) for r in self.records],
            "status": self.decision.status,
            "eligible_from": iso_or_none(self.decision.eligible_from),
            "criteria": [_criterion_state(c) for c in self.decision.criteria],
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass(frozen=True, slots=True)
class Replay:
    family: str
    framework: str
    to: date
    known_at: datetime
    steps: tuple[Step, ...]
    #: retractions known at T: their targets are left out of every step
    retractions: tuple[Retraction, ...]

    @property
    def final(self) -> Decision:
        return self.steps[-1].decision

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "framework": self.framework,
            "to": self.to.isoformat(),
            "known_at": self.known_at.isoformat(),
            "retracted": [
                {"target": r.target, "by": r.by.key, "reason": r.reason} for r in self.retractions
            ],
            "steps": [s.to_dict() for s in self.steps],
            "decision": self.final.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Arrival:
    """Records that became known at one instant between T and T2, and what they changed."""

    recorded_at: datetime
    records: tuple[Record, ...]
    decision: Decision
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "recorded_at": self.recorded_at.isoformat(),
            "records": [record_summary(r) for r in self.records],
            "status": self.decision.status,
            "eligible_from": iso_or_none(self.decision.eligible_from),
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass(frozen=True, slots=True)
class KnownAtDiff:
    """The decision on ``to`` as known at T against as known at T2, and why it moved."""

    to: date
    known_at: datetime
    known_at_2: datetime
    before: Decision
    after: Decision
    arrivals: tuple[Arrival, ...]
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "to": self.to.isoformat(),
            "known_at": self.known_at.isoformat(),
            "known_at_2": self.known_at_2.isoformat(),
            "before": _decision_state(self.before),
            "after": _decision_state(self.after),
            "arrivals": [a.to_dict() for a in self.arrivals],
            "changes": [c.to_dict() for c in self.changes],
        }


def replay(
    framework: Framework,
    family: str,
    records: Sequence[Record],
    to: date,
    known_at: datetime,
) -> Replay:
    """Walk the family's history up to ``to`` as known at ``known_at`` (see the module doc)."""
    visible = [r for r in records if r.recorded_at <= known_at]
    known = [r for r in known_records(records, known_at) if r.occurred_on <= to]
    by_day: dict[date, list[Record]] = {}
    for r in known:
        by_day.setdefault(r.occurred_on, []).append(r)
    queue: list[date] = sorted({*by_day, to})
    heapq.heapify(queue)
    seen: set[date] = set()
    steps: list[Step] = []
    previous: Decision | None = None
    while queue:
        day = heapq.heappop(queue)
        if day in seen:
            continue
        seen.add(day)
        decision = evaluate_family(framework, family, records, day, known_at)
        changes = tuple(diff_decisions(previous, decision))
        todays = tuple(by_day.get(day, ()))
        reason = STEP_RECORDS if todays else STEP_CLAIM if day == to else STEP_FORECAST
        if todays or changes or day == to:
            steps.append(Step(day, reason, todays, decision, changes))
        previous = decision
        for due in forecast_dates(decision):
            if day < due <= to and due not in seen:
                heapq.heappush(queue, due)
    return Replay(
        family,
        framework.id,
        to,
        known_at,
        tuple(steps),
        tuple(retracted_keys(visible).values()),
    )


def forecast_dates(decision: Decision) -> list[date]:
    """The dates a decision says something will happen if nothing else is recorded."""
    out: list[date] = []
    if decision.eligible_from is not None:
        out.append(decision.eligible_from)
    for c in decision.criteria:
        if c.result.status is Status.PENDING and c.result.expected_on is not None:
            out.append(c.result.expected_on)
    for rule in decision.family_rules:
        r = rule.result
        if r is not None and r.status is Status.PENDING and r.expected_on is not None:
            out.append(r.expected_on)
    return out


def diff_known_at(
    framework: Framework,
    family: str,
    records: Sequence[Record],
    to: date,
    known_at: datetime,
    known_at_2: datetime,
) -> KnownAtDiff:
    """What the records that became known in ``(known_at, known_at_2]`` did to the
    decision on ``to``: each arrival in order of ``recorded_at``, evaluated as known at
    that instant, against the instant before it."""
    if known_at_2 < known_at:
        raise ValueError("--diff-known-at must not be earlier than --known-at")
    before = evaluate_family(framework, family, records, to, known_at)
    arriving: dict[datetime, list[Record]] = {}
    for r in sorted(records, key=lambda r: (r.recorded_at, r.key)):
        if known_at < r.recorded_at <= known_at_2:
            arriving.setdefault(r.recorded_at, []).append(r)
    arrivals: list[Arrival] = []
    current = before
    for instant, recs in arriving.items():
        decision = evaluate_family(framework, family, records, to, instant)
        arrivals.append(
            Arrival(instant, tuple(recs), decision, tuple(diff_decisions(current, decision)))
        )
        current = decision
    after = evaluate_family(framework, family, records, to, known_at_2)
    return KnownAtDiff(
        to,
        known_at,
        known_at_2,
        before,
        after,
        tuple(arrivals),
        tuple(diff_decisions(before, after)),
    )


def record_summary(r: Record) -> dict[str, Any]:
    """A record as the replay shows it: its identity, its clocks and its own fields."""
    out: dict[str, Any] = {
        "key": r.key,
        "type": r.type,
        "person": r.person,
        "occurred_on": r.occurred_on.isoformat(),
        "recorded_at": r.recorded_at.isoformat(),
        "source": r.source,
        "source_id": r.source_id,
    }
    if r.recorded_at_basis is not None:
        out["recorded_at_basis"] = r.recorded_at_basis
        out["knowledge_note"] = r.knowledge_note
    if r.type == RETRACTION:
        out["target"] = source_key(r.get("target_source"), r.get("target_source_id"))
    return out


def _criterion_state(c: CriterionDecision) -> dict[str, Any]:
    r = c.result
    return {
        "criterion": c.criterion,
        "person": c.person,
        "status": r.status.value,
        "expected_on": iso_or_none(r.expected_on) if r.status is Status.PENDING else None,
        "met_since": iso_or_none(r.met_since) if r.status is Status.MET else None,
        "entry": entry_verdict(c),
    }


def _decision_state(d: Decision) -> dict[str, Any]:
    return {
        "status": d.status,
        "eligible_from": iso_or_none(d.eligible_from),
        "criteria": [_criterion_state(c) for c in d.criteria],
    }
