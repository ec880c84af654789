"""Assessment readings, exclusions and guards (docs/policies-dsl.md P11, P14, P15,
P22, P24, P25, P33).

Functions:

- :func:`readings` — assessment_scored records of a tool dated ≤ D (and after identification).
- :func:`domains_at_least` — P22: every named domain ≥ threshold on the two latest
  readings after identification (AMB-H01).
- :func:`average_improved` — P24: average of named domains improved by ≥ Δ vs the
  first reading.
- :func:`latest_better` — P25: latest reading better than the baseline (first)
  reading, with a polarity (``higher`` or ``lower`` is better).
- :func:`improvement_points` — P14: an attendance percentage improved by ≥ Δ
  percentage points against a baseline, with an optional floor.
- :func:`exclusions_in_terms` — P15: fixed-term exclusion count/days and permanent
  exclusions in the last N terms ended by D, at most a limit.
- :func:`no_severe_offence` — P11: no incident marked ``severe`` after an anchor.
- :func:`closure_lag` — P33: D is at least N months after case_closed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from fractions import Fraction

from sftimeline.calendar import DEFAULT_TERM_CALENDAR, Term, TermCalendar
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, insufficient, met, not_met, pending
from sftimeline.records import Record


def readings(
    records: Sequence[Record],
    on: date,
    tool: str,
    *,
    after: date | None = None,
    person: str | None = None,
) -> list[Record]:
    """assessment_scored readings of ``tool`` dated ≤ ``on`` (and ≥ ``after``)."""
    return sorted(
        (
            r
            for r in records
            if r.type == "assessment_scored"
            and r.get("tool") == tool
            and r.occurred_on <= on
            and (after is None or r.occurred_on >= after)
            and (person is None or r.person in (None, person))
        ),
        key=Record.sort_key,
    )


def _score(r: Record, domain: str) -> Fraction | None:
    v = (r.get("scores") or {}).get(domain)
    return None if v is None else Fraction(str(v))


def domains_at_least(
    records: Sequence[Record],
    on: date,
    tool: str,
    domains: Collection[str],
    threshold: int | float | str,
    *,
    after: date | None = None,
    person: str | None = None,
) -> Result:
    """P22 (AMB-H01): all ``domains`` ≥ ``threshold`` on the two latest readings
    after ``after``; fewer than two readings → pending (expected_on None)."""
    rs = readings(records, on, tool, after=after, person=person)
    t = Fraction(str(threshold))
    if len(rs) < 2:
        return pending(
            f"{len(rs)} {tool} reading(s) after identification; two are needed.",
            expected_on=None,
            facts=tuple(r.key for r in rs),
        )
    last2 = rs[-2:]
    for r in last2:
        for d in domains:
            s = _score(r, d)
            if s is None:
                return insufficient(
                    f"The {tool} reading on {r.occurred_on} has no {d} score.", facts=(r.key,)
                )
            if s < t:
                return not_met(
                    f"{d} scored {s} on {r.occurred_on.isoformat()}, below {t}.",
                    facts=tuple(x.key for x in last2),
                )
    return met(
        f"All of {', '.join(domains)} are at least {t} on the {tool} readings of "
        f"{last2[0].occurred_on.isoformat()} and {last2[1].occurred_on.isoformat()}.",
        since=last2[1].occurred_on,
        facts=tuple(x.key for x in last2),
    )


def _avg(r: Record, domains: Collection[str]) -> Fraction | None:
    vals = [_score(r, d) for d in domains]
    if not vals or any(v is None for v in vals):
        return None
    return sum((v for v in vals if v is not None), Fraction(0)) / len(vals)


def average_improved(
    records: Sequence[Record],
    on: date,
    tool: str,
    domains: Collection[str],
    delta: int | float | str,
    *,
    after: date | None = None,
    person: str | None = None,
) -> Result:
    """P24: average of ``domains`` on the latest reading ≥ first reading + ``delta``."""
    rs = readings(records, on, tool, after=after, person=person)
    if len(rs) < 2:
        return pending(f"{len(rs)} {tool} reading(s); a later reading is needed.", expected_on=None)
    a, b = _avg(rs[0], domains), _avg(rs[-1], domains)
    if a is None or b is None:
        return insufficient(f"A {tool} reading lacks one of {', '.join(domains)}.")
    text = (
        f"{tool} average {float(a):.2f} on {rs[0].occurred_on.isoformat()}, "
        f"{float(b):.2f} on {rs[-1].occurred_on.isoformat()} (needs +{delta})."
    )
    vals = {"first": a, "latest": b, "delta": delta}
    if b - a >= Fraction(str(delta)):
        return met(text, since=rs[-1].occurred_on, values=vals, facts=(rs[0].key, rs[-1].key))
    return not_met(text, values=vals, facts=(rs[0].key, rs[-1].key))


def latest_better(
    records: Sequence[Record],
    on: date,
    tool: str,
    domain: str,
    *,
    higher_is_better: bool = True,
    after: date | None = None,
    person: str | None = None,
) -> Result:
    """P25: the latest ``domain`` score is strictly better than the first reading's."""
    rs = readings(records, on, tool, after=after, person=person)
    if len(rs) < 2:
        return pending(f"{len(rs)} {tool} reading(s); a later reading is needed.", expected_on=None)
    a, b = _score(rs[0], domain), _score(rs[-1], domain)
    if a is None or b is None:
        return insufficient(f"A {tool} reading lacks a {domain} score.")
    better = b > a if higher_is_better else b < a
    pol = "higher" if higher_is_better else "lower"
    text = f"{tool} {domain} went from {a} to {b} ({pol} is better)."
    if better:
        return met(text, since=rs[-1].occurred_on, facts=(rs[0].key, rs[-1].key))
    return not_met(text, facts=(rs[0].key, rs[-1].key))


