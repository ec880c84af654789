"""Days lost to fixed-term exclusion below a limit (Hampshire EDU ii and iv, P14).

- EDU ii: "At primary school has missed fewer than 5 school days of school due to fixed
  term exclusions in the last 3 consecutive school terms" (``terms: 3``).
- EDU iv: "A child of any age has missed fewer than 10 days of school due to fixed term
  exclusions in the last 12 months" (``months: 12``: exclusions dated e <= D < e + 12m,
  semantics §2).

Exclusions from before identification count while they are inside the window: the child
must actually have missed fewer days in the window. Too many days is ``pending``: if
nothing else is recorded old exclusions leave the window, and the date they do is the
forecast. The window must end after identification (AMB-A03) — for terms, the first
counted term ends after identification.
"""

from __future__ import annotations

from datetime import date

from sftimeline.calendar import Term
from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt, model_validator
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.change_points import month_window_points
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, Window, insufficient, met, pending
from sftimeline.projections.windows import in_months_before
from sftimeline.records import Record


class ExclusionDaysBelowArgs(Args):
    fewer_than: float = Field(gt=0)
    terms: PositiveInt | None = None
    months: PositiveInt | None = None
    kinds: list[str] = Field(default=["fixed_term"], min_length=1)

    @model_validator(mode="after")
    def _one_window(self) -> ExclusionDaysBelowArgs:
        if (self.terms is None) == (self.months is None):
            raise ValueError("give exactly one of terms or months")
        return self


def _days(rs: list[Record]) -> float:
    return sum(float(r.get("days") or 0) for r in rs)


def build_exclusion_days_below(a: ExclusionDaysBelowArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no child")
        mine = sorted(
            (
                r
                for r in ctx.timeline.of_type("exclusion_recorded")
                if r.person == ctx.person and r.get("kind") in a.kinds
            ),
            key=lambda r: r.occurred_on,
        )
        if a.months is not None:
            return _by_months(ctx, mine, a.months, a.fewer_than)
        assert a.terms is not None
        return _by_terms(ctx, mine, a.terms, a.fewer_than)

    return rule


def _by_months(ctx: Context, mine: list[Record], months: int, limit: float) -> Result:
    def inside(day: date) -> list[Record]:
        return in_months_before(mine, day, months)

    rs = inside(ctx.on)
    n = _days(rs)
    window = tuple(
        Window(
            f"{r.occurred_on.isoformat()} within {months} months",
            r.occurred_on,
            add_months(r.occurred_on, months),
        )
        for r in rs
    )
    text = (
        f"{n:g} day(s) of fixed-term exclusion in the {months} months to "
        f"{ctx.on.isoformat()} (fewer than {limit:g} required)"
    )
    facts = tuple(r.key for r in rs)
    if n < limit:
        # met since: the earliest day from which every window to D stayed below the limit
        points = {ctx.identified}
        points |= month_window_points((r.occurred_on for r in mine), months)
        since = ctx.on
        for p in sorted((p for p in points if ctx.identified <= p <= ctx.on), reverse=True):
            if _days(inside(p)) >= limit:
                break
            since = p
        return met(text, since=since, facts=facts, windows=window)
    # drop the oldest until below the limit: it leaves the window months after its date
    remaining = n
    for r in rs:
        remaining -= float(r.get("days") or 0)
        if remaining < limit:
            when = add_months(r.occurred_on, months)
            return pending(
                text + f"; met on {when.isoformat()} if nothing else is recorded",
                expected_on=when,
                facts=facts,
                windows=window,
            )
    return pending(text, expected_on=None, facts=facts, windows=window)  # pragma: no cover


def _by_terms(ctx: Context, mine: list[Record], terms: int, limit: float) -> Result:
    cal = ctx.term_calendar

    def inside(ts: list[Term]) -> list[Record]:
        lo, hi = cal.dates(ts[0]).start, cal.end(ts[-1])
        return [r for r in mine if lo <= r.occurred_on <= hi]

    def ok(ts: list[Term]) -> bool:
        return cal.end(ts[0]) > ctx.identified and _days(inside(ts)) < limit

    ts = cal.last_n_ended(ctx.on, terms)
    rs = inside(ts)
    text = (
        f"{_days(rs):g} day(s) of fixed-term exclusion over {ts[0]}–{ts[-1]} "
        f"(fewer than {limit:g} required)"
    )
    facts = tuple(r.key for r in rs)
    if ok(ts):
        return met(text, since=cal.end(ts[-1]), facts=facts)
    ahead = ts
    for _ in range(terms + 3):
        ahead = [t.next() for t in ahead]
        if ok(ahead):
            when: date = cal.end(ahead[-1])
            return pending(
                text + f"; met on {when.isoformat()} if nothing else is recorded",
                expected_on=when,
                facts=facts,
            )
    return pending(text, expected_on=None, facts=facts)


register_primitive(
    "exclusion_days_below",
    ExclusionDaysBelowArgs,
    build_exclusion_days_below,
    "fewer than `fewer_than` days of fixed-term exclusion in the last `terms` ended terms "
    "or the last `months` months (Hampshire EDU ii, iv)",
)
