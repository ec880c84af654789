"""Debt outcomes (catalogue R31, §7 debt_recorded / debt_plan_* / debt_payment_missed /
finances_recorded; Hampshire EMP viii).

Hampshire EMP viii: "AND EITHER: Debt is cleared OR at least 2 of the following has been
achieved: ... (c) There is evidence that the family have increased income/reduced
expenditure to help to address debt; (d) The family commits to and adheres to a debt
management plan for a minimum period of 3 months; ...". These primitives compute the
data parts; the judgement parts stay required evidence in the framework file.
"""

from __future__ import annotations

from datetime import date

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import Anchor, sustain
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, Window, insufficient, met, not_met, pending


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


class DebtClearedArgs(Args):
    """Every debt's latest balance on D is zero (P09 with target 0)."""

    kinds: list[str] | None = None
    months: int = Field(0, ge=0)
    from_: Anchor = Field("identified", alias="from")


def build_debt_cleared(a: DebtClearedArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        recs = [
            r
            for r in ctx.timeline.of_type("debt_recorded")
            if r.occurred_on <= ctx.on and (a.kinds is None or r.get("kind") in a.kinds)
        ]
        if not recs:
            return insufficient("no debt balance recorded")
        current: dict[str, int] = {}
        cleared_since: date | None = None
        for r in sorted(recs, key=lambda r: r.occurred_on):
            current[str(r.get("debt"))] = int(r.get("balance"))
            total = sum(current.values())
            cleared_since = (cleared_since or r.occurred_on) if total == 0 else None
        total = sum(current.values())
        facts = tuple(r.key for r in recs)
        if cleared_since is None:
            return pending(
                f"debts total {_pounds(total)} on {ctx.on.isoformat()} (not cleared)",
                expected_on=None,
                facts=facts,
            )
        if cleared_since < ctx.identified:
            return not_met(
                f"debts were already cleared on {cleared_since.isoformat()}, before the need "
                f"was identified ({ctx.identified.isoformat()})",
                facts=facts,
            )
        return sustain(
            ctx, cleared_since, a.months, a.from_, f"debt cleared on {cleared_since}", facts
        )

    return rule


class DebtPlanArgs(Args):
    """A debt management plan committed to and adhered to for ``months`` (EMP viii (d))."""

    months: PositiveInt = 3
    from_: Anchor = Field("identified", alias="from")


def build_debt_plan_adhered(a: DebtPlanArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        lo = ctx.anchor(a.from_) or ctx.identified
        starts = [r for r in ctx.timeline.of_type("debt_plan_started") if r.occurred_on <= ctx.on]
        if not starts:
            return pending("no debt management plan started", expected_on=None)
        ends = {
            str(r.get("plan")): r
            for r in ctx.timeline.of_type("debt_plan_ended")
            if r.occurred_on <= ctx.on
        }
        missed = [r for r in ctx.timeline.of_type("debt_payment_missed") if r.occurred_on <= ctx.on]
        best: Result | None = None
        for s in starts:
            plan = str(s.get("plan"))
            begun = max(s.occurred_on, lo)
            # adherence restarts after the last missed payment (a missed payment breaks it)
            for m in missed:
                if str(m.get("plan")) == plan and m.occurred_on >= begun:
                    begun = date.fromordinal(m.occurred_on.toordinal() + 1)
            due = add_months(begun, a.months)
            end = ends.get(plan)
            window = (Window(f"debt plan {plan} adhered {a.months} months", begun, due),)
            facts = (s.key,)
            if end is not None and end.get("outcome") == "broken" and end.occurred_on < due:
                r = not_met(
                    f"debt plan {plan} broken on {end.occurred_on.isoformat()} before "
                    f"{a.months} months of adherence",
                    facts=(*facts, end.key),
                    windows=window,
                )
            elif end is not None and end.occurred_on < due and end.get("outcome") != "completed":
                r = not_met(
                    f"debt plan {plan} closed on {end.occurred_on.isoformat()} before "
                    f"{a.months} months of adherence",
                    facts=(*facts, end.key),
                    windows=window,
                )
            elif due <= ctx.on or (
                end is not None and end.get("outcome") == "completed" and end.occurred_on >= due
            ):
                r = met(
                    f"debt plan {plan} adhered to for {a.months} months from "
                    f"{begun.isoformat()} (no missed payment)",
                    since=due,
                    facts=facts,
                    windows=window,
                )
            else:
                r = pending(
                    f"debt plan {plan} adhered to since {begun.isoformat()}; {a.months} months "
                    f"on {due.isoformat()}",
                    expected_on=due,
                    facts=facts,
                    windows=window,
                )
            order = {"met": 3, "pending": 2, "not_met": 1}
            if best is None or order.get(r.status, 0) > order.get(best.status, 0):
                best = r
        assert best is not None
        return best

    return rule


class FinancesArgs(Args):
    """Income up or expenditure down against the reading at identification (EMP viii (c))."""

    from_: Anchor = Field("identified", alias="from")


def build_finances_improved(a: FinancesArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        lo = ctx.anchor(a.from_) or ctx.identified
        recs = sorted(
            (r for r in ctx.timeline.of_type("finances_recorded") if r.occurred_on <= ctx.on),
            key=lambda r: r.occurred_on,
        )
        before = [r for r in recs if r.occurred_on <= lo]
        after = [r for r in recs if r.occurred_on > lo]
        if not before:
            return insufficient(
                f"no income/expenditure recorded on or before {lo.isoformat()} to compare with"
            )
        base, now = before[-1], (after[-1] if after else None)
        if now is None:
            return pending("no income/expenditure recorded since identification", expected_on=None)
        bi, be = int(base.get("monthly_income")), int(base.get("monthly_expenditure"))
        ni, ne = int(now.get("monthly_income")), int(now.get("monthly_expenditure"))
        text = (
            f"income {_pounds(ni)} / expenditure {_pounds(ne)} a month on "
            f"{now.occurred_on.isoformat()} against {_pounds(bi)} / {_pounds(be)} on "
            f"{base.occurred_on.isoformat()}"
        )
        facts = (base.key, now.key)
        if ni > bi or ne < be:
            return met(text, since=now.occurred_on, facts=facts)
        return pending(text + " (neither improved)", expected_on=None, facts=facts)

    return rule


register_primitive(
    "debt_cleared",
    DebtClearedArgs,
    build_debt_cleared,
    "every debt's latest balance is zero (cleared after identification), sustained `months`",
)
register_primitive(
    "debt_plan_adhered",
    DebtPlanArgs,
    build_debt_plan_adhered,
    "a debt management plan held `months` with no missed payment (restarts after one)",
)
register_primitive(
    "finances_improved",
    FinancesArgs,
    build_finances_improved,
    "latest monthly income above, or expenditure below, the reading at identification",
)
