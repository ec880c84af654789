"""Safeguarding plan primitives (catalogue P05, P17, P33).

Herefordshire TF 2020 measure 8: "There is an appropriate de-escalation or step-down of a
safeguarding plan – ie from child protection (CP) to children in need (CIN) to Early Help
Assessment and there is no re-referral to social care after 6 months following the end of
the plan". The de-escalation date E is a step-down from CP or CIN (or, AMB-D03, the closure
of such a plan); AMB-D04's usual reading: no accepted re-referral to the listed services
dated E < e < E + 6 months, decided on D >= E + 6 months (docs/semantics.md §2).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import Anchor
from sftimeline.policies.leaves.anchored_windows import resulted_in_support
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, Window, insufficient, met, not_met, pending
from sftimeline.records import PLAN_LEVEL_ORDER, Record


class StepDownArgs(Args):
    #: plan levels a de-escalation must start from (CP, CIN; section_47 sits between)
    from_levels: list[str] = Field(default=["cp", "section_47", "cin"])
    #: AMB-D03: what counts as de-escalation — a step-down, and/or the plan's closure
    counts: list[Literal["stepped_down", "closed"]] = Field(
        default=["stepped_down", "closed"], min_length=1
    )
    months: PositiveInt = 6
    #: AMB-D02: accepted referrals to these services are re-referrals to social care
    services: list[str] = Field(default=["childrens_social_care"])
    #: AMB-D04: within = none in the months after E; after = none from E + months to D
    window: Literal["within", "after"] = "within"
    #: the de-escalation must happen on or after this anchor (FL-TF-4)
    after: Anchor = "identified"
    #: what breaks the follow-up: an accepted re-referral to ``services`` (TF 2020 8), and/or
    #: the plan stepped back up, or a new plan opened at ``from_levels`` for the child
    #: (Hertfordshire 3.2/3.3 "has not been stepped back up in 6 months from the step down
    #: date"). Without ``step_up``, a step-up simply cancels the de-escalation.
    breaks: list[Literal["re_referral", "step_up"]] = Field(default=["re_referral"], min_length=1)
    #: only re-referrals that resulted in support break it (Hampshire CWNH i & ii)
    supported_only: bool = False


def _de_escalation(ctx: Context, a: StepDownArgs) -> tuple[Record | None, Record | None]:
    """The latest de-escalation on or before D (and after the anchor), with its plan's
    opening record; a later step-up cancels it."""
    lo = ctx.anchor(a.after) or ctx.identified
    opened = {
        r.get("plan"): r
        for r in ctx.timeline.of_type("plan_opened")
        if ctx.person is None or r.person in (None, ctx.person)
    }
    level: dict[object, str] = {k: str(v.get("level")) for k, v in opened.items()}
    found: tuple[Record | None, Record | None] = (None, None)
    for r in ctx.timeline.of_type("plan_stepped_down", "plan_stepped_up", "plan_closed"):
        plan = r.get("plan")
        if plan not in level:
            continue
        before = level[plan]
        if r.type == "plan_stepped_up":
            level[plan] = str(r.get("level"))
            if "step_up" not in a.breaks and found[0] is not None and found[0].get("plan") == plan:
                found = (None, None)
            continue
        new = str(r.get("level")) if r.type == "plan_stepped_down" else "closed"
        level[plan] = new
        kind = "stepped_down" if r.type == "plan_stepped_down" else "closed"
        lower = new == "closed" or (
            new in PLAN_LEVEL_ORDER
            and before in PLAN_LEVEL_ORDER
            and PLAN_LEVEL_ORDER.index(new) < PLAN_LEVEL_ORDER.index(before)
        )
        if before in a.from_levels and kind in a.counts and lower and r.occurred_on >= lo:
            found = (r, opened[plan])
    return found


def _breaking(ctx: Context, a: StepDownArgs, plan: Record, event: Record) -> list[Record]:
    """Records that would break the follow-up after ``event``, in timeline order."""
    out: list[Record] = []
    if "re_referral" in a.breaks:
        out += [
            r
            for r in ctx.timeline.of_type("referral_accepted")
            if r.get("service") in a.services and (not a.supported_only or resulted_in_support(r))
        ]
    if "step_up" in a.breaks:
        out += [
            r for r in ctx.timeline.of_type("plan_stepped_up") if r.get("plan") == plan.get("plan")
        ]
        out += [
            r
            for r in ctx.timeline.of_type("plan_opened")
            if r is not plan
            and str(r.get("level")) in a.from_levels
            and (ctx.person is None or r.person in (None, ctx.person))
            and r.occurred_on > event.occurred_on
        ]
    return sorted(out, key=lambda r: r.sort_key())


def _what_broke(r: Record) -> str:
    if r.type == "referral_accepted":
        return f"re-referral to {r.get('service')}"
    if r.type == "plan_stepped_up":
        return f"plan {r.get('plan')} stepped back up to {r.get('level')}"
    return f"new {r.get('level')} plan {r.get('plan')} opened"


def _breaks_text(a: StepDownArgs) -> str:
    said = []
    if "re_referral" in a.breaks:
        said.append(f"re-referral to {'/'.join(a.services)}")
    if "step_up" in a.breaks:
        said.append("step back up")
    return " or ".join(said)


def build_plan_step_down_no_rereferral(a: StepDownArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if not any(
            str(r.get("level")) in a.from_levels for r in ctx.timeline.of_type("plan_opened")
        ):
            return insufficient(f"no {'/'.join(a.from_levels)} plan recorded")
        event, plan = _de_escalation(ctx, a)
        if event is None or plan is None:
            return pending(
                f"no {' or '.join(a.counts)} of a {'/'.join(a.from_levels)} plan after "
                f"{a.after} (AMB-D03)",
                expected_on=None,
            )
        e: date = event.occurred_on
        end = add_months(e, a.months)
        verb = "stepped down" if event.type == "plan_stepped_down" else "closed"
        head = f"plan {plan.get('plan')} {verb} on {e.isoformat()}"
        refs = _breaking(ctx, a, plan, event)
        if a.window == "within":
            bad = [r for r in refs if e < r.occurred_on < end]
            win = (Window(f"{a.months} months after the plan ended", e, end),)
        else:
            bad = [r for r in refs if end <= r.occurred_on <= ctx.on]
            win = (Window(f"from {a.months} months after the plan ended", end, ctx.on),)
        facts = (plan.key, event.key)
        if bad:
            return not_met(
                f"{head}; {_what_broke(bad[0])} on "
                f"{bad[0].occurred_on.isoformat()} (AMB-D04: {a.window})",
                facts=facts + tuple(r.key for r in bad),
                windows=win,
            )
        if ctx.on < end:
            return pending(
                f"{head}; no {_breaks_text(a)} so far; the {a.months}-month follow-up ends "
                f"{end.isoformat()}",
                expected_on=end,
                facts=facts,
                windows=win,
            )
        return met(
            f"{head}; no {_breaks_text(a)} in the {a.months} months after",
            since=end,
            facts=facts,
            windows=win,
        )

    return rule


class PlanAtArgs(Args):
    """Entry: a plan of ``levels`` open at ``at`` (or, with ``ever``, opened on or
    before it) for the need's person (App1-P3-2, App1-P3-3)."""

    levels: list[str] = Field(min_length=1)
    at: Anchor = "identified"
    ever: bool = False
    #: AMB-D09: a ``plan_closed`` record's date is the plan's ``last_day`` (open on it, as
    #: every ``…_ended`` record), or the day it was ``closed`` (no longer open on it)
    closed_day: Literal["last_day", "closed"] = "last_day"


