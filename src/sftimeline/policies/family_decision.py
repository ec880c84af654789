"""The family's decision from its criteria and family rules, in named steps that read like
the frameworks' family-level rules (docs/semantics.md §5): a discretionary override of the
claim (FL-HT-3), a met stand-alone claim (FL-HT-6), every need and family rule, and a running
stand-alone claim's forecast."""

from __future__ import annotations

from datetime import date

from sftimeline.policies.decision import FAMILY_STATUS, CriterionDecision, Decision
from sftimeline.policies.family_rules import FamilyRule
from sftimeline.policies.loader import Framework
from sftimeline.policies.overrides import latest_override, override_dict, override_text
from sftimeline.projections.results import Status, worst
from sftimeline.projections.timeline import Timeline


def decide(
    fw: Framework, tl: Timeline, decisions: list[CriterionDecision], rules: list[FamilyRule]
) -> Decision:
    """The family's decision, step by step as the frameworks' family-level rules read:
    a discretionary override of the whole claim (FL-HT-3) decides it; a met stand-alone
    claim (FL-HT-6) makes it on its own; otherwise every need and family rule
    (docs/semantics.md §5), with a running stand-alone claim's forecast beside it."""
    overridden = _override_claim(fw, tl, decisions, rules)
    if overridden is not None:
        return overridden
    alone = [c for c in decisions if c.stand_alone and c.result.status is Status.MET]
    if alone and len(alone) < len(decisions):
        return _stand_alone_claim(fw, tl, alone, decisions, rules)
    decision = _decide_route(fw, tl, decisions, rules)
    _forecast_stand_alone_claim(fw, decision, decisions, rules)
    return decision


def _override_claim(
    fw: Framework, tl: Timeline, decisions: list[CriterionDecision], rules: list[FamilyRule]
) -> Decision | None:
    """FL-HT-3 / AMB-K05: a family-level override makes the family eligible from its date,
    the computed criteria shown unchanged."""
    family_override = latest_override(tl, f"{fw.id}:family", None)
    if family_override is None or not decisions:
        return None
    return Decision(
        tl.family,
        fw.id,
        tl.on,
        tl.known_at,
        "eligible",
        family_override.occurred_on,
        decisions,
        rules,
        fw.fingerprint,
        override_text(family_override) + " (the computed criteria are shown unchanged)",
        override_dict(family_override),
    )


def _stand_alone_claim(
    fw: Framework,
    tl: Timeline,
    alone: list[CriterionDecision],
    decisions: list[CriterionDecision],
    rules: list[FamilyRule],
) -> Decision:
    """FL-HT-6: "this outcome can be claimed regardless of progress against other
    indicators" -- decided on the met stand-alone criteria and the structural family rules
    (and the DSL family outcomes only under the reading "apply")."""
    claim = _decide_route(fw, tl, alone, _stand_alone_rules(fw, rules))
    claim.criteria = decisions
    claim.family_rules = rules
    names = ", ".join(c.criterion for c in alone)
    claim.eligible_from_reason = (
        f"stand-alone claim {names} met: the other criteria are not required (FL-HT-6)"
        + (f"; {claim.eligible_from_reason}" if claim.eligible_from_reason else "")
    )
    return claim


def _forecast_stand_alone_claim(
    fw: Framework,
    decision: Decision,
    decisions: list[CriterionDecision],
    rules: list[FamilyRule],
) -> None:
    """A stand-alone claim still running: if nothing else is recorded it makes the claim on
    its own date, which may come before (or instead of) the other criteria's. The family is
    decided once; this only moves its forecast, from the running claim's own forecast."""
    waiting = [c for c in decisions if c.stand_alone and c.result.status is Status.PENDING]
    if not waiting or len(waiting) == len(decisions) or decision.status == "eligible":
        return
    sa_rules = _stand_alone_rules(fw, rules)
    status, _ = _status_of(waiting, sa_rules)
    when, _ = _forecast(waiting, sa_rules) if status == "pending" else (None, None)
    if when is None:
        return
    earlier = decision.status == "pending" and (
        decision.eligible_from is not None and decision.eligible_from <= when
    )
    if not earlier:
        names = ", ".join(c.criterion for c in waiting)
        decision.status = "pending"
        decision.eligible_from = when
        decision.eligible_from_reason = (
            f"stand-alone claim {names} expected on {when.isoformat()}: it makes the claim "
            "on its own if nothing else is recorded (FL-HT-6)"
        )


