"""The FamilyOutcomes aggregate: the outcome events the policy process recorded for a family.

One aggregate per family (uuid5 of the family code in its own namespace), so that the
decisions recorded last — what the next re-evaluation is compared with — and the claims'
states are the aggregate's state, rebuilt from its own events. Events are immutable:
an at-risk claim is never changed, it gets a later ``ClaimCleared``.

Topics are explicit and stable (``sftimeline:FamilyOutcomes.ClaimAtRisk``).
"""

from __future__ import annotations

import functools
import uuid
from typing import Any, cast

from eventsourcing.domain import Aggregate, event

from sftimeline.aggregates.event_classes import FieldsOfItsBase

#: outcome kinds (policies/process.py decides which to record)
DECISION_RECORDED = "decision_recorded"
BECAME_ELIGIBLE = "became_eligible"
CRITERION_REGRESSED = "criterion_regressed"
FORECAST_MOVED = "forecast_moved"
CLAIM_ASSESSED = "claim_assessed"
CLAIM_AT_RISK = "claim_at_risk"
CLAIM_CLEARED = "claim_cleared"
CLAIM_KINDS = (CLAIM_ASSESSED, CLAIM_AT_RISK, CLAIM_CLEARED)
#: something failed while evaluating the family (under a framework, or one of its claims)
EVALUATION_FAILED = "evaluation_failed"

#: Fixed namespace for FamilyOutcomes ids; never change it.
OUTCOMES_NAMESPACE = uuid.UUID("a3d7c1e2-4b5f-5a6c-8e9d-0f1a2b3c4d5e")


@functools.lru_cache(maxsize=65536)
def _outcomes_id(family_code: str) -> uuid.UUID:
    return uuid.uuid5(OUTCOMES_NAMESPACE, family_code)


def failure_key(payload: dict[str, Any]) -> str:
    """What an evaluation_failed payload is about: its claim, else its framework."""
    return str(payload.get("claim") or payload["framework"])


class FamilyOutcomes(Aggregate):
    """Outcome events of one family, and the last decision per framework and claim state."""

    TOPIC = "sftimeline:FamilyOutcomes"

    class Event(Aggregate.Event):
        """The base of the outcome events, declared so that the library defines none of
        them twice (:mod:`.event_classes`)."""

    class Created(Event, Aggregate.Created):
        TOPIC = "sftimeline:FamilyOutcomes.Created"

    class Opened(Event, Aggregate.Created):
        """The process first evaluated this family."""

        TOPIC = "sftimeline:FamilyOutcomes.Opened"
        family_code: str

    @event(Opened)
    def __init__(self, family_code: str) -> None:
        self.family_code = family_code
        #: framework → last decision_recorded payload
        self.decisions: dict[str, dict[str, Any]] = {}
        #: claim key → last claim payload (its state)
        self.claims: dict[str, dict[str, Any]] = {}
        #: framework id or claim key → the evaluation_failed payload not yet superseded
        self.failures: dict[str, dict[str, Any]] = {}

    @staticmethod
    def create_id(family_code: str) -> uuid.UUID:
        return _outcomes_id(family_code)

    class OutcomeRecorded(Event, metaclass=FieldsOfItsBase):
        """Base of the outcome events; ``payload`` is JSON (dates as ISO strings)."""

        TOPIC = "sftimeline:FamilyOutcomes.OutcomeRecorded"
        kind: str
        payload: dict[str, Any]

        def apply(self, aggregate: Aggregate) -> None:
            agg = cast(FamilyOutcomes, aggregate)
            if self.kind == DECISION_RECORDED:
                agg.decisions[self.payload["framework"]] = self.payload
                agg.failures.pop(self.payload["framework"], None)
            elif self.kind in CLAIM_KINDS:
                agg.claims[self.payload["claim"]] = self.payload
                agg.failures.pop(self.payload["claim"], None)
            elif self.kind == EVALUATION_FAILED:
                agg.failures[failure_key(self.payload)] = self.payload

    class DecisionRecorded(OutcomeRecorded):
        TOPIC = "sftimeline:FamilyOutcomes.DecisionRecorded"

    class BecameEligible(OutcomeRecorded):
        TOPIC = "sftimeline:FamilyOutcomes.BecameEligible"

    class CriterionRegressed(OutcomeRecorded):
        TOPIC = "sftimeline:FamilyOutcomes.CriterionRegressed"

    class ForecastMoved(OutcomeRecorded):
        TOPIC = "sftimeline:FamilyOutcomes.ForecastMoved"

    class ClaimAssessed(OutcomeRecorded):
        TOPIC = "sftimeline:FamilyOutcomes.ClaimAssessed"

    class ClaimAtRisk(OutcomeRecorded):
        TOPIC = "sftimeline:FamilyOutcomes.ClaimAtRisk"

    class ClaimCleared(OutcomeRecorded):
        TOPIC = "sftimeline:FamilyOutcomes.ClaimCleared"

    class EvaluationFailed(OutcomeRecorded):
        """Evaluating the family (or one claim) raised: the reason, so that one bad
        family never stops the process for the others; retried when its records change."""

        TOPIC = "sftimeline:FamilyOutcomes.EvaluationFailed"

    def record(self, kind: str, payload: dict[str, Any]) -> None:
        """Record one outcome event of ``kind`` (one of OUTCOME_CLASSES)."""
        self.trigger_event(OUTCOME_CLASSES[kind], kind=kind, payload=payload)


OUTCOME_CLASSES: dict[str, type[FamilyOutcomes.OutcomeRecorded]] = {
    DECISION_RECORDED: FamilyOutcomes.DecisionRecorded,
    BECAME_ELIGIBLE: FamilyOutcomes.BecameEligible,
    CRITERION_REGRESSED: FamilyOutcomes.CriterionRegressed,
    FORECAST_MOVED: FamilyOutcomes.ForecastMoved,
    CLAIM_ASSESSED: FamilyOutcomes.ClaimAssessed,
    CLAIM_AT_RISK: FamilyOutcomes.ClaimAtRisk,
    CLAIM_CLEARED: FamilyOutcomes.ClaimCleared,
    EVALUATION_FAILED: FamilyOutcomes.EvaluationFailed,
}

#: topic → kind, for readers of the notification log
OUTCOME_TOPICS: dict[str, str] = {cls.TOPIC: kind for kind, cls in OUTCOME_CLASSES.items()}