def build_plan_at(a: PlanAtArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        at = ctx.anchor(a.at) or ctx.identified
        level: dict[object, tuple[str, Record]] = {}
        seen: list[Record] = []
        for r in ctx.timeline.of_type(
            "plan_opened", "plan_stepped_down", "plan_stepped_up", "plan_closed"
        ):
            if r.occurred_on > at:
                break
            plan = r.get("plan")
            if r.type == "plan_opened":
                if ctx.person is not None and r.person not in (None, ctx.person):
                    continue
                level[plan] = (str(r.get("level")), r)
            elif plan in level:
                if r.type == "plan_closed":
                    # a plan_closed record is the plan's last day: open on that day
                    gone = r.occurred_on < at or (a.closed_day == "closed" and r.occurred_on == at)
                    level[plan] = ("closed" if gone else level[plan][0], r)
                else:
                    level[plan] = (str(r.get("level")), r)
            if plan in level and level[plan][0] in a.levels:
                seen.append(r)
        now = [rec for lvl, rec in level.values() if lvl in a.levels]
        hits = seen if a.ever else now
        what = "/".join(a.levels)
        if hits:
            return met(
                f"{what} plan {'recorded' if a.ever else 'open'} on or before {at.isoformat()}",
                since=hits[0].occurred_on,
                facts=tuple(r.key for r in hits),
            )
        # a plan of these levels that had ended (or left them) by the day shows the
        # opposite; no such plan at all only fails to show it (policies/entry.py)
        return insufficient(
            f"no {what} plan {'recorded' if a.ever else 'open'} on {at.isoformat()}"
            + (" (one had ended or left those levels)" if seen else ""),
            facts=tuple(r.key for r in seen),
            contradicted=bool(seen),
        )

    return rule


register_primitive(
    "plan_step_down_no_rereferral",
    StepDownArgs,
    build_plan_step_down_no_rereferral,
    "a CP/CIN plan stepped down (or closed) after identification and no re-referral to "
    "`services` in the `months` after (AMB-D03/D04)",
)
register_primitive(
    "plan_at",
    PlanAtArgs,
    build_plan_at,
    "entry: a plan of `levels` open at `at` (`ever`: opened on or before it)",
)
