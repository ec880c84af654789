"""Progress to work (catalogue R23, P18; TF 2020 measures 14 and 15).

Measure 14: "made progress to work through volunteering placement, progression into an
apprenticeship, traineeship or further accredited learning. This is sustained for 12 weeks/
or completes a course for up to 8 weeks". A ``progress_to_work_recorded`` of a sustained
kind starts on its ``occurred_on`` and runs to ``until`` (its last day; absent = ongoing);
it counts once it has run ``weeks`` weeks. A ``course_completed`` record counts on its date
when the course lasted at most ``course_max_weeks`` weeks by its ``until`` − start... the
text's "up to 8 weeks" is read as the course's actual length from the latest
``course_enrolled`` before it (AMB-G07, actual rather than planned length); longer courses
count through the 12-week route. Only progress on or after identification counts.
"""

from __future__ import annotations

from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import Anchor, as_date
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.days import day_after, days_inclusive
from sftimeline.projections.results import Result, any_of, met, pending
from sftimeline.projections.weeks import add_weeks, days_in_weeks
from sftimeline.records import Record


class ProgressArgs(Args):
    kinds: list[str] = Field(
        default=["volunteering", "apprenticeship", "traineeship", "course_enrolled"], min_length=1
    )
    weeks: PositiveInt = 12
    course_max_weeks: PositiveInt | None = 8
    #: AMB-G07: "a course for up to 8 weeks" by its actual length (enrolment to completion)
    #: or its planned length (the enrolment record's ``until``)
    course_length: Literal["actual", "planned"] = "actual"
    who: Literal["person", "household"] = "household"
    from_: Anchor = Field("identified", alias="from")


def _mine(ctx: Context, who: str) -> list[Record]:
    return [
        r
        for r in ctx.timeline.of_type("progress_to_work_recorded")
        if who == "household" or r.person == ctx.person
    ]


def build_progress_sustained(a: ProgressArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        lo = ctx.anchor(a.from_) or ctx.identified
        recs = _mine(ctx, a.who)
        parts = []
        for r in recs:
            if r.get("kind") not in a.kinds:
                continue
            start = max(r.occurred_on, lo)
            due = add_weeks(start, a.weeks)
            until = as_date(r.get("until"))
            name = f"{r.person}: {r.get('kind')} from {r.occurred_on.isoformat()}"
            if until is not None and until < ctx.on and day_after(until) < due:
                continue  # ended before it had run the weeks
            if due <= ctx.on:
                parts.append(met(f"{name}, sustained {a.weeks} weeks", since=due, facts=(r.key,)))
            else:
                parts.append(
                    pending(
                        f"{name}; {a.weeks} weeks on {due.isoformat()}",
                        expected_on=due if until is None or day_after(until) >= due else None,
                        facts=(r.key,),
                    )
                )
        if a.course_max_weeks is not None:
            for r in recs:
                if r.get("kind") != "course_completed" or r.occurred_on < lo:
                    continue
                enrolled = [
                    x
                    for x in recs
                    if x.get("kind") == "course_enrolled"
                    and x.person == r.person
                    and x.occurred_on <= r.occurred_on
                ]
                if not enrolled:
                    continue
                planned_end = as_date(enrolled[-1].get("until"))
                if a.course_length == "planned":
                    if planned_end is None:
                        continue  # no planned length recorded
                    length = days_inclusive(enrolled[-1].occurred_on, planned_end)
                else:
                    length = days_inclusive(enrolled[-1].occurred_on, r.occurred_on)
                if length <= days_in_weeks(a.course_max_weeks):
                    parts.append(
                        met(
                            f"{r.person}: completed a course of {length} days on "
                            f"{r.occurred_on.isoformat()}",
                            since=r.occurred_on,
                            facts=(enrolled[-1].key, r.key),
                        )
                    )
        if not parts:
            return pending("no progress to work recorded since identification", expected_on=None)
        return any_of(parts)

    return rule


class AchievedArgs(Args):
    kinds: list[str] = Field(default=["qualification_achieved"], min_length=1)
    who: Literal["person", "household"] = "household"
    from_: Anchor = Field("identified", alias="from")


def build_progress_achieved(a: AchievedArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        lo = ctx.anchor(a.from_) or ctx.identified
        recs = [r for r in _mine(ctx, a.who) if r.get("kind") in a.kinds and r.occurred_on >= lo]
        if recs:
            r = recs[0]
            return met(
                f"{r.person}: {r.get('kind')} on {r.occurred_on.isoformat()}",
                since=r.occurred_on,
                facts=(r.key,),
            )
        return pending(f"no {'/'.join(a.kinds)} since {lo.isoformat()}", expected_on=None)

    return rule


register_primitive(
    "progress_sustained",
    ProgressArgs,
    build_progress_sustained,
    "progress to work of `kinds` sustained `weeks` weeks, or a course of at most "
    "`course_max_weeks` weeks completed (AMB-G07)",
)
register_primitive(
    "progress_achieved",
    AchievedArgs,
    build_progress_achieved,
    "a progress-to-work record of `kinds` (e.g. qualification_achieved) since `from`",
)
