"""Outcomes written into the family outcome plan (FL-TF-6, AMB-J04).

Herefordshire TF 2020: "Practitioners will need to work with families to agree their
outcomes, including outcomes from the appropriate sections of the outcome framework below,
and write them in to the individual family outcome plan." An identification indicator
(Appendix 1) is resolved through the outcome measures of its headline that the plan
selects: each selected measure is recorded as a ``need_identified`` with the measure's code
and is evaluated, and required, as a need of its own (FL-TF-2: additional issues too). The
indicator itself is met once at least one measure of its headline is in the plan; until
then the practitioner's selection is missing (``evidence_required``).
"""

from __future__ import annotations

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, evidence_required, met


class PlanSelectedArgs(Args):
    codes: list[str] = Field(min_length=1)


def build_plan_outcomes_selected(a: PlanSelectedArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        wanted = {f"{ctx.framework}:{c}" for c in a.codes}
        chosen = [
            r for r in ctx.timeline.of_type("need_identified") if r.get("criterion") in wanted
        ]
        if not chosen:
            return evidence_required(
                "no outcome measure of this headline written into the family outcome plan "
                f"(one of {', '.join(a.codes)} as need_identified; FL-TF-6, AMB-J04)"
            )
        codes = sorted({str(r.get("criterion")).split(":", 1)[1] for r in chosen})
        return met(
            f"plan outcome measure(s) {', '.join(codes)} selected; each is evaluated as its "
            "own need",
            since=min(r.occurred_on for r in chosen),
            facts=tuple(r.key for r in chosen),
        )

    return rule


register_primitive(
    "plan_outcomes_selected",
    PlanSelectedArgs,
    build_plan_outcomes_selected,
    "at least one of the outcome measures `codes` is written into the plan (need_identified)",
)
