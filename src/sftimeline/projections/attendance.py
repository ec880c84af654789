"""Attendance over school terms (docs/policies-dsl.md attendance primitives; docs/semantics.md §3).

Functions:

- :func:`measure_value` — one attendance measure (``overall``, ``xauth_A`` =
  1 − unauthorised/possible, ``xauth_B`` = attended/(possible − authorised),
  ``unauth_rate``, ``abs_rate``) as an exact :class:`~fractions.Fraction` over
  session-weighted pooled terms (semantics §3).
- :func:`compare` — exact threshold comparison ``>=`` / ``>`` / ``<`` / ``<=``
  (AMB-C09: the framework's operator is applied literally).
- :func:`last_n_terms_attendance` — P12/P13: one child's measure over the last N
  terms ended on or before D, each ending after identification.
- :func:`household_members` — people in the household on a day (person_joined /
  person_left).
- :func:`every_child_attendance` — P12/P13 for every school-age child ("5 to 15 on
  31 August before the term", semantics §3) in the household.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from sftimeline.calendar import (
    DEFAULT_TERM_CALENDAR,
    Term,
    TermCalendar,
    school_age_on_31_august_before,
)
from sftimeline.projections.change_points import held_since
from sftimeline.projections.results import (
    Result,
    Window,
    all_of,
    insufficient,
    met,
    not_met,
    pending,
)
from sftimeline.records import Record

MEASURES = ("overall", "xauth_A", "xauth_B", "unauth_rate", "abs_rate")


def _as_fraction(threshold: int | float | str | Fraction) -> Fraction:
    """A percentage (``90``, ``"92.5"``) as an exact fraction of 1."""
    return Fraction(str(threshold)) / 100 if not isinstance(threshold, Fraction) else threshold


def measure_value(postings: Sequence[Record], measure: str) -> Fraction | None:
    """Session-weighted pooled ``measure`` over ``postings`` (term_attendance_posted),
    catalogue §0.2; None when a needed field is missing or there are no sessions."""
    p = a = 0
    au: int | None = 0
    un: int | None = 0
    for r in postings:
        pp, aa = int(r.get("possible_sessions")), int(r.get("attended_sessions"))
        ra, ru = r.get("authorised_absence_sessions"), r.get("unauthorised_absence_sessions")
        if ra is None and ru is not None:
            ra = pp - aa - int(ru)
        if ru is None and ra is not None:
            ru = pp - aa - int(ra)
        p, a = p + pp, a + aa
        au = None if au is None or ra is None else au + int(ra)
        un = None if un is None or ru is None else un + int(ru)
    if p == 0:
        return None
    if measure == "overall":
        return Fraction(a, p)
    if measure == "abs_rate":
        return Fraction(p - a, p)
    if measure == "xauth_A":
        return None if un is None else 1 - Fraction(un, p)
    if measure == "unauth_rate":
        return None if un is None else Fraction(un, p)
    if measure == "xauth_B":
        return None if au is None or p - au == 0 else Fraction(a, p - au)
    raise ValueError(f"unknown attendance measure {measure!r}; one of {MEASURES}")


def compare(value: Fraction, op: str, threshold: int | float | str | Fraction) -> bool:
    """Exact comparison with a percentage threshold (AMB-C09)."""
    t = _as_fraction(threshold)
    if op == ">=":
        return value >= t
    if op == ">":
        return value > t
    if op == "<":
        return value < t
    if op == "<=":
        return value <= t
    raise ValueError(f"unknown comparison {op!r}")


def _postings(records: Sequence[Record], on: date, person: str) -> dict[Term, Record]:
    out: dict[Term, Record] = {}
    for r in sorted(records, key=Record.sort_key):
        if r.type == "term_attendance_posted" and r.person == person and r.occurred_on <= on:
            out[Term.parse(str(r.get("term")))] = r
    return out


def _pct(v: Fraction) -> str:
    return f"{float(v) * 100:.1f}%"


def _evaluate(
    records: Sequence[Record],
    on: date,
    person: str,
    n: int,
    measure: str,
    op: str,
    threshold: int | float | str | Fraction,
    identified_on: date | None,
    calendar: TermCalendar,
    known: date,
) -> Result:
    terms = calendar.last_n_ended(on, n)
    win = tuple(Window(t.id, calendar.dates(t).start, calendar.dates(t).end) for t in terms)
    if identified_on is not None and calendar.end(terms[0]) <= identified_on:
        counted = [t for t in terms if calendar.end(t) > identified_on]
        return pending(
            f"Only {len(counted)} of the {n} terms needed for {person} have ended after "
            f"identification on {identified_on.isoformat()}; it depends on attendance "
            "not yet known.",
            expected_on=None,
            windows=win,
            values={"terms": [t.id for t in terms], "measure": measure},
        )
    posts = _postings(records, known, person)
    missing = [t for t in terms if t not in posts]
    if missing:
        return insufficient(
            f"Attendance for {person} in {', '.join(t.id for t in missing)} (ended) is not "
            f"known on {on.isoformat()}.",
            windows=win,
            values={"missing_terms": [t.id for t in missing], "measure": measure},
        )
    used = [posts[t] for t in terms]
    value = measure_value(used, measure)
    facts = tuple(r.key for r in used)
    if value is None:
        return insufficient(
            f"The {measure} measure for {person} cannot be computed from the postings for "
            f"{terms[0].id}–{terms[-1].id}.",
            windows=win,
            facts=facts,
            values={"measure": measure},
        )
    vals = {
        "measure": measure,
        "value": value,
        "percent": float(value) * 100,
        "op": op,
        "threshold": threshold,
        "terms": [t.id for t in terms],
        "possible": sum(int(r.get("possible_sessions")) for r in used),
        "attended": sum(int(r.get("attended_sessions")) for r in used),
    }
    text = (
        f"{person}'s {measure} attendance over {terms[0].id}–{terms[-1].id} is "
        f"{_pct(value)} (needs {op} {threshold}%)"
    )
    if compare(value, op, threshold):
        return met(text + ".", since=None, windows=win, values=vals, facts=facts)
    return not_met(text + ".", windows=win, values=vals, facts=facts)


def last_n_terms_attendance(
    records: Sequence[Record],
    on: date,
    person: str,
    *,
    n: int,
    measure: str,
    op: str,
    threshold: int | float | str | Fraction,
    identified_on: date | None = None,
    calendar: TermCalendar = DEFAULT_TERM_CALENDAR,
) -> Result:
    """P12/P13 (catalogue §8, §0.2; semantics §3): ``person``'s ``measure`` pooled
    over the last ``n`` terms ended on or before D, compared ``op threshold`` (a
    percentage). A term that ended without known attendance → insufficient_data;
    fewer than ``n`` terms ending after ``identified_on`` → pending (expected_on None:
    it depends on attendance not yet known). ``met_since`` is exact, using only
    records dated ≤ D."""
    res = _evaluate(records, on, person, n, measure, op, threshold, identified_on, calendar, on)
    if not res.met:
        return res
    points: set[date] = {r.occurred_on for r in records if r.occurred_on <= on}
    t = calendar.last_ended(on)
    for _ in range(3 * (n + 12)):
        points.add(calendar.end(t))
        t = t.previous()

    def ok(d: date) -> bool:
        return _evaluate(
            records, d, person, n, measure, op, threshold, identified_on, calendar, d
        ).met

    since = held_since(ok, on, points)
    return met(
        res.explanation[:-1] + f"; holds since {since.isoformat()}.",
        since=since,
        windows=res.windows,
        values=res.values,
        facts=res.facts,
    )


def household_members(
    records: Sequence[Record], on: date, role: str | None = None
) -> dict[str, Record]:
    """People in the household on ``on``: the latest person_joined not followed by a
    person_left dated ≤ ``on``; maps person → their person_joined record."""
    out: dict[str, Record] = {}
    for r in sorted(records, key=Record.sort_key):
        if r.occurred_on > on or r.person is None:
            continue
        if r.type == "person_joined" and (role is None or r.get("role") == role):
            out[r.person] = r
        elif r.type == "person_left":
            out.pop(r.person, None)
    return out


def every_child_attendance(
    records: Sequence[Record],
    on: date,
    *,
    n: int,
    measure: str,
    op: str,
    threshold: int | float | str | Fraction,
    identified_on: date | None = None,
    calendar: TermCalendar = DEFAULT_TERM_CALENDAR,
    min_age: int = 5,
    max_age: int = 15,
) -> Result:
    """P12/P13 for "every child" (semantics §3): every child in the household on D
    who is ``min_age``–``max_age`` on the 31 August before the latest counted term.
    A child with no born_on → insufficient_data. All children must meet (all_of)."""
    latest = calendar.last_ended(on)
    start = calendar.dates(latest).start
    parts: list[Result] = []
    for person, joined in sorted(household_members(records, on, "child").items()):
        born = joined.get("born_on")
        if born is None:
            parts.append(
                insufficient(f"{person}'s date of birth is not known.", facts=(joined.key,))
            )
            continue
        born_d = born if isinstance(born, date) else date.fromisoformat(str(born))
        age = school_age_on_31_august_before(born_d, start)
        if min_age <= age <= max_age:
            parts.append(
                last_n_terms_attendance(
                    records,
                    on,
                    person,
                    n=n,
                    measure=measure,
                    op=op,
                    threshold=threshold,
                    identified_on=identified_on,
                    calendar=calendar,
                ).with_label(person)
            )
    if not parts:
        return met(f"No child of school age is in the household on {on.isoformat()}.", since=None)
    return all_of(parts)
