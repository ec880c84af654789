"""Shared employment primitives: weeks k of n, k consecutive weeks, earnings at the AET and
continuous spells of work or of being off benefits (catalogue §8 P18–P21, R19–R21;
Hertfordshire 2018 strand 4 SA, FL-HT-6; Troubled Families AET, FL-TF-7).

Every primitive here works on a *daily state* of one person, built from the spells of
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

from collections.abc import Callable, Sequence
from datetime import date
from typing import Literal

from pydantic import Field, PositiveInt, model_validator

from sftimeline.policies.context import Context
from sftimeline.policies.leaves._common import Anchor
from sftimeline.policies.leaves.employment_aet_latest import aet_on
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.days import day_after, day_before
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, Window, any_of, insufficient, met, pending
from sftimeline.projections.weeks import (
    ONE_WEEK,
    add_weeks,
    days_of_week,
    last_sunday_on_or_before,
    whole_weeks_ending,
)
from sftimeline.records import Record

#: out-of-work benefits, and Universal Credit with work-related conditions (TF 2020
#: App1-P4-1; the default of every ``benefits`` condition here)
OUT_OF_WORK = (
    "jsa",
    "esa",
    "income_support",
    "incapacity_benefit",
    "carers_allowance",
    "disablement_allowance",
    "uc_work_related",
    "uc_work_preparation",
    "uc_work_focused_interview",
)
#: Universal Credit regimes (catalogue R19): on UC at the AET the claim does not count
UC = ("uc_work_related", "uc_work_preparation", "uc_work_focused_interview", "uc_other",
      "uc_no_work_requirements")  # fmt: skip
#: Hertfordshire 4.SA: "26 out of 30 weeks for JSA / UC work-related conditions"
LONG_BENEFITS = ("jsa", "uc_work_related")

Spell = tuple[date, date | None]


def _spells(
    ctx: Context, person: str, kind: str, keep: Callable[[Record], bool] = lambda r: True
) -> list[Spell]:
    """(first day, last day or None) of each ``kind`` spell of ``person`` known by D.

    Benefit spells pair a start with the next end of the same benefit."""
    out: list[Spell] = []
    ends = [r for r in ctx.timeline.of_type(f"{kind}_ended") if r.person == person]
    for s in ctx.timeline.of_type(f"{kind}_started"):
        if s.person != person or not keep(s):
            continue
        end = next(
            (
                e.occurred_on
                for e in ends
                if e.occurred_on >= s.occurred_on
                and (kind != "benefit" or e.get("benefit") == s.get("benefit"))
            ),
            None,
        )
        out.append((s.occurred_on, end))
    return out


def _benefit_spells(ctx: Context, person: str, benefit: str) -> list[Spell]:
    return _spells(ctx, person, "benefit", lambda r: r.get("benefit") == benefit)


def _open(sp: Sequence[Spell], day: date) -> bool:
    return any(s <= day and (e is None or e >= day) for s, e in sp)


class StateArgs(Args):
    """Arguments that define the daily state (shared by every primitive here)."""

    #: require an open employment spell on each day
    in_work: bool = True
    #: out-of-work benefits that must not be claimed on a day ([] = no benefit condition)
    benefits: list[str] = Field(default=list(OUT_OF_WORK))
    #: a UC claim does not count while the latest earnings reach the AET (4.SA)
    uc_at_aet: bool = False
    #: self-employment counts as work (the AET itself never applies to it, FL-TF-7)
    self_employed: bool = True
    who: Literal["person", "household"] = "household"
    from_: Anchor = Field("identified", alias="from")


class PersonState:
    """The daily state of one person (see the module docstring), as known by D."""

    def __init__(self, ctx: Context, person: str, a: StateArgs) -> None:
        self.on = ctx.on
        self.lo = ctx.anchor(a.from_) or ctx.identified
        self.a = a
        self.work = _spells(
            ctx,
            person,
            "employment",
            (lambda r: True) if a.self_employed else (lambda r: r.get("kind") != "self_employed"),
        )
        wanted = set(a.benefits)
        self.bens = [(s, e, str(b)) for b in wanted for s, e in _benefit_spells(ctx, person, b)]
        self.earnings = [r for r in ctx.timeline.of_type("earnings_reported") if r.person == person]
        self.points = {self.lo}
        for s, e in self.work:
            self.points.add(s)
            if e is not None:
                self.points.add(day_after(e))
        for s, e, _ in self.bens:
            self.points.add(s)
            if e is not None:
                self.points.add(day_after(e))
        self.points.update(r.occurred_on for r in self.earnings)
        self.facts = tuple(
            r.key
            for r in ctx.timeline.of_type(
                "employment_started", "employment_ended", "benefit_started", "benefit_ended"
            )
            if r.person == person
        )

    def at_aet(self, day: date) -> bool:
        latest = [r for r in self.earnings if r.occurred_on <= day]
        if not latest:
            return False
        r = latest[-1]
        t = aet_on(r.occurred_on, str(r.get("household")))
        return t is not None and int(r.get("gross_pay")) >= t

    def holds(self, day: date) -> bool:
        """The state on ``day``; a day after D takes D's state (forecast)."""
        day = min(day, self.on)
        if day < self.lo:
            return False
        if self.a.in_work and not _open(self.work, day):
            return False
        for s, e, b in self.bens:
            if s <= day and (e is None or e >= day):
                if self.a.uc_at_aet and b in UC and self.at_aet(day):
                    continue
                return False
        return True

    def week(self, monday: date) -> bool:
        return all(self.holds(d) for d in days_of_week(monday))


