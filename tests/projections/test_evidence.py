"""Tests for projections/evidence.py (P26, P31, P35)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sftimeline.projections.evidence import age_check, at_least_k, evidence_present
from sftimeline.projections.results import Status, met, not_met, pending
from sftimeline.records import Record

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def ev(
    day: date, ok: bool, kind: str = "practitioner_assessment", person: str | None = None
) -> Record:
    return Record(
        f"e{day}{ok}",
        "evidence_recorded",
        "f",
        day,
        T0,
        person=person,
        data={"criterion": "national-2022:7.1", "evidence": kind, "outcome_achieved": ok},
    )


def test_evidence() -> None:
    c = "national-2022:7.1"
    assert evidence_present([], date(2024, 1, 1), c).status is Status.EVIDENCE_REQUIRED
    rs = [ev(date(2024, 1, 5), True)]
    assert evidence_present(rs, date(2024, 1, 4), c).status is Status.EVIDENCE_REQUIRED
    r = evidence_present(rs, date(2024, 1, 5), c, person="p1")
    assert r.met and r.met_since == date(2024, 1, 5)
    assert not evidence_present(rs, date(2024, 1, 5), c, kinds={"other"}).met
    rs.append(ev(date(2024, 2, 1), False))
    assert evidence_present(rs, date(2024, 2, 1), c).status is Status.NOT_MET
    assert evidence_present(rs, date(2024, 1, 6), c, after=date(2024, 1, 6)).status is (
        Status.EVIDENCE_REQUIRED
    )


def test_at_least_k() -> None:
    a = met("a", since=date(2024, 1, 1))
    b = met("b", since=date(2024, 3, 1))
    p = pending("p", expected_on=date(2024, 5, 1))
    n = not_met("n")
    r = at_least_k([a, b, n], 2)
    assert r.met and r.met_since == date(2024, 3, 1)
    r = at_least_k([a, p, n], 2)
    assert r.status is Status.PENDING and r.expected_on == date(2024, 5, 1)
    assert at_least_k([a, n, n], 2).status is Status.NOT_MET


def test_age() -> None:
    j = Record(
        "j",
        "person_joined",
        "f",
        date(2020, 1, 1),
        T0,
        person="c",
        data={"role": "child", "born_on": date(2008, 2, 29)},
    )
    assert age_check(j, date(2024, 2, 28), min_age=16).status is Status.NOT_MET
    assert age_check(j, date(2024, 3, 1), min_age=16).met
    j2 = Record("j2", "person_joined", "f", date(2020, 1, 1), T0, person="c", data={})
    assert age_check(j2, date(2024, 3, 1), min_age=16).status is Status.INSUFFICIENT_DATA
