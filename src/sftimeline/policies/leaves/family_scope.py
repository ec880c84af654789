"""Rules scoped over family members rather than the need's person (catalogue P16).

Herefordshire TF 2020 measure 3: "No siblings of young offenders have engaged in anti-social
behaviour and / or criminal activity in the previous 6 months, and do not enter the youth
justice system for the first time." Each sibling (every other child of the household on D)
must have no ASB or offence record for 6 months, counted from no earlier than the need's
identification (AMB-A02 default: the window ends on D; AMB-A03), and no first-time-entrant
record dated after identification (a first-time entry cannot be undone: ``not_met``).
"""

from __future__ import annotations

from typing import Literal

from sftimeline.policies.context import Context, select
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import Anchor, sustain
from sftimeline.policies.leaves.justice import PROVEN_OUTCOMES
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, all_of, insufficient, met, not_met
from sftimeline.records import IncidentKind


class SiblingsClearArgs(Args):
    months: PositiveInt = 6
    kinds: list[IncidentKind] = Field(
        default=["offence", "proven_offence", "asb", "asb_intervention"], min_length=1
    )
    #: AMB-B11: who is a "young offender" — a child with a proven offence (justice outcome
    #: conviction/caution or a proven_offence incident), or any recorded offence
    young_offender: Literal["proven", "any_offence"] = "proven"
    #: the justice outcome that records a first-time entrant to the youth justice system
    first_time_entry: list[str] = Field(default=["first_time_entrant"])
    from_: Anchor = Field("identified", alias="from")


def young_offenders(ctx: Context, definition: str) -> list[str]:
    children = set(ctx.members("child"))
    found: set[str] = set()
    for r in ctx.timeline.of_type("justice_outcome_recorded"):
        if r.person in children and r.get("outcome") in PROVEN_OUTCOMES:
            found.add(str(r.person))
    kinds = ["proven_offence"] + (["offence"] if definition == "any_offence" else [])
    for r in select(ctx.timeline.of_type("incident_recorded"), kinds=kinds):
        if r.person in children:
            found.add(str(r.person))
    return sorted(found)


def build_siblings_clear(a: SiblingsClearArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        offenders = [ctx.person] if ctx.person else young_offenders(ctx, a.young_offender)
        if not offenders:
            return insufficient(
                "no young offender recorded in the household (AMB-B11: "
                f"{a.young_offender.replace('_', ' ')})"
            )
        siblings = [c for c in ctx.members("child") if c not in offenders]
        names = ", ".join(str(o) for o in offenders)
        if not siblings:
            return met(
                f"no sibling of {names} in the household on {ctx.on.isoformat()}",
                since=ctx.identified,
            )
        parts = []
        for s in siblings:
            entries = [
                r
                for r in ctx.timeline.of_type("justice_outcome_recorded")
                if r.person == s
                and r.get("outcome") in a.first_time_entry
                and r.occurred_on >= ctx.identified
            ]
            if entries:
                parts.append(
                    not_met(
                        f"sibling {s} entered the youth justice system on "
                        f"{entries[0].occurred_on.isoformat()}",
                        facts=tuple(r.key for r in entries),
                    )
                )
                continue
            recs = select(ctx.timeline.of_type("incident_recorded"), kinds=a.kinds, person=s)
            last = max((r.occurred_on for r in recs), default=None)
            start = last or ctx.identified
            text = f"sibling {s}: no {'/'.join(a.kinds)} " + (
                f"since {last.isoformat()}" if last else "recorded"
            )
            parts.append(sustain(ctx, start, a.months, a.from_, text, [r.key for r in recs]))
        r = all_of(parts)
        return Result(
            r.status,
            f"siblings of {names}: " + "; ".join(p.explanation for p in parts),
            r.windows,
            r.values,
            tuple(f for p in parts for f in p.facts),
            r.expected_on,
            r.met_since,
            r.parts,
            r.label,
        )

    return rule


register_primitive(
    "siblings_clear",
    SiblingsClearArgs,
    build_siblings_clear,
    "every sibling of the young offender(s): no offence/ASB for `months` and no first-time "
    "entry to the youth justice system since identification (AMB-B11)",
)
