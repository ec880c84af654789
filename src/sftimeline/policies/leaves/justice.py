"""Crime, anti-social behaviour and youth justice primitives (catalogue P01, P02, P09, P34).

Herefordshire TF 2020 measures 1 and 2 compare "the previous 6 months" (AMB-B03) for
offences or ASB "committed by the family" (AMB-B10); measure 17 asks for "a reduction" in
domestic abuse; Appendix 1 P1 identifies families by proven offences, ASB interventions and
custody / licence / community sentences.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sftimeline.policies.context import Context, select
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import Anchor, as_date, open_since
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.change_points import month_window_points
from sftimeline.projections.months import add_months, within_months_before, within_previous_months
from sftimeline.projections.results import Result, Window, insufficient, met, pending
from sftimeline.records import IncidentKind, Record

#: justice outcomes that make an offence "proven" (catalogue R07, AMB-B11)
PROVEN_OUTCOMES = ("conviction", "caution", "youth_caution", "youth_conditional_caution")


class ReductionVsPreviousArgs(Args):
    """A reduction against "the previous ``months`` months" (docs/semantics.md §2 and §4)."""

    kinds: list[IncidentKind] = Field(min_length=1)
    #: at least this % lower; 0 with ``strict`` = any reduction ("There is a reduction")
    percent: int = Field(50, ge=0, le=100)
    strict: bool = False
    months: PositiveInt = 6
    #: previous_window: e + m <= D < e + 2m (AMB-B03 default); before_identified: the m
    #: months before the need was identified (e <= N < e + m)
    baseline: Literal["previous_window", "before_identified"] = "previous_window"
    #: family (= household): every member's records ("committed by the family", AMB-B10)
    who: Literal["family", "household", "person"] = "family"
    #: AMB-B04: a zero previous count — met only by a zero outcome count, or the reduction
    #: does not apply (met), or it cannot be shown (never met)
    zero_baseline: Literal["zero_needs_zero", "met", "not_met"] = "zero_needs_zero"
    #: AMB-B07: count each record, or each event once (records sharing an ``event_id``)
    count_by: Literal["record", "event"] = "record"
    #: the outcome window lies after this anchor (AMB-A03, FL-TF-4)
    after: Anchor = "identified"


def _reduced(
    base: int, now: int, percent: int, strict: bool, zero: str = "zero_needs_zero"
) -> bool:
    if base == 0:  # AMB-B04: by default a zero baseline is met only by a zero outcome count
        return {"zero_needs_zero": now == 0, "met": True, "not_met": False}[zero]
    if strict and now >= base:
        return False
    return now * 100 <= base * (100 - percent)


def build_reduction_vs_previous(a: ReductionVsPreviousArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        after = ctx.anchor(a.after)
        if after is None:
            return pending(f"no {a.after} date recorded yet", expected_on=None)
        person = ctx.person if a.who == "person" else None
        if a.who == "person" and person is None:
            return insufficient("the need names no person")
        recs = select(ctx.timeline.of_type("incident_recorded"), kinds=a.kinds, person=person)
        if a.count_by == "event":
            first: dict[str, Record] = {}
            single: list[Record] = []
            for r in recs:  # timeline order: the first record of an event dates it
                ev = r.get("event_id")
                if ev is None:
                    single.append(r)
                else:
                    first.setdefault(str(ev), r)
            recs = sorted([*single, *first.values()], key=lambda r: r.occurred_on)
        dates = [r.occurred_on for r in recs]
        m = a.months
        earliest = add_months(after, m)
        fixed_base = sum(1 for e in dates if within_months_before(e, ctx.identified, m))

        def counts(d: date) -> tuple[int, int]:
            now = sum(1 for e in dates if within_months_before(e, d, m))
            if a.baseline == "before_identified":
                return fixed_base, now
            prev = sum(1 for e in dates if within_previous_months(e, d, m))
            return prev, now

        def ok(d: date) -> bool:
            if d < earliest:
                return False
            base, now = counts(d)
            return _reduced(base, now, a.percent, a.strict, a.zero_baseline)

        points = sorted({earliest} | month_window_points(dates, m, spans=2))
        base, now = counts(ctx.on)
        what = "/".join(a.kinds)
        scope = str(person) if a.who == "person" else "the family"
        need = "any reduction" if a.strict and a.percent == 0 else f"a {a.percent}% reduction"
        base_text = (
            f"the {m} months before that"
            if a.baseline == "previous_window"
            else f"the {m} months to identification on {ctx.identified.isoformat()}"
        )
        text = (
            f"{now} {what} by {scope} in the {m} months to {ctx.on.isoformat()} against "
            f"{base} in {base_text} (needs {need})"
        )
        windows = (
            Window(f"outcome {m} months", add_months(ctx.on, -m), ctx.on),
            Window(
                f"previous {m} months",
                add_months(ctx.on, -2 * m)
                if a.baseline == "previous_window"
                else add_months(ctx.identified, -m),
                add_months(ctx.on, -m) if a.baseline == "previous_window" else ctx.identified,
            ),
        )
        values = {"baseline": base, "outcome": now, "percent": a.percent}
        facts = tuple(r.key for r in recs if within_months_before(r.occurred_on, ctx.on, 2 * m))
        if ok(ctx.on):
            since = ctx.on
            for p in reversed([p for p in points if p <= ctx.on]):
                if ok(p):
                    since = p
                else:
                    break
            return met(text, since=since, windows=windows, values=values, facts=facts)
        if ctx.on < earliest and ok(earliest):
            expected: date | None = earliest
        else:
            expected = next((p for p in points if p > ctx.on and ok(p)), None)
        return pending(
            text
            + (f"; met on {expected.isoformat()} if nothing else is recorded" if expected else ""),
            expected_on=expected,
            windows=windows,
            values=values,
            facts=facts,
        )

    return rule


class JusticeLookbackArgs(Args):
    """At least one proven offence (or other listed outcome) in the look-back (P02)."""

    outcomes: list[str] = Field(default=list(PROVEN_OUTCOMES))
    #: incident kinds that count as well (``proven_offence`` recorded by the police)
    kinds: list[IncidentKind] = Field(default=["proven_offence"])
    months: PositiveInt = 12
    anchor: Anchor = "identified"


def build_justice_outcome_in_lookback(a: JusticeLookbackArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        c = ctx.anchor(a.anchor) or ctx.identified
        found = [
            r
            for r in ctx.timeline.of_type("justice_outcome_recorded")
            if r.person == ctx.person and r.get("outcome") in a.outcomes
        ] + select(ctx.timeline.of_type("incident_recorded"), kinds=a.kinds, person=ctx.person)
        found = [r for r in found if within_months_before(r.occurred_on, c, a.months)]
        what = "/".join([*a.outcomes, *a.kinds])
        if found:
            return met(
                f"{len(found)} {what} record(s) for {ctx.person} in the {a.months} "
                f"months to {c.isoformat()}",
                since=c,
                facts=tuple(r.key for r in found),
            )
        return insufficient(
            f"no {what} record for {ctx.person} in the {a.months} months to {c.isoformat()}"
        )

    return rule


class JusticeSpellOpenArgs(Args):
    """A custody / licence / community sentence spell open on the anchor (P17, P34)."""

    kinds: list[str] = Field(min_length=1)
    at: Anchor = "identified"
    #: "less than 12 months from his/her release date": expected_end < at + months
    release_within_months: PositiveInt | None = None


def build_justice_spell_open(a: JusticeSpellOpenArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        at = ctx.anchor(a.at) or ctx.identified
        starts = [
            r
            for r in ctx.timeline.of_type("justice_spell_started")
            if r.person == ctx.person and r.get("kind") in a.kinds
        ]
        ends = [r for r in ctx.timeline.of_type("justice_spell_ended") if r.person == ctx.person]

        def same(s: Record, e: Record) -> bool:
            return bool(s.get("spell") == e.get("spell"))

        spell = open_since(starts, ends, same, at)
        what = "/".join(a.kinds)
        if spell is None:
            # a spell of these kinds that had ended by the day shows the opposite
            ended = [s for s in starts if s.occurred_on <= at]
            return insufficient(
                f"no {what} spell open for {ctx.person} on {at.isoformat()}"
                + (" (one had ended)" if ended else ""),
                facts=tuple(s.key for s in ended),
                contradicted=bool(ended),
            )
        text = f"{spell.get('kind')} spell {spell.get('spell')} open on {at.isoformat()}"
        if a.release_within_months is not None:
            release = as_date(spell.get("expected_end"))
            if release is None:
                return insufficient(text + ", but no expected release date is recorded")
            limit = add_months(at, a.release_within_months)
            if not release < limit:
                return insufficient(
                    f"{text}; release expected {release.isoformat()}, not less than "
                    f"{a.release_within_months} months away",
                    facts=(spell.key,),
                    contradicted=True,
                )
            text += f"; release expected {release.isoformat()}"
        return met(text, since=spell.occurred_on, facts=(spell.key,))

    return rule


register_primitive(
    "reduction_vs_previous",
    ReductionVsPreviousArgs,
    build_reduction_vs_previous,
    "incidents in the `months` to D reduced by `percent` against the previous `months` "
    "(or the months before identification); family or person (AMB-B03/B04/B10)",
)
register_primitive(
    "justice_outcome_in_lookback",
    JusticeLookbackArgs,
    build_justice_outcome_in_lookback,
    "a proven offence (justice outcome or proven_offence incident) in the `months` before `anchor`",
)
register_primitive(
    "justice_spell_open",
    JusticeSpellOpenArgs,
    build_justice_spell_open,
    "a justice spell of `kinds` open on `at`; optionally release expected within "
    "`release_within_months`",
)


class PerpetratedArgs(Args):
    """Entry (App1-P5-4..6): the person perpetrated an incident of ``kinds`` in the
    ``months`` before identification (``role`` perpetrator or offender)."""

    kinds: list[IncidentKind] = Field(min_length=1)
    months: PositiveInt = 12
    roles: list[str] = Field(default=["perpetrator", "offender"])


def build_perpetrated_in_lookback(a: PerpetratedArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        found = [
            r
            for r in select(
                ctx.timeline.of_type("incident_recorded"), kinds=a.kinds, person=ctx.person
            )
            if r.get("role") in a.roles
            and within_months_before(r.occurred_on, ctx.identified, a.months)
        ]
        what = "/".join(a.kinds)
        if found:
            return met(
                f"{ctx.person} perpetrated {len(found)} {what} incident(s) in the {a.months} "
                f"months to {ctx.identified.isoformat()}",
                since=ctx.identified,
                facts=tuple(r.key for r in found),
            )
        return insufficient(
            f"no {what} incident with {ctx.person} as perpetrator in the {a.months} months to "
            f"{ctx.identified.isoformat()}"
        )

    return rule


register_primitive(
    "perpetrated_in_lookback",
    PerpetratedArgs,
    build_perpetrated_in_lookback,
    "entry: the person perpetrated an incident of `kinds` in the `months` before identification",
)
