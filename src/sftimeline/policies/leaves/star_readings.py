"""Outcomes Star / Family Star Plus readings (catalogue §8 P22, P24; Hertfordshire 2018
strands 1 row 5, 3 row 4, 4 row 4, 5 row 5, 6 rows 5–6; AMB-H01, AMB-H02, AMB-H03).

- ``star_domains_at_least``: "Family achieves 7 or more on Family Star Plus for <domains>
  … sustained across two or more readings" — every named domain at least ``threshold`` on
  the ``readings`` latest readings on or before D, all dated after identification
  (AMB-H01). ``met_since`` is the date of the latest of them (the day the second reading
  confirmed it). Another star's domain names are given per criterion (AMB-H03).
- ``star_average_improved``: "Average score has improved by at least 2 points and
  improvement has been sustained over 2 readings or more" — the average of all domains on
  each of the ``readings`` latest readings after the first reading is at least the first
  reading's average + ``delta`` (AMB-H02).
- ``star_reading_at``: entry — a reading on or before ``at`` with any of ``domains`` at most
  ``at_most`` (strand 4 row 4b, 6 row 6), or (``average_below``) a first reading whose
  average is below a value (strand 3 row 4).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import Anchor
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, insufficient, met, not_met, pending
from sftimeline.projections.scores import readings
from sftimeline.records import Record


def _score(r: Record, domain: str) -> Fraction | None:
    v = (r.get("scores") or {}).get(domain)
    return None if v is None else Fraction(str(v))


def _average(r: Record) -> Fraction:
    vals = [Fraction(str(v)) for v in (r.get("scores") or {}).values()]
    return sum(vals, Fraction(0)) / len(vals)


class DomainsArgs(Args):
    tool: str = "family_star_plus"
    domains: list[str] = Field(min_length=1)
    threshold: float = 7
    readings: PositiveInt = 2
    from_: Anchor = Field("identified", alias="from")
    #: AMB-H06: a reading that lacks a named domain is ``insufficient`` data (it is still
    #: one of the latest readings), or ``skip``ped (not a reading of those domains)
    missing_domain: Literal["insufficient", "skip"] = "insufficient"


def build_domains(a: DomainsArgs) -> Rule:
    t = Fraction(str(a.threshold))

    def rule(ctx: Context) -> Result:
        after = ctx.anchor(a.from_) or ctx.identified
        rs = [
            r
            for r in readings(ctx.timeline.of_type("assessment_scored"), ctx.on, a.tool)
            if r.occurred_on > after
            and (
                a.missing_domain == "insufficient"
                or all(_score(r, d) is not None for d in a.domains)
            )
        ]
        names = ", ".join(a.domains)
        if len(rs) < a.readings:
            return pending(
                f"{len(rs)} {a.tool} reading(s) after {after.isoformat()}; {a.readings} with "
                f"{names} at least {t} are needed",
                expected_on=None,
                facts=tuple(r.key for r in rs),
            )
        last = rs[-a.readings :]
        for r in last:
            for d in a.domains:
                s = _score(r, d)
                if s is None:
                    return insufficient(
                        f"the {a.tool} reading of {r.occurred_on.isoformat()} has no {d} score",
                        facts=(r.key,),
                    )
                if s < t:
                    return pending(
                        f"{d} scored {s} on {r.occurred_on.isoformat()}, below {t}",
                        expected_on=None,
                        facts=tuple(x.key for x in last),
                    )
        dates = " and ".join(r.occurred_on.isoformat() for r in last)
        return met(
            f"{names} at least {t} on the {a.tool} readings of {dates}",
            since=last[-1].occurred_on,
            facts=tuple(x.key for x in last),
        )

    return rule


class AverageArgs(Args):
    tool: str = "family_star_plus"
    delta: float = 2
    readings: PositiveInt = 2


def build_average(a: AverageArgs) -> Rule:
    delta = Fraction(str(a.delta))

    def rule(ctx: Context) -> Result:
        rs = readings(ctx.timeline.of_type("assessment_scored"), ctx.on, a.tool)
        if not rs:
            return insufficient(f"no {a.tool} reading: the first reading is the baseline")
        first, later = rs[0], rs[1:]
        base = _average(first)
        text = f"first {a.tool} average {float(base):.2f} on {first.occurred_on.isoformat()}"
        if len(later) < a.readings:
            return pending(
                text + f"; {a.readings} later readings needed",
                expected_on=None,
                facts=tuple(r.key for r in rs),
            )
        last = later[-a.readings :]
        for r in last:
            avg = _average(r)
            if avg - base < delta:
                return pending(
                    text
                    + f"; {float(avg):.2f} on {r.occurred_on.isoformat()} (needs +{a.delta:g})",
                    expected_on=None,
                    facts=(first.key, *(x.key for x in last)),
                )
        shown = ", ".join(f"{float(_average(r)):.2f} on {r.occurred_on.isoformat()}" for r in last)
        return met(
            text + f"; {shown} (each +{a.delta:g} or more)",
            since=last[-1].occurred_on,
            facts=(first.key, *(x.key for x in last)),
        )

    return rule


class ReadingAtArgs(Args):
    tool: str = "family_star_plus"
    domains: list[str] = Field(default_factory=list)
    at_most: float | None = None
    average_below: float | None = None
    at: Anchor = "identified"
    #: AMB-H07: with no reading on or before ``at``, the entry is ``not_shown``, or the
    #: ``first_after`` reading (the first on or before D) stands in for it
    if_none: Literal["not_shown", "first_after"] = "not_shown"


def build_reading_at(a: ReadingAtArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        at = ctx.anchor(a.at) or ctx.identified
        rs = readings(ctx.timeline.of_type("assessment_scored"), at, a.tool)
        if not rs and a.if_none == "first_after":
            later = readings(ctx.timeline.of_type("assessment_scored"), ctx.on, a.tool)
            rs = [r for r in later if r.occurred_on > at][:1]
        if not rs:
            return insufficient(f"no {a.tool} reading on or before {at.isoformat()}")
        if a.average_below is not None:
            first = rs[0]
            avg = _average(first)
            text = f"first {a.tool} average {float(avg):.2f} on {first.occurred_on.isoformat()}"
            if avg < Fraction(str(a.average_below)):
                return met(text, since=first.occurred_on, facts=(first.key,))
            return not_met(
                text + f", not below {a.average_below:g}", facts=(first.key,), contradicted=True
            )
        r = rs[-1]
        low = [
            d
            for d in a.domains
            if (s := _score(r, d)) is not None
            and a.at_most is not None
            and s <= Fraction(str(a.at_most))
        ]
        if low:
            return met(
                f"{', '.join(low)} at most {a.at_most:g} on {r.occurred_on.isoformat()}",
                since=r.occurred_on,
                facts=(r.key,),
            )
        scored = [d for d in a.domains if _score(r, d) is not None]
        unscored = [d for d in a.domains if d not in scored]
        # every named domain scored above: the reading shows the opposite; a domain the
        # reading lacks might have been low, so the entry is then only not shown
        return not_met(
            f"no domain at most {a.at_most:g} on {r.occurred_on.isoformat()}"
            + (f" ({', '.join(unscored)} not scored)" if unscored else ""),
            facts=(r.key,),
            contradicted=not unscored,
        )

    return rule


register_primitive(
    "star_domains_at_least",
    DomainsArgs,
    build_domains,
    "every named star domain ≥ `threshold` on the `readings` latest readings after `from` "
    "(AMB-H01)",
)
register_primitive(
    "star_average_improved",
    AverageArgs,
    build_average,
    "the average of all domains on each of the `readings` latest readings is ≥ the first "
    "reading's + `delta` (AMB-H02)",
)
register_primitive(
    "star_reading_at",
    ReadingAtArgs,
    build_reading_at,
    "entry: a star reading on or before `at` with a named domain ≤ `at_most`, or a first "
    "reading averaging below `average_below`",
)