def improvement_points(
    baseline: Fraction,
    current: Fraction,
    points: int | float | str,
    floor: int | float | str | None = None,
) -> Result:
    """P14: ``current`` (a fraction of 1) ≥ ``baseline`` + ``points`` percentage
    points, or ≥ ``floor`` percent when given."""
    need = baseline + Fraction(str(points)) / 100
    ok = current >= need or (floor is not None and current >= Fraction(str(floor)) / 100)
    text = (
        f"Attendance {float(current) * 100:.1f}% against a baseline of "
        f"{float(baseline) * 100:.1f}% (needs +{points} points"
        f"{'' if floor is None else f' or {floor}%'})."
    )
    vals = {"baseline": baseline, "current": current, "points": points, "floor": floor}
    return met(text, since=None, values=vals) if ok else not_met(text, values=vals)


def exclusions_in_terms(
    records: Sequence[Record],
    on: date,
    person: str,
    *,
    n: int,
    max_count: int | None = None,
    max_days: int | None = None,
    permanent_allowed: bool = False,
    calendar: TermCalendar = DEFAULT_TERM_CALENDAR,
) -> Result:
    """P15: exclusions of ``person`` starting in the last ``n`` terms ended by D."""
    terms: list[Term] = calendar.last_n_ended(on, n)
    a, b = calendar.dates(terms[0]).start, calendar.end(terms[-1])
    rs = [
        r
        for r in records
        if r.type == "exclusion_recorded" and r.person == person and a <= r.occurred_on <= b
    ]
    fixed = [r for r in rs if r.get("kind") == "fixed_term"]
    perm = [r for r in rs if r.get("kind") == "permanent"]
    days = sum(int(r.get("days") or 0) for r in fixed)
    ok = (
        (max_count is None or len(fixed) <= max_count)
        and (max_days is None or days <= max_days)
        and (permanent_allowed or not perm)
    )
    text = (
        f"{person} had {len(fixed)} fixed-term exclusion(s) ({days} days) and {len(perm)} "
        f"permanent in {terms[0].id}–{terms[-1].id}."
    )
    vals = {"count": len(fixed), "days": days, "permanent": len(perm)}
    facts = tuple(r.key for r in rs)
    return (
        met(text, since=None, values=vals, facts=facts)
        if ok
        else not_met(text, values=vals, facts=facts)
    )


def no_severe_offence(
    records: Sequence[Record],
    on: date,
    anchor: date,
    person: str | None = None,
) -> Result:
    """P11: no incident marked ``severe`` dated after ``anchor`` and ≤ D (a severe
    offence closes the route: not_met)."""
    rs = [
        r
        for r in records
        if r.type == "incident_recorded"
        and r.get("severe") is True
        and anchor < r.occurred_on <= on
        and (person is None or r.person == person)
    ]
    if rs:
        first = min(rs, key=Record.sort_key)
        return not_met(
            f"A severe offence was recorded on {first.occurred_on.isoformat()}.", facts=(first.key,)
        )
    return met(f"No severe offence since {anchor.isoformat()}.", since=anchor)


def closure_lag(records: Sequence[Record], on: date, months: int) -> Result:
    """P33: at least ``months`` months since the latest case_closed (not reopened) ≤ D."""
    last = None
    for r in sorted(records, key=Record.sort_key):
        if r.occurred_on > on:
            break
        if r.type == "case_closed":
            last = r
        elif r.type == "case_reopened":
            last = None
    if last is None:
        return not_met(f"The case is not closed on {on.isoformat()}.")
    when = add_months(last.occurred_on, months)
    if when <= on:
        return met(
            f"Closed on {last.occurred_on.isoformat()}, {months} months on {when.isoformat()}.",
            since=when,
            facts=(last.key,),
        )
    return pending(
        f"Closed on {last.occurred_on.isoformat()}; {months} months on {when.isoformat()}.",
        expected_on=when,
        facts=(last.key,),
    )
