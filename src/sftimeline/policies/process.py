"""What the policy process records when a family's records change (docs/semantics.md §6).

Pure domain logic, no storage: given the decision the process recorded last time for a
family under a framework and the decision it makes now, which outcome events follow;
given a submitted claim, whether it is sound, at risk or unsupported, and what changed.
The module is split by idea: the family decisions' events here, the claims'
(:mod:`sftimeline.policies.claims`), and what every outcome event carries — its basis, the
identifying fields, the failure event (:mod:`sftimeline.policies.outcome_events`). The
names the adapters and read models use are importable from here as before.
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
from datetime import date
from typing import TYPE_CHECKING, Any

from sftimeline.aggregates.outcomes import (
    BECAME_ELIGIBLE,
    CRITERION_REGRESSED,
    DECISION_RECORDED,
    FORECAST_MOVED,
)
from sftimeline.policies.claims import (
    assess_claim,
    claim_framework_id,
    claim_outcomes,
    claims_of,
)
from sftimeline.policies.outcome_events import (
    RETRACTION,
    Outcome,
    _iso,
    basis,
    candidate_causes,
    entry_not_shown,
    failure_outcome,
    family_code_problem,
    shown,
)
from sftimeline.projections.results import Status

if TYPE_CHECKING:
    # The evaluator (and with it the record models and the policy compiler) is imported
    # where a claim is assessed: the read models import this module for ``shown``, and
    # `sftimeline status` should not pay for the evaluator's start-up.
    from sftimeline.policies.evaluator import Decision
    from sftimeline.policies.loader import Framework
    from sftimeline.records import Record

#: the names the adapters, read models and tests import from the process module (the
#: claims and the outcome events were split from it by idea; the process is one surface)
__all__ = [
    "RETRACTION",
    "Outcome",
    "assess_claim",
    "basis",
    "candidate_causes",
    "claim_framework_id",
    "claim_outcomes",
    "claims_of",
    "criterion_states",
    "decision_outcomes",
    "earliest_pending",
    "entry_not_shown",
    "failure_outcome",
    "family_code_problem",
    "shown",
    "summary",
]

_RANK = {s.value: s.rank for s in Status}


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


def _changed(prev: dict[str, Any], new: dict[str, Any]) -> bool:
    keys = ("status", "eligible_from", "earliest_pending", "criteria")
    return any(prev.get(k) != new.get(k) for k in keys) or (
        prev["basis"]["on"] != new["basis"]["on"]
        or prev["basis"]["fingerprint"] != new["basis"]["fingerprint"]
    )


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
