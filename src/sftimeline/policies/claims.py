"""Claims in the policy process: a submitted claim decided on its own date as known at its
own time and as known now (docs/semantics.md §6), and the outcome events that follow.

A claim is *sound* when it was ``eligible`` as known at its own time and still is as known
now, *at risk* when late data undermines it (the late records that do are named),
*unsupported* when it was never eligible, *withdrawn* when retracted, *not_assessable* when
its framework cannot be resolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sftimeline.aggregates.outcomes import CLAIM_ASSESSED, CLAIM_AT_RISK, CLAIM_CLEARED
from sftimeline.policies.outcome_events import (
    AT_RISK,
    NOT_ASSESSABLE,
    RETRACTION,
    SOUND,
    UNSUPPORTED,
    WITHDRAWN,
    Outcome,
    _cause,
    _iso,
    basis,
    candidate_causes,
    claim_fields,
    entry_not_shown,
    shown,
)

if TYPE_CHECKING:
    # the evaluator is imported where a claim is assessed (see process.py)
    from sftimeline.policies.evaluator import Decision
    from sftimeline.policies.loader import Framework
    from sftimeline.records import Record


@dataclass
class ClaimAssessment:
    """A submitted claim decided on its own date as known at its time and as known now."""

    claim: Record
    framework: str
    state: str
    at_submission: Decision | None = None
    now: Decision | None = None
    causes: list[dict[str, Any]] = field(default_factory=list)
    #: the framework definition both decisions used (None when nothing was evaluated)
    definition: Framework | None = None
    #: why the claim could not be assessed (``not_assessable`` only)
    reason: str | None = None

    @property
    def criteria(self) -> list[str]:
        return list(self.claim.get("criteria") or [])

    def payload(self, family: str, known_at: datetime, seen_version: int) -> dict[str, Any]:
        def brief(d: Decision | None) -> dict[str, Any] | None:
            if d is None:
                return None
            return {
                "status": d.status,
                "eligible_from": _iso(d.eligible_from),
                "known_at": d.known_at.isoformat(),
                "criteria": {
                    f"{c.criterion}|{c.person or ''}": c.result.status.value for c in d.criteria
                },
                "reason": d.eligible_from_reason,
                "entry_not_shown": entry_not_shown(d),
            }

        if self.definition is not None:
            claim_basis = basis(self.definition, self.claim.occurred_on, known_at)
        else:  # withdrawn, or no definition of its framework: nothing was evaluated
            claim_basis = {
                "on": self.claim.occurred_on.isoformat(),
                "known_at": known_at.isoformat(),
                "framework": self.framework,
            }
        out = {
            **claim_fields(family, self.claim, self.framework),
            "state": self.state,
            "at_submission": brief(self.at_submission),
            "now": brief(self.now),
            "caused_by": self.causes,
            "basis": claim_basis,
            "seen_version": seen_version,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        return out


def claim_framework_id(claim: Record) -> str:
    """The claim's framework id as recorded in outcomes (safe to store and show)."""
    return shown(str(claim.get("framework")))


def claims_of(records: Sequence[Record]) -> list[Record]:
    """Every claim_submitted record, in timeline order (retracted ones included)."""
    return sorted((r for r in records if r.type == "claim_submitted"), key=lambda r: r.sort_key())


def late_records(claim: Record, records: Sequence[Record], known_at: datetime) -> list[Record]:
    """Records known now but not at the claim's time that can change the decision on the
    claim date: dated on or before it, or retractions (docs/semantics.md §1, §6)."""
    return [
        r
        for r in records
        if claim.recorded_at < r.recorded_at <= known_at
        and (r.occurred_on <= claim.occurred_on or r.type == RETRACTION)
        and r.key != claim.key
    ]


def assess_claim(
    claim: Record,
    records: Sequence[Record],
    framework: Framework | None,
    known_at: datetime,
    unresolved: str = "",
) -> ClaimAssessment:
    """Decide a claim on its own date as known at its own time and as known now.

    ``framework`` None: the claim's framework is neither packaged nor enabled
    (``unresolved`` says why); the claim is ``not_assessable`` with that reason.
    """
    from sftimeline.policies.evaluator import evaluate_family
    from sftimeline.projections.timeline import retracted_keys

    fw_id = claim_framework_id(claim)
    known = [r for r in records if r.recorded_at <= known_at]
    if claim.key in retracted_keys(known):
        return ClaimAssessment(claim, fw_id, WITHDRAWN)
    if framework is None:
        return ClaimAssessment(claim, fw_id, NOT_ASSESSABLE, reason=unresolved or None)
    family = claim.family
    then = evaluate_family(framework, family, records, claim.occurred_on, claim.recorded_at)
    now = evaluate_family(framework, family, records, claim.occurred_on, known_at)
    if then.status != "eligible":
        state = UNSUPPORTED
    elif now.status == "eligible":
        state = SOUND
    else:
        state = AT_RISK
    causes: list[dict[str, Any]] = []
    if state == AT_RISK:
        causes = _at_risk_causes(claim, records, framework, known_at)
    return ClaimAssessment(claim, fw_id, state, then, now, causes, framework)


def _at_risk_causes(
    claim: Record, records: Sequence[Record], fw: Framework, known_at: datetime
) -> list[dict[str, Any]]:
    """The late records that put the claim at risk.

    Every late record (recorded after the claim, dated on or before its date, or a
    retraction) is a candidate. When there are several, those whose absence alone would
    leave the claim eligible are named; if none is decisive alone (it takes two late
    records together), every candidate is named.
    """
    from sftimeline.policies.evaluator import evaluate_family

    late = late_records(claim, records, known_at)
    if len(late) <= 1:
        return [_cause(r) for r in late]
    decisive = []
    for cand in late:
        without = [r for r in records if r.key != cand.key]
        d = evaluate_family(fw, claim.family, without, claim.occurred_on, known_at)
        if d.status == "eligible":
            decisive.append(cand)
    return [_cause(r) for r in (decisive or late)]


def claim_outcomes(
    family: str,
    prev: dict[str, Any] | None,
    assessment: ClaimAssessment,
    known_at: datetime,
    seen_version: int,
    new_records: Sequence[Record],
    *,
    after_failure: bool = False,
) -> list[Outcome]:
    """Outcome events for a claim: only on a change of its state (or after a failure).

    A claim that late data undermines gets its own ``claim_at_risk`` event and is
    cleared only by a later event (``claim_cleared``, e.g. when the late record is
    retracted); re-processing the same records never re-emits either.
    """
    prev_state = prev["state"] if prev else None
    payload = assessment.payload(family, known_at, seen_version)
    if (
        prev_state == assessment.state
        and (prev is None or prev.get("at_submission") == payload["at_submission"])
        and not after_failure
    ):
        return []
    if prev_state == AT_RISK and assessment.state == SOUND:
        restored = [c for c in candidate_causes(new_records, assessment.claim.occurred_on)]
        return [Outcome(CLAIM_CLEARED, {**payload, "caused_by": restored})]
    if assessment.state == AT_RISK and prev_state != AT_RISK:
        return [Outcome(CLAIM_AT_RISK, payload)]
    return [Outcome(CLAIM_ASSESSED, payload)]
