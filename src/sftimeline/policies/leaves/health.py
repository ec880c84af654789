"""Health registrations, checks, immunisations, maternity and development reviews
(catalogue §7 R28, P16, P17, P36; Herefordshire TF 2020 measures 20–22, 26, 27, App1-P6-6).

All read ``health_event_recorded``. "Family is registered with local GP" is read for every
household member on D (FL-TF-5: "family member" = a child or an adult); the state must have
held for the framework's default sustainment (FL-TF-3) counted from no earlier than the
need's identification (AMB-A03).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import Anchor, as_date, sustain
from sftimeline.policies.leaves.attendance import all_with_facts
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.months import add_months, whole_months_between, within_months_before
from sftimeline.projections.results import Result, insufficient, met, pending
from sftimeline.records import Record

Who = Literal["every_member", "every_child", "person"]
#: nobody in scope on D: the rule cannot be shown (``insufficient``: TF 2020 20-22, where the
#: measure is about those people), or holds vacuously (``holds``: Hampshire HEALTH's
#: "children should be registered … with the dentist" for an expectant parent with no child
#: yet, footnote 6 / FL-HA-9)
IfNobody = Literal["insufficient", "holds"]


def _nobody(ctx: Context, who: Who, if_nobody: IfNobody) -> Result:
    if if_nobody == "holds":
        return met(f"nobody in scope ({who}) on {ctx.on.isoformat()}: holds", since=ctx.identified)
    return insufficient(f"nobody in scope ({who}) on {ctx.on.isoformat()}")


def _events(ctx: Context, person: str, *kinds: str) -> list[Record]:
    return [
        r
        for r in ctx.timeline.of_type("health_event_recorded")
        if r.person == person and r.get("kind") in kinds
    ]


def _people(ctx: Context, who: Who) -> list[str]:
    if who == "person":
        return [ctx.person] if ctx.person else []
    return ctx.members("child" if who == "every_child" else None)


def _state_since(recs: list[Record], good: str) -> tuple[Record | None, Record | None]:
    """(first record of the current unbroken ``good`` run, latest record)."""
    if not recs:
        return None, None
    latest = recs[-1]
    if latest.get("kind") != good:
        return None, latest
    start = latest
    for r in reversed(recs):
        if r.get("kind") == good:
            start = r
        else:
            break
    return start, latest


class StateArgs(Args):
    """A two-valued health state held on D (registered / deregistered, immunisations up to
    date / overdue) by every person in scope, sustained ``months``."""

    good: str
    bad: str
    who: Who = "every_member"
    months: int = Field(0, ge=0)
    from_: Anchor = Field("identified", alias="from")
    if_nobody: IfNobody = "insufficient"


def build_health_state(a: StateArgs) -> Rule:
    label = a.good.replace("_", " ")

    def rule(ctx: Context) -> Result:
        people = _people(ctx, a.who)
        if not people:
            return _nobody(ctx, a.who, a.if_nobody)
        parts = []
        for p in people:
            start, latest = _state_since(_events(ctx, p, a.good, a.bad), a.good)
            if latest is None:
                parts.append(insufficient(f"{p}: no {label} / {a.bad.replace('_', ' ')} recorded"))
            elif start is None:
                parts.append(
                    pending(
                        f"{p}: {a.bad.replace('_', ' ')} on {latest.occurred_on.isoformat()}",
                        expected_on=None,
                        facts=(latest.key,),
                    )
                )
            else:
                text = f"{p}: {label} since {start.occurred_on.isoformat()}"
                parts.append(sustain(ctx, start.occurred_on, a.months, a.from_, text, [start.key]))
        return all_with_facts(parts)

    return rule


class CheckWithinArgs(Args):
    """Every person in scope had a ``kind`` event in the ``months`` before D (e <= D < e + m)."""

    kind: str = "dental_check"
    months: PositiveInt = 12
    who: Who = "every_member"
    if_nobody: IfNobody = "insufficient"


def build_check_within(a: CheckWithinArgs) -> Rule:
    label = a.kind.replace("_", " ")

    def rule(ctx: Context) -> Result:
        people = _people(ctx, a.who)
        if not people:
            return _nobody(ctx, a.who, a.if_nobody)
        parts = []
        for p in people:
            recs = [
                r
                for r in _events(ctx, p, a.kind)
                if within_months_before(r.occurred_on, ctx.on, a.months)
            ]
            if recs:
                last = recs[-1]
                parts.append(
                    met(
                        f"{p}: {label} on {last.occurred_on.isoformat()}, within the "
                        f"{a.months} months to {ctx.on.isoformat()}",
                        since=last.occurred_on,
                        facts=(last.key,),
                    )
                )
            else:
                parts.append(
                    pending(f"{p}: no {label} in the last {a.months} months", expected_on=None)
                )
        return all_with_facts(parts)

    return rule


class PregnancyCareArgs(Args):
    """Every pregnancy current on D or at identification (TF 2020 26): under a midwife's
    care (``midwife_booked``) and an antenatal assessment recorded since it was known."""

    requires: list[str] = Field(default=["midwife_booked", "antenatal_assessment"])


def build_pregnancy_care(a: PregnancyCareArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        preg = [
            r
            for r in ctx.timeline.of_type("pregnancy_recorded")
            if (ctx.person is None or r.person == ctx.person)
            and ((due := as_date(r.get("due_on"))) is None or due >= ctx.identified)
        ]
        if not preg:
            return insufficient("no current pregnancy recorded")
        parts = []
        for pr in preg:
            p = str(pr.person)
            got = {
                k: [r for r in _events(ctx, p, k) if r.occurred_on >= pr.occurred_on]
                for k in a.requires
            }
            missing = [k for k, rs in got.items() if not rs]
            if missing:
                parts.append(
                    pending(
                        f"{p}: pregnancy recorded {pr.occurred_on.isoformat()}; no "
                        f"{', '.join(m.replace('_', ' ') for m in missing)} yet",
                        expected_on=None,
                        facts=(pr.key,),
                    )
                )
                continue
            firsts = [rs[0] for rs in got.values()]
            since = max(r.occurred_on for r in firsts)
            parts.append(
                met(
                    f"{p}: "
                    + ", ".join(f"{r.get('kind')} {r.occurred_on.isoformat()}" for r in firsts),
                    since=since,
                    facts=(pr.key, *(r.key for r in firsts)),
                )
            )
        return all_with_facts(parts)

    return rule


class DevelopmentReviewArgs(Args):
    """Every child aged at least ``min_months`` and under ``below_months`` on D (AMB-I01)
    has a ``kind`` record dated on or after ``from_months`` of age (TF 2020 27:
    "All children in the family aged 2½ years have had an ages and stages health
    assessment")."""

    kind: str = "asq_completed"
    min_months: int = Field(30, ge=0)
    below_months: PositiveInt = 60
    from_months: int = Field(24, ge=0)


def build_development_review(a: DevelopmentReviewArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        kids: list[tuple[str, date]] = []
        for c in ctx.members("child"):
            born = ctx.born_on(c)
            if born is None:
                return insufficient(f"no date of birth for {c}")
            if a.min_months <= whole_months_between(born, ctx.on) < a.below_months:
                kids.append((c, born))
        if not kids:
            return insufficient(
                f"no child aged {a.min_months}–{a.below_months - 1} months on {ctx.on.isoformat()}"
            )
        parts = []
        for c, born in kids:
            lo = add_months(born, a.from_months)
            recs = [r for r in _events(ctx, c, a.kind) if r.occurred_on >= lo]
            if recs:
                parts.append(
                    met(
                        f"{c}: {a.kind.replace('_', ' ')} on {recs[0].occurred_on.isoformat()}",
                        since=recs[0].occurred_on,
                        facts=(recs[0].key,),
                    )
                )
            else:
                parts.append(
                    pending(
                        f"{c}: no {a.kind.replace('_', ' ')} since {lo.isoformat()}",
                        expected_on=None,
                    )
                )
        return all_with_facts(parts)

    return rule


class NotRegisteredArgs(Args):
    """Entry (App1-P6-6): some household member had no current GP or dentist
    registration at identification (no record, or deregistered)."""

    services: list[Literal["gp", "dentist"]] = Field(default=["gp", "dentist"])
    #: AMB-L01 "not registered with a dentist or GP": a member lacking ``either`` of the
    #: services, or (``both``) a member registered with neither
    missing: Literal["either", "both"] = "either"


def build_not_registered_at_identification(a: NotRegisteredArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        found = []
        for p in ctx.members():
            lacking = []
            for s in a.services:
                recs = [
                    r
                    for r in _events(ctx, p, f"{s}_registered", f"{s}_deregistered")
                    if r.occurred_on <= ctx.identified
                ]
                if not recs or recs[-1].get("kind") != f"{s}_registered":
                    lacking.append(s)
            if lacking and (a.missing == "either" or len(lacking) == len(a.services)):
                found.append(f"{p} ({'/'.join(lacking)})")
        if found:
            return met(
                f"not registered at identification: {', '.join(found)}", since=ctx.identified
            )
        return insufficient(
            "every household member was registered at identification"
            + (" with a GP or a dentist" if a.missing == "both" else ""),
            contradicted=True,
        )

    return rule


register_primitive(
    "health_state",
    StateArgs,
    build_health_state,
    "every person in scope's latest `good`/`bad` health event is `good`, sustained `months`",
)
register_primitive(
    "check_within",
    CheckWithinArgs,
    build_check_within,
    "every person in scope had a `kind` health event in the `months` before D",
)
register_primitive(
    "pregnancy_care",
    PregnancyCareArgs,
    build_pregnancy_care,
    "every current pregnancy has each of `requires` recorded since it was known",
)
register_primitive(
    "development_review",
    DevelopmentReviewArgs,
    build_development_review,
    "every child aged `min_months`–`below_months` on D has a `kind` record since "
    "`from_months` of age",
)
register_primitive(
    "not_registered_at_identification",
    NotRegisteredArgs,
    build_not_registered_at_identification,
    "entry: a household member had no GP/dentist registration at identification",
)
