"""States on D: a score improved, a plan ended, the latest status of a kind, in work,
notices withdrawn, a possession order suspended, an age band."""

from __future__ import annotations

from typing import Literal

from sftimeline.calendar import age_on
from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves.attendance import all_with_facts
from sftimeline.policies.primitives import (
    Anchor,
    Args,
    Rule,
    register_primitive,
)
from sftimeline.projections.months import add_months
from sftimeline.projections.results import (
    Result,
    insufficient,
    met,
    not_met,
    pending,
)
from sftimeline.records import Record


class ScoreImprovedArgs(Args):
    tools: list[str] = Field(min_length=1)
    polarity: Literal["higher_is_better", "lower_is_better"] = "lower_is_better"
    domain: str | None = None


def build_score_improved(a: ScoreImprovedArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        best: Result | None = None
        for tool in a.tools:
            rs = [
                r
                for r in ctx.timeline.of_type("assessment_scored")
                if r.get("tool") == tool and (ctx.person is None or r.person in (None, ctx.person))
            ]
            if len(rs) < 2:
                continue
            before = [r for r in rs if r.occurred_on <= ctx.identified]
            baseline = before[-1] if before else rs[0]
            latest = rs[-1]
            if latest is baseline or latest.occurred_on <= ctx.identified:
                continue

            def score(r: Record) -> float:
                scores = r.get("scores") or {}
                if a.domain:
                    return float(scores.get(a.domain, 0))
                return sum(float(v) for v in scores.values()) / max(len(scores), 1)

            b, n = score(baseline), score(latest)
            better = n < b if a.polarity == "lower_is_better" else n > b
            text = (
                f"{tool}: {n:g} on {latest.occurred_on.isoformat()} against {b:g} on "
                f"{baseline.occurred_on.isoformat()}"
            )
            if better:
                return met(
                    text + " (improved)", since=latest.occurred_on, facts=(baseline.key, latest.key)
                )
            best = not_met(text + " (not improved)", facts=(baseline.key, latest.key))
        return best or insufficient(f"needs a baseline and a later reading of {'/'.join(a.tools)}")

    return rule


class PlanEndedArgs(Args):
    how: Literal["closed_or_stepped_down", "closed"] = "closed_or_stepped_down"
    step_up_breaks: bool = True
    levels: list[Literal["early_help", "cin", "cp"]] = Field(default=["early_help", "cin", "cp"])


def build_plan_ended(a: PlanEndedArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        tl = ctx.timeline
        opened = [
            r
            for r in tl.of_type("plan_opened")
            if r.get("level") in a.levels and (ctx.person is None or r.person in (None, ctx.person))
        ]
        if not opened:
            return insufficient("no early help, CIN or CP plan recorded for this need")
        events = tl.of_type("plan_closed", "plan_stepped_down", "plan_stepped_up")
        results = []
        for p in opened:
            plan = p.get("plan")
            ev = [r for r in events if r.get("plan") == plan and r.occurred_on >= p.occurred_on]
            ends = [
                r
                for r in ev
                if r.type == "plan_closed"
                or (a.how == "closed_or_stepped_down" and r.type == "plan_stepped_down")
            ]
            if not ends:
                results.append(
                    pending(
                        f"plan {plan} ({p.get('level')}) opened "
                        f"{p.occurred_on.isoformat()} is still open",
                        expected_on=None,
                        facts=(p.key,),
                    )
                )
                continue
            end = ends[0]
            ups = [r for r in ev if r.type == "plan_stepped_up" and r.occurred_on > end.occurred_on]
            if a.step_up_breaks and ups:
                # undone by the step-up; a later step-down or closure achieves it afresh
                again = [r for r in ends if r.occurred_on > ups[-1].occurred_on]
                if not again:
                    results.append(
                        not_met(
                            f"plan {plan} stepped up again on "
                            f"{ups[-1].occurred_on.isoformat()} (AMB-D03)",
                            facts=(p.key, end.key, ups[-1].key),
                        )
                    )
                    continue
                end = again[0]
            verb = "closed" if end.type == "plan_closed" else "stepped down"
            results.append(
                met(
                    f"plan {plan} {verb} on {end.occurred_on.isoformat()}",
                    since=end.occurred_on,
                    facts=(p.key, end.key),
                )
            )
        return all_with_facts(results)

    return rule


class StatusArgs(Args):
    type: str
    field: str = "status"
    values: list[str] = Field(min_length=1)
    months: int = Field(0, ge=0)
    who: Literal["person", "household", "any"] = "any"


def build_status(a: StatusArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        rs = list(ctx.timeline.of_type(a.type))
        if a.who == "person":
            rs = [r for r in rs if r.person == ctx.person]
        elif a.who == "any" and ctx.person is not None:
            rs = [r for r in rs if r.person in (None, ctx.person)]
        if not rs:
            return insufficient(f"no {a.type} recorded")
        latest = rs[-1]
        value = str(latest.get(a.field))
        if value not in a.values:
            # a state can still change: pending, with no date (depends on unknown records)
            return pending(
                f"{a.field} {value} on {latest.occurred_on.isoformat()} "
                f"(needs {'/'.join(a.values)})",
                expected_on=None,
                facts=(latest.key,),
            )
        start = latest.occurred_on
        for r in reversed(rs):
            if str(r.get(a.field)) in a.values:
                start = r.occurred_on
            else:
                break
        start = max(start, ctx.identified)
        since = add_months(start, a.months)
        text = f"{a.field} {value} since {start.isoformat()}"
        if a.months and since > ctx.on:
            return pending(
                text + f"; {a.months} months on {since.isoformat()}",
                expected_on=since,
                facts=(latest.key,),
            )
        return met(text, since=since, facts=(latest.key,))

    return rule


class InWorkArgs(Args):
    months: int = Field(0, ge=0)


def build_in_work(a: InWorkArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        rs = [
            r
            for r in ctx.timeline.of_type("employment_started", "employment_ended")
            if r.person == ctx.person
        ]
        start: Record | None = None
        for r in rs:
            if r.type == "employment_started":
                start = start or r
            elif r.occurred_on < ctx.on:
                start = None
        if start is None:
            return not_met(
                f"{ctx.person} not in work on {ctx.on.isoformat()}",
                facts=tuple(r.key for r in rs[-1:]),
            )
        began = max(start.occurred_on, ctx.identified)
        since = add_months(began, a.months)
        if since > ctx.on:
            return pending(
                f"in work since {start.occurred_on.isoformat()}",
                expected_on=since,
                facts=(start.key,),
            )
        return met(
            f"in work since {start.occurred_on.isoformat()}", since=since, facts=(start.key,)
        )

    return rule


class NoticesClearArgs(Args):
    since: Anchor | None = None


def build_notices_clear(a: NoticesClearArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        lo = ctx.anchor(a.since) if a.since else None
        served = [
            r for r in ctx.timeline.of_type("notice_served") if lo is None or r.occurred_on >= lo
        ]
        withdrawn = list(ctx.timeline.of_type("notice_withdrawn"))
        open_, facts, last = [], [], ctx.identified
        for s in served:
            w = next(
                (
                    x
                    for x in withdrawn
                    if x.get("notice") == s.get("notice")
                    and x.get("tenancy") == s.get("tenancy")
                    and x.occurred_on >= s.occurred_on
                ),
                None,
            )
            facts.append(s.key)
            if w is None:
                open_.append(s)
            else:
                facts.append(w.key)
                last = max(last, w.occurred_on)
        if open_:
            return pending(
                f"notice {open_[0].get('notice')} served "
                f"{open_[0].occurred_on.isoformat()} not withdrawn",
                expected_on=None,
                facts=tuple(facts),
            )
        return met(
            "no notice in force" + (f" (last withdrawn {last.isoformat()})" if served else ""),
            since=last,
            facts=tuple(facts),
        )

    return rule


class SuspendedOrderArgs(Args):
    months: PositiveInt = 6


def build_possession_order_suspended(a: SuspendedOrderArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        rs = list(ctx.timeline.of_type("possession_order_suspended"))
        if not rs:
            return not_met("no suspended possession order recorded")
        r = rs[-1]
        start = max(r.occurred_on, ctx.identified)
        since = add_months(start, a.months)
        text = (
            f"possession order suspended {r.occurred_on.isoformat()}, sustained {a.months} months"
        )
        if since <= ctx.on:
            return met(text, since=since, facts=(r.key,))
        return pending(text + f" on {since.isoformat()}", expected_on=since, facts=(r.key,))

    return rule


class AgeArgs(Args):
    min: int | None = None
    max: int | None = None
    at: Anchor = "identified"


def build_age(a: AgeArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        born = ctx.born_on(ctx.person)
        if born is None:
            return insufficient(f"no date of birth for {ctx.person}")
        day = ctx.anchor(a.at) or ctx.identified
        age = age_on(born, day)
        band = f"{a.min if a.min is not None else 0}–{a.max if a.max is not None else '…'}"
        if (a.min is not None and age < a.min) or (a.max is not None and age > a.max):
            return insufficient(
                f"{ctx.person} was {age} on {day.isoformat()}, outside the "
                f"age band {band} (AMB-I01)"
            )
        return met(f"{ctx.person} aged {age} on {day.isoformat()}", since=day)

    return rule


register_primitive(
    "score_improved",
    ScoreImprovedArgs,
    build_score_improved,
    "latest reading of a tool better than the baseline reading",
)
register_primitive(
    "plan_ended",
    PlanEndedArgs,
    build_plan_ended,
    "the plan open for the need closed (or stepped down) by D",
)
register_primitive(
    "status",
    StatusArgs,
    build_status,
    "latest `type` record's `field` in `values` (for `months`)",
)
register_primitive(
    "in_work",
    InWorkArgs,
    build_in_work,
    "an employment spell is open on D",
)
register_primitive(
    "notices_clear",
    NoticesClearArgs,
    build_notices_clear,
    "every notice served has been withdrawn",
)
register_primitive(
    "possession_order_suspended",
    SuspendedOrderArgs,
    build_possession_order_suspended,
    "a suspended possession order sustained `months`",
)
register_primitive(
    "age",
    AgeArgs,
    build_age,
    "person's age at identification within [min, max]",
)
