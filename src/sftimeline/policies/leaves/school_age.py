"""Whether a child is of school age on a date (Hertfordshire 2018 FL-HT-5, AMB-C14).

"Where a young person is of school age at assessment but no longer of school age at claim
date, the relevant progress measures in Strand 4 will apply instead." School age follows
the engine's "every child" rule (semantics §3): aged 5–15 on the 31 August before the
academic year that contains the day, so the status changes only on 1 September. A strand 2
criterion is written ``any: [all: [school_age {school_age: true}, <strand 2 outcome>],
all: [school_age {school_age: false}, <strand 4 progress>]]``.
"""

from __future__ import annotations

from datetime import date

from sftimeline.calendar import school_age_on_31_august_before
from sftimeline.policies.context import Context
from sftimeline.policies.leaves._common import Anchor
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, insufficient, met, not_met


def is_school_age(born: date, day: date) -> bool:
    return 5 <= school_age_on_31_august_before(born, day) <= 15


def _year_start(day: date) -> date:
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


class SchoolAgeArgs(Args):
    #: true: of school age at ``at``; false: no longer (or not yet) of school age
    school_age: bool = True
    at: Anchor = "on"


def build_school_age(a: SchoolAgeArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no child")
        born = ctx.born_on(ctx.person)
        if born is None:
            return insufficient(f"no date of birth for {ctx.person} (AMB-C14)")
        day = ctx.anchor(a.at) or ctx.on
        now = is_school_age(born, day)
        word = "of school age" if now else "not of school age"
        if now != a.school_age:
            return not_met(
                f"{ctx.person} is {word} on {day.isoformat()} (FL-HT-5)", contradicted=True
            )
        since = _year_start(day)
        for _ in range(25):
            before = date(since.year - 1, 9, 1)
            if is_school_age(born, before) != now:
                break
            since = before
        return met(
            f"{ctx.person} is {word} on {day.isoformat()} (FL-HT-5)",
            since=max(since, ctx.identified),
        )

    return rule


class NoSchoolAgeChildArgs(Args):
    at: Anchor = "on"


def build_no_school_age_child(a: NoSchoolAgeChildArgs) -> Rule:
    """FL-HT-4 / AMB-K06: "All school age children … must have less than 10% absence" holds
    vacuously for a household with no child of school age on D (written as
    ``any: [no_school_age_child, attendance …]``)."""

    def rule(ctx: Context) -> Result:
        day = ctx.anchor(a.at) or ctx.on
        children = []
        for person in ctx.members("child"):
            born = ctx.born_on(person)
            if born is None:
                return insufficient(f"no date of birth for {person}: school age unknown")
            if is_school_age(born, day):
                children.append(person)
        if children:
            return not_met(f"school-age child(ren) on {day.isoformat()}: {', '.join(children)}")
        return met(
            f"no child of school age in the household on {day.isoformat()}",
            since=ctx.identified,
        )

    return rule


register_primitive(
    "no_school_age_child",
    NoSchoolAgeChildArgs,
    build_no_school_age_child,
    "no household child is of school age at `at` (FL-HT-4 holds vacuously, AMB-K06)",
)
register_primitive(
    "school_age",
    SchoolAgeArgs,
    build_school_age,
    "the need's child is (or with `school_age: false` is not) of school age at `at` "
    "(aged 5-15 on the 31 August before; FL-HT-5 age transition)",
)
