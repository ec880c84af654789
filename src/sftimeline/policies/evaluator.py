"""Evaluate one family against a framework on D as known at T (docs/semantics.md §5).

Every need identified on or before D whose criterion belongs to this framework counts,
including needs identified during the intervention (FL-H22-2). Each is evaluated for
its person (or, for ``every_child`` criteria, for every school-age child). The family
is ``eligible`` when every need is met and the family-level rules hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sftimeline.calendar import age_on
from sftimeline.policies import entry as entry_rules
from sftimeline.policies.context import Context
from sftimeline.policies.loader import Framework
from sftimeline.projections.results import Result, Status, worst
from sftimeline.projections.timeline import Timeline
from sftimeline.records import Record

DEFAULT_MEASURE = ("offence", "arrest", "named_suspect", "asb")

FAMILY_STATUS = {
    Status.MET: "eligible",
    Status.PENDING: "pending",
    Status.NOT_MET: "not_eligible",
    Status.INSUFFICIENT_DATA: "insufficient_data",
    Status.EVIDENCE_REQUIRED: "evidence_required",
}


@dataclass
class CriterionDecision:
    criterion: str
    person: str | None
    result: Result
    identified: date
    evidence_kinds: list[str] = field(default_factory=list)
    cite: str = ""
    #: FL-HT-6: a met stand-alone criterion makes the claim on its own (model.Criterion)
    stand_alone: bool = False
    #: FL-HT-3 / AMB-K05: the discretionary override that replaced the computed result
    override: dict[str, Any] | None = None
    #: the entry condition's verdict (policies/entry.py); None: the criterion states none
    entry: entry_rules.Entry | None = None

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        out: dict[str, Any] = {
            "criterion": self.criterion,
            "person": self.person,
            "status": r.status.value,
            "expected_on": r.expected_on.isoformat()
            if r.status is Status.PENDING and r.expected_on
            else None,
            "explanation": r.explanation,
            "facts": list(r.all_facts()),
            "identified_on": self.identified.isoformat(),
            "met_since": r.met_since.isoformat()
            if r.met_since and r.status is Status.MET
            else None,
            "evidence_kinds": self.evidence_kinds,
            "entry": self.entry.verdict if self.entry else None,
            "entry_explanation": self.entry.explanation if self.entry else None,
        }
        if self.stand_alone:
            out["stand_alone"] = True
        if self.override is not None:
            out["override"] = self.override
        return out


@dataclass
class FamilyRule:
    name: str
    holds: bool
    explanation: str
    since: date | None = None
    #: set for DSL family rules (``family_rules.outcomes``): their full result
    result: Result | None = None
    cite: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.name,
            "holds": self.holds,
            "explanation": self.explanation,
        }
        if self.result is not None:
            r = self.result
            out["status"] = r.status.value
            out["expected_on"] = (
                r.expected_on.isoformat() if r.status is Status.PENDING and r.expected_on else None
            )
            out["facts"] = list(r.all_facts())
            out["cite"] = self.cite
        return out


@dataclass
class Decision:
    family: str
    framework: str
    on: date
    known_at: datetime
    status: str
    eligible_from: date | None
    criteria: list[CriterionDecision]
    family_rules: list[FamilyRule]
    fingerprint: str
    eligible_from_reason: str | None = None
    #: FL-HT-3 / AMB-K05: a family-level discretionary override (criterion ``<id>:family``)
    override: dict[str, Any] | None = None
    #: what the decision asks a reviewer to look at: under ``entry_not_shown: flag_only``
    #: (AMB-A07) every criterion whose entry the records do not show (policies/entry.py)
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "family": self.family,
            "framework": self.framework,
            "on": self.on.isoformat(),
            "known_at": self.known_at.isoformat(),
            "status": self.status,
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "criteria": [c.to_dict() for c in self.criteria],
            "eligible_from_reason": self.eligible_from_reason,
            "family_rules": [r.to_dict() for r in self.family_rules],
            "fingerprint": self.fingerprint,
        }
        if self.override is not None:
            out["override"] = self.override
        out["flags"] = list(self.flags)
        return out


def _case_closed(tl: Timeline) -> date | None:
    closed: date | None = None
    for r in tl.of_type("case_closed", "case_reopened"):
        closed = r.occurred_on if r.type == "case_closed" else None
    return closed


def evaluate_family(
    framework: Framework, family: str, records: Sequence[Record], on: date, known_at: datetime
) -> Decision:
    tl = Timeline.build(family, records, on, known_at)
    return evaluate_timeline(framework, tl)


def evaluate_timeline(framework: Framework, tl: Timeline) -> Decision:
    fw = framework
    prefix = fw.id + ":"
    nominated = tl.of_type("family_nominated")
    nomination = nominated[0].occurred_on if nominated else None
    closed = _case_closed(tl)
    needs: dict[tuple[str, str | None], Record] = {}
    for r in tl.of_type("need_identified"):
        crit = str(r.get("criterion"))
        if crit.startswith(prefix):
            needs.setdefault((crit, r.person), r)  # the earliest identification counts
    default_measure = tuple(fw.parameters.get("default_measure", DEFAULT_MEASURE))
    decisions: list[CriterionDecision] = []
    headlines: dict[int, date] = {}
    for (crit, person), need in needs.items():
        code = crit[len(prefix) :]
        compiled = fw.criteria.get(code)
        if compiled is None:
            decisions.append(
                CriterionDecision(
                    crit,
                    person,
                    Result(
                        Status.INSUFFICIENT_DATA,
                        f"{crit} is not a criterion of {fw.id}",
                        facts=(need.key,),
                    ),
                    need.occurred_on,
                )
            )
            continue
        d = compiled.definition
        headlines.setdefault(d.headline, need.occurred_on)
        measure = tuple(need.get("measure") or default_measure)
        ctx = Context(
            fw.id,
            crit,
            tl,
            tl.on,
            need.occurred_on,
            person,
            measure,
            fw.parameters,
            nomination,
            closed,
            need,
            term_calendar=fw.term_calendar,
            severe_offences=fw.severe_offences,
        )
        entry, result = _evaluate_need(fw, compiled, ctx)
        override = _override(tl, crit, person)
        if override is not None and result.status is not Status.MET:
            result = _overridden(result, override)
        else:
            override = None
        result = Result(
            result.status,
            result.explanation,
            result.windows,
            result.values,
            (need.key, *result.all_facts()),
            result.expected_on,
            result.met_since,
            result.parts,
            result.label,
        )
        decisions.append(
            CriterionDecision(
                crit,
                person,
                result,
                need.occurred_on,
                compiled.evidence_kinds,
                d.cite,
                d.stand_alone,
                _override_dict(override) if override else None,
                entry,
            )
        )
    decisions.sort(key=lambda c: (_code_key(c.criterion), c.person or ""))
    rules = _family_rules(fw, tl, headlines)
    if decisions and fw.family_outcomes:
        anchor = nomination or min(c.identified for c in decisions)
        rules += _family_outcomes(fw, tl, anchor, default_measure, nomination, closed)
    decision = _decide(fw, tl, decisions, rules)
    decision.flags = entry_rules.flags(_entries(decisions), fw.parameters)
    return decision


def _entries(
    decisions: list[CriterionDecision],
) -> list[tuple[str, str | None, entry_rules.Entry | None]]:
    return [(c.criterion, c.person, c.entry) for c in decisions]


def _family_outcomes(
    fw: Framework,
    tl: Timeline,
    anchor: date,
    measure: tuple[str, ...],
    nomination: date | None,
    closed: date | None,
) -> list[FamilyRule]:
    """Evaluate the framework's DSL family rules (model.FamilyOutcome) for the family."""
    out = []
    for o in fw.model.family_rules.outcomes:
        ctx = Context(
            fw.id,
            f"{fw.id}:family",
            tl,
            tl.on,
            anchor,
            None,
            measure,
            fw.parameters,
            nomination,
            closed,
            None,
            term_calendar=fw.term_calendar,
            severe_offences=fw.severe_offences,
        )
        r = fw.family_outcomes[o.id].rule(ctx)
        out.append(
            FamilyRule(
                o.id,
                r.status is Status.MET,
                f"{o.rule}: {r.explanation}",
                r.met_since if r.status is Status.MET else None,
                r,
                o.cite,
            )
        )
    return out


