"""The frameworks' structural family-level rules, one function each, as the texts state them
(docs/semantics.md §5): at least k distinct headlines among the identified needs (AMB-K01),
a dependent child or an expectant parent in the household on D (FL-NAT), and the family-level
evidence a framework requires (Herefordshire's four working principles, FL-H22-3;
Hertfordshire's assessment characteristics, FL-HT-2). Rules written in the outcome DSL
(``family_rules.outcomes``) are evaluated by the evaluator; their results are FamilyRules too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sftimeline.calendar import age_on
from sftimeline.policies.leaves.evidence import evidence_by_criterion
from sftimeline.policies.loader import Framework
from sftimeline.projections.results import Result, Status
from sftimeline.projections.timeline import Timeline
from sftimeline.records import Record


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


def structural_rules(fw: Framework, tl: Timeline, headlines: dict[int, date]) -> list[FamilyRule]:
    """The framework's structural family rules on D, in the order the texts give them."""
    rules = []
    k = int(fw.rule("min_headlines") or 0)
    if k:
        rules.append(at_least_k_headlines(k, headlines))
    if fw.rule("dependent_children_or_expectant"):
        rules.append(dependent_children_or_expectant(fw, tl))
    rules += [family_evidence(fw, tl, kind) for kind in fw.model.family_rules.family_evidence]
    return rules


def at_least_k_headlines(k: int, headlines: dict[int, date]) -> FamilyRule:
    """AMB-K01: at least ``k`` distinct headlines among the identified needs; it holds from
    the day the k-th headline was identified."""
    dates = sorted(headlines.values())
    holds = len(dates) >= k
    return FamilyRule(
        "min_headlines",
        holds,
        f"{len(dates)} distinct headline(s) among the identified needs; at least {k} "
        "required (AMB-K01)",
        dates[k - 1] if holds else None,
    )


def _children_present(tl: Timeline) -> dict[str, Record]:
    present: dict[str, Record] = {}
    for r in tl.of_type("person_joined", "person_left"):
        if r.person is None:
            continue
        if r.type == "person_joined" and r.get("role") == "child":
            present[r.person] = r
        elif r.type == "person_left":
            present.pop(r.person, None)
    return present


def dependent_children_or_expectant(fw: Framework, tl: Timeline) -> FamilyRule:
    """FL-NAT: a child under 18 in the household on D, or an expectant parent recorded as
    family-level evidence; it holds from the earliest of them."""
    since: date | None = None
    deps = []
    for p, r in _children_present(tl).items():
        born = r.get("born_on")
        if born is None or age_on(born, tl.on) < 18:
            deps.append(p)
            since = r.occurred_on if since is None else min(since, r.occurred_on)
    expectant = [
        r
        for r in _family_level_evidence(fw, tl)
        if r.get("evidence") == "expectant_parent" and r.get("outcome_achieved")
    ]
    if expectant:
        e = expectant[0].occurred_on
        since = e if since is None else min(since, e)
    holds = bool(deps or expectant)
    return FamilyRule(
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


def family_evidence(fw: Framework, tl: Timeline, kind: str) -> FamilyRule:
    """Family-level evidence of ``kind``: the latest record of the kind decides, as for a
    criterion's evidence (a later ``outcome_achieved: false`` withdraws it); it holds from
    the first achieved record of its latest unbroken run."""
    since: date | None = None
    for r in _family_level_evidence(fw, tl):
        if r.get("evidence") == kind:
            achieved = r.get("outcome_achieved") is True
            since = (since or r.occurred_on) if achieved else None
    holds = since is not None
    return FamilyRule(
        f"family_evidence:{kind}",
        holds,
        f"{kind} {'recorded' if holds else 'not recorded'} (family-level evidence)",
        since,
    )


def _family_level_evidence(fw: Framework, tl: Timeline) -> Sequence[Record]:
    """The ``evidence_recorded`` naming ``<framework>:family``, in timeline order."""
    return tl.memo("evidence_by_criterion", evidence_by_criterion).get(f"{fw.id}:family", ())
