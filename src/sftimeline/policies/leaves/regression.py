"""Hampshire "no regression in any area" and "new headline problems" (FL-HA-5, FL-HA-6, P29).

"If the family develops one of the six headline indicator problems, which was not a concern
at the point of engagement, this also needs to be addressed, and the relevant TFOP outcome
achieved, prior to a successful outcome being submitted – a successful SSP outcome is only
possible if the family have not regressed in any area."

The computable reading (AMB-K03 (a), catalogue P29) re-evaluates the data entry predicates
on windows ending at D, counting only records dated after nomination (records before it
are the problems the family was nominated with, already in the plan). A hit in an area
(section) where the plan holds no need is a new problem that has not been addressed:
``not_met`` until a need of that section is identified (the need's own outcome then
decides, FL-HA-5 and footnote 1). A hit in an area the plan already covers is decided by
that need's outcome rule, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, met, not_met
from sftimeline.records import Record

Area = Literal["CRIME", "EDU", "CWNH", "EMP", "DVA"]

#: the data entry predicates of each section, as record tests (Hampshire nomination lists)
_CRIME_INCIDENTS = {"asb", "offence", "proven_offence", "asb_intervention"}
_CRIME_SPELLS = {
    "custody",
    "licence",
    "community_supervision",
    "community_order",
    "suspended_sentence",
    "asb_contract",
    "asb_injunction",
}
_DVA_INCIDENTS = {"domestic_abuse", "domestic_callout", "police_da_notification"}


def _crime(r: Record) -> bool:
    if r.type == "incident_recorded":
        return r.get("kind") in _CRIME_INCIDENTS
    if r.type == "justice_spell_started":
        return r.get("kind") in _CRIME_SPELLS
    return r.type == "justice_outcome_recorded" and r.get("outcome") in {
        "conviction",
        "caution",
        "youth_caution",
        "youth_conditional_caution",
    }


def _edu(r: Record) -> bool:
    return r.type == "exclusion_recorded"


def _cwnh(r: Record) -> bool:
    if r.type == "plan_opened":
        return r.get("level") in {"cin", "section_47", "cp"}
    if r.type == "plan_stepped_up":
        return True
    return r.type == "incident_recorded" and r.get("kind") == "missing_episode"


def _emp(r: Record) -> bool:
    if r.type == "notice_served":
        return True
    return r.type == "homelessness_duty_recorded" and r.get("duty") in {
        "prevention",
        "relief",
        "main",
    }


def _dva(r: Record) -> bool:
    return r.type == "incident_recorded" and r.get("kind") in _DVA_INCIDENTS


PREDICATES: dict[str, Callable[[Record], bool]] = {
    "CRIME": _crime,
    "EDU": _edu,
    "CWNH": _cwnh,
    "EMP": _emp,
    "DVA": _dva,
}


class NewProblemArgs(Args):
    areas: list[Area] = Field(default=["CRIME", "EDU", "CWNH", "EMP", "DVA"], min_length=1)


def _sections_in_plan(ctx: Context) -> set[str]:
    out: set[str] = set()
    for n in ctx.timeline.of_type("need_identified"):
        if n.occurred_on > ctx.on:
            continue
        ref = str(n.get("criterion"))
        fw, _, code = ref.partition(":")
        if fw == ctx.framework:
            out.add(code.split(".", 1)[0])
    return out


def build_no_new_problem_areas(a: NewProblemArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        since: date = ctx.nomination or ctx.identified
        planned = _sections_in_plan(ctx)
        hits: list[tuple[str, Record]] = []
        for r in ctx.timeline.records:
            if not since < r.occurred_on <= ctx.on:
                continue
            for area in a.areas:
                if area not in planned and PREDICATES[area](r):
                    hits.append((area, r))
        if hits:
            areas = sorted({h[0] for h in hits})
            first = {ar: min(r.occurred_on for x, r in hits if x == ar) for ar in areas}
            text = "; ".join(f"{ar} problem since {first[ar].isoformat()}" for ar in areas)
            return not_met(
                f"new headline problem not in the plan (regression, FL-HA-5/6): {text}",
                facts=tuple(r.key for _, r in hits),
            )
        return met(
            f"no new problem in {', '.join(a.areas)} since nomination on {since.isoformat()} "
            f"outside the plan",
            since=since,
        )

    return rule


register_primitive(
    "no_new_problem_areas",
    NewProblemArgs,
    build_no_new_problem_areas,
    "family: no record after nomination meets a data entry predicate of an area (section) "
    "with no need in the plan (Hampshire FL-HA-5/6, P29)",
)
