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
- What changed is the difference between consecutive states (:func:`diff_decisions`),
  per criterion and person: a need identified, a window opened (the criterion becomes
  ``pending`` with its forecast), completed (``pending`` → ``met``), broken (``met`` → not
  met, or ``pending`` → ``not_met``), reset (a ``pending`` forecast moved later: the
  regression of docs/semantics.md §6), a forecast moved earlier, the entry verdict changed
  (``entry_changed``: a late police record confirming an entry not shown, docs/semantics.md
  "Entry conditions"); the family's status, its ``eligible_from`` and its family-level
  rules. A criterion's state names its entry when it is not confirmed.

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

#: Why a step was taken.
STEP_RECORDS = "records"
STEP_FORECAST = "forecast_due"
STEP_CLAIM = "claim_date"


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two decisions, named for what an auditor looks for."""

    kind: str
    text: str
    criterion: str | None = None
    person: str | None = None
    before: str | None = None
    after: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "criterion": self.criterion,
            "person": self.person,
            "before": self.before,
            "after": self.after,
            "text": self.text,
        }


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
            "eligible_from": _iso(self.decision.eligible_from),
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
            "eligible_from": _iso(self.decision.eligible_from),
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


def _key(c: CriterionDecision) -> tuple[str, str | None]:
    return (c.criterion, c.person)


def _who(criterion: str, person: str | None) -> str:
    return f"{criterion} ({person or 'family'})"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _forecast(c: CriterionDecision) -> date | None:
    return c.result.expected_on if c.result.status is Status.PENDING else None


def _entry(c: CriterionDecision) -> str | None:
    return c.entry.verdict if c.entry is not None else None


def _state(c: CriterionDecision) -> str:
    r = c.result
    if r.status is Status.PENDING:
        text = f"pending, expected {_iso(r.expected_on) or 'no date'}"
    elif r.status is Status.MET and r.met_since:
        text = f"met since {r.met_since.isoformat()}"
    else:
        text = r.status.value
    verdict = _entry(c)
    return text + (
        f" (entry {verdict.replace('_', ' ')})" if verdict not in (None, "confirmed") else ""
    )


def diff_decisions(before: Decision | None, after: Decision) -> list[Change]:
    """The changes from ``before`` (None: nothing yet) to ``after``, criteria in the
    decision's own order, then the family's rules, status and ``eligible_from``."""
    out: list[Change] = []
    old = {_key(c): c for c in before.criteria} if before else {}
    new = {_key(c): c for c in after.criteria}
    for key, c in new.items():
        crit, person = key
        who = _who(crit, person)
        prev = old.get(key)
        if prev is None:
            out.append(
                Change(
                    "need_identified",
                    f"need identified: {who} on {c.identified.isoformat()}, now {_state(c)}",
                    crit,
                    person,
                    None,
                    c.result.status.value,
                )
            )
            if c.result.status is Status.PENDING:
                out.append(_opened(c, who))
            continue
        out.extend(_criterion_change(prev, c, who))
    for key, c in old.items():
        if key not in new:
            out.append(
                Change(
                    "need_withdrawn",
                    f"{_who(*key)} no longer has an identified need (its record was retracted)",
                    key[0],
                    key[1],
                    c.result.status.value,
                    None,
                )
            )
    old_rules = {r.name: r for r in before.family_rules} if before else {}
    for rule in after.family_rules:
        was = old_rules.get(rule.name)
        changed = was.holds != rule.holds if was is not None else not rule.holds
        if before is None or not changed:
            continue
        out.append(
            Change(
                "family_rule",
                f"family rule {rule.name} {'now holds' if rule.holds else 'fails'}: "
                f"{rule.explanation}",
                None,
                None,
                None if was is None else ("holds" if was.holds else "fails"),
                "holds" if rule.holds else "fails",
            )
        )
    if before is None or before.status != after.status:
        out.append(
            Change(
                "family_status",
                f"family {before.status if before else 'not yet decided'} → {after.status}",
                before=before.status if before else None,
                after=after.status,
            )
        )
    old_from = before.eligible_from if before else None
    if old_from != after.eligible_from and (before is not None or after.eligible_from):
        out.append(
            Change(
                "eligible_from_moved",
                f"eligible from {_iso(old_from) or 'no date'} → "
                f"{_iso(after.eligible_from) or 'no date'}",
                before=_iso(old_from),
                after=_iso(after.eligible_from),
            )
        )
    return out


def _opened(c: CriterionDecision, who: str) -> Change:
    expected = c.result.expected_on
    return Change(
        "window_opened",
        f"window opened: {who} pending, "
        + (f"expected {expected.isoformat()}" if expected else "no date can be forecast yet"),
        c.criterion,
        c.person,
        None,
        _iso(expected),
    )


def _criterion_change(prev: CriterionDecision, c: CriterionDecision, who: str) -> list[Change]:
    """The status change of one criterion, after the change of its entry verdict if any."""
    out: list[Change] = []
    if _entry(prev) != _entry(c) and c.entry is not None:
        out.append(
            Change(
                "entry_changed",
                f"entry of {who}: {_entry(prev) or 'none'} → {c.entry.verdict} "
                f"({c.entry.explanation})",
                c.criterion,
                c.person,
                _entry(prev),
                c.entry.verdict,
            )
        )
    return out + _status_change(prev, c, who)


def _status_change(prev: CriterionDecision, c: CriterionDecision, who: str) -> list[Change]:
    a, b = prev.result.status, c.result.status
    crit, person = c.criterion, c.person
    if a is not b:
        if b is Status.MET:
            kind = "window_completed" if a is Status.PENDING else "criterion_met"
            verb = "window completed" if a is Status.PENDING else "now met"
        elif a is Status.MET or (a is Status.PENDING and b is Status.NOT_MET):
            kind, verb = "window_broken", "window broken"
        elif b is Status.PENDING:
            return [_opened(c, who)]
        else:
            kind, verb = "status_changed", "status changed"
        return [Change(kind, f"{verb}: {who} {_state(prev)} → {_state(c)}", crit, person, a, b)]
    if b is Status.PENDING and _forecast(prev) != _forecast(c):
        old, new = _forecast(prev), _forecast(c)
        later = new is None or (old is not None and new > old)
        return [
            Change(
                "window_reset" if later else "forecast_earlier",
                f"{'window reset' if later else 'forecast moved earlier'}: {who} expected "
                f"{_iso(old) or 'no date'} → {_iso(new) or 'no date'}",
                crit,
                person,
                _iso(old),
                _iso(new),
            )
        ]
    if b is Status.MET and prev.result.met_since != c.result.met_since:
        return [
            Change(
                "met_since_moved",
                f"{who} met since {_iso(prev.result.met_since) or '?'} → "
                f"{_iso(c.result.met_since) or '?'}",
                crit,
                person,
                _iso(prev.result.met_since),
                _iso(c.result.met_since),
            )
        ]
    return []


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
        "expected_on": _iso(r.expected_on) if r.status is Status.PENDING else None,
        "met_since": _iso(r.met_since) if r.status is Status.MET else None,
        "entry": _entry(c),
    }


def _decision_state(d: Decision) -> dict[str, Any]:
    return {
        "status": d.status,
        "eligible_from": _iso(d.eligible_from),
        "criteria": [_criterion_state(c) for c in d.criteria],
    }
