"""The daily state the employment primitives measure (catalogue §8 P18–P21): one person's
spells of work and of out-of-work benefits as known by D, and the whole weeks it held.

Not a primitive module (it registers nothing); the primitives are
:mod:`sftimeline.policies.leaves.employment` and
:mod:`sftimeline.policies.leaves.employment_benefit_spells`. The state (day d) is:

- ``in_work``: an employment spell is open on d (``self_employed`` spells count unless
  ``self_employed=False``); an ``…_ended`` record's date is the last day of the spell;
- ``off_benefits``: no claim of any of ``benefits`` is open on d — except that, with
  ``uc_at_aet=True``, a Universal Credit claim open on d does not count while the latest
  earnings reported on or before d reach the AET for the report's household type
  (Hertfordshire 4.SA: "or remains on Universal Credit and meets the Administrative
  Earnings Threshold (AET)");
- a day before the anchor ``from`` (default: the need's identification, AMB-A03) never
  counts: the move into work must come after the family was identified.

A *week* is a whole Monday–Sunday week ending on or before the last Sunday ≤ D (semantics
§2, AMB-G01; :mod:`sftimeline.projections.weeks`); it counts when the state holds on all
seven days. For forecasts (``expected_on``) the state on D is assumed to continue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field
from sftimeline.policies.leaves._common import Anchor
from sftimeline.policies.leaves.employment_aet_latest import aet_on
from sftimeline.policies.primitives import Args
from sftimeline.projections.days import day_after
from sftimeline.projections.results import Result, Window, met, pending
from sftimeline.projections.weeks import (
    ONE_WEEK,
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


def spells_of(
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


def benefit_spells(ctx: Context, person: str, benefit: str) -> list[Spell]:
    return spells_of(ctx, person, "benefit", lambda r: r.get("benefit") == benefit)


def open_on(sp: Sequence[Spell], day: date) -> bool:
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
        self.work = spells_of(
            ctx,
            person,
            "employment",
            (lambda r: True) if a.self_employed else (lambda r: r.get("kind") != "self_employed"),
        )
        wanted = set(a.benefits)
        self.bens = [(s, e, str(b)) for b in wanted for s, e in benefit_spells(ctx, person, b)]
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
        if self.a.in_work and not open_on(self.work, day):
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


def people_measured(ctx: Context, who: str) -> list[str]:
    return ctx.members() if who == "household" or ctx.person is None else [ctx.person]
