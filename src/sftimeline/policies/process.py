"""What the policy process records when a family's records change (docs/semantics.md §6).

Pure domain logic, no storage: given the decision the process recorded last time for a
family under a framework and the decision it makes now, which outcome events follow;
given a submitted claim, whether it is sound, at risk or unsupported, and what changed.
``adapters/outcomes.py`` runs this over the families' notification log and stores the
events (with tracking) as events of the ``FamilyOutcomes`` aggregate.

On-dates (documented in README, "Policies as a process"):

- **Eligibility** is decided on the process's on-date: a date fixed with
  ``process run --on D`` / the ``on`` setting, or by default the UK calendar date of the
  run ("today"), as known at the moment of the run.
- **Claims** are decided on the claim's own date (the ``claim_submitted`` record's
  ``occurred_on``) twice: as known at the claim's own ``recorded_at`` (what the council
  knew when it claimed) and as known now. docs/semantics.md §6: a claim is *at risk* when it
  was ``eligible`` as known at its own time and is not as known now.

Every outcome carries its basis — on-date, knowledge time, framework id, fingerprint of
the definition and parameters, and the parameters themselves — so that any outcome can
be reproduced with ``sftimeline evaluate --on … --known-at … --framework-file …``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sftimeline.aggregates.outcomes import (
    BECAME_ELIGIBLE,
    CLAIM_ASSESSED,
    CLAIM_AT_RISK,
    CLAIM_CLEARED,
    CRITERION_REGRESSED,
    DECISION_RECORDED,
    EVALUATION_FAILED,
    FORECAST_MOVED,
)
from sftimeline.projections.results import Status

if TYPE_CHECKING:
    # The evaluator (and with it the record models and the policy compiler) is imported
    # where a claim is assessed: the read models import this module for ``shown``, and
    # `sftimeline status` should not pay for the evaluator's start-up.
    from sftimeline.policies.evaluator import Decision
    from sftimeline.policies.loader import Framework
    from sftimeline.records import Record

#: the type of a retraction (``projections.timeline.RETRACTION``)
RETRACTION = "record_retracted"

#: claim states
SOUND = "sound"
AT_RISK = "at_risk"
UNSUPPORTED = "unsupported"
WITHDRAWN = "withdrawn"
NOT_ASSESSABLE = "not_assessable"

_RANK = {s.value: s.rank for s in Status}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def basis(fw: Framework, on: date, known_at: datetime) -> dict[str, Any]:
    """What a decision was made on: enough to reproduce it byte for byte."""
    return {
        "on": on.isoformat(),
        "known_at": known_at.isoformat(),
        "framework": fw.id,
        "fingerprint": fw.fingerprint,
        "parameters": {k: fw.parameters[k] for k in sorted(fw.parameters)},
    }


@dataclass(frozen=True)
class Outcome:
    """One outcome event to record: its kind and its JSON-ready payload."""

    kind: str
    payload: dict[str, Any]


def criterion_states(d: Decision) -> dict[str, dict[str, Any]]:
    """Each criterion (per person) and DSL family rule of a decision, keyed ``crit|person``.

    Family rules count as criteria of the family so that a rule that stops holding
    (a child leaves, a headline is retracted) is a regression too (docs/semantics.md §6).
    """
    out: dict[str, dict[str, Any]] = {}
    for c in d.criteria:
        r = c.result
        out[f"{c.criterion}|{c.person or ''}"] = {
            "criterion": c.criterion,
            "person": c.person,
            "status": r.status.value,
            "expected_on": _iso(r.expected_on) if r.status is Status.PENDING else None,
            "met_since": _iso(r.met_since) if r.status is Status.MET else None,
            "facts": list(r.all_facts()),
            "entry": c.entry.verdict if c.entry is not None else None,
        }
    for fr in d.family_rules:
        if fr.result is not None:
            st = fr.result.status.value
            exp = _iso(fr.result.expected_on) if fr.result.status is Status.PENDING else None
        else:
            st = Status.MET.value if fr.holds else Status.NOT_MET.value
            exp = None
        out[f"{d.framework}:family/{fr.name}|"] = {
            "criterion": f"{d.framework}:family/{fr.name}",
            "person": None,
            "status": st,
            "expected_on": exp,
            "met_since": _iso(fr.since) if fr.holds else None,
            "facts": list(fr.result.all_facts()) if fr.result is not None else [],
        }
    return out


def earliest_pending(d: Decision) -> date | None:
    """The earliest forecast date among the decision's pending criteria."""
    dates = [
        c.result.expected_on
        for c in d.criteria
        if c.result.status is Status.PENDING and c.result.expected_on is not None
    ]
    return min(dates) if dates else None


