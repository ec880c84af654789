"""Leaf primitives of the framework DSL (docs/policies-dsl.md), with their arguments.

Each primitive has a pydantic model of its arguments (validated when a framework is
loaded, so a council's typo is reported with its location) and a ``build`` function
that turns validated arguments into a closure ``Context -> Result``. The closures
follow docs/semantics.md §2–5 exactly: windows are built forward from a record's or
anchor's date with :func:`add_months`, ``expected_on`` is the day a pending result
will be met if nothing else is recorded, ``met_since`` the day a met result started
holding without a break.

(Engineer B's ``projections/windows.py`` had not landed when these were written; the
window arithmetic lives here as small private helpers.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from sftimeline.calendar import (
    Term,
    add_months,
    age_on,
    school_age_on_31_august_before,
    within_months_before,
)
from sftimeline.policies.context import Context, select
from sftimeline.projections.results import (
    Result,
    Status,
    Window,
    evidence_required,
    insufficient,
    met,
    not_met,
    pending,
)
from sftimeline.projections.windows import reduction_ok
from sftimeline.records import IncidentKind, Record

Rule = Callable[[Context], Result]
#: ``case_closed`` = the latest closure not followed by a reopening (closure as a state);
#: ``latest_case_closed`` = the latest closure whatever followed it (Hertfordshire 3.1, where
#: the reopening is what the window watches for)
Anchor = Literal["identified", "nomination", "case_closed", "latest_case_closed", "on"]
ONE_DAY = timedelta(days=1)


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _kinds(ctx: Context, kinds: Sequence[str] | str | None) -> Sequence[str] | None:
    if kinds == "need_measure":
        return ctx.measure
    if isinstance(kinds, str):
        return (kinds,)
    return kinds


def _who(ctx: Context, who: str) -> str | None:
    return ctx.person if who == "person" else None


def _d(day: date | None) -> str:
    return day.isoformat() if day else "?"


# ---------------------------------------------------------------------------
# Evidence (P26)
# ---------------------------------------------------------------------------


class VoidingRecords(Args):
    """Records that end what an evidence record attests (``evidence.voided_by``)."""

    types: list[str] = Field(min_length=1)
    where: dict[str, list[str]] = {}
    who: Literal["person", "household"] = "person"


class EvidenceArgs(Args):
    kinds: list[str] = Field(min_length=1)
    criterion: str | None = None  # default: the criterion being evaluated
    #: evidence dated before the latest such record (up to D) no longer counts: the state it
    #: attested has ended (Hertfordshire 1.3: "no longer receiving support from TYS" is not
    #: shown by a support-ended record older than a reopening to TYS)
    voided_by: VoidingRecords | None = None


def _voided_before(ctx: Context, v: VoidingRecords | None) -> Record | None:
    """The latest record matching ``v`` (dated on or before D), if any."""
    if v is None:
        return None
    found = select(ctx.timeline.of_type(*v.types), person=_who(ctx, v.who), where=v.where)
    return found[-1] if found else None  # of_type keeps timeline order


def build_evidence(a: EvidenceArgs) -> Rule:
    kinds = tuple(a.kinds)

    def rule(ctx: Context) -> Result:
        criterion = a.criterion or ctx.criterion
        voider = _voided_before(ctx, a.voided_by)
        voided: list[Record] = []
        latest: dict[str, Record] = {}
        #: per kind, the date of the first achieved record of its latest unbroken run of
        #: achieved records: evidence re-confirmed later has held since the first one
        run_from: dict[str, date | None] = {}
        for r in ctx.timeline.of_type("evidence_recorded"):
            if r.get("criterion") != criterion or r.get("evidence") not in kinds:
                continue
            if ctx.person is not None and r.person not in (None, ctx.person):
                continue
            if r.occurred_on < ctx.identified:
                continue
            if voider is not None and r.occurred_on < voider.occurred_on:
                voided.append(r)
                continue
            kind = str(r.get("evidence"))
            latest[kind] = r
            achieved = r.get("outcome_achieved") is True
            run_from[kind] = (run_from.get(kind) or r.occurred_on) if achieved else None
        good = [r for r in latest.values() if r.get("outcome_achieved") is True]
        if good:
            first = min(d for d in run_from.values() if d is not None)
            return met(
                f"evidence recorded: {', '.join(sorted(str(r.get('evidence')) for r in good))}"
                f" (from {first.isoformat()})",
                since=first,
                facts=tuple(r.key for r in good),
                values={"accepted_kinds": list(kinds)},
            )
        said_no = [r for r in latest.values() if r.get("outcome_achieved") is not True]
        extra = " (recorded as not achieved)" if said_no else ""
        if voided and voider is not None:
            extra += (
                f" (evidence dated before the {voider.type} of {voider.occurred_on.isoformat()}"
                " no longer counts)"
            )
        return evidence_required(
            f"needs evidence for {criterion}: one of {', '.join(kinds)}{extra}",
            facts=tuple(r.key for r in said_no + voided)
            + ((voider.key,) if voided and voider is not None else ()),
            values={"accepted_kinds": list(kinds)},
        )

    return rule


# ---------------------------------------------------------------------------
# "No X for N months" (P03, semantics §2, AMB-A03)
# ---------------------------------------------------------------------------


class NoRecordsForArgs(Args):
    months: PositiveInt
    types: list[str] = ["incident_recorded"]
    kinds: list[IncidentKind] | Literal["need_measure"] | None = None
    from_: Anchor = Field("identified", alias="from")
    who: Literal["person", "household"] = "person"
    where: dict[str, list[str]] = {}


def build_no_records_for(a: NoRecordsForArgs) -> Rule:
    types = tuple(a.types)

    def rule(ctx: Context) -> Result:
        start = ctx.anchor(a.from_)
        if start is None:
            return pending(f"no {a.from_} date recorded yet", expected_on=None)
        found = select(
            ctx.timeline.of_type(*types),
            kinds=_kinds(ctx, a.kinds),
            person=_who(ctx, a.who),
            where=a.where,
        )
        what = "/".join(_kinds(ctx, a.kinds) or types)
        last = max((r.occurred_on for r in found), default=None)
        base = max(last, start) if last else start
        since = add_months(base, a.months)
        facts = tuple(r.key for r in found if within(r.occurred_on, ctx.on, 2 * a.months))
        window = (Window(f"no {what} for {a.months} months", base, since),)
        if since <= ctx.on:
            return met(
                f"no {what} from {base.isoformat()} for {a.months} months (held since "
                f"{since.isoformat()})",
                since=since,
                windows=window,
                facts=facts,
                values={"last": _d(last)},
            )
        return pending(
            f"no {what} for {a.months} months: last {'record ' + _d(last) if last else 'none'}"
            f", counted from {base.isoformat()}; met on {since.isoformat()}",
            expected_on=since,
            windows=window,
            facts=facts,
        )

    return rule


#: ``e`` is within the ``months`` months before ``on`` (``e <= on < e + months``,
#: docs/semantics.md §2); kept under this name for the leaves that import it
within = within_months_before


# ---------------------------------------------------------------------------
# Reduction against a baseline (P09/P10, AMB-B01/B02/B04/B05)
# ---------------------------------------------------------------------------


class ReductionArgs(Args):
    percent: int = Field(ge=0, le=100)
    kinds: list[IncidentKind] | Literal["need_measure"] = "need_measure"
    baseline_months: PositiveInt = 12
    outcome_months: PositiveInt = 6
    baseline_anchor: Anchor = "identified"
    after: Anchor = "identified"
    who: Literal["person", "household"] = "person"


def baseline_records(
    ctx: Context, kinds: Sequence[str] | None, anchor: date, months: int, person: str | None
) -> list[Record]:
    """Records within the ``months`` months before the anchor: ``e <= c < e + months``."""
    return [
        r
        for r in select(ctx.timeline.of_type("incident_recorded"), kinds=kinds, person=person)
        if within(r.occurred_on, anchor, months)
    ]


def build_reduction(a: ReductionArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        anchor = ctx.anchor(a.baseline_anchor)
        after = ctx.anchor(a.after)
        if anchor is None or after is None:
            return pending("baseline anchor not recorded yet", expected_on=None)
        kinds = _kinds(ctx, a.kinds)
        person = _who(ctx, a.who)
        base_recs = baseline_records(ctx, kinds, anchor, a.baseline_months, person)
        base = len(base_recs)
        later = [
            r.occurred_on
            for r in select(ctx.timeline.of_type("incident_recorded"), kinds=kinds, person=person)
        ]
        earliest = add_months(after, a.outcome_months)

        def ok(d: date) -> bool:
            if d < earliest:
                return False
            now = sum(1 for e in later if e <= d < add_months(e, a.outcome_months))
            return reduction_ok(now, base, a.percent, a.outcome_months, a.baseline_months)

        now = sum(1 for e in later if within(e, ctx.on, a.outcome_months))
        window = (
            Window(
                f"baseline {a.baseline_months} months",
                add_months(anchor, -a.baseline_months),
                anchor,
            ),
            Window(
                f"outcome {a.outcome_months} months", add_months(ctx.on, -a.outcome_months), ctx.on
            ),
        )
        values = {"baseline": base, "outcome": now, "percent": a.percent}
        text = (
            f"{now} incident(s) in the {a.outcome_months} months to {ctx.on.isoformat()} against "
            f"{base} in the {a.baseline_months} months to {anchor.isoformat()} "
            f"(needs a {a.percent}% lower monthly rate)"
        )
        facts = tuple(r.key for r in base_recs)
        points = sorted(
            {earliest, *(add_months(e, a.outcome_months) for e in later)} | {e for e in later}
        )
        if ok(ctx.on):
            since = ctx.on
            for p in reversed([p for p in points if p <= ctx.on]):
                if ok(p) and all(ok(q) for q in points if p <= q <= ctx.on):
                    since = p
                else:
                    break
            # the condition is piecewise constant between change points
            return met(text, since=since, windows=window, values=values, facts=facts)
        expected = next((p for p in points if p > ctx.on and ok(p)), None)
        return pending(
            text + (f"; met on {expected.isoformat()}" if expected else ""),
            expected_on=expected,
            windows=window,
            values=values,
            facts=facts,
        )

    return rule


class NoSevereArgs(Args):
    kinds: list[IncidentKind] | Literal["need_measure"] = "need_measure"
    baseline_months: PositiveInt = 12
    baseline_anchor: Anchor = "identified"
    applies_to: Literal["baseline", "outcome", "both"] = "baseline"
    outcome_months: PositiveInt = 6


def _severe(ctx: Context, r: Record) -> bool:
    return r.get("severe") is True or str(r.get("offence", "")) in ctx.severe_offences


def build_no_severe_incident(a: NoSevereArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        anchor = ctx.anchor(a.baseline_anchor) or ctx.identified
        kinds = _kinds(ctx, a.kinds)
        person = ctx.person
        found: list[Record] = []
        if a.applies_to in ("baseline", "both"):
            found += [
                r
                for r in baseline_records(ctx, kinds, anchor, a.baseline_months, person)
                if _severe(ctx, r)
            ]
        if a.applies_to in ("outcome", "both"):
            found += [
                r
                for r in select(
                    ctx.timeline.of_type("incident_recorded"), kinds=kinds, person=person
                )
                if within(r.occurred_on, ctx.on, a.outcome_months) and _severe(ctx, r)
            ]
        if found:
            return not_met(
                f"severe offence(s) on {', '.join(r.occurred_on.isoformat() for r in found)}: "
                "the reduction route is closed (AMB-B09)",
                facts=tuple(r.key for r in found),
            )
        return met("no severe offence among the incidents counted", since=anchor)

    return rule


# ---------------------------------------------------------------------------
# Closure-anchored windows (P04, P05, P33)
# ---------------------------------------------------------------------------


class NoneBeforeArgs(Args):
    months: PositiveInt = 1
    anchor: Anchor = "case_closed"
    types: list[str] = ["incident_recorded"]
    kinds: list[IncidentKind] | Literal["need_measure"] | None = None
    who: Literal["person", "household"] = "person"
    where: dict[str, list[str]] = {}


def build_none_before(a: NoneBeforeArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        c = ctx.anchor(a.anchor)
        what = "/".join(_kinds(ctx, a.kinds) or a.types)
        if c is None:
            return pending(
                f"no {what} in the {a.months} month(s) before {a.anchor}: "
                f"no {a.anchor} recorded yet",
                expected_on=None,
            )
        found = [
            r
            for r in select(
                ctx.timeline.of_type(*a.types),
                kinds=_kinds(ctx, a.kinds),
                person=_who(ctx, a.who),
                where=a.where,
            )
            if r.occurred_on <= c < add_months(r.occurred_on, a.months)
        ]
        win = (Window(f"{a.months} month(s) before {a.anchor}", add_months(c, -a.months), c),)
        if found:
            return not_met(
                f"{len(found)} {what} in the {a.months} month(s) before {a.anchor} "
                f"on {c.isoformat()}",
                facts=tuple(r.key for r in found),
                windows=win,
            )
        return met(
            f"no {what} in the {a.months} month(s) before {a.anchor} on {c.isoformat()}",
            since=c,
            windows=win,
        )

    return rule


class NoneAfterArgs(Args):
    months: PositiveInt = 6
    anchor: Anchor = "case_closed"
    types: list[str] = ["referral_accepted"]
    kinds: list[IncidentKind] | None = None
    services: list[str] | None = None
    who: Literal["person", "household"] = "household"
    #: only referrals that resulted in support count (Hampshire CWNH i & ii: "rereferrals
    #: which have resulted in support"): a ``referral_accepted`` with
    #: ``resulted_in_support: false`` does not; one that does not say still counts
    supported_only: bool = False


def resulted_in_support(r: Record) -> bool:
    """False only for a referral recorded as not resulting in support (catalogue R15): a
    referral that does not say is taken to have, so no claim rests on an assumption."""
    return r.get("resulted_in_support") is not False


def build_none_after(a: NoneAfterArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        c = ctx.anchor(a.anchor)
        what = "/".join(a.services or a.kinds or a.types)
        if c is None:
            return pending(
                f"no {what} in the {a.months} months after {a.anchor}: no {a.anchor} recorded yet",
                expected_on=None,
            )
        end = add_months(c, a.months)
        where = {"service": a.services} if a.services else {}
        found = [
            r
            for r in select(
                ctx.timeline.of_type(*a.types), kinds=a.kinds, person=_who(ctx, a.who), where=where
            )
            if c < r.occurred_on < end and (not a.supported_only or resulted_in_support(r))
        ]
        win = (Window(f"{a.months} months after {a.anchor}", c, end),)
        if found:
            return not_met(
                f"{what} on {found[0].occurred_on.isoformat()}, within {a.months} "
                f"months after {a.anchor} on {c.isoformat()}",
                facts=tuple(r.key for r in found),
                windows=win,
            )
        if ctx.on >= end:
            return met(
                f"no {what} in the {a.months} months after {a.anchor} on {c.isoformat()}",
                since=end,
                windows=win,
            )
        return pending(
            f"no {what} so far after {a.anchor} on {c.isoformat()}; the "
            f"{a.months}-month follow-up ends {end.isoformat()}",
            expected_on=end,
            windows=win,
        )

    return rule


class RecordsSinceArgs(Args):
    """At least ``at_least`` records of ``types`` (and ``kinds`` / ``where``) dated on or
    after ``from`` up to D, all of one person — the need's person, or any one member of the
    household. A step taken stays taken: Hertfordshire strand 4 "Starting temporary, seasonal
    or part time work" (an ``employment_started``) and "Securing and attending multiple job
    interviews" (two ``job_interview`` progress records)."""

    types: list[str] = Field(min_length=1)
    kinds: list[IncidentKind] | None = None
    where: dict[str, list[str]] = {}
    who: Literal["person", "household"] = "household"
    at_least: PositiveInt = 1
    from_: Anchor = Field("identified", alias="from")


