"""Hampshire previously supported families: 12 months without re-escalation (FL-HA-7, P30).

"For families who have received support within the programme previously via the Early Help
Hub, but for whom a claim has not been submitted previously due to the sustainment period
not having been met – if the family have not been re-escalated to Children's Services
(either for targeted Early Help support or level 4 services) for a minimum of 12 months,
then a sustained period will be assumed."

The previous support's closure is ``family_nominated.previous_support_closed_on`` (earliest
nomination that carries it). Re-escalation (AMB-K04) = an accepted referral to one of
``services`` or a plan opened at one of ``levels`` on or after that day. With reading
``generic_sustainment`` the rule stands in for the generic 6-month sustainment of a row
(the outcome itself must still be shown); ``not_applied`` switches FL-HA-7 off.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import as_date
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, Window, met, not_met, pending


class ReescalationArgs(Args):
    months: PositiveInt = 12
    services: list[str] = Field(default=["early_help", "childrens_social_care"], min_length=1)
    levels: list[str] = Field(default=["early_help", "cin", "section_47", "cp"])
    reading: Literal["generic_sustainment", "not_applied"] = "generic_sustainment"


def previous_support_closed_on(ctx: Context) -> date | None:
    for r in ctx.timeline.of_type("family_nominated"):
        closed = as_date(r.get("previous_support_closed_on"))
        if closed is not None:
            return closed
    return None


def build_previous_support_no_reescalation(a: ReescalationArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if a.reading == "not_applied":
            return not_met("the 12-month previous-support rule (FL-HA-7) is not applied")
        closed = previous_support_closed_on(ctx)
        if closed is None:
            return not_met("not a previously supported family (FL-HA-7 does not apply)")
        due = add_months(closed, a.months)
        window = (Window(f"{a.months} months without re-escalation", closed, due),)
        hits = [
            r
            for r in ctx.timeline.of_type("referral_accepted", "plan_opened")
            if closed <= r.occurred_on <= ctx.on
            and (
                (r.type == "referral_accepted" and r.get("service") in a.services)
                or (r.type == "plan_opened" and r.get("level") in a.levels)
            )
        ]
        if hits and min(h.occurred_on for h in hits) < due:
            first = min(hits, key=lambda h: h.occurred_on)
            return not_met(
                f"re-escalated on {first.occurred_on.isoformat()} ({first.type}), within "
                f"{a.months} months of the previous support closing on {closed.isoformat()}",
                facts=tuple(h.key for h in hits),
                windows=window,
            )
        if due <= ctx.on:
            return met(
                f"not re-escalated for {a.months} months after the previous support closed "
                f"on {closed.isoformat()}: sustained period assumed (FL-HA-7)",
                since=due,
                windows=window,
            )
        return pending(
            f"previous support closed {closed.isoformat()}; no re-escalation so far; "
            f"{a.months} months on {due.isoformat()}",
            expected_on=due,
            windows=window,
        )

    return rule


register_primitive(
    "previous_support_no_reescalation",
    ReescalationArgs,
    build_previous_support_no_reescalation,
    "a previously supported family not re-escalated for `months` after the previous "
    "support closed (Hampshire FL-HA-7, P30)",
)
