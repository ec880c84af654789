"""Closure after a minimum period of support (catalogue P32; Hampshire HEALTH).

"At the point of closure (following a minimum of six months support work) ...": the case
must have closed (``case_closed`` not followed by ``case_closed`` reopened) at least
``months`` after the start of support (``from``: the nomination by default, or the need's
identification, AMB-A01). Before closure the rule is ``pending`` (no date: closure is a
practitioner's decision); a closure too early is ``not_met``.
"""

from __future__ import annotations

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import Anchor
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, Window, met, not_met, pending


class ClosedAfterSupportArgs(Args):
    months: PositiveInt = 6
    from_: Anchor = Field("nomination", alias="from")


def build_closed_after_support(a: ClosedAfterSupportArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        start = ctx.anchor(a.from_) or ctx.identified
        due = add_months(start, a.months)
        window = (Window(f"{a.months} months of support", start, due),)
        closed = ctx.case_closed
        if closed is None or closed > ctx.on:
            return pending(
                f"case not closed; closure counts from {due.isoformat()} ({a.months} months "
                f"of support from {start.isoformat()})",
                expected_on=None,
                windows=window,
            )
        if closed < due:
            return not_met(
                f"case closed {closed.isoformat()}, before {a.months} months of support "
                f"(from {start.isoformat()}, due {due.isoformat()})",
                windows=window,
            )
        return met(
            f"case closed {closed.isoformat()} after {a.months} months of support from "
            f"{start.isoformat()}",
            since=closed,
            windows=window,
        )

    return rule


register_primitive(
    "closed_after_support",
    ClosedAfterSupportArgs,
    build_closed_after_support,
    "the case closed at least `months` after `from` (minimum support duration, P32)",
)
