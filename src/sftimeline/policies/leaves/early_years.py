"""Early years entitlement take-up (catalogue P16, P17; TF 2020 measure 7, App1-P3-6).

"Families who are eligible are taking up the 2 and 3 year old offer of nursery places."
Every child of the household whose age on D is in the entitlement band must have a funded
early-years place open on D, sustained for the framework's default period (FL-TF-3).
"""

from __future__ import annotations

from sftimeline.calendar import age_on
from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field
from sftimeline.policies.leaves._common import Anchor, open_since, sustain
from sftimeline.policies.leaves.attendance import all_with_facts
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, insufficient, met, pending
from sftimeline.records import Record


def _place(ctx: Context, child: str, on_day: object) -> Record | None:
    starts = [r for r in ctx.timeline.of_type("early_years_place_started") if r.person == child]
    ends = [r for r in ctx.timeline.of_type("early_years_place_ended") if r.person == child]
    return open_since(starts, ends, lambda s, e: True, on_day)  # type: ignore[arg-type]


class EarlyYearsArgs(Args):
    min_age: int = Field(2, ge=0)
    max_age: int = Field(4, ge=0)
    months: int = Field(0, ge=0)
    from_: Anchor = Field("identified", alias="from")


def build_early_years_taken_up(a: EarlyYearsArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        kids = []
        for c in ctx.members("child"):
            born = ctx.born_on(c)
            if born is None:
                return insufficient(f"no date of birth for {c}")
            if a.min_age <= age_on(born, ctx.on) <= a.max_age:
                kids.append(c)
        if not kids:
            return insufficient(
                f"no child aged {a.min_age}–{a.max_age} in the household on {ctx.on.isoformat()}"
            )
        parts = []
        for c in kids:
            place = _place(ctx, c, ctx.on)
            if place is None:
                parts.append(
                    pending(
                        f"{c}: no early years place open on {ctx.on.isoformat()}", expected_on=None
                    )
                )
                continue
            text = (
                f"{c}: early years place ({place.get('entitlement')}) since "
                f"{place.occurred_on.isoformat()}"
            )
            parts.append(sustain(ctx, place.occurred_on, a.months, a.from_, text, [place.key]))
        return all_with_facts(parts)

    return rule


class NotTakenUpArgs(Args):
    """Entry (App1-P3-6): the need's child was aged ``min_age``–``max_age`` at
    identification with no early-years place open then."""

    min_age: int = Field(2, ge=0)
    max_age: int = Field(2, ge=0)


def build_early_years_not_taken_up(a: NotTakenUpArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no child")
        born = ctx.born_on(ctx.person)
        if born is None:
            return insufficient(f"no date of birth for {ctx.person}")
        age = age_on(born, ctx.identified)
        if not a.min_age <= age <= a.max_age:
            return insufficient(f"{ctx.person} was {age} at identification", contradicted=True)
        place = _place(ctx, ctx.person, ctx.identified)
        if place is not None:
            return insufficient(
                f"{ctx.person} had an early years place open at identification",
                facts=(place.key,),
                contradicted=True,
            )
        return met(
            f"{ctx.person}, aged {age}, had no early years place at identification",
            since=ctx.identified,
        )

    return rule


register_primitive(
    "early_years_taken_up",
    EarlyYearsArgs,
    build_early_years_taken_up,
    "every child aged `min_age`–`max_age` on D has an early years place open, sustained `months`",
)
register_primitive(
    "early_years_not_taken_up",
    NotTakenUpArgs,
    build_early_years_not_taken_up,
    "entry: the child (aged `min_age`–`max_age` at identification) had no early years place",
)
