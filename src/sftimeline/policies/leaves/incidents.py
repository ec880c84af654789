"""Incident counts over windows: "no X for N months", reductions against a baseline
(AMB-B01/B02/B04/B05: rates per month, exact) and the severe-offence guard (AMB-B09)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from sftimeline.policies.context import Context, select
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.primitives import (
    Anchor,
    Args,
    Rule,
    _d,
    _kinds,
    _who,
    register_primitive,
)
from sftimeline.projections.change_points import month_window_points
from sftimeline.projections.months import add_months, within_months_before
from sftimeline.projections.reductions import reduction_ok
from sftimeline.projections.results import (
    Result,
    Window,
    met,
    not_met,
    pending,
)
from sftimeline.projections.windows import in_months_before, no_x_since
from sftimeline.records import IncidentKind, Record


class NoRecordsForArgs(Args):
    months: PositiveInt
    types: list[str] = Field(default=["incident_recorded"])
    kinds: list[IncidentKind] | Literal["need_measure"] | None = None
    from_: Anchor = Field("identified", alias="from")
    who: Literal["person", "household"] = "person"
    where: dict[str, list[str]] = Field(default_factory=dict)


def build_no_records_for(a: NoRecordsForArgs) -> Rule:
    types = tuple(a.types)

    def rule(ctx: Context) -> Result:
        start = ctx.anchor(a.from_)
        if start is None:
            return pending(f"no {a.from_} date recorded yet", expected_on=None)
        found = select(
            ctx.timeline.of_type(*types),
            kinds=_kinds(ctx, a.kinds),
            person=_who(ctx, a.who),
            where=a.where,
        )
        what = "/".join(_kinds(ctx, a.kinds) or types)
        last = max((r.occurred_on for r in found), default=None)
        base, since = no_x_since(last, start, a.months)
        facts = tuple(
            r.key for r in found if within_months_before(r.occurred_on, ctx.on, 2 * a.months)
        )
        window = (Window(f"no {what} for {a.months} months", base, since),)
        if since <= ctx.on:
            return met(
                f"no {what} from {base.isoformat()} for {a.months} months (held since "
                f"{since.isoformat()})",
                since=since,
                windows=window,
                facts=facts,
                values={"last": _d(last)},
            )
        return pending(
            f"no {what} for {a.months} months: last {'record ' + _d(last) if last else 'none'}"
            f", counted from {base.isoformat()}; met on {since.isoformat()}",
            expected_on=since,
            windows=window,
            facts=facts,
        )

    return rule


class ReductionArgs(Args):
    percent: int = Field(ge=0, le=100)
    kinds: list[IncidentKind] | Literal["need_measure"] = "need_measure"
    baseline_months: PositiveInt = 12
    outcome_months: PositiveInt = 6
    baseline_anchor: Anchor = "identified"
    after: Anchor = "identified"
    who: Literal["person", "household"] = "person"


def baseline_records(
    ctx: Context, kinds: Sequence[str] | None, anchor: date, months: int, person: str | None
) -> list[Record]:
    """Records within the ``months`` months before the anchor: ``e <= c < e + months``."""
    return in_months_before(
        select(ctx.timeline.of_type("incident_recorded"), kinds=kinds, person=person),
        anchor,
        months,
    )


def build_reduction(a: ReductionArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        anchor = ctx.anchor(a.baseline_anchor)
        after = ctx.anchor(a.after)
        if anchor is None or after is None:
            return pending("baseline anchor not recorded yet", expected_on=None)
        kinds = _kinds(ctx, a.kinds)
        person = _who(ctx, a.who)
        base_recs = baseline_records(ctx, kinds, anchor, a.baseline_months, person)
        base = len(base_recs)
        later = [
            r.occurred_on
            for r in select(ctx.timeline.of_type("incident_recorded"), kinds=kinds, person=person)
        ]
        earliest = add_months(after, a.outcome_months)

        def ok(d: date) -> bool:
            if d < earliest:
                return False
            now = sum(1 for e in later if within_months_before(e, d, a.outcome_months))
            return reduction_ok(now, base, a.percent, a.outcome_months, a.baseline_months)

        now = sum(1 for e in later if within_months_before(e, ctx.on, a.outcome_months))
        window = (
            Window(
                f"baseline {a.baseline_months} months",
                add_months(anchor, -a.baseline_months),
                anchor,
            ),
            Window(
                f"outcome {a.outcome_months} months", add_months(ctx.on, -a.outcome_months), ctx.on
            ),
        )
        values = {"baseline": base, "outcome": now, "percent": a.percent}
        text = (
            f"{now} incident(s) in the {a.outcome_months} months to {ctx.on.isoformat()} against "
            f"{base} in the {a.baseline_months} months to {anchor.isoformat()} "
            f"(needs a {a.percent}% lower monthly rate)"
        )
        facts = tuple(r.key for r in base_recs)
        points = sorted({earliest} | month_window_points(later, a.outcome_months))
        if ok(ctx.on):
            since = ctx.on
            # walking back from D, every later change point has already held, so the
            # first that does not hold ends the run (one test per point, not one per pair)
            for p in reversed([p for p in points if p <= ctx.on]):
                if ok(p):
                    since = p
                else:
                    break
            # the condition is piecewise constant between change points
            return met(text, since=since, windows=window, values=values, facts=facts)
        expected = next((p for p in points if p > ctx.on and ok(p)), None)
        return pending(
            text + (f"; met on {expected.isoformat()}" if expected else ""),
            expected_on=expected,
            windows=window,
            values=values,
            facts=facts,
        )

    return rule


class NoSevereArgs(Args):
    kinds: list[IncidentKind] | Literal["need_measure"] = "need_measure"
    baseline_months: PositiveInt = 12
    baseline_anchor: Anchor = "identified"
    applies_to: Literal["baseline", "outcome", "both"] = "baseline"
    outcome_months: PositiveInt = 6


def _severe(ctx: Context, r: Record) -> bool:
    return r.get("severe") is True or str(r.get("offence", "")) in ctx.severe_offences


def build_no_severe_incident(a: NoSevereArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        anchor = ctx.anchor(a.baseline_anchor) or ctx.identified
        kinds = _kinds(ctx, a.kinds)
        person = ctx.person
        found: list[Record] = []
        if a.applies_to in ("baseline", "both"):
            found += [
                r
                for r in baseline_records(ctx, kinds, anchor, a.baseline_months, person)
                if _severe(ctx, r)
            ]
        if a.applies_to in ("outcome", "both"):
            found += [
                r
                for r in select(
                    ctx.timeline.of_type("incident_recorded"), kinds=kinds, person=person
                )
                if within_months_before(r.occurred_on, ctx.on, a.outcome_months) and _severe(ctx, r)
            ]
        if found:
            return not_met(
                f"severe offence(s) on {', '.join(r.occurred_on.isoformat() for r in found)}: "
                "the reduction route is closed (AMB-B09)",
                facts=tuple(r.key for r in found),
            )
        return met("no severe offence among the incidents counted", since=anchor)

    return rule


register_primitive(
    "no_records_for",
    NoRecordsForArgs,
    build_no_records_for,
    "no records of `types`/`kinds` for `months`, counted from `from`",
)
register_primitive(
    "reduction",
    ReductionArgs,
    build_reduction,
    "monthly rate down by `percent` vs the baseline (AMB-B01/B04/B05)",
)
register_primitive(
    "no_severe_incident",
    NoSevereArgs,
    build_no_severe_incident,
    "no severe incident in the baseline (and/or outcome) (AMB-B09)",
)
