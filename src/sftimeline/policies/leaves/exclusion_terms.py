"""Exclusions over ended terms: fewer days lost than before, fewer than k exclusions in
the last terms (AMB-C16, C17)."""

from __future__ import annotations

from typing import Literal

from sftimeline.calendar import Term
from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.primitives import (
    Args,
    Rule,
    register_primitive,
)
from sftimeline.projections.results import (
    Result,
    insufficient,
    met,
    not_met,
    pending,
)
from sftimeline.records import Record


class ExclusionDaysArgs(Args):
    terms: PositiveInt = 2
    #: a child with no days lost in the baseline terms (AMB-C16 "fewer than what?"):
    #: ``met_if_none`` - none lost in the outcome terms either holds, as a zero-baseline
    #: reduction does (docs/semantics.md AMB-B04); ``not_shown`` - "fewer" cannot be shown from
    #: zero, so the item is ``insufficient_data`` and other evidence must carry the row
    zero_baseline: Literal["met_if_none", "not_shown"] = "met_if_none"


def build_exclusion_days_reduced(a: ExclusionDaysArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        cal = ctx.term_calendar
        if ctx.person is None:
            return insufficient("the need names no child")
        base_terms = cal.last_n_ended(ctx.identified, a.terms)
        terms = cal.last_n_ended(ctx.on, a.terms)

        def days(ts: list[Term]) -> tuple[float, list[str]]:
            lo, hi = cal.dates(ts[0]).start, cal.end(ts[-1])
            rs = [
                r
                for r in ctx.timeline.of_type("exclusion_recorded")
                if r.person == ctx.person and lo <= r.occurred_on <= hi
            ]
            return sum(float(r.get("days") or 0) for r in rs), [r.key for r in rs]

        b, bf = days(base_terms)
        n, nf = days(terms)
        text = (
            f"{n:g} days lost to suspension/exclusion over {terms[0]}–{terms[-1]} against "
            f"{b:g} over {base_terms[0]}–{base_terms[-1]}"
        )
        if cal.end(terms[0]) <= ctx.identified:
            return pending(text + "; outcome terms must end after identification", expected_on=None)
        if b == 0 and a.zero_baseline == "not_shown":
            return insufficient(
                text + "; no days lost before identification, so fewer cannot be shown (AMB-C16)"
            )
        if n < b or (b == 0 and n == 0):
            return met(text, since=cal.end(terms[-1]), facts=tuple(bf + nf))
        return not_met(text, facts=tuple(bf + nf))

    return rule


class ExclusionCountArgs(Args):
    terms: PositiveInt = 2
    kinds: list[Literal["fixed_term", "permanent"]] = Field(default=["fixed_term"])
    fewer_than: PositiveInt = 2
    #: count only exclusions dated on or after identification (AMB-A03)
    after_identification: bool = True


def build_exclusions_in_terms(a: ExclusionCountArgs) -> Rule:
    """Fewer than ``fewer_than`` exclusions in the last ``terms`` ended terms
    (herefordshire-2022 1.3.2, AMB-C17). Too many is ``pending``: if nothing else is
    recorded the older terms drop out, expected at the end of the first later window
    that holds fewer."""

    def rule(ctx: Context) -> Result:
        cal = ctx.term_calendar
        if ctx.person is None:
            return insufficient("the need names no child")
        mine = [
            r
            for r in ctx.timeline.of_type("exclusion_recorded")
            if r.person == ctx.person
            and r.get("kind") in a.kinds
            and (not a.after_identification or r.occurred_on >= ctx.identified)
        ]

        def count(ts: list[Term]) -> list[Record]:
            lo, hi = cal.dates(ts[0]).start, cal.end(ts[-1])
            return [r for r in mine if lo <= r.occurred_on <= hi]

        def ok(ts: list[Term]) -> bool:
            return cal.end(ts[0]) > ctx.identified and len(count(ts)) < a.fewer_than

        terms = cal.last_n_ended(ctx.on, a.terms)
        rs = count(terms)
        text = (
            f"{len(rs)} {'/'.join(a.kinds)} exclusion(s) over {terms[0]}–{terms[-1]} "
            f"(fewer than {a.fewer_than} required)"
        )
        facts = tuple(r.key for r in rs)
        if ok(terms):
            since = cal.end(terms[-1])
            back = terms
            for _ in range(12):
                back = [t.previous() for t in back]
                if not ok(back):
                    break
                since = cal.end(back[-1])
            return met(text, since=since, facts=facts)
        ahead = terms
        for _ in range(a.terms + 3):
            ahead = [t.next() for t in ahead]
            if ok(ahead):
                when = cal.end(ahead[-1])
                return pending(
                    text + f"; met on {when.isoformat()} if nothing else is recorded",
                    expected_on=when,
                    facts=facts,
                )
        return pending(text, expected_on=None, facts=facts)

    return rule


register_primitive(
    "exclusion_days_reduced",
    ExclusionDaysArgs,
    build_exclusion_days_reduced,
    "fewer days of exclusion in the last `terms` than before",
)
register_primitive(
    "exclusions_in_terms",
    ExclusionCountArgs,
    build_exclusions_in_terms,
    "fewer than `fewer_than` exclusions of `kinds` in the last `terms` ended terms",
)
