"""Shared employment primitives: weeks k of n, k consecutive weeks, earnings at the AET and
continuous spells of work or of being off benefits (catalogue §8 P18–P21, R19–R21;
Hertfordshire 2018 strand 4 SA, FL-HT-6; Troubled Families AET, FL-TF-7).

Every primitive here works on a *daily state* of one person
(:mod:`sftimeline.policies.leaves.employment_state`), built from the spells of
``employment_started``/``employment_ended`` and ``benefit_started``/``benefit_ended``
(an ``…_ended`` record's date is the last day of the spell) and the ``earnings_reported``
records:

- ``in_work`` (day d): an employment spell is open on d (``self_employed`` spells count
  unless ``self_employed=False``);
- ``off_benefits`` (day d): no claim of any of ``benefits`` is open on d — except that,
  with ``uc_at_aet=True``, a Universal Credit claim open on d does not count while the
  latest earnings reported on or before d reach the AET for the report's household type
  (Hertfordshire 4.SA: "or remains on Universal Credit and meets the Administrative
  Earnings Threshold (AET)");
- a day before the anchor ``from`` (default: the need's identification, AMB-A03) never
  counts: the move into work must come after the family was identified.

A *week* is a whole Monday–Sunday week ending on or before the last Sunday ≤ D (semantics
§2, AMB-G01); it counts when the state holds on all seven days. For forecasts
(``expected_on``) the state on D is assumed to continue ("if nothing else is recorded").

Primitives:

- ``weeks_in_work_off_benefits`` (P19/P20): ≥ ``k`` of the last ``n`` whole weeks, or with
  ``consecutive`` a run of ``k`` consecutive weeks among the last ``n``.
- ``employment_weeks_by_benefit`` (P19 + P20, Hertfordshire 4.SA): the benefit claimed at
  identification selects the rule — ``long_benefits`` (JSA, UC all-work-related
  requirements) need ``long_k`` of ``long_n`` weeks, any other out-of-work benefit
  ``short_k`` consecutive weeks.
- ``continuous_state`` (P18): the state has held without a break for ``months`` calendar
  months or ``weeks`` weeks on D (``met_since`` = the day it completed).
- ``earnings_at_aet`` (P21): the latest earnings on or before D reach the AET in force on
  the first day of the earnings period (``reference/aet.yaml``); self-employed excluded.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt, model_validator
from sftimeline.policies.leaves._common import Anchor
from sftimeline.policies.leaves.employment_aet_latest import aet_on
from sftimeline.policies.leaves.employment_state import (
    LONG_BENEFITS,
    PersonState,
    StateArgs,
    benefit_spells,
    describe,
    open_on,
    people_measured,
    spells_of,
    weeks_result,
)
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.days import day_before
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, Window, any_of, insufficient, met, pending
from sftimeline.projections.weeks import add_weeks


class WeeksArgs(StateArgs):
    k: PositiveInt
    n: PositiveInt
    consecutive: bool = False

    @model_validator(mode="after")
    def _k_within_n(self) -> WeeksArgs:
        if self.k > self.n:
            raise ValueError(f"k={self.k} is more than n={self.n}")
        return self


def build_weeks(a: WeeksArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        people = people_measured(ctx, a.who)
        if not people:
            return insufficient("no household member to measure")
        return any_of(
            [
                weeks_result(PersonState(ctx, p, a), p, describe(a), a.k, a.n, a.consecutive)
                for p in people
            ]
        )

    return rule


class ByBenefitArgs(StateArgs):
    #: benefits whose claimants need ``long_k`` of ``long_n`` weeks (4.SA: JSA / UC
    #: work-related conditions)
    long_benefits: list[str] = Field(default=list(LONG_BENEFITS), min_length=1)
    long_k: PositiveInt = 26
    long_n: PositiveInt = 30
    #: any other out-of-work benefit: ``short_k`` consecutive weeks
    short_k: PositiveInt = 13
    #: where the benefit is taken from: open on the need's identification date
    benefit_at: Anchor = "identified"
    uc_at_aet: bool = True


def build_by_benefit(a: ByBenefitArgs) -> Rule:
    def one(ctx: Context, person: str) -> Result | None:
        at = ctx.anchor(a.benefit_at) or ctx.identified
        claimed = sorted(b for b in set(a.benefits) if open_on(benefit_spells(ctx, person, b), at))
        if not claimed:
            return None
        st = PersonState(ctx, person, a)
        on_what = "/".join(claimed) + f" on {at.isoformat()}"
        if any(b in a.long_benefits for b in claimed):
            return weeks_result(
                st, person, describe(a) + f" ({on_what})", a.long_k, a.long_n, False
            )
        return weeks_result(st, person, describe(a) + f" ({on_what})", a.short_k, a.short_k, True)

    def rule(ctx: Context) -> Result:
        parts = [r for p in people_measured(ctx, a.who) if (r := one(ctx, p)) is not None]
        if not parts:
            return insufficient(
                "no household member claimed an out-of-work benefit at identification"
            )
        return any_of(parts)

    return rule


class ContinuousArgs(StateArgs):
    months: PositiveInt | None = None
    weeks: PositiveInt | None = None

    @model_validator(mode="after")
    def _one_length(self) -> ContinuousArgs:
        if (self.months is None) == (self.weeks is None):
            raise ValueError("give exactly one of months or weeks")
        return self


def build_continuous(a: ContinuousArgs) -> Rule:
    length = f"{a.months} months" if a.months else f"{a.weeks} weeks"

    def due(start: date) -> date:
        return add_months(start, a.months) if a.months else add_weeks(start, a.weeks or 0)

    def one(ctx: Context, person: str) -> Result:
        st = PersonState(ctx, person, a)
        label = describe(a)
        if not st.holds(ctx.on):
            return pending(
                f"{person}: not {label} on {ctx.on.isoformat()}", expected_on=None, facts=st.facts
            )
        start = st.lo
        for p in sorted((p for p in st.points if p <= ctx.on), reverse=True):
            if not st.holds(day_before(p)):
                start = p
                break
        done = due(start)
        win = (Window(f"{label} for {length}", start, done),)
        text = f"{person}: {label} since {start.isoformat()}; {length} on {done.isoformat()}"
        if done <= ctx.on:
            return met(text, since=done, windows=win, facts=st.facts)
        return pending(text, expected_on=done, windows=win, facts=st.facts)

    def rule(ctx: Context) -> Result:
        people = people_measured(ctx, a.who)
        if not people:
            return insufficient("no household member to measure")
        return any_of([one(ctx, p) for p in people])

    return rule


class AetArgs(Args):
    who: Literal["person", "household"] = "household"


def build_earnings_at_aet(a: AetArgs) -> Rule:
    def one(ctx: Context, person: str) -> Result | None:
        reports = [r for r in ctx.timeline.of_type("earnings_reported") if r.person == person]
        if not reports:
            return None
        jobs = [r for r in ctx.timeline.of_type("employment_started") if r.person == person]
        if (
            jobs
            and jobs[-1].get("kind") == "self_employed"
            and open_on(spells_of(ctx, person, "employment"), ctx.on)
        ):
            return insufficient(f"{person}: self-employed; the AET does not apply (FL-TF-7)")
        r = reports[-1]
        t = aet_on(r.occurred_on, str(r.get("household")))
        pay = int(r.get("gross_pay"))
        if t is None:
            return insufficient(
                f"{person}: no AET in force on {r.occurred_on.isoformat()}", facts=(r.key,)
            )
        text = (
            f"{person}: £{pay / 100:,.2f} gross from {r.occurred_on.isoformat()} against the "
            f"{r.get('household')} AET £{t / 100:,.2f}"
        )
        values = {"gross_pay": pay, "threshold": t}
        if pay >= t:
            return met(text, since=r.occurred_on, facts=(r.key,), values=values)
        return pending(text + " (below)", expected_on=None, facts=(r.key,), values=values)

    def rule(ctx: Context) -> Result:
        parts = [r for p in people_measured(ctx, a.who) if (r := one(ctx, p)) is not None]
        if not parts:
            return pending("no earnings reported", expected_on=None)
        return any_of(parts)

    return rule


register_primitive(
    "weeks_in_work_off_benefits",
    WeeksArgs,
    build_weeks,
    "P19/P20: at least `k` of the last `n` whole weeks (or `k` consecutive) in work and off "
    "`benefits` every day, counted from `from`",
)
register_primitive(
    "employment_weeks_by_benefit",
    ByBenefitArgs,
    build_by_benefit,
    "P19+P20 (Hertfordshire 4.SA): JSA/UC work-related claimants `long_k` of `long_n` weeks, "
    "other benefits `short_k` consecutive weeks, in work and off benefits (UC at the AET allowed)",
)
register_primitive(
    "continuous_state",
    ContinuousArgs,
    build_continuous,
    "P18: in work and/or off `benefits` without a break for `months` or `weeks` on D",
)
register_primitive(
    "earnings_at_aet",
    AetArgs,
    build_earnings_at_aet,
    "P21: the latest earnings reach the AET in force at the period start (reference/aet.yaml)",
)