def _override(tl: Timeline, criterion: str, person: str | None) -> Record | None:
    """The latest ``override_recorded`` for ``criterion`` (and the person, or none named)
    dated on or before D (FL-HT-3, AMB-K05)."""
    found = None
    for r in tl.of_type("override_recorded"):
        if r.get("criterion") == criterion and r.person in (None, person):
            found = r
    return found


def _override_dict(r: Record) -> dict[str, Any]:
    return {
        "approver": r.get("approver"),
        "role": r.get("role"),
        "reason": r.get("reason"),
        "record": r.key,
        "on": r.occurred_on.isoformat(),
    }


def _override_text(r: Record) -> str:
    return (
        f"discretionary override by {r.get('approver')} ({r.get('role')}) on "
        f"{r.occurred_on.isoformat()}: {r.get('reason')}"
    )


def _overridden(computed: Result, r: Record) -> Result:
    """A computed result replaced by a discretionary decision: met from the override's
    date, never disguised — the explanation says so and the computed result stays a part."""
    return Result(
        Status.MET,
        f"{_override_text(r)} (computed: {computed.status.value} — {computed.explanation})",
        facts=(r.key,),
        met_since=r.occurred_on,
        parts=(computed,),
        label="override",
    )


def _code_key(criterion: str) -> tuple[Any, ...]:
    code = criterion.split(":", 1)[1]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def _evaluate_need(
    fw: Framework, compiled: Any, ctx: Context
) -> tuple[entry_rules.Entry | None, Result]:
    """The need's entry verdict and its result: the outcome's status unless the entry is
    contradicted (or not shown where the framework blocks it), policies/entry.py."""
    if compiled.definition.subject == "person" and ctx.person is None:
        return None, Result(
            Status.INSUFFICIENT_DATA, f"{ctx.criterion} is for a person, but the need names none"
        )
    entry = entry_rules.judge(compiled, ctx)
    mode = entry_rules.mode_of(fw.parameters)
    if entry is not None and (
        entry.verdict == "contradicted" or (entry.verdict == "not_shown" and mode == "block")
    ):
        return entry, entry_rules.apply(entry, Result(Status.INSUFFICIENT_DATA), mode)
    outcome: Result = compiled.outcome.rule(ctx)
    return entry, entry_rules.apply(entry, outcome, mode)


