"""Arrears reduced against identification (catalogue R31, P09 with no threshold; TF 2020 16).

"Family have reduced debt or risk of financial exclusion, e.g.... reduced council tax or
housing arrears". The total balance of the listed debt kinds on D (each debt's latest
``debt_recorded`` balance) must be below the total at identification (each debt's latest
balance on or before identification; a debt first recorded later counts from 0, so new
arrears count against the family). No threshold is stated: any reduction counts. The
reduced total must then hold for the default sustainment (FL-TF-3).
"""

from __future__ import annotations

from datetime import date

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field
from sftimeline.policies.leaves._common import Anchor, sustain
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, insufficient, pending


class ArrearsArgs(Args):
    kinds: list[str] = Field(default=["council_tax", "rent_arrears"], min_length=1)
    months: int = Field(0, ge=0)
    from_: Anchor = Field("identified", alias="from")


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def build_arrears_reduced(a: ArrearsArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        recs = [r for r in ctx.timeline.of_type("debt_recorded") if r.get("kind") in a.kinds]
        if not recs:
            return insufficient(f"no {'/'.join(a.kinds)} balance recorded")
        baseline: dict[str, int] = {}
        for r in recs:
            if r.occurred_on <= ctx.identified:
                baseline[str(r.get("debt"))] = int(r.get("balance"))
        if not baseline:
            return insufficient(
                f"no {'/'.join(a.kinds)} balance recorded on or before identification "
                f"({ctx.identified.isoformat()})"
            )
        base_total = sum(baseline.values())
        current = dict(baseline)
        below_since: date | None = None
        for r in recs:
            if r.occurred_on <= ctx.identified:
                continue
            current[str(r.get("debt"))] = int(r.get("balance"))
            total = sum(current.values())
            below_since = below_since or r.occurred_on if total < base_total else None
        now_total = sum(current.values())
        text = (
            f"{'/'.join(a.kinds)} balance {_pounds(now_total)} against {_pounds(base_total)} "
            f"at identification"
        )
        facts = [r.key for r in recs]
        if below_since is None:
            return pending(text + " (not reduced)", expected_on=None, facts=tuple(facts))
        return sustain(
            ctx,
            below_since,
            a.months,
            a.from_,
            text + f", reduced since {below_since.isoformat()}",
            facts,
        )

    return rule


register_primitive(
    "arrears_reduced",
    ArrearsArgs,
    build_arrears_reduced,
    "total balance of debt `kinds` below its total at identification, sustained `months`",
)