def summary(d: Decision, fw: Framework, seen_version: int) -> dict[str, Any]:
    """The ``decision_recorded`` payload: the family's decision in the status table's terms."""
    facts: list[str] = []
    for c in d.criteria:
        for k in c.result.all_facts():
            if k not in facts:
                facts.append(k)
    return {
        "framework": d.framework,
        "basis": basis(fw, d.on, d.known_at),
        "status": d.status,
        "eligible_from": _iso(d.eligible_from),
        "earliest_pending": _iso(earliest_pending(d)),
        "reason": d.eligible_from_reason,
        "criteria": criterion_states(d),
        "records": facts,
        "seen_version": seen_version,
        # AMB-A07: criteria resting on the practitioner's identification alone
        "entry_not_shown": entry_not_shown(d),
    }


def entry_not_shown(d: Decision) -> list[str]:
    """Codes of the criteria whose entry the records do not show (no person: the read
    models keep none), each once, in the decision's order."""
    return list(
        dict.fromkeys(
            c.criterion
            for c in d.criteria
            if c.entry is not None and c.entry.verdict == "not_shown"
        )
    )


def _changed(prev: dict[str, Any], new: dict[str, Any]) -> bool:
    keys = ("status", "eligible_from", "earliest_pending", "criteria")
    return any(prev.get(k) != new.get(k) for k in keys) or (
        prev["basis"]["on"] != new["basis"]["on"]
        or prev["basis"]["fingerprint"] != new["basis"]["fingerprint"]
    )


def _cause(rec: Record) -> dict[str, Any]:
    return {
        "key": rec.key,
        "type": rec.type,
        "person": rec.person,
        "occurred_on": rec.occurred_on.isoformat(),
        "recorded_at": rec.recorded_at.isoformat(),
    }


def candidate_causes(new_records: Sequence[Record], on: date) -> list[dict[str, Any]]:
    """New records that can change a decision on ``on``: dated on or before it, or
    retractions (which act by knowledge time whatever their date, docs/semantics.md §1)."""
    return [_cause(r) for r in new_records if r.occurred_on <= on or r.type == RETRACTION]


def _regressed(prev: dict[str, Any], new: dict[str, Any] | None) -> bool:
    """docs/semantics.md §6: met → anything else; pending → not_met; pending forecast later.

    "A record that makes a criterion worse": pending → insufficient_data or
    evidence_required is worse in the order of §5 too, so it counts; a pending criterion
    whose forecast becomes unknown (``expected_on`` None) has moved later.
    """
    if new is None:  # the need was retracted: no criterion left to be worse
        return False
    if prev["status"] == Status.MET.value:
        return bool(new["status"] != Status.MET.value)
    if prev["status"] == Status.PENDING.value:
        if new["status"] == Status.PENDING.value:
            return _later(prev["expected_on"], new["expected_on"])
        return bool(_RANK[new["status"]] < _RANK[Status.PENDING.value])
    return False