def _family_rules(fw: Framework, tl: Timeline, headlines: dict[int, date]) -> list[FamilyRule]:
    rules = []
    k = int(fw.rule("min_headlines") or 0)
    if k:
        dates = sorted(headlines.values())
        holds = len(dates) >= k
        rules.append(
            FamilyRule(
                "min_headlines",
                holds,
                f"{len(dates)} distinct headline(s) among the identified needs; at least {k} "
                "required (AMB-K01)",
                dates[k - 1] if holds else None,
            )
        )
    if fw.rule("dependent_children_or_expectant"):
        since: date | None = None
        present: dict[str, Record] = {}
        for r in tl.of_type("person_joined", "person_left"):
            if r.person is None:
                continue
            if r.type == "person_joined" and r.get("role") == "child":
                present[r.person] = r
            elif r.type == "person_left":
                present.pop(r.person, None)
        deps = []
        for p, r in present.items():
            born = r.get("born_on")
            if born is None or age_on(born, tl.on) < 18:
                deps.append(p)
                since = r.occurred_on if since is None else min(since, r.occurred_on)
        expectant = [
            r
            for r in tl.of_type("evidence_recorded")
            if r.get("criterion") == f"{fw.id}:family"
            and r.get("evidence") == "expectant_parent"
            and r.get("outcome_achieved")
        ]
        if expectant:
            e = expectant[0].occurred_on
            since = e if since is None else min(since, e)
        holds = bool(deps or expectant)
        rules.append(
            FamilyRule(
                "dependent_children_or_expectant",
                holds,
                (
                    f"dependent child(ren) in the household on {tl.on.isoformat()}: "
                    f"{', '.join(sorted(deps))}"
                    if deps
                    else "expectant parent recorded"
                    if expectant
                    else "no dependent child in the household and no expectant parent recorded "
                    "(programme guidance, chapter 4)"
                ),
                since if holds else None,
            )
        )
    for kind in fw.model.family_rules.family_evidence:
        # the latest record of the kind decides, as for a criterion's evidence: a later
        # outcome_achieved false withdraws it (e.g. a herefordshire-2022 working principle,
        # FL-H22-3); it holds from the first achieved record of its latest unbroken run
        since_ev: date | None = None
        for r in tl.of_type("evidence_recorded"):
            if r.get("criterion") == f"{fw.id}:family" and r.get("evidence") == kind:
                achieved = r.get("outcome_achieved") is True
                since_ev = (since_ev or r.occurred_on) if achieved else None
        holds_ev = since_ev is not None
        rules.append(
            FamilyRule(
                f"family_evidence:{kind}",
                holds_ev,
                f"{kind} {'recorded' if holds_ev else 'not recorded'} (family-level evidence)",
                since_ev,
            )
        )
    return rules


