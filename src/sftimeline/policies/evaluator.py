"""Evaluate one family against a framework on D as known at T (docs/semantics.md §5).

Every need identified on or before D whose criterion belongs to this framework counts,
including needs identified during the intervention (FL-H22-2). Each is evaluated for
its person (or, for ``every_child`` criteria, for every school-age child). The family
is ``eligible`` when every need is met and the family-level rules hold.
"""

from __future__ import annotations

from collections.abc import Sequence
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
        override = latest_override(tl, crit, person)
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
        decisions.append(
            CriterionDecision(
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
        )
    decisions.sort(key=lambda c: (_code_key(c.criterion), c.person or ""))
    rules = structural_rules(fw, tl, headlines)
    if decisions and fw.family_outcomes:
        anchor = nomination or min(c.identified for c in decisions)
        rules += _family_outcomes(fw, tl, anchor, default_measure, nomination, closed)
    decision = decide(fw, tl, decisions, rules)
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


__all__ = ["CriterionDecision", "Decision", "FamilyRule", "evaluate_family", "evaluate_timeline"]
