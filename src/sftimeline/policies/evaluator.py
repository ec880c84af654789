"""Evaluate one family against a framework on D as known at T (docs/semantics.md §5).

Every need identified on or before D whose criterion belongs to this framework counts,
including needs identified during the intervention (FL-H22-2). Each is evaluated for
its person (or, for ``every_child`` criteria, for every school-age child). The family
is ``eligible`` when every need is met and the family-level rules hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sftimeline.policies import entry as entry_rules
from sftimeline.policies.context import Context
from sftimeline.policies.decision import CriterionDecision, Decision
from sftimeline.policies.family_decision import decide
from sftimeline.policies.family_rules import FamilyRule, structural_rules
from sftimeline.policies.loader import Framework
from sftimeline.policies.overrides import latest_override, overridden, override_dict
from sftimeline.projections.results import Result, Status
from sftimeline.projections.timeline import Timeline
from sftimeline.records import Record

DEFAULT_MEASURE = ("offence", "arrest", "named_suspect", "asb")


@dataclass(frozen=True, slots=True)
class _Family:
    """What every need of the family is judged against on D: its timeline, its nomination
    onto the programme, its case closure (the latest not followed by a reopening) and the
    framework's default consistent measure (FL-NAT-5)."""

    tl: Timeline
    nomination: date | None
    closed: date | None
    default_measure: tuple[str, ...]

    def context(
        self,
        fw: Framework,
        criterion: str,
        identified: date,
        person: str | None,
        measure: tuple[str, ...],
        need: Record | None,
    ) -> Context:
        return Context(
            fw.id,
            criterion,
            self.tl,
            self.tl.on,
            identified,
            person,
            measure,
            fw.parameters,
            self.nomination,
            self.closed,
            need,
            term_calendar=fw.term_calendar,
            severe_offences=fw.severe_offences,
        )


def evaluate_family(
    framework: Framework, family: str, records: Sequence[Record], on: date, known_at: datetime
) -> Decision:
    tl = Timeline.build(family, records, on, known_at)
    return evaluate_timeline(framework, tl)


def evaluate_timeline(framework: Framework, tl: Timeline) -> Decision:
    """The family's decision on D, in the steps the frameworks' family-level rules take:
    every need identified so far counts (FL-H22-2, FL-TF-2, FL-HA-5: additional issues too);
    each must achieve and sustain its outcome (FL-NAT-2); the family-level rules must hold
    (minimum headline problems FL-H22-1 / FL-TF-1 / FL-HT-1, a dependent child, the working
    principles FL-H22-3 / FL-HT-2, the framework's own family outcomes); then the claim is
    decided (policies/family_decision.py) and the entry flags attached."""
    fw = framework
    family = _family_on(fw, tl)
    needs = needs_identified(fw, tl)
    decisions = [_judge_need(fw, family, crit, person, need) for (crit, person), need in needs]
    decisions.sort(key=lambda c: (_code_key(c.criterion), c.person or ""))
    rules = _family_level_rules(fw, family, needs, decisions)
    decision = decide(fw, tl, decisions, rules)
    decision.flags = entry_rules.flags(_entries(decisions), fw.parameters)
    return decision


def _family_on(fw: Framework, tl: Timeline) -> _Family:
    nominated = tl.of_type("family_nominated")
    closed: date | None = None
    for r in tl.of_type("case_closed", "case_reopened"):
        closed = r.occurred_on if r.type == "case_closed" else None
    return _Family(
        tl,
        nominated[0].occurred_on if nominated else None,
        closed,
        tuple(fw.parameters.get("default_measure", DEFAULT_MEASURE)),
    )


