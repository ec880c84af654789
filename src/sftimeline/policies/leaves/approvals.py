"""A named manager's agreement to a claim (catalogue §8 P37; Hertfordshire 2018 FL-HT-8).

"NB claims under this measure must be agreed by the Business Manager for Early Help &
Intensive Family Support." (strand 1 row 6, strand 2 row 9). The claim needs an
``approval_recorded`` for the criterion (and its person, or none named) by one of
``roles``, dated on or before D; the latest such record decides, so a later refusal
withdraws an earlier agreement. Without one the criterion is ``evidence_required``: an
agreement is never assumed.
"""

from __future__ import annotations

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, evidence_required, met, not_met


class ApprovalArgs(Args):
    roles: list[str] = Field(default=["business_manager"], min_length=1)
    #: the criterion approved; default: the one being evaluated
    criterion: str | None = None


def build_approval(a: ApprovalArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        crit = a.criterion or ctx.criterion
        mine = [
            r
            for r in ctx.timeline.of_type("approval_recorded")
            if r.get("criterion") == crit and r.person in (None, ctx.person)
        ]
        found = [r for r in mine if r.get("role") in a.roles]
        if not found:
            others = [r for r in mine if r.get("role") not in a.roles]
            said = (
                "; "
                + ", ".join(
                    f"{r.get('approver')} ({r.get('role')}) on {r.occurred_on.isoformat()}"
                    for r in others
                )
                + " cannot agree it"
                if others
                else ""
            )
            return evidence_required(
                f"the claim must be agreed by the {' or '.join(a.roles)} (FL-HT-8): "
                f"no approval by the {' or '.join(a.roles)} recorded{said}",
                facts=tuple(r.key for r in others),
            )
        r = found[-1]
        who = f"{r.get('approver')} ({r.get('role')}) on {r.occurred_on.isoformat()}"
        if r.get("decision") == "approved":
            return met(f"claim agreed by {who}", since=r.occurred_on, facts=(r.key,))
        return not_met(
            f"claim refused by {who}" + (f": {r.get('reason')}" if r.get("reason") else ""),
            facts=(r.key,),
        )

    return rule


register_primitive(
    "approval",
    ApprovalArgs,
    build_approval,
    "the latest approval_recorded for the criterion by one of `roles` agrees the claim "
    "(FL-HT-8); none → evidence required",
)