def _stand_alone_rules(fw: Framework, rules: list[FamilyRule]) -> list[FamilyRule]:
    """The family rules a stand-alone claim must meet: the structural ones, and the DSL
    family outcomes only where the framework's reading says they apply (FL-HT-6 / AMB-K06)."""
    if fw.rule("stand_alone_outcomes") == "apply":
        return list(rules)
    return [r for r in rules if r.result is None]


def _status_of(
    decisions: list[CriterionDecision], rules: list[FamilyRule]
) -> tuple[str, str | None]:
    """The family's status: the worst of its needs and DSL family rules; a structural rule
    that fails makes it not_eligible, missing family evidence evidence_required."""
    dsl_rules = [r.result for r in rules if r.result is not None]
    st = worst([*(c.result.status for c in decisions), *(r.status for r in dsl_rules)])
    status = FAMILY_STATUS[st]
    failing = [r for r in rules if not r.holds and r.result is None]
    evidence_rules = [r for r in failing if r.name.startswith("family_evidence:")]
    hard = [r for r in failing if not r.name.startswith("family_evidence:")]
    if hard:
        return "not_eligible", "; ".join(r.explanation for r in hard)
    if evidence_rules and status in ("eligible", "pending"):
        return "evidence_required", "; ".join(r.explanation for r in evidence_rules)
    return status, None


def _forecast(
    decisions: list[CriterionDecision], rules: list[FamilyRule]
) -> tuple[date | None, str | None]:
    """``eligible_from``: the first day of the run of eligible days that reaches D if nothing
    else is recorded — the latest of the earliest identification, every need's met-since or
    expected date (unless it was met from its own identification) and every family rule's;
    None (with the reason) when one of them cannot be forecast."""
    # The family needs at least one need identified (the earliest), and each need that was
    # not met on the day it was identified holds it back until it is met or expected. A need
    # met from the day it arose never stood in the way: before that day it was not yet one of
    # the family's needs (§5, "every need identified on or before D").
    dates: list[date] = [min(c.identified for c in decisions)]
    for c in decisions:
        r = c.result
        d = r.met_since if r.status is Status.MET else r.expected_on
        if d is None:
            return None, f"{c.criterion} ({c.person or 'family'}): no date can be forecast"
        if r.status is not Status.MET or d > c.identified:
            dates.append(d)
    for fr in rules:
        if fr.result is not None and fr.result.status is Status.PENDING:
            if fr.result.expected_on is None:
                return None, f"family rule {fr.name}: no date can be forecast"
            dates.append(fr.result.expected_on)
    dates += [r.since for r in rules if r.since is not None]
    return max(dates), None


def _why_not(decisions: list[CriterionDecision], rules: list[FamilyRule]) -> str | None:
    """The needs and DSL family rules that are neither met nor pending."""
    bad = [c for c in decisions if c.result.status not in (Status.MET, Status.PENDING)]
    bad_rules = [
        r
        for r in rules
        if r.result is not None and r.result.status not in (Status.MET, Status.PENDING)
    ]
    return (
        "; ".join(
            [
                *(
                    f"{c.criterion} ({c.person or 'family'}) is {c.result.status.value}"
                    for c in bad
                ),
                *(
                    f"family rule {r.name} is {r.result.status.value}"
                    for r in bad_rules
                    if r.result
                ),
            ]
        )
        or None
    )


def _decide_route(
    fw: Framework, tl: Timeline, decisions: list[CriterionDecision], rules: list[FamilyRule]
) -> Decision:
    """The family's decision on these criteria and family rules (docs/semantics.md §5)."""
    eligible_from: date | None = None
    reason: str | None
    if not decisions:
        status, reason = "not_eligible", "no need of this framework identified on or before D"
    else:
        status, reason = _status_of(decisions, rules)
        if status in ("eligible", "pending"):
            eligible_from, reason = _forecast(decisions, rules)
        elif reason is None:
            reason = _why_not(decisions, rules)
    return Decision(
        tl.family,
        fw.id,
        tl.on,
        tl.known_at,
        status,
        eligible_from,
        decisions,
        rules,
        fw.fingerprint,
        reason,
    )
