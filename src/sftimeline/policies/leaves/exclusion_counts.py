"""Exclusions counted over the last months (Hertfordshire 2018 strand 2 outcome O-a).

"No permanent exclusions, fewer than 3 fixed term exclusions … in the last 12 months":
exclusions of ``kinds`` dated ``e`` with ``e <= D < add_months(e, months)`` (semantics §2)
number fewer than ``fewer_than``. Exclusions from before identification count while they
are inside the window: the child must actually have had fewer in it. Too many is
``pending``, expected on the day enough of them have left the window if nothing else is
recorded.
"""

from __future__ import annotations

from datetime import date

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.change_points import held_since, month_window_points
from sftimeline.projections.months import add_months, within_months_before
from sftimeline.projections.results import Result, Window, insufficient, met, pending


class ExclusionCountArgs(Args):
    months: PositiveInt = 12
    kinds: list[str] = Field(default=["fixed_term"], min_length=1)
    fewer_than: PositiveInt = 3


def build_exclusions_in_months(a: ExclusionCountArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no child")
        recs = [
            r
            for r in ctx.timeline.of_type("exclusion_recorded")
            if r.person == ctx.person and r.get("kind") in a.kinds
        ]

        def inside(day: date) -> list[date]:
            return [
                r.occurred_on for r in recs if within_months_before(r.occurred_on, day, a.months)
            ]

        now = inside(ctx.on)
        start = add_months(ctx.on, -a.months)
        win = (Window(f"last {a.months} months", start, ctx.on),)
        what = "/".join(a.kinds)
        text = (
            f"{len(now)} {what} exclusion(s) of {ctx.person} in the {a.months} months to "
            f"{ctx.on.isoformat()} (fewer than {a.fewer_than} needed)"
        )
        facts = tuple(r.key for r in recs if r.occurred_on in now)
        if len(now) < a.fewer_than:
            points = {ctx.identified}
            points |= month_window_points((r.occurred_on for r in recs), a.months)
            since = held_since(lambda d: len(inside(d)) < a.fewer_than, ctx.on, points)
            return met(text, since=max(since, ctx.identified), windows=win, facts=facts)
        due = sorted(add_months(d, a.months) for d in now)[len(now) - a.fewer_than]
        return pending(
            text + f"; fewer on {due.isoformat()} if no other is recorded",
            expected_on=due,
            windows=win,
            facts=facts,
        )

    return rule


register_primitive(
    "exclusions_in_months",
    ExclusionCountArgs,
    build_exclusions_in_months,
    "fewer than `fewer_than` exclusions of `kinds` in the last `months` months ending on D "
    "(Hertfordshire strand 2 O-a)",
)
