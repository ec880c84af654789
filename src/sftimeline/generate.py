"""A deterministic synthetic county: interchange JSON Lines for demos and benchmarks.

Each family gets a nomination, adults and children (with ``born_on``), needs in at
least three national-2022 headlines (mostly), the records those needs are measured
by (incidents, attendance per child per term, exclusions, notices, housing,
employment and benefit spells, NEET status, assessments), a plan's life,
referrals, practitioner evidence, a case closure, and occasionally late records,
retractions, and claims for families whose evidence is complete. About 100 records
per family (so 10,000 families ≈ 1,000,000 records).

Every need names the person it is for when its criterion is about a person (the
frameworks' ``subject: person``), 1.1 is identified only where a child of school
age lives, and attendance is posted every term up to :data:`HORIZON`, so that a
decision in 2025–26 sees the terms it needs. About 40% of families are also
worked under ``herefordshire-2022`` (the same needs under its codes, plus the four
working principles as ``herefordshire-2022:family`` evidence, FL-H22-3), so both
frameworks give a realistic spread of eligible, pending, not_eligible and
evidence_required decisions.

The needs, and the records each is measured by, are ``generate_needs.py``; this module
builds the family around them (people, schooling, case-work, evidence, closure, claims,
routine records) as one short function per part.

Determinism: every family draws from its own ``random.Random`` seeded from
``(seed, index)``, and records are written with a fixed key order, so the same seed
gives byte-identical output on any machine and any Python 3.11+.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, TextIO

from sftimeline.generate_needs import (
    EVIDENCE_KIND,
    FRAMEWORK,
    H22_CODE,
    H22_PRINCIPLES,
    HEREFORDSHIRE,
    Needs,
    People,
    identify_needs,
)

#: attendance is posted each term up to this date (the generated county's "today")
HORIZON = date(2026, 7, 31)
TERM_ENDS = {"autumn": (12, 20), "spring": (3, 31), "summer": (7, 20)}


def _iso(d: date) -> str:
    return d.isoformat()


def _at(d: date, rng: random.Random, late_days: int = 0) -> str:
    """A knowledge time on (or ``late_days`` after) the day, in working hours, UTC."""
    moment = datetime(d.year, d.month, d.day, 8, 0, tzinfo=UTC) + timedelta(
        days=late_days, minutes=rng.randrange(0, 9 * 60)
    )
    return moment.isoformat().replace("+00:00", "Z")


def _terms_between(start: date, end: date) -> Iterator[tuple[str, date]]:
    for year in range(start.year - 1, end.year + 1):
        for season in ("spring", "summer", "autumn"):
            month, day = TERM_ENDS[season]
            ends = date(year, month, day)
            if start <= ends <= end:
                yield f"{year}-{season}", ends


class FamilyBuilder:
    """One family's records as they are drawn: its own random stream, its code, and each
    record's source id and knowledge time (on the day, or late)."""

    def __init__(self, seed: int, index: int) -> None:
        self.rng = random.Random(f"sftimeline:{seed}:{index}")
        self.code = f"F{index + 1:06d}"
        self.serial = 0
        self.records: list[dict[str, Any]] = []

    def add(
        self,
        rtype: str,
        on: date,
        source: str,
        late: bool = False,
        person: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Append a record of ``rtype`` on ``on``, known the same day or up to a week
        later (``late``: two to eight months later), with the fields in a fixed order."""
        self.serial += 1
        rng = self.rng
        late_days = rng.randrange(60, 240) if late else rng.choice((0, 0, 0, 1, 2, 7))
        rec: dict[str, Any] = {"type": rtype, "family": self.code}
        if person is not None:
            rec["person"] = person
        rec["occurred_on"] = _iso(on)
        rec["recorded_at"] = _at(on, rng, late_days)
        rec["source"] = source
        rec["source_id"] = f"{self.code}-{self.serial:04d}"
        rec.update(fields)
        self.records.append(rec)
        return rec


def family_records(seed: int, index: int) -> list[dict[str, Any]]:
    """The records of the ``index``-th family of the county with this seed."""
    f = FamilyBuilder(seed, index)
    rng = f.rng
    nominated = date(2022, 4, 1) + timedelta(days=rng.randrange(0, 1000))
    end = nominated + timedelta(days=rng.randrange(400, 800))
    f.add("family_nominated", nominated, "lcs", framework=FRAMEWORK)
    people = _people(f, nominated)
    h22 = rng.random() < 0.4
    needs = identify_needs(f, index, people, nominated, h22)
    _schooling(f, people, needs, nominated, end)
    _neet(f, people, needs, nominated)
    closed = _casework(f, needs, end)
    evidenced = _evidence(f, needs, closed, h22)
    f.add("plan_closed", closed, "lcs", plan="P1")
    f.add("case_closed", closed, "lcs")
    _retraction(f)
    # A claim for most families whose needs are all evidenced as achieved: the council
    # claims once the case has closed and the outcomes are sustained.
    if evidenced == len(needs.criteria) and rng.random() < 0.6:
        f.add(
            "claim_submitted",
            closed + timedelta(days=rng.randrange(190, 300)),
            "lcs",
            framework=FRAMEWORK,
            criteria=[f"{FRAMEWORK}:{c}" for c in needs.criteria],
        )
    _routine(f, people, nominated, end)
    return f.records


def _people(f: FamilyBuilder, nominated: date) -> People:
    """One or two adults and one to four children, each joining on the nomination day."""
    rng = f.rng
    adults = [f"A{i}" for i in range(1, rng.choice((1, 2, 2)) + 1)]
    children = [f"C{i}" for i in range(1, rng.choice((1, 2, 2, 3, 4)) + 1)]
    born: dict[str, date] = {}
    for p in adults:
        born[p] = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 30 * 365))
        f.add("person_joined", nominated, "lcs", person=p, role="adult", born_on=_iso(born[p]))
    for p in children:
        born[p] = date(2005, 9, 1) + timedelta(days=rng.randrange(0, 14 * 365))
        f.add("person_joined", nominated, "lcs", person=p, role="child", born_on=_iso(born[p]))
    young = [c for c in children if (nominated - born[c]).days > 10 * 365] or children[:1]
    school_age = [c for c in children if 5 * 365 <= (nominated - born[c]).days <= 15 * 365]
    return People(adults, children, born, young, school_age)


def _schooling(f: FamilyBuilder, people: People, needs: Needs, nominated: date, end: date) -> None:
    """Attendance per school-age child per term, from a year before nomination to the
    end (poor until some months after the need, if attendance is one), and exclusions."""
    rng = f.rng
    for child in people.children:
        age_days = (nominated - people.born[child]).days
        if not 5 * 365 <= age_days <= 16 * 365:
            continue
        poor = "1.1" in needs.criteria or rng.random() < 0.3
        for term, ends in _terms_between(nominated - timedelta(days=365), max(end, HORIZON)):
            possible = rng.choice((120, 124, 130, 138, 142))
            rate = (
                rng.uniform(0.7, 0.9)
                if poor and ends < needs.identified + timedelta(days=120)
                else rng.uniform(0.9, 1.0)
            )
            attended = int(possible * rate)
            unauth = rng.randrange(0, possible - attended + 1)
            f.add(
                "term_attendance_posted",
                ends,
                "education",
                person=child,
                term=term,
                possible_sessions=possible,
                attended_sessions=attended,
                authorised_absence_sessions=possible - attended - unauth,
                unauthorised_absence_sessions=unauth,
                late=rng.random() < 0.05,
            )
        if "1.3" in needs.criteria or rng.random() < 0.1:
            for _ in range(rng.randrange(1, 4)):
                f.add(
                    "exclusion_recorded",
                    needs.identified - timedelta(days=rng.randrange(1, 300)),
                    "education",
                    person=child,
                    kind="fixed_term",
                    days=float(rng.choice((0.5, 1, 2, 3, 5))),
                )


def _neet(f: FamilyBuilder, people: People, needs: Needs, nominated: date) -> None:
    """A young person not in education, employment or training, later in it again."""
    rng = f.rng
    for child in people.young:
        if "10.3" in needs.criteria or (nominated - people.born[child]).days > 16 * 365:
            f.add(
                "neet_status_recorded", needs.identified, "education", person=child, status="neet"
            )
            f.add(
                "neet_status_recorded",
                needs.identified + timedelta(days=rng.randrange(60, 300)),
                "education",
                person=child,
                status="eet",
            )


def _casework(f: FamilyBuilder, needs: Needs, end: date) -> date:
    """A plan opened on identification, a referral, the plan stepped down; returns the
    day the case closes."""
    rng = f.rng
    identified = needs.identified
    f.add("plan_opened", identified, "lcs", plan="P1", level=rng.choice(("early_help", "cin")))
    f.add(
        "referral_accepted",
        identified + timedelta(days=rng.randrange(5, 60)),
        "lcs",
        service=rng.choice(("parenting", "debt_advice", "family_therapy", "ida_service")),
    )
    stepped = identified + timedelta(days=rng.randrange(90, 200))
    f.add("plan_stepped_down", stepped, "lcs", plan="P1", level="early_help")
    return min(end, stepped + timedelta(days=rng.randrange(60, 200)))


def _evidence(f: FamilyBuilder, needs: Needs, closed: date, h22: bool) -> int:
    """Practitioner evidence for most needs (for the person the need is for), under each
    framework the family is worked under, sometimes recorded as not achieved; and the
    four working principles (FL-H22-3), mostly all recorded. Returns how many needs are
    evidenced as achieved."""
    rng = f.rng
    evidenced = 0
    for c in needs.criteria:
        if rng.random() < 0.85:
            achieved = rng.random() < 0.9
            evidenced += achieved
            on = closed - timedelta(days=rng.randrange(1, 20))
            codes = [f"{FRAMEWORK}:{c}"] + (
                [f"{HEREFORDSHIRE}:{H22_CODE.get(c, c)}"] if h22 else []
            )
            for crit in codes:
                f.add(
                    "evidence_recorded",
                    on,
                    "lcs",
                    person=needs.person[c],
                    criterion=crit,
                    evidence=EVIDENCE_KIND.get(c, "practitioner_assessment"),
                    outcome_achieved=achieved,
                )
    if h22:
        for kind in H22_PRINCIPLES:
            if rng.random() < 0.9:
                f.add(
                    "evidence_recorded",
                    needs.identified + timedelta(days=rng.randrange(0, 90)),
                    "lcs",
                    criterion=f"{HEREFORDSHIRE}:family",
                    evidence=kind,
                    outcome_achieved=True,
                )
    return evidenced


def _retraction(f: FamilyBuilder) -> None:
    """Occasionally, an earlier record retracted (entered against the wrong family)."""
    rng = f.rng
    if rng.random() < 0.1 and len(f.records) > 5:
        victim = rng.choice(f.records[3:])
        f.add(
            "record_retracted",
            date.fromisoformat(victim["occurred_on"]),
            victim["source"],
            target_source=victim["source"],
            target_source_id=victim["source_id"],
            reason="entered against the wrong family",
        )


def _routine(f: FamilyBuilder, people: People, nominated: date, end: date) -> None:
    """The routine case-work councils record (wellbeing scores, police and school
    reports, referrals), up to 85 to 115 records in all."""
    rng = f.rng
    adults, children = people.adults, people.children
    padded_to = 85 + rng.randrange(0, 31)
    while len(f.records) < padded_to:
        on = nominated + timedelta(days=rng.randrange(0, (end - nominated).days))
        choice = rng.random()
        if choice < 0.5:
            f.add(
                "assessment_scored",
                on,
                "lcs",
                person=rng.choice(adults + children),
                tool="wellbeing",
                scores={"score": rng.randrange(1, 11)},
            )
        elif choice < 0.8 and children:
            f.add(
                "incident_recorded",
                on,
                "police",
                person=rng.choice(children),
                kind=rng.choice(("school_report", "police_report", "missing_episode")),
            )
        else:
            f.add(
                "referral_accepted",
                on,
                "lcs",
                service=rng.choice(("youth_club", "food_bank", "school_nurse", "camhs")),
            )


def write_county(out: TextIO, families: int, seed: int) -> int:
    """Write ``families`` families' records as JSON Lines; return the number of lines."""
    n = 0
    for index in range(families):
        for rec in family_records(seed, index):
            out.write(json.dumps(rec, ensure_ascii=False, separators=(", ", ": ")) + "\n")
            n += 1
    return n
