"""School attendance over ended terms (docs/semantics.md §3): pooled sessions, every
school-age child, improvements over the baseline terms, and the forecast of the term in
progress."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Literal

from sftimeline.calendar import Term, school_age_on_31_august_before
from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.primitives import (
    Args,
    Rule,
    register_primitive,
)
from sftimeline.projections.results import (
    Result,
    Status,
    insufficient,
    met,
    not_met,
    pending,
)
from sftimeline.projections.timeline import Timeline
from sftimeline.records import Record


class AttendanceArgs(Args):
    terms: PositiveInt = 2
    at_least: float = Field(90, ge=0, le=100)
    measure: Literal["overall", "xauth_a", "xauth_b"] = "overall"
    subject: Literal["every_child", "person"] = "every_child"
    #: "90% or above" is >=; "more than 90%" is > (AMB-C09)
    comparator: Literal[">=", ">"] = ">="


def _term_rate(recs: list[Record], measure: str) -> Fraction | None:
    possible = sum(int(r.get("possible_sessions")) for r in recs)
    attended = sum(int(r.get("attended_sessions")) for r in recs)
    auth = sum(int(r.get("authorised_absence_sessions") or 0) for r in recs)
    unauth = sum(int(r.get("unauthorised_absence_sessions") or 0) for r in recs)
    if measure == "xauth_a":
        if possible == 0:
            return None
        if all(r.get("unauthorised_absence_sessions") is None for r in recs):
            unauth = possible - attended - auth
        return 1 - Fraction(unauth, possible)
    if measure == "xauth_b":
        denom = possible - auth
        return Fraction(attended, denom) if denom > 0 else None
    return Fraction(attended, possible) if possible else None


def attendance_over(
    ctx: Context, child: str, terms: list[Term], measure: str
) -> tuple[Fraction | None, list[Record], list[str]]:
    """The child's pooled rate over ``terms`` from their latest ``term_attendance_posted``
    of each term (in the order the terms were first posted), and the terms missing."""
    posted = ctx.timeline.memo("term_attendance", _term_attendance)
    found = []
    missing = []
    for t in terms:
        entry = posted.get((child, t.id))
        if entry is None:
            missing.append(t.id)
        else:
            found.append(entry)
    found.sort(key=_first_posted)
    recs = [r for _, r in found]
    if missing:
        return None, recs, missing
    return _term_rate(recs, measure), recs, []


def _first_posted(entry: tuple[int, Record]) -> int:
    return entry[0]


def _term_attendance(tl: Timeline) -> dict[tuple[str | None, object], tuple[int, Record]]:
    """(person, term) → (where that term was first posted, its latest posting), in
    timeline order: every attendance window of every need of the family reads this."""
    out: dict[tuple[str | None, object], tuple[int, Record]] = {}
    for i, r in enumerate(tl.of_type("term_attendance_posted")):
        key = (r.person, r.get("term"))
        first = out.get(key)
        out[key] = (i if first is None else first[0], r)
    return out


def school_children(ctx: Context, terms: list[Term]) -> tuple[list[str], list[str]]:
    """Children of compulsory school age in the household; and those without a birth date."""
    out, unknown = [], []
    start = ctx.term_calendar.dates(terms[-1]).start
    for child in ctx.members("child"):
        born = ctx.born_on(child)
        if born is None:
            unknown.append(child)
            continue
        if 5 <= school_age_on_31_august_before(born, start) <= 15:
            out.append(child)
    return out, unknown


def _pct(f: Fraction | None) -> str:
    return "?" if f is None else f"{float(f) * 100:.1f}%"


def build_attendance(a: AttendanceArgs) -> Rule:
    threshold = Fraction(str(a.at_least)) / 100

    def rule(ctx: Context) -> Result:
        terms = ctx.term_calendar.last_n_ended(ctx.on, a.terms)
        result = window(ctx, terms)
        if result.status is not Status.MET:
            return result
        # met since the end of the earliest window, going back term by term, that met too
        since = ctx.term_calendar.end(terms[-1])
        for _ in range(12):
            terms = [t.previous() for t in terms]
            if not held(ctx, terms):
                break
            since = ctx.term_calendar.end(terms[-1])
        return Result(
            result.status,
            result.explanation,
            result.windows,
            result.values,
            result.facts,
            None,
            since,
            result.parts,
            result.label,
        )

    def window(ctx: Context, terms: list[Term]) -> Result:
        if ctx.term_calendar.end(terms[0]) <= ctx.identified:
            return forecast_term_in_progress(
                ctx,
                terms,
                measured,
                f"the last {a.terms} ended terms must end after identification",
            )
        return measured(ctx, terms)

    def held(ctx: Context, terms: list[Term]) -> bool:
        """Whether ``window(ctx, terms)`` is met, without writing its explanation (the
        "met since" walk asks this of up to 12 earlier windows): a window not after
        identification is pending; otherwise met when every child's rate passes."""
        if ctx.term_calendar.end(terms[0]) <= ctx.identified:
            return False
        children, problem = who(ctx, terms)
        if problem is not None:
            return False
        for child in children:
            rate, _recs, missing = attendance_over(ctx, child, terms, a.measure)
            if missing or rate is None or not passes(rate):
                return False
        return True

    def passes(rate: Fraction) -> bool:
        return rate >= threshold if a.comparator == ">=" else rate > threshold

    def who(ctx: Context, terms: list[Term]) -> tuple[list[str], Result | None]:
        """The children measured, or why there are none to measure."""
        if a.subject == "person":
            if ctx.person is None:
                return [], insufficient("the need names no child")
            return [ctx.person], None
        children, unknown = school_children(ctx, terms)
        if unknown:
            return [], insufficient(f"no date of birth for {', '.join(unknown)}")
        if not children:
            return [], insufficient("no child of school age in the household")
        return children, None

    def measured(ctx: Context, terms: list[Term]) -> Result:
        children, problem = who(ctx, terms)
        if problem is not None:
            return problem
        passing, failing = (
            (f"at least {a.at_least}%", f"below {a.at_least}%")
            if a.comparator == ">="
            else (f"above {a.at_least}%", f"not above {a.at_least}%")
        )
        parts = []
        for child in children:
            rate, recs, missing = attendance_over(ctx, child, terms, a.measure)
            facts = tuple(r.key for r in recs)
            names = " and ".join(t.id for t in terms)
            if missing:
                parts.append(
                    insufficient(
                        f"{child}: no attendance known for {', '.join(missing)}", facts=facts
                    )
                )
            elif rate is not None and passes(rate):
                parts.append(
                    met(
                        f"{child}: {_pct(rate)} over {names} ({passing})",
                        since=ctx.term_calendar.end(terms[-1]),
                        facts=facts,
                        values={"attendance": float(rate)},
                    )
                )
            else:
                parts.append(not_met(f"{child}: {_pct(rate)} over {names}, {failing}", facts=facts))
        return all_with_facts(parts)

    return rule


