"""School attendance, exclusions and enrolment primitives (catalogue P12, P13, P15, P16, P17).

Herefordshire TF 2020 headline 2 and Appendix 1 P2: attendance and exclusions over "the last
three (consecutive) school terms" — at identification for the entry indicators (AMB-A01),
at D for the outcomes; "each school age child" (measure 5); enrolment in alternative forms
of schooling (measure 6, App1-P2-3, App1-P2-5).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Literal

from sftimeline.calendar import Term, school_age_on_31_august_before
from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt, model_validator
from sftimeline.policies.leaves._common import Anchor, open_since, sustain
from sftimeline.policies.leaves.attendance import all_with_facts, attendance_over, school_children
from sftimeline.policies.leaves.exclusion_terms import (
    ExclusionCountArgs,
    build_exclusions_in_terms,
)
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.months import within_months_before
from sftimeline.projections.results import Result, insufficient, met, pending
from sftimeline.records import Record

SCHOOL_PROVIDERS = (
    "mainstream",
    "primary",
    "secondary",
    "special",
    "alternative_provision",
    "pupil_referral_unit",
    "education_support_centre",
    "hospital",
    "elective_home_education",
    "tutoring",
)


def _pct(f: Fraction) -> str:
    return f"{float(f) * 100:.1f}%"


class AttendanceBeforeArgs(Args):
    """Entry: pooled attendance over the last ``terms`` terms ended by identification is
    below ``below`` % (App1-P2-1, TF 2020 4B's "below 40% at the start"), or at most
    ``at_most`` % where the text's threshold is inclusive (Hertfordshire strand 2 row 5,
    "60% unauthorised absence or more" = at most 40% under ``xauth_a``)."""

    terms: PositiveInt = 3
    below: float | None = Field(None, ge=0, le=100)
    at_most: float | None = Field(None, ge=0, le=100)
    measure: Literal["overall", "xauth_a", "xauth_b"] = "xauth_a"

    @model_validator(mode="after")
    def _one_threshold(self) -> AttendanceBeforeArgs:
        if self.below is not None and self.at_most is not None:
            raise ValueError("give one of below and at_most, not both")
        if self.below is None and self.at_most is None:
            return self.model_copy(update={"below": 90.0})
        return self


def build_attendance_before_identification(a: AttendanceBeforeArgs) -> Rule:
    inclusive = a.at_most is not None
    threshold = a.at_most if a.at_most is not None else a.below
    limit = Fraction(str(threshold)) / 100
    said = f"at most {threshold:g}%" if inclusive else f"below {threshold:g}%"

    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no child")
        terms = ctx.term_calendar.last_n_ended(ctx.identified, a.terms)
        rate, recs, missing = attendance_over(ctx, ctx.person, terms, a.measure)
        facts = tuple(r.key for r in recs)
        span = f"{terms[0]}–{terms[-1]}"
        if missing or rate is None:
            return insufficient(
                f"{ctx.person}: no attendance known for {', '.join(missing) or span}",
                facts=facts,
            )
        text = f"{ctx.person}: {_pct(rate)} ({a.measure}) over {span}, before identification"
        if rate < limit or (inclusive and rate == limit):
            return met(text + f" ({said})", since=ctx.identified, facts=facts)
        return insufficient(text + f", not {said}", facts=facts, contradicted=True)

    return rule


class ExclusionsBeforeArgs(Args):
    """Entry: exclusions before identification — in the last ``terms`` terms ended by it
    (App1-P2-2, App1-P2-4), or dated in the ``months`` before it (e <= N < e + months,
    docs/semantics.md §2; Hertfordshire strand 2 "in the last 12 months"), or ``ever`` (on or
    before N; AMB-C18's reading of an unstated window): at least ``count`` exclusions of
    ``kinds``, or at least ``days`` days, or for a primary-phase child at least
    ``primary_days`` days (AMB-C15: phase at N). One window: ``terms`` (default 3),
    ``months`` or ``ever``."""

    terms: PositiveInt | None = None
    months: PositiveInt | None = None
    ever: bool = False
    kinds: list[Literal["fixed_term", "permanent"]] = Field(default=["fixed_term"])
    count: PositiveInt | None = 3
    days: float | None = None
    primary_days: float | None = None

    @model_validator(mode="after")
    def _one_window(self) -> ExclusionsBeforeArgs:
        given = [n for n, v in (("terms", self.terms), ("months", self.months)) if v is not None]
        if self.ever:
            given.append("ever")
        if len(given) > 1:
            raise ValueError(f"give one window, not {' and '.join(given)}")
        if not given:
            return self.model_copy(update={"terms": 3})
        return self


def _in_terms(ctx: Context, terms: list[Term], person: str, kinds: list[str]) -> list[Record]:
    cal = ctx.term_calendar
    lo, hi = cal.dates(terms[0]).start, cal.end(terms[-1])
    return [
        r
        for r in ctx.timeline.of_type("exclusion_recorded")
        if r.person == person and r.get("kind") in kinds and lo <= r.occurred_on <= hi
    ]


def _exclusions_before(
    ctx: Context, a: ExclusionsBeforeArgs, person: str
) -> tuple[list[Record], str]:
    """The person's exclusions of ``a.kinds`` in the entry window, and the window in words."""
    at = ctx.identified
    if a.terms is not None:
        terms = ctx.term_calendar.last_n_ended(at, a.terms)
        return _in_terms(ctx, terms, person, list(a.kinds)), f"over {terms[0]}–{terms[-1]}"
    mine = [
        r
        for r in ctx.timeline.of_type("exclusion_recorded")
        if r.person == person and r.get("kind") in a.kinds
    ]
    if a.ever:
        return [r for r in mine if r.occurred_on <= at], f"on or before {at.isoformat()}"
    months = a.months or 0  # the validator gives exactly one window
    in_window = [r for r in mine if within_months_before(r.occurred_on, at, months)]
    return in_window, f"in the {months} months to {at.isoformat()}"


def build_exclusions_before_identification(a: ExclusionsBeforeArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no child")
        rs, span = _exclusions_before(ctx, a, ctx.person)
        n = len(rs)
        days = sum(float(r.get("days") or 0) for r in rs)
        born = ctx.born_on(ctx.person)
        primary = born is not None and school_age_on_31_august_before(born, ctx.identified) <= 10
        text = f"{ctx.person}: {n} {'/'.join(a.kinds)} exclusion(s), {days:g} day(s) {span}"
        facts = tuple(r.key for r in rs)
        hit = (
            (a.count is not None and n >= a.count)
            or (a.days is not None and days >= a.days)
            or (a.primary_days is not None and primary and days >= a.primary_days)
        )
        if hit:
            return met(text, since=ctx.identified, facts=facts)
        return insufficient(text + " (below every threshold of the indicator)", facts=facts)

    return rule


class EveryChildExclusionsArgs(Args):
    """Each school-age child has fewer than ``fewer_than`` exclusions in the last ``terms``
    ended terms (TF 2020 measure 5, AMB-C13: children in the household on D)."""

    terms: PositiveInt = 3
    kinds: list[Literal["fixed_term", "permanent"]] = Field(default=["fixed_term"])
    fewer_than: PositiveInt = 3
    after_identification: bool = True


def build_every_child_exclusions(a: EveryChildExclusionsArgs) -> Rule:
    one = build_exclusions_in_terms(
        ExclusionCountArgs.model_construct(
            terms=a.terms,
            kinds=a.kinds,
            fewer_than=a.fewer_than,
            after_identification=a.after_identification,
        )
    )

    def rule(ctx: Context) -> Result:
        terms = ctx.term_calendar.last_n_ended(ctx.on, a.terms)
        children, unknown = school_children(ctx, terms)
        if unknown:
            return insufficient(f"no date of birth for {', '.join(unknown)}")
        if not children:
            return insufficient("no child of school age in the household")
        parts = []
        for c in children:
            r = one(replace(ctx, person=c))
            parts.append(replace(r, explanation=f"{c}: {r.explanation}"))
        return all_with_facts(parts)

    return rule


class EnrolledArgs(Args):
    """An enrolment of ``provider_types`` open on D, sustained ``months`` (TF 2020 6)."""

    provider_types: list[str] = Field(min_length=1)
    months: int = Field(0, ge=0)
    from_: Anchor = Field("identified", alias="from")


def _open_enrolment(
    ctx: Context, person: str, types: list[str] | tuple[str, ...], on: date
) -> Record | None:
    starts = [
        r
        for r in ctx.timeline.of_type("enrolment_started")
        if r.person == person and r.get("provider_type") in types
    ]
    ends = [r for r in ctx.timeline.of_type("enrolment_ended") if r.person == person]
    return open_since(starts, ends, lambda s, e: s.get("provider") == e.get("provider"), on)


def build_enrolled(a: EnrolledArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no child")
        spell = _open_enrolment(ctx, ctx.person, a.provider_types, ctx.on)
        if spell is None:
            return pending(
                f"{ctx.person}: no {'/'.join(a.provider_types)} enrolment open on "
                f"{ctx.on.isoformat()}",
                expected_on=None,
            )
        text = (
            f"{ctx.person}: enrolled at {spell.get('provider')} "
            f"({spell.get('provider_type')}) since {spell.occurred_on.isoformat()}"
        )
        return sustain(ctx, spell.occurred_on, a.months, a.from_, text, [spell.key])

    return rule


class EnrolledAtArgs(Args):
    """Entry: an enrolment of ``provider_types`` open at ``at`` (App1-P2-3); with
    ``negate``, no school enrolment of any listed type open (App1-P2-5)."""

    provider_types: list[str] = Field(default=list(SCHOOL_PROVIDERS))
    at: Anchor = "identified"
    negate: bool = False


def build_enrolled_at(a: EnrolledAtArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no child")
        at = ctx.anchor(a.at) or ctx.identified
        spell = _open_enrolment(ctx, ctx.person, a.provider_types, at)
        if a.negate:
            if spell is None:
                return met(
                    f"{ctx.person}: not registered with a school or alternative setting on "
                    f"{at.isoformat()}",
                    since=at,
                )
            return insufficient(
                f"{ctx.person}: enrolled at {spell.get('provider')} on {at.isoformat()}",
                facts=(spell.key,),
                contradicted=True,
            )
        if spell is None:
            # an enrolment of these types that had ended by the day shows the opposite
            ended = [
                r
                for r in ctx.timeline.of_type("enrolment_started")
                if r.person == ctx.person
                and r.get("provider_type") in a.provider_types
                and r.occurred_on <= at
            ]
            return insufficient(
                f"{ctx.person}: no {'/'.join(a.provider_types)} enrolment open on {at.isoformat()}"
                + (" (one had ended)" if ended else ""),
                facts=tuple(r.key for r in ended),
                contradicted=bool(ended),
            )
        return met(
            f"{ctx.person}: enrolled at {spell.get('provider')} ({spell.get('provider_type')}) "
            f"on {at.isoformat()}",
            since=spell.occurred_on,
            facts=(spell.key,),
        )

    return rule


register_primitive(
    "attendance_before_identification",
    AttendanceBeforeArgs,
    build_attendance_before_identification,
    "entry: pooled attendance over the `terms` terms ended by identification below `below`%",
)
register_primitive(
    "exclusions_before_identification",
    ExclusionsBeforeArgs,
    build_exclusions_before_identification,
    "entry: at least `count` exclusions, or `days` days (`primary_days` for primary phase), "
    "in the `terms` terms ended by identification",
)
register_primitive(
    "every_child_exclusions",
    EveryChildExclusionsArgs,
    build_every_child_exclusions,
    "each school-age child has fewer than `fewer_than` exclusions in the last `terms` terms",
)
register_primitive(
    "enrolled",
    EnrolledArgs,
    build_enrolled,
    "an enrolment of `provider_types` open on D, sustained `months`",
)
register_primitive(
    "enrolled_at",
    EnrolledAtArgs,
    build_enrolled_at,
    "entry: an enrolment of `provider_types` open at `at` (`negate`: none open)",
)