def build_records_since(a: RecordsSinceArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        lo = ctx.anchor(a.from_) or ctx.identified
        what = "/".join([*a.types, *(v for vs in a.where.values() for v in vs)])
        found = [
            r
            for r in select(
                ctx.timeline.of_type(*a.types),
                kinds=a.kinds,
                person=_who(ctx, a.who),
                where=a.where,
            )
            if r.occurred_on >= lo
        ]
        by_person: dict[str | None, list[Record]] = {}
        for r in found:
            by_person.setdefault(r.person, []).append(r)
        reached = [rs[a.at_least - 1] for rs in by_person.values() if len(rs) >= a.at_least]
        if reached:
            kth = min(reached, key=lambda r: r.occurred_on)
            mine = by_person[kth.person][: a.at_least]
            return met(
                f"{kth.person or 'the family'}: {a.at_least} {what} record(s) since "
                f"{lo.isoformat()}, the last on {kth.occurred_on.isoformat()}",
                since=kth.occurred_on,
                facts=tuple(r.key for r in mine),
            )
        most = max((len(rs) for rs in by_person.values()), default=0)
        return pending(
            f"{most} of {a.at_least} {what} record(s) since {lo.isoformat()}",
            expected_on=None,
            facts=tuple(r.key for r in found),
        )

    return rule


class NoneSinceArgs(Args):
    anchor: Anchor = "identified"
    types: list[str] = ["incident_recorded"]
    kinds: list[IncidentKind] | Literal["need_measure"] | None = None
    who: Literal["person", "household"] = "person"
    where: dict[str, list[str]] = {}


def build_none_since(a: NoneSinceArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        c = ctx.anchor(a.anchor)
        what = "/".join(_kinds(ctx, a.kinds) or a.types)
        if c is None:
            return pending(f"no {a.anchor} recorded yet", expected_on=None)
        found = [
            r
            for r in select(
                ctx.timeline.of_type(*a.types),
                kinds=_kinds(ctx, a.kinds),
                person=_who(ctx, a.who),
                where=a.where,
            )
            if c < r.occurred_on
        ]
        win = (Window(f"since {a.anchor}", c, ctx.on),)
        if found:
            return not_met(
                f"{what} on {found[0].occurred_on.isoformat()}, after {a.anchor} on "
                f"{c.isoformat()}",
                facts=tuple(r.key for r in found),
                windows=win,
            )
        return met(f"no {what} since {a.anchor} on {c.isoformat()}", since=c, windows=win)

    return rule


# ---------------------------------------------------------------------------
# Attendance (P12, P13, P16)
# ---------------------------------------------------------------------------


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
    ids = {t.id for t in terms}
    recs: dict[str, Record] = {}
    for r in ctx.timeline.of_type("term_attendance_posted"):
        if r.person == child and r.get("term") in ids:
            recs[str(r.get("term"))] = r
    missing = [t.id for t in terms if t.id not in recs]
    if missing:
        return None, list(recs.values()), missing
    return _term_rate(list(recs.values()), measure), list(recs.values()), []


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
            if window(ctx, terms).status is not Status.MET:
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

    def measured(ctx: Context, terms: list[Term]) -> Result:
        if a.subject == "person":
            if ctx.person is None:
                return insufficient("the need names no child")
            children, unknown = [ctx.person], list[str]()
        else:
            children, unknown = school_children(ctx, terms)
        if unknown:
            return insufficient(f"no date of birth for {', '.join(unknown)}")
        if not children:
            return insufficient("no child of school age in the household")
        passes, fails = (
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
            elif rate is not None and (
                rate >= threshold if a.comparator == ">=" else rate > threshold
            ):
                parts.append(
                    met(
                        f"{child}: {_pct(rate)} over {names} ({passes})",
                        since=ctx.term_calendar.end(terms[-1]),
                        facts=facts,
                        values={"attendance": float(rate)},
                    )
                )
            else:
                parts.append(not_met(f"{child}: {_pct(rate)} over {names}, {fails}", facts=facts))
        return _all(parts)

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


def _all(parts: list[Result]) -> Result:
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
    kinds: list[Literal["fixed_term", "permanent"]] = ["fixed_term"]
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


# ---------------------------------------------------------------------------
# Scores (P25, AMB-H04)
# ---------------------------------------------------------------------------


class ScoreImprovedArgs(Args):
    tools: list[str] = Field(min_length=1)
    polarity: Literal["higher_is_better", "lower_is_better"] = "lower_is_better"
    domain: str | None = None


def build_score_improved(a: ScoreImprovedArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        best: Result | None = None
        for tool in a.tools:
            rs = [
                r
                for r in ctx.timeline.of_type("assessment_scored")
                if r.get("tool") == tool and (ctx.person is None or r.person in (None, ctx.person))
            ]
            if len(rs) < 2:
                continue
            before = [r for r in rs if r.occurred_on <= ctx.identified]
            baseline = before[-1] if before else rs[0]
            latest = rs[-1]
            if latest is baseline or latest.occurred_on <= ctx.identified:
                continue

            def score(r: Record) -> float:
                scores = r.get("scores") or {}
                if a.domain:
                    return float(scores.get(a.domain, 0))
                return sum(float(v) for v in scores.values()) / max(len(scores), 1)

            b, n = score(baseline), score(latest)
            better = n < b if a.polarity == "lower_is_better" else n > b
            text = (
                f"{tool}: {n:g} on {latest.occurred_on.isoformat()} against {b:g} on "
                f"{baseline.occurred_on.isoformat()}"
            )
            if better:
                return met(
                    text + " (improved)", since=latest.occurred_on, facts=(baseline.key, latest.key)
                )
            best = not_met(text + " (not improved)", facts=(baseline.key, latest.key))
        return best or insufficient(f"needs a baseline and a later reading of {'/'.join(a.tools)}")

    return rule


# ---------------------------------------------------------------------------
# Plans (P17)
# ---------------------------------------------------------------------------


class PlanEndedArgs(Args):
    how: Literal["closed_or_stepped_down", "closed"] = "closed_or_stepped_down"
    step_up_breaks: bool = True
    levels: list[Literal["early_help", "cin", "cp"]] = ["early_help", "cin", "cp"]


def build_plan_ended(a: PlanEndedArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        tl = ctx.timeline
        opened = [
            r
            for r in tl.of_type("plan_opened")
            if r.get("level") in a.levels and (ctx.person is None or r.person in (None, ctx.person))
        ]
        if not opened:
            return insufficient("no early help, CIN or CP plan recorded for this need")
        events = tl.of_type("plan_closed", "plan_stepped_down", "plan_stepped_up")
        results = []
        for p in opened:
            plan = p.get("plan")
            ev = [r for r in events if r.get("plan") == plan and r.occurred_on >= p.occurred_on]
            ends = [
                r
                for r in ev
                if r.type == "plan_closed"
                or (a.how == "closed_or_stepped_down" and r.type == "plan_stepped_down")
            ]
            if not ends:
                results.append(
                    pending(
                        f"plan {plan} ({p.get('level')}) opened "
                        f"{p.occurred_on.isoformat()} is still open",
                        expected_on=None,
                        facts=(p.key,),
                    )
                )
                continue
            end = ends[0]
            ups = [r for r in ev if r.type == "plan_stepped_up" and r.occurred_on > end.occurred_on]
            if a.step_up_breaks and ups:
                # undone by the step-up; a later step-down or closure achieves it afresh
                again = [r for r in ends if r.occurred_on > ups[-1].occurred_on]
                if not again:
                    results.append(
                        not_met(
                            f"plan {plan} stepped up again on "
                            f"{ups[-1].occurred_on.isoformat()} (AMB-D03)",
                            facts=(p.key, end.key, ups[-1].key),
                        )
                    )
                    continue
                end = again[0]
            verb = "closed" if end.type == "plan_closed" else "stepped down"
            results.append(
                met(
                    f"plan {plan} {verb} on {end.occurred_on.isoformat()}",
                    since=end.occurred_on,
                    facts=(p.key, end.key),
                )
            )
        return _all(results)

    return rule


# ---------------------------------------------------------------------------
# States: housing, NEET, employment (P17, P18)
# ---------------------------------------------------------------------------


class StatusArgs(Args):
    type: str
    field: str = "status"
    values: list[str] = Field(min_length=1)
    months: int = Field(0, ge=0)
    who: Literal["person", "household", "any"] = "any"


def build_status(a: StatusArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        rs = list(ctx.timeline.of_type(a.type))
        if a.who == "person":
            rs = [r for r in rs if r.person == ctx.person]
        elif a.who == "any" and ctx.person is not None:
            rs = [r for r in rs if r.person in (None, ctx.person)]
        if not rs:
            return insufficient(f"no {a.type} recorded")
        latest = rs[-1]
        value = str(latest.get(a.field))
        if value not in a.values:
            # a state can still change: pending, with no date (depends on unknown records)
            return pending(
                f"{a.field} {value} on {latest.occurred_on.isoformat()} "
                f"(needs {'/'.join(a.values)})",
                expected_on=None,
                facts=(latest.key,),
            )
        start = latest.occurred_on
        for r in reversed(rs):
            if str(r.get(a.field)) in a.values:
                start = r.occurred_on
            else:
                break
        start = max(start, ctx.identified)
        since = add_months(start, a.months)
        text = f"{a.field} {value} since {start.isoformat()}"
        if a.months and since > ctx.on:
            return pending(
                text + f"; {a.months} months on {since.isoformat()}",
                expected_on=since,
                facts=(latest.key,),
            )
        return met(text, since=since, facts=(latest.key,))

    return rule


class InWorkArgs(Args):
    months: int = Field(0, ge=0)


def build_in_work(a: InWorkArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        rs = [
            r
            for r in ctx.timeline.of_type("employment_started", "employment_ended")
            if r.person == ctx.person
        ]
        start: Record | None = None
        for r in rs:
            if r.type == "employment_started":
                start = start or r
            elif r.occurred_on < ctx.on:
                start = None
        if start is None:
            return not_met(
                f"{ctx.person} not in work on {ctx.on.isoformat()}",
                facts=tuple(r.key for r in rs[-1:]),
            )
        began = max(start.occurred_on, ctx.identified)
        since = add_months(began, a.months)
        if since > ctx.on:
            return pending(
                f"in work since {start.occurred_on.isoformat()}",
                expected_on=since,
                facts=(start.key,),
            )
        return met(
            f"in work since {start.occurred_on.isoformat()}", since=since, facts=(start.key,)
        )

    return rule


class NoticesClearArgs(Args):
    since: Anchor | None = None


def build_notices_clear(a: NoticesClearArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        lo = ctx.anchor(a.since) if a.since else None
        served = [
            r for r in ctx.timeline.of_type("notice_served") if lo is None or r.occurred_on >= lo
        ]
        withdrawn = list(ctx.timeline.of_type("notice_withdrawn"))
        open_, facts, last = [], [], ctx.identified
        for s in served:
            w = next(
                (
                    x
                    for x in withdrawn
                    if x.get("notice") == s.get("notice")
                    and x.get("tenancy") == s.get("tenancy")
                    and x.occurred_on >= s.occurred_on
                ),
                None,
            )
            facts.append(s.key)
            if w is None:
                open_.append(s)
            else:
                facts.append(w.key)
                last = max(last, w.occurred_on)
        if open_:
            return pending(
                f"notice {open_[0].get('notice')} served "
                f"{open_[0].occurred_on.isoformat()} not withdrawn",
                expected_on=None,
                facts=tuple(facts),
            )
        return met(
            "no notice in force" + (f" (last withdrawn {last.isoformat()})" if served else ""),
            since=last,
            facts=tuple(facts),
        )

    return rule


class SuspendedOrderArgs(Args):
    months: PositiveInt = 6


def build_possession_order_suspended(a: SuspendedOrderArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        rs = list(ctx.timeline.of_type("possession_order_suspended"))
        if not rs:
            return not_met("no suspended possession order recorded")
        r = rs[-1]
        start = max(r.occurred_on, ctx.identified)
        since = add_months(start, a.months)
        text = (
            f"possession order suspended {r.occurred_on.isoformat()}, sustained {a.months} months"
        )
        if since <= ctx.on:
            return met(text, since=since, facts=(r.key,))
        return pending(text + f" on {since.isoformat()}", expected_on=since, facts=(r.key,))

    return rule


# ---------------------------------------------------------------------------
# Entry conditions (P02, P35)
# ---------------------------------------------------------------------------


class AgeArgs(Args):
    min: int | None = None
    max: int | None = None
    at: Anchor = "identified"


def build_age(a: AgeArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        born = ctx.born_on(ctx.person)
        if born is None:
            return insufficient(f"no date of birth for {ctx.person}")
        day = ctx.anchor(a.at) or ctx.identified
        age = age_on(born, day)
        band = f"{a.min if a.min is not None else 0}–{a.max if a.max is not None else '…'}"
        if (a.min is not None and age < a.min) or (a.max is not None and age > a.max):
            return insufficient(
                f"{ctx.person} was {age} on {day.isoformat()}, outside the "
                f"age band {band} (AMB-I01)"
            )
        return met(f"{ctx.person} aged {age} on {day.isoformat()}", since=day)

    return rule


class LookbackArgs(Args):
    months: PositiveInt = 12
    at_least: PositiveInt = 1
    types: list[str] = ["incident_recorded"]
    kinds: list[IncidentKind] | Literal["need_measure"] | None = None
    anchor: Anchor = "identified"
    who: Literal["person", "household"] = "person"
    where: dict[str, list[str]] = {}


def build_records_in_lookback(a: LookbackArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        c = ctx.anchor(a.anchor) or ctx.identified
        found = [
            r
            for r in select(
                ctx.timeline.of_type(*a.types),
                kinds=_kinds(ctx, a.kinds),
                person=_who(ctx, a.who),
                where=a.where,
            )
            if within(r.occurred_on, c, a.months)
        ]
        what = "/".join(
            [*(_kinds(ctx, a.kinds) or a.types), *(v for vs in a.where.values() for v in vs)]
        )
        if len(found) >= a.at_least:
            return met(
                f"{len(found)} {what} in the {a.months} months to {c.isoformat()}",
                since=c,
                facts=tuple(r.key for r in found),
            )
        return insufficient(
            f"the records show {len(found)} {what} in the {a.months} months to "
            f"{c.isoformat()}; the need requires at least {a.at_least}"
        )

    return rule


#: name → (argument model, builder, one-line doc).
PRIMITIVES: dict[str, tuple[type[Args], Callable[[Any], Rule], str]] = {
    "evidence": (
        EvidenceArgs,
        build_evidence,
        "an evidence_recorded for this criterion of one of `kinds`, outcome achieved",
    ),
    "no_records_for": (
        NoRecordsForArgs,
        build_no_records_for,
        "no records of `types`/`kinds` for `months`, counted from `from`",
    ),
    "reduction": (
        ReductionArgs,
        build_reduction,
        "monthly rate down by `percent` vs the baseline (AMB-B01/B04/B05)",
    ),
    "no_severe_incident": (
        NoSevereArgs,
        build_no_severe_incident,
        "no severe incident in the baseline (and/or outcome) (AMB-B09)",
    ),
    "none_before": (
        NoneBeforeArgs,
        build_none_before,
        "no records in the `months` before `anchor` (e <= c < e+months)",
    ),
    "none_after": (
        NoneAfterArgs,
        build_none_after,
        "no records in the `months` after `anchor`; pending until then",
    ),
    "records_since": (
        RecordsSinceArgs,
        build_records_since,
        "at least `at_least` records of `types` of one person since `from` (a step taken)",
    ),
    "none_since": (
        NoneSinceArgs,
        build_none_since,
        'no records dated after `anchor` (up to D): "no more police reports"',
    ),
    "attendance": (
        AttendanceArgs,
        build_attendance,
        "pooled attendance over the last `terms` ended terms ≥ `at_least`",
    ),
    "attendance_improvement": (
        AttendanceImprovementArgs,
        build_attendance_improvement,
        "attendance improved by `improvement` with a `floor`",
    ),
    "exclusion_days_reduced": (
        ExclusionDaysArgs,
        build_exclusion_days_reduced,
        "fewer days of exclusion in the last `terms` than before",
    ),
    "exclusions_in_terms": (
        ExclusionCountArgs,
        build_exclusions_in_terms,
        "fewer than `fewer_than` exclusions of `kinds` in the last `terms` ended terms",
    ),
    "score_improved": (
        ScoreImprovedArgs,
        build_score_improved,
        "latest reading of a tool better than the baseline reading",
    ),
    "plan_ended": (
        PlanEndedArgs,
        build_plan_ended,
        "the plan open for the need closed (or stepped down) by D",
    ),
    "status": (
        StatusArgs,
        build_status,
        "latest `type` record's `field` in `values` (for `months`)",
    ),
    "in_work": (InWorkArgs, build_in_work, "an employment spell is open on D"),
    "notices_clear": (
        NoticesClearArgs,
        build_notices_clear,
        "every notice served has been withdrawn",
    ),
    "possession_order_suspended": (
        SuspendedOrderArgs,
        build_possession_order_suspended,
        "a suspended possession order sustained `months`",
    ),
    "age": (AgeArgs, build_age, "person's age at identification within [min, max]"),
    "records_in_lookback": (
        LookbackArgs,
        build_records_in_lookback,
        "at least `at_least` records in the `months` before `anchor`",
    ),
}


def register_primitive(name: str, args: type[Args], build: Callable[[Any], Rule], doc: str) -> None:
    """Add a leaf primitive (used by the topic modules in :mod:`sftimeline.policies.leaves`).

    A name can be registered once: two modules claiming one name is a programming error.
    """
    if name in PRIMITIVES and PRIMITIVES[name][1] is not build:
        raise ValueError(f"primitive {name!r} is already registered")
    PRIMITIVES[name] = (args, build, doc)


_ = Status  # re-exported for callers building custom primitives