def forecast_term_in_progress(
    ctx: Context, terms: list[Term], measure: Callable[[Context, list[Term]], Result], why: str
) -> Result:
    """``pending`` for a window of ended terms that does not yet lie after identification
    (semantics §3). Its forecast: the window that ends with the term in progress on D, once
    that term ends, if that term's attendance is already recorded and the window would be
    met on it; otherwise ``expected_on`` is null (it depends on records not yet known)."""
    cal = ctx.term_calendar
    ahead = [t.next() for t in terms]
    text = f"{why} ({ctx.identified.isoformat()})"
    in_progress = cal.dates(ahead[-1]).start <= ctx.on < cal.end(ahead[-1])
    if in_progress and cal.end(ahead[0]) > ctx.identified:
        r = measure(ctx, ahead)
        if r.status is Status.MET:
            end = cal.end(ahead[-1])
            return pending(
                f"{text}; {ahead[-1]} ends {end.isoformat()} with its attendance recorded: "
                f"{r.explanation}",
                expected_on=end,
                facts=r.all_facts(),
            )
    return pending(text + "; depends on the next term's attendance", expected_on=None)


def all_with_facts(parts: list[Result]) -> Result:
    """AND over the parts, the facts of every part kept on the whole."""
    from sftimeline.projections.results import all_of

    r = all_of(parts)
    return Result(
        r.status,
        r.explanation,
        r.windows,
        r.values,
        tuple(dict.fromkeys(f for p in parts for f in p.facts)),
        r.expected_on,
        r.met_since,
        r.parts,
        r.label,
    )


class AttendanceImprovementArgs(Args):
    terms: PositiveInt = 2
    improvement: float = 30
    unit: Literal["points", "relative"] = "points"
    floor: float = 50
    measure: Literal["overall", "xauth_a", "xauth_b"] = "overall"


def build_attendance_improvement(a: AttendanceImprovementArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no child")
        cal = ctx.term_calendar
        terms = cal.last_n_ended(ctx.on, a.terms)
        if cal.end(terms[0]) <= ctx.identified:
            return forecast_term_in_progress(
                ctx, terms, measured, "outcome terms must end after identification"
            )
        return measured(ctx, terms)

    def measured(ctx: Context, terms: list[Term]) -> Result:
        if ctx.person is None:
            return insufficient("the need names no child")
        cal = ctx.term_calendar
        base_terms = cal.last_n_ended(ctx.identified, a.terms)
        base, brecs, bmiss = attendance_over(ctx, ctx.person, base_terms, a.measure)
        now, nrecs, nmiss = attendance_over(ctx, ctx.person, terms, a.measure)
        facts = tuple(r.key for r in brecs + nrecs)
        if bmiss or nmiss or base is None or now is None:
            return insufficient(
                f"{ctx.person}: attendance missing for "
                f"{', '.join(bmiss + nmiss) or 'terms with no sessions'}",
                facts=facts,
            )
        floor = Fraction(str(a.floor)) / 100
        delta = Fraction(str(a.improvement)) / 100
        target = base + delta if a.unit == "points" else base * (1 + delta)
        text = (
            f"{ctx.person}: {_pct(now)} over {terms[0]}–{terms[-1]} against {_pct(base)} "
            f"over {base_terms[0]}–{base_terms[-1]} (needs +{a.improvement}"
            f"{' points' if a.unit == 'points' else '%'} and at least {a.floor}%)"
        )
        if now >= target and now >= floor:
            return met(text, since=cal.end(terms[-1]), facts=facts)
        return not_met(text, facts=facts)

    return rule


register_primitive(
    "attendance",
    AttendanceArgs,
    build_attendance,
    "pooled attendance over the last `terms` ended terms ≥ `at_least`",
)
register_primitive(
    "attendance_improvement",
    AttendanceImprovementArgs,
    build_attendance_improvement,
    "attendance improved by `improvement` with a `floor`",
)