def needs_identified(fw: Framework, tl: Timeline) -> list[tuple[tuple[str, str | None], Record]]:
    """Every need identified on or before D whose criterion belongs to this framework, once
    per (criterion, person), in the order first identified: the earliest identification
    counts (its windows are anchored on its own date, FL-H22-2)."""
    prefix = fw.id + ":"
    needs: dict[tuple[str, str | None], Record] = {}
    for r in tl.of_type("need_identified"):
        crit = str(r.get("criterion"))
        if crit.startswith(prefix):
            needs.setdefault((crit, r.person), r)
    return list(needs.items())


def _judge_need(
    fw: Framework, family: _Family, crit: str, person: str | None, need: Record
) -> CriterionDecision:
    """One need's decision: its outcome on D unless its entry is contradicted (entry.py), a
    discretionary override of an unmet outcome (FL-HT-3, AMB-K05), and the need itself among
    the facts it rests on."""
    compiled = fw.criteria.get(crit[len(fw.id) + 1 :])
    if compiled is None:
        return CriterionDecision(
            crit,
            person,
            Result(
                Status.INSUFFICIENT_DATA,
                f"{crit} is not a criterion of {fw.id}",
                facts=(need.key,),
            ),
            need.occurred_on,
        )
    d = compiled.definition
    measure = tuple(need.get("measure") or family.default_measure)
    ctx = family.context(fw, crit, need.occurred_on, person, measure, need)
    entry, result = _evaluate_need(fw, compiled, ctx)
    override = latest_override(family.tl, crit, person)
    if override is not None and result.status is not Status.MET:
        result = overridden(result, override)
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
    return CriterionDecision(
        crit,
        person,
        result,
        need.occurred_on,
        compiled.evidence_kinds,
        d.cite,
        d.stand_alone,
        override_dict(override) if override else None,
        entry,
    )


def _family_level_rules(
    fw: Framework,
    family: _Family,
    needs: list[tuple[tuple[str, str | None], Record]],
    decisions: list[CriterionDecision],
) -> list[FamilyRule]:
    """The framework's family-level rules on D: the structural ones in the order the texts
    give them (family_rules.py), then its own family outcomes written in the DSL, anchored on
    the nomination (or the first identification)."""
    rules = structural_rules(fw, family.tl, _headlines_identified(fw, needs))
    if decisions and fw.family_outcomes:
        anchor = family.nomination or min(c.identified for c in decisions)
        rules += _family_outcomes(fw, family, anchor)
    return rules


def _headlines_identified(
    fw: Framework, needs: list[tuple[tuple[str, str | None], Record]]
) -> dict[int, date]:
    """Each headline among the needs of this framework's criteria, with the day it was first
    identified (for the minimum headline problems, AMB-K01)."""
    headlines: dict[int, date] = {}
    for (crit, _), need in needs:
        compiled = fw.criteria.get(crit[len(fw.id) + 1 :])
        if compiled is not None:
            headlines.setdefault(compiled.definition.headline, need.occurred_on)
    return headlines


def _entries(
    decisions: list[CriterionDecision],
) -> list[tuple[str, str | None, entry_rules.Entry | None]]:
    return [(c.criterion, c.person, c.entry) for c in decisions]


def _family_outcomes(fw: Framework, family: _Family, anchor: date) -> list[FamilyRule]:
    """Evaluate the framework's DSL family rules (model.FamilyOutcome) for the family."""
    out = []
    for o in fw.model.family_rules.outcomes:
        ctx = family.context(fw, f"{fw.id}:family", anchor, None, family.default_measure, None)
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


def _code_key(criterion: str) -> tuple[Any, ...]:
    found = _CODE_KEYS.get(criterion)
    if found is None:
        code = criterion.split(":", 1)[1]
        found = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))
        if len(_CODE_KEYS) < 4096:  # a framework's few hundred codes, not unbounded input
            _CODE_KEYS[criterion] = found
    return found


#: criterion → its sort key (every decision of a county sorts the same few codes)
_CODE_KEYS: dict[str, tuple[Any, ...]] = {}


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


__all__ = ["CriterionDecision", "Decision", "FamilyRule", "evaluate_family", "evaluate_timeline"]
