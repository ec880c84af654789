"""Evidence, ages and k-of-n (docs/policies-dsl.md P26, P31, P35).

Functions:

- :func:`evidence_present` — P26: practitioner evidence recorded for a criterion.
- :func:`at_least_k` — P31: at least ``k`` of several results are met.
- :func:`age_check` — P35: age at a date within bounds (missing born_on →
  insufficient_data); also "school age" (5–15 on the 31 August before a term,
  semantics §3) via :func:`school_age_check`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sftimeline.calendar import age_on, school_age_on_31_august_before
from sftimeline.projections.results import (
    Result,
    Status,
    best,
    evidence_required,
    insufficient,
    met,
    not_met,
    pending,
)
from sftimeline.records import Record


def evidence_present(
    records: Sequence[Record],
    on: date,
    criterion: str,
    *,
    kinds: Collection[str] | None = None,
    person: str | None = None,
    after: date | None = None,
) -> Result:
    """P26 (catalogue §8): an ``evidence_recorded`` for ``criterion`` dated ≤ D (and
    on or after ``after``, e.g. identification), of a kind in ``kinds`` (any when
    None), for ``person`` or family-level (no person). The latest matching record
    decides: ``outcome_achieved`` true → met (since its date); false → not_met
    (the practitioner recorded the outcome as not achieved); none → evidence_required."""
    rs = sorted(
        (
            r
            for r in records
            if r.type == "evidence_recorded"
            and r.occurred_on <= on
            and str(r.get("criterion")) == criterion
            and (kinds is None or r.get("evidence") in kinds)
            and (r.person is None or person is None or r.person == person)
            and (after is None or r.occurred_on >= after)
        ),
        key=Record.sort_key,
    )
    who = f" for {person}" if person else ""
    if not rs:
        return evidence_required(
            f"No evidence{who} for {criterion} is recorded on or before {on.isoformat()}.",
            values={"criterion": criterion},
        )
    last = rs[-1]
    if last.get("outcome_achieved") is True:
        since = last.occurred_on
        for r in reversed(rs[:-1]):
            if r.get("outcome_achieved") is not True:
                break
            since = r.occurred_on
        return met(
            f"Evidence ({last.get('evidence')}){who} for {criterion} recorded on "
            f"{last.occurred_on.isoformat()} shows the outcome achieved.",
            since=since,
            facts=(last.key,),
            values={"criterion": criterion, "evidence": last.get("evidence")},
        )
    return not_met(
        f"Evidence ({last.get('evidence')}){who} for {criterion} recorded on "
        f"{last.occurred_on.isoformat()} shows the outcome not achieved.",
        facts=(last.key,),
        values={"criterion": criterion, "evidence": last.get("evidence")},
    )


def at_least_k(parts: Sequence[Result], k: int, label: str = "") -> Result:
    """P31 (catalogue §8): at least ``k`` of ``parts`` met. Met since the k-th earliest
    ``met_since``; pending expected on the k-th earliest date among met (now) and
    pending parts; otherwise the best status of the rest."""
    n_met = [p for p in parts if p.met]
    if len(n_met) >= k:
        sinces = [p.met_since for p in n_met]
        since = None if any(s is None for s in sinces) else sorted(s for s in sinces if s)[k - 1]
        return Result(
            Status.MET,
            f"{len(n_met)} of {len(parts)} met (need {k}).",
            met_since=since,
            parts=tuple(parts),
            label=label,
            values={"met": len(n_met), "k": k},
        )
    pend = [p for p in parts if p.status is Status.PENDING]
    if len(n_met) + len(pend) >= k:
        dates = sorted((p.expected_on for p in pend), key=lambda d: (d is None, d))
        need = dates[: k - len(n_met)]
        when = None if any(d is None for d in need) else max(d for d in need if d)
        r = pending(
            f"{len(n_met)} of {len(parts)} met, {len(pend)} pending (need {k}).",
            expected_on=when,
            values={"met": len(n_met), "k": k},
        )
        return Result(
            r.status,
            r.explanation,
            expected_on=when,
            parts=tuple(parts),
            label=label,
            values=r.values,
        )
    rest = [p.status for p in parts if not p.met and p.status is not Status.PENDING]
    status = best(rest) if rest else Status.NOT_MET
    return Result(
        status,
        f"Only {len(n_met)} of {len(parts)} met (need {k}).",
        parts=tuple(parts),
        label=label,
        values={"met": len(n_met), "k": k},
    )


def _born(joined: Record | None) -> date | None:
    if joined is None:
        return None
    b = joined.get("born_on")
    if b is None:
        return None
    return b if isinstance(b, date) else date.fromisoformat(str(b))


def age_check(
    joined: Record | None,
    on: date,
    *,
    min_age: int | None = None,
    max_age: int | None = None,
) -> Result:
    """P35 (catalogue §8): the person's whole-years age on ``on`` (e.g. D or the
    identification date) is within ``[min_age, max_age]``. ``joined`` is their
    person_joined record; a missing born_on → insufficient_data."""
    born = _born(joined)
    who = joined.person if joined is not None else "the person"
    if born is None:
        return insufficient(
            f"The date of birth of {who} is not known.", facts=(joined.key,) if joined else ()
        )
    age = age_on(born, on)
    ok = (min_age is None or age >= min_age) and (max_age is None or age <= max_age)
    text = f"{who} is {age} on {on.isoformat()} (band {min_age}–{max_age})."
    vals = {"age": age, "min_age": min_age, "max_age": max_age}
    if ok:
        return met(text, since=None, values=vals, facts=(joined.key,) if joined else ())
    return not_met(text, values=vals, facts=(joined.key,) if joined else ())


def school_age_check(
    joined: Record | None, term_start: date, low: int = 5, high: int = 15
) -> Result:
    """P35 / semantics §3: of compulsory school age for the term starting on
    ``term_start`` (``low``–``high`` on the 31 August before it)."""
    born = _born(joined)
    who = joined.person if joined is not None else "the person"
    if born is None:
        return insufficient(f"The date of birth of {who} is not known.")
    age = school_age_on_31_august_before(born, term_start)
    text = f"{who} is {age} on the 31 August before {term_start.isoformat()}."
    if low <= age <= high:
        return met(text, since=None, values={"age": age})
    return not_met(text, values={"age": age})
