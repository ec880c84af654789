"""Entry look-backs: at least k records in the months before an anchor (e <= N < e +
months, AMB-A01)."""

from __future__ import annotations

from typing import Literal

from sftimeline.policies.context import Context, select
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.primitives import (
    Anchor,
    Args,
    Rule,
    _kinds,
    _who,
    register_primitive,
)
from sftimeline.projections.months import within_months_before
from sftimeline.projections.results import (
    Result,
    insufficient,
    met,
)
from sftimeline.records import IncidentKind


class LookbackArgs(Args):
    months: PositiveInt = 12
    at_least: PositiveInt = 1
    types: list[str] = Field(default=["incident_recorded"])
    kinds: list[IncidentKind] | Literal["need_measure"] | None = None
    anchor: Anchor = "identified"
    who: Literal["person", "household"] = "person"
    where: dict[str, list[str]] = Field(default_factory=dict)


def build_records_in_lookback(a: LookbackArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        c = ctx.anchor(a.anchor) or ctx.identified
        found = [
            r
            for r in select(
                ctx.timeline.of_type(*a.types),
                kinds=_kinds(ctx, a.kinds),
                person=_who(ctx, a.who),
                where=a.where,
            )
            if within_months_before(r.occurred_on, c, a.months)
        ]
        what = "/".join(
            [*(_kinds(ctx, a.kinds) or a.types), *(v for vs in a.where.values() for v in vs)]
        )
        if len(found) >= a.at_least:
            return met(
                f"{len(found)} {what} in the {a.months} months to {c.isoformat()}",
                since=c,
                facts=tuple(r.key for r in found),
            )
        return insufficient(
            f"the records show {len(found)} {what} in the {a.months} months to "
            f"{c.isoformat()}; the need requires at least {a.at_least}"
        )

    return rule


register_primitive(
    "records_in_lookback",
    LookbackArgs,
    build_records_in_lookback,
    "at least `at_least` records in the `months` before `anchor`",
)