def decision_outcomes(
    family: str,
    prev: dict[str, Any] | None,
    new: dict[str, Any],
    new_records: Sequence[Record],
    *,
    after_failure: bool = False,
) -> list[Outcome]:
    """The outcome events that follow from one re-evaluation of a family under a framework.

    ``prev`` is the last ``decision_recorded`` payload (None the first time), ``new`` the
    summary now, ``new_records`` the family's records stored since ``prev`` was recorded.
    Nothing is emitted when nothing changed: a late record that does not change the
    decision raises nothing. ``after_failure``: the last evaluation failed, so the
    decision is recorded again even if unchanged (it supersedes the failure).
    """
    if prev is not None and not _changed(prev, new) and not after_failure:
        return []
    on = date.fromisoformat(new["basis"]["on"])
    causes = candidate_causes(new_records, on)
    base = {"family": family, "framework": new["framework"], "basis": new["basis"]}
    out = [Outcome(DECISION_RECORDED, {**base, **{k: v for k, v in new.items() if k != "basis"}})]
    if new["status"] == "eligible" and (prev is None or prev["status"] != "eligible"):
        out.append(
            Outcome(
                BECAME_ELIGIBLE,
                {
                    **base,
                    "on": new["basis"]["on"],
                    "eligible_from": new["eligible_from"],
                    "criteria": [
                        {k: c[k] for k in ("criterion", "person", "status", "met_since")}
                        for c in new["criteria"].values()
                    ],
                    "records": new["records"],
                },
            )
        )
    if prev is None:
        return out
    was_eligible = prev["status"] == "eligible"
    for key, n in new["criteria"].items():
        # a need identified late (not in the previous decision) that is not met takes
        # an eligible family's eligibility away: a regression caused by that record
        if key not in prev["criteria"] and was_eligible and n["status"] != Status.MET.value:
            out.append(
                Outcome(
                    CRITERION_REGRESSED,
                    {
                        **base,
                        "criterion": n["criterion"],
                        "person": n["person"],
                        "previous_status": None,
                        "previous_date": None,
                        "status": n["status"],
                        "date": n["expected_on"] or n["met_since"],
                        "caused_by": causes,
                        "previous_basis": prev["basis"],
                    },
                )
            )
    for key, p in prev["criteria"].items():
        n = new["criteria"].get(key)
        if _regressed(p, n):
            out.append(
                Outcome(
                    CRITERION_REGRESSED,
                    {
                        **base,
                        "criterion": p["criterion"],
                        "person": p["person"],
                        "previous_status": p["status"],
                        "previous_date": p["expected_on"] or p["met_since"],
                        "status": n["status"] if n else "withdrawn",
                        "date": (n["expected_on"] or n["met_since"]) if n else None,
                        "caused_by": causes,
                        "previous_basis": prev["basis"],
                    },
                )
            )
        if (
            n is not None
            and p["status"] == Status.PENDING.value
            and n["status"] == Status.PENDING.value
            and p["expected_on"] != n["expected_on"]
        ):
            out.append(
                Outcome(
                    FORECAST_MOVED,
                    {
                        **base,
                        "criterion": p["criterion"],
                        "person": p["person"],
                        "previous_expected_on": p["expected_on"],
                        "expected_on": n["expected_on"],
                        "later": _later(p["expected_on"], n["expected_on"]),
                        "caused_by": causes,
                    },
                )
            )
    return out


def _later(a: str | None, b: str | None) -> bool:
    return a is not None and (b is None or b > a)


# -- claims -------------------------------------------------------------------------


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


def claim_fields(family: str, claim: Record, framework: str) -> dict[str, Any]:
    """What identifies a claim in its outcome events and the claims register."""
    return {
        "family": family,
        "framework": framework,
        "claim": claim.key,
        "claim_date": claim.occurred_on.isoformat(),
        "claimed_at": claim.recorded_at.isoformat(),
        "criteria": [shown(str(c)) for c in claim.get("criteria") or []],
    }


#: longest id or family code shown in an outcome's identifying fields and the read models
MAX_SHOWN = 100


def shown(value: str, limit: int = MAX_SHOWN) -> str:
    """``value`` as it can be stored in a read model's key column and shown safely:
    control characters (NUL included, which PostgreSQL text refuses) escaped, and at
    most ``limit`` characters (the longest column). Identity for every ordinary id."""
    if len(value) <= limit and value.isprintable():
        return value
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in value)
    if len(text) <= limit:
        return text
    tail = f"…({len(value)} chars)"
    return text[: limit - len(tail)] + tail


def family_code_problem(code: str) -> str | None:
    """Why a stored family code cannot be evaluated into the read models, if it cannot.

    Records with such codes may predate the importer's checks; the process records an
    ``evaluation_failed`` outcome for them rather than stopping for every family.
    """
    if "\x00" in code:
        return "the family code contains NUL (\\u0000), which the read models cannot store"
    if not code.isprintable():
        return "the family code contains control characters"
    if len(code) > MAX_SHOWN:
        return f"the family code is {len(code)} characters long (at most {MAX_SHOWN})"
    return None


def claim_framework_id(claim: Record) -> str:
    """The claim's framework id as recorded in outcomes (safe to store and show)."""
    return shown(str(claim.get("framework")))


def failure_outcome(
    family: str,
    prev: dict[str, Any] | None,
    framework: str,
    reason: str,
    basis: dict[str, Any],
    seen_version: int,
    claim: Record | None = None,
) -> list[Outcome]:
    """The ``evaluation_failed`` event for a family under a framework (or one claim).

    Recorded again only when the reason changes, so re-processing a family that still
    fails adds nothing; a later decision or claim event supersedes it.
    """
    payload: dict[str, Any] = {
        "family": family,
        "framework": framework,
        "reason": shown(reason, 500),
        "basis": basis,
        "seen_version": seen_version,
    }
    if claim is not None:
        payload.update(claim_fields(family, claim, framework))
    if prev is not None and prev.get("reason") == payload["reason"]:
        return []
    return [Outcome(EVALUATION_FAILED, payload)]


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