def describe(a: StateArgs) -> str:
    parts = []
    if a.in_work:
        parts.append("in work")
    if a.benefits:
        parts.append(
            "off " + "/".join(a.benefits) + (" (UC at the AET allowed)" if a.uc_at_aet else "")
        )
    return " and ".join(parts) or "any state"


def weeks_result(
    st: PersonState, person: str, label: str, k: int, n: int, consecutive: bool
) -> Result:
    """P19/P20 for one person: exact met_since (the Sunday from which it held without a
    break) and expected_on (the first Sunday it holds if D's state continues)."""

    def ok(sunday: date) -> bool:
        weeks = [st.week(m) for m, _ in whole_weeks_ending(sunday, n)]
        if not consecutive:
            return sum(weeks) >= k
        run = best = 0
        for w in weeks:
            run = run + 1 if w else 0
            best = max(best, run)
        return best >= k

    sunday = last_sunday_on_or_before(st.on)
    weeks = whole_weeks_ending(sunday, n)
    got = sum(st.week(m) for m, _ in weeks)
    win = (Window(f"last {n} weeks", weeks[0][0], weeks[-1][1]),)
    need = f"{k} consecutive" if consecutive else f"{k}"
    text = (
        f"{person}: {got} of the last {n} whole weeks to {sunday.isoformat()} {label} (need {need})"
    )
    values = {"weeks": got, "k": k, "n": n}
    if ok(sunday):
        d = sunday
        while d - ONE_WEEK >= st.lo and ok(d - ONE_WEEK):
            d -= ONE_WEEK
        return met(
            text + f"; holds since {d.isoformat()}",
            since=d,
            windows=win,
            values=values,
            facts=st.facts,
        )
    if st.holds(st.on):
        d = sunday + ONE_WEEK
        for _ in range(n + 1):
            if ok(d):
                return pending(
                    text + f"; met on {d.isoformat()} if it continues",
                    expected_on=d,
                    windows=win,
                    values=values,
                    facts=st.facts,
                )
            d += ONE_WEEK
    return pending(text, expected_on=None, windows=win, values=values, facts=st.facts)


def _people(ctx: Context, who: str) -> list[str]:
    return ctx.members() if who == "household" or ctx.person is None else [ctx.person]


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
        people = _people(ctx, a.who)
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
        claimed = sorted(b for b in set(a.benefits) if _open(_benefit_spells(ctx, person, b), at))
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
        parts = [r for p in _people(ctx, a.who) if (r := one(ctx, p)) is not None]
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
        people = _people(ctx, a.who)
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
            and _open(_spells(ctx, person, "employment"), ctx.on)
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
        parts = [r for p in _people(ctx, a.who) if (r := one(ctx, p)) is not None]
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
