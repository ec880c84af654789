"""A generated family's needs: which national-2022 criteria it is identified with and for
whom, and the records each need is measured by (incidents, plans, notices, benefit and
employment spells, assessments).

Kept apart from the county generator (``generate.py``), which builds the rest of the
family around them, so that what the synthetic records say about each criterion — the
part that must agree with the frameworks' rules for the generated decisions to spread
realistically — is read in one place. The draws from the family's ``random.Random``
happen in a fixed order, so a seed still gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sftimeline.generate import FamilyBuilder

FRAMEWORK = "national-2022"
HEREFORDSHIRE = "herefordshire-2022"

#: criterion → (scope, source system); scope "child", "adult", "young" or "family"
CRITERIA: dict[str, tuple[str, str]] = {
    "1.1": ("child", "education"),  # attendance below 90% for 2 terms
    "1.3": ("child", "education"),  # not engaging with education (exclusions)
    "5.1": ("family", "lcs"),  # parenting support (assessments)
    "6.1": ("family", "lcs"),  # abuse or neglect in the household (plans)
    "6.2": ("child", "police"),  # child going missing
    "7.1": ("adult", "police"),  # adult crime / ASB
    "7.3": ("young", "police"),  # young person crime / ASB
    "8.1": ("family", "police"),  # domestic abuse
    "9.2": ("family", "housing"),  # threatened with eviction
    "10.1": ("adult", "dwp"),  # adult workless
    "10.3": ("young", "education"),  # young person NEET
    "2.1": ("family", "health"),  # expectant or new parents (evidence only)
    "3.3": ("family", "health"),  # health needs (evidence only)
    "5.2": ("family", "lcs"),  # parental conflict (evidence only)
}
#: national-2022 code → the herefordshire-2022 code of the same need
H22_CODE = {"1.3": "1.3.2"}
#: the evidence kind a practitioner records for a need's outcome, where not the default
EVIDENCE_KIND = {"8.1": "multi_agency_engagement"}
H22_PRINCIPLES = (
    "whole_family_assessment",
    "family_action_plan",
    "lead_practitioner",
    "plan_objectives_aligned",
)
HEADLINE = {c: c.split(".")[0] for c in CRITERIA}


@dataclass(frozen=True)
class People:
    """Who is in the family: adults, children, their birth dates, and the children a
    need about a young person or about school can be for."""

    adults: list[str]
    children: list[str]
    born: dict[str, date]
    #: children over 10 at nomination (else the first child)
    young: list[str]
    #: children of school age (5 to 15) at nomination
    school_age: list[str]


@dataclass(frozen=True)
class Needs:
    """The criteria a family is identified with, on which day, and for whom."""

    criteria: list[str]
    identified: date
    person: dict[str, str | None]


def identify_needs(
    f: FamilyBuilder, index: int, people: People, nominated: date, h22: bool
) -> Needs:
    """Needs in at least three distinct headlines for most families (two to five for
    every tenth), each recorded under national-2022 (and herefordshire-2022 when the
    family is worked under it too), each followed by the records it is measured by."""
    rng = f.rng
    k = rng.choice((2, 3, 3, 4, 4, 5)) if index % 10 == 0 else rng.choice((3, 4, 4, 5))
    by_headline: dict[str, list[str]] = {}
    for c in CRITERIA:
        if c == "1.1" and not people.school_age:
            continue  # persistent absence needs a child of school age
        by_headline.setdefault(HEADLINE[c], []).append(c)
    headlines = rng.sample(sorted(by_headline), k)
    needs = [rng.choice(by_headline[h]) for h in headlines]
    identified = nominated + timedelta(days=rng.randrange(0, 30))
    need_person: dict[str, str | None] = {}
    for c in needs:
        scope, source = CRITERIA[c]
        pool: dict[str, list[str]] = {
            "child": people.school_age if c == "1.1" else people.children,
            "adult": people.adults,
            "young": people.young,
        }
        who: list[str | None] = list(pool.get(scope, [])) or [None]
        person = rng.choice(who)
        need_person[c] = person
        f.add("need_identified", identified, "lcs", person=person, criterion=f"{FRAMEWORK}:{c}")
        if h22:
            f.add(
                "need_identified",
                identified,
                "lcs",
                person=person,
                criterion=f"{HEREFORDSHIRE}:{H22_CODE.get(c, c)}",
            )
        _measured_by(f, c, source, person, identified, people.adults)
    return Needs(needs, identified, need_person)


def _measured_by(
    f: FamilyBuilder,
    c: str,
    source: str,
    person: str | None,
    identified: date,
    adults: list[str],
) -> None:
    """The records criterion ``c`` is measured by, around the day it was identified."""
    rng = f.rng
    if c in ("6.2", "7.1", "7.3", "8.1"):
        _incidents(f, c, source, person or adults[0], identified)
    elif c == "6.1":
        f.add("plan_opened", identified, "lcs", plan="CP1", level="cp")
        f.add(
            "plan_stepped_down",
            identified + timedelta(days=rng.randrange(90, 250)),
            "lcs",
            plan="CP1",
            level="cin",
        )
    elif c == "9.2":
        _eviction_threat(f, identified)
    elif c == "10.1":
        _worklessness(f, person or adults[0], identified)
    elif c == "5.1":
        f.add(
            "assessment_scored",
            identified,
            "lcs",
            person=rng.choice(adults),
            tool="outcomes_star",
            scores={"money": rng.randrange(1, 5), "home": rng.randrange(1, 5)},
        )
        f.add(
            "assessment_scored",
            identified + timedelta(days=rng.randrange(120, 300)),
            "lcs",
            person=adults[0],
            tool="outcomes_star",
            scores={"money": rng.randrange(4, 10), "home": rng.randrange(4, 10)},
        )


def _incidents(f: FamilyBuilder, c: str, source: str, target: str, identified: date) -> None:
    """Two to eight incidents in the year before the need, and sometimes one or two
    after it (a fifth of those known late: the records that put claims at risk)."""
    rng = f.rng
    kinds = {"8.1": ("domestic_abuse",), "6.2": ("missing_episode",)}.get(
        c, ("offence", "arrest", "named_suspect", "asb")
    )
    for _ in range(rng.randrange(2, 9)):
        on = identified - timedelta(days=rng.randrange(1, 365))
        f.add("incident_recorded", on, source, person=target, kind=rng.choice(kinds))
    for _ in range(rng.choice((0, 0, 1, 2))):
        on = identified + timedelta(days=rng.randrange(1, 300))
        f.add(
            "incident_recorded",
            on,
            source,
            person=target,
            kind=rng.choice(kinds),
            late=rng.random() < 0.2,
        )


def _eviction_threat(f: FamilyBuilder, identified: date) -> None:
    """A notice served before the need; mostly withdrawn, and the housing then settled."""
    rng = f.rng
    notice = rng.choice(("section_21", "nosp"))
    f.add(
        "notice_served",
        identified - timedelta(days=rng.randrange(5, 60)),
        "housing",
        notice=notice,
        tenancy="T1",
    )
    f.add("housing_status_recorded", identified, "housing", status="threatened_with_eviction")
    if rng.random() < 0.7:
        f.add(
            "notice_withdrawn",
            identified + timedelta(days=rng.randrange(30, 150)),
            "housing",
            notice=notice,
            tenancy="T1",
        )
        f.add(
            "housing_status_recorded",
            identified + timedelta(days=rng.randrange(150, 300)),
            "housing",
            status="settled",
        )


def _worklessness(f: FamilyBuilder, p: str, identified: date) -> None:
    """A benefit spell before the need; often work found after it (sometimes lost again)."""
    rng = f.rng
    f.add(
        "benefit_started",
        identified - timedelta(days=rng.randrange(30, 700)),
        "dwp",
        person=p,
        benefit=rng.choice(("uc_work_related", "jsa", "esa")),
    )
    if rng.random() < 0.6:
        started = identified + timedelta(days=rng.randrange(30, 300))
        f.add("employment_started", started, "dwp", person=p)
        f.add(
            "benefit_ended",
            started + timedelta(days=rng.randrange(7, 40)),
            "dwp",
            person=p,
            benefit="uc_work_related",
        )
        if rng.random() < 0.2:
            f.add(
                "employment_ended",
                started + timedelta(days=rng.randrange(60, 200)),
                "dwp",
                person=p,
            )