def _decide(
    fw: Framework, tl: Timeline, decisions: list[CriterionDecision], rules: list[FamilyRule]
) -> Decision:
    family_override = _override(tl, f"{fw.id}:family", None)
    if family_override is not None and decisions:
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
            _override_text(family_override) + " (the computed criteria are shown unchanged)",
            _override_dict(family_override),
        )
    alone = [c for c in decisions if c.stand_alone and c.result.status is Status.MET]
    if alone and len(alone) < len(decisions):
        # FL-HT-6: "this outcome can be claimed regardless of progress against other
        # indicators" -- decided on the stand-alone criteria and the structural family
        # rules (and the DSL family outcomes only under the reading "apply")
        claim = _decide_route(fw, tl, alone, _stand_alone_rules(fw, rules))
        claim.criteria = decisions
        claim.family_rules = rules
        names = ", ".join(c.criterion for c in alone)
        claim.eligible_from_reason = (
            f"stand-alone claim {names} met: the other criteria are not required (FL-HT-6)"
            + (f"; {claim.eligible_from_reason}" if claim.eligible_from_reason else "")
        )
        return claim
    decision = _decide_route(fw, tl, decisions, rules)
    waiting = [c for c in decisions if c.stand_alone and c.result.status is Status.PENDING]
    if waiting and len(waiting) < len(decisions) and decision.status != "eligible":
        # a stand-alone claim still running: if nothing else is recorded it makes the claim
        # on its own date, which may come before (or instead of) the other criteria's
        route = _decide_route(fw, tl, waiting, _stand_alone_rules(fw, rules))
        if route.status == "pending" and route.eligible_from is not None:
            names = ", ".join(c.criterion for c in waiting)
            earlier = decision.status == "pending" and (
                decision.eligible_from is not None and decision.eligible_from <= route.eligible_from
            )
            if not earlier:
                decision.status = "pending"
                decision.eligible_from = route.eligible_from
                decision.eligible_from_reason = (
                    f"stand-alone claim {names} expected on "
                    f"{route.eligible_from.isoformat()}: it makes the claim on its own "
                    "if nothing else is recorded (FL-HT-6)"
                )
    return decision


def _stand_alone_rules(fw: Framework, rules: list[FamilyRule]) -> list[FamilyRule]:
    """The family rules a stand-alone claim must meet: the structural ones, and the DSL
    family outcomes only where the framework's reading says they apply (FL-HT-6 / AMB-K06)."""
    if fw.rule("stand_alone_outcomes") == "apply":
        return list(rules)
    return [r for r in rules if r.result is None]


def _decide_route(
    fw: Framework, tl: Timeline, decisions: list[CriterionDecision], rules: list[FamilyRule]
) -> Decision:
    """The family's decision on these criteria and family rules (docs/semantics.md §5)."""
    reason: str | None = None
    eligible_from: date | None = None
    if not decisions:
        status, reason = "not_eligible", "no need of this framework identified on or before D"
    else:
        dsl_rules = [r.result for r in rules if r.result is not None]
        st = worst([*(c.result.status for c in decisions), *(r.status for r in dsl_rules)])
        status = FAMILY_STATUS[st]
        failing = [r for r in rules if not r.holds and r.result is None]
        evidence_rules = [r for r in failing if r.name.startswith("family_evidence:")]
        hard = [r for r in failing if not r.name.startswith("family_evidence:")]
        if hard:
            status = "not_eligible"
            reason = "; ".join(r.explanation for r in hard)
        elif evidence_rules and status in ("eligible", "pending"):
            status = "evidence_required"
            reason = "; ".join(r.explanation for r in evidence_rules)
        if status in ("eligible", "pending"):
            dates: list[date] = []
            for c in decisions:
                r = c.result
                d = r.met_since if r.status is Status.MET else r.expected_on
                if d is None:
                    reason = f"{c.criterion} ({c.person or 'family'}): no date can be forecast"
                    break
                dates.append(d)
            else:
                for fr in rules:
                    if fr.result is not None and fr.result.status is Status.PENDING:
                        if fr.result.expected_on is None:
                            reason = f"family rule {fr.name}: no date can be forecast"
                            break
                        dates.append(fr.result.expected_on)
                else:
                    dates += [r.since for r in rules if r.since is not None]
                    eligible_from = max(dates)
        elif reason is None:
            bad = [c for c in decisions if c.result.status not in (Status.MET, Status.PENDING)]
            bad_rules = [
                r
                for r in rules
                if r.result is not None and r.result.status not in (Status.MET, Status.PENDING)
            ]
            reason = (
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
