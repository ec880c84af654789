"""Properties of decisions (semantics.md §1, §5), checked on generated family histories under
both frameworks of the 2022-25 programme (national-2022 and herefordshire-2022)."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_helpers import rec

from sftimeline.policies.evaluator import evaluate_family
from sftimeline.policies.loader import load_framework
from sftimeline.records import Record

UTC = dt.UTC
START = dt.date(2023, 1, 1)
N = dt.date(2024, 1, 10)
LATE = dt.datetime(2100, 1, 1, tzinfo=UTC)
# one headline is enough here, so that many generated families become eligible
FRAMEWORKS = {
    fid: load_framework(fid, {"min_headlines": 1})
    for fid in ("national-2022", "herefordshire-2022")
}

day = st.integers(min_value=0, max_value=1000).map(lambda n: START + dt.timedelta(days=n))
after_n = st.integers(min_value=0, max_value=600).map(lambda n: N + dt.timedelta(days=n))
lag = st.integers(min_value=0, max_value=120)

TERMS = [
    ("2023-autumn", dt.date(2023, 12, 31)),
    ("2024-spring", dt.date(2024, 3, 31)),
    ("2024-summer", dt.date(2024, 8, 31)),
    ("2024-autumn", dt.date(2024, 12, 31)),
    ("2025-spring", dt.date(2025, 3, 31)),
    ("2025-summer", dt.date(2025, 8, 31)),
]
NEEDS: dict[str, list[tuple[str, str | None]]] = {
    "national-2022": [
        ("7.1", "P1"),
        ("7.3", "C1"),
        ("7.2", "C1"),
        ("10.1", "P1"),
        ("5.1", None),
        ("6.2", "C1"),
        ("8.1", None),
        ("6.3", "C1"),
        ("10.3", "C1"),
    ],
    "herefordshire-2022": [
        ("7.1", "P1"),
        ("7.3", "C1"),
        ("7.2", "C1"),
        ("10.1", "P1"),
        ("5.1", None),
        ("6.2", "C1"),
        ("8.1", None),
        ("8.2", None),
        ("6.3", "C1"),
        ("6.5", "C1"),
        ("10.3", "C1"),
        ("1.1", "C1"),
        ("1.3.2", "C1"),
    ],
}
PRINCIPLES = (
    "whole_family_assessment",
    "family_action_plan",
    "lead_practitioner",
    "plan_objectives_aligned",
)
EVIDENCE: dict[str, list[tuple[str, str, str | None]]] = {
    "national-2022": [
        ("5.1", "practitioner_assessment", None),
        ("6.2", "practitioner_assessment", "C1"),
        ("8.1", "self_assessment", None),
        ("7.3", "practitioner_assessment", "C1"),
        ("6.3", "practitioner_assessment", "C1"),
        ("6.3", "self_assessment", "C1"),
    ],
    "herefordshire-2022": [
        ("5.1", "practitioner_assessment", None),
        ("6.2", "practitioner_assessment", "C1"),
        ("8.1", "multi_agency_engagement", None),
        ("8.2", "specialist_programme_engaged", None),
        ("7.2", "practitioner_assessment", "C1"),
        ("7.3", "practitioner_assessment", "C1"),
        ("6.3", "practitioner_assessment", "C1"),
        ("6.3", "self_assessment", "C1"),
        ("6.5", "self_assessment", "C1"),
    ],
}


@st.composite
def histories(draw: Any, fid: str) -> list[Record]:
    counter = iter(range(10_000))

    def r(type_: str, on: dt.date, delay: int = 0, **fields: Any) -> Record:
        known = dt.datetime.combine(on, dt.time(0), tzinfo=UTC) + dt.timedelta(days=delay)
        return rec(
            type_,
            on.isoformat(),
            recorded_at=known.isoformat(),
            source="t",
            source_id=f"R{next(counter)}",
            **fields,
        )

    out = [
        r("family_nominated", N),
        r("person_joined", N, person="P1", role="adult", born_on="1990-05-01"),
        r("person_joined", N, person="C1", role="child", born_on="2008-03-01"),
    ]
    if fid == "herefordshire-2022":
        # FL-H22-3: the four working principles (family-level evidence), usually all present
        for kind in PRINCIPLES:
            if draw(st.sampled_from([True, True, True, False])):
                on = N + dt.timedelta(days=draw(st.sampled_from([0, 0, 0, 30, 120])))
                out.append(
                    r(
                        "evidence_recorded",
                        on,
                        draw(lag),
                        criterion=f"{fid}:family",
                        evidence=kind,
                        outcome_achieved=True,
                    )
                )
    needs = st.lists(st.sampled_from(NEEDS[fid]), min_size=1, max_size=3, unique=True)
    for code, person in draw(needs):
        extra = {"person": person} if person else {}
        out.append(
            r(
                "need_identified",
                draw(st.sampled_from([N, *draw(st.lists(after_n, max_size=1))])),
                criterion=f"{fid}:{code}",
                **extra,
            )
        )
    for _ in range(draw(st.integers(0, 8))):
        out.append(
            r(
                "incident_recorded",
                draw(day),
                draw(lag),
                person=draw(st.sampled_from(["P1", "C1"])),
                kind=draw(
                    st.sampled_from(
                        [
                            "offence",
                            "arrest",
                            "asb",
                            "domestic_abuse",
                            "missing_episode",
                            "police_report",
                        ]
                    )
                ),
                severe=draw(st.booleans()),
            )
        )
    for code, kind, person in draw(st.lists(st.sampled_from(EVIDENCE[fid]), max_size=8)):
        extra = {"person": person} if person else {}
        out.append(
            r(
                "evidence_recorded",
                draw(after_n),
                draw(lag),
                criterion=f"{fid}:{code}",
                evidence=kind,
                outcome_achieved=draw(st.sampled_from([True, True, True, False])),
                **extra,
            )
        )
    for _ in range(draw(st.integers(0, 3))):
        out.append(
            r(
                "exclusion_recorded",
                draw(day),
                draw(lag),
                person="C1",
                kind=draw(st.sampled_from(["fixed_term", "permanent"])),
                days=draw(st.sampled_from([0.5, 1, 2])),
            )
        )
    if draw(st.booleans()):
        out.append(r("case_closed", draw(after_n), draw(lag)))
    for _ in range(draw(st.integers(0, 2))):
        out.append(
            r(
                "referral_accepted",
                draw(after_n),
                draw(lag),
                service=draw(st.sampled_from(["early_help", "domestic_abuse", "youth_justice"])),
            )
        )
    for term, end in draw(st.lists(st.sampled_from(TERMS), max_size=6, unique=True)):
        attended = draw(st.integers(80, 100))
        unauthorised = draw(st.integers(0, 100 - attended))
        out.append(
            r(
                "term_attendance_posted",
                end,
                draw(lag),
                person="C1",
                term=term,
                possible_sessions=100,
                attended_sessions=attended,
                unauthorised_absence_sessions=unauthorised,
                authorised_absence_sessions=100 - attended - unauthorised,
            )
        )
    for status in draw(
        st.lists(
            st.sampled_from(["temporary", "settled", "at_risk_of_losing_temporary"]), max_size=3
        )
    ):
        out.append(r("housing_status_recorded", draw(after_n), draw(lag), status=status))
    if draw(st.booleans()):
        out.append(r("plan_opened", N - dt.timedelta(days=30), plan="PL", level="cin"))
        for kind in draw(
            st.lists(
                st.sampled_from(["plan_closed", "plan_stepped_down", "plan_stepped_up"]), max_size=2
            )
        ):
            extra = {} if kind == "plan_closed" else {"level": "early_help"}
            out.append(r(kind, draw(after_n), draw(lag), plan="PL", **extra))
    if draw(st.booleans()):
        out.append(r("employment_started", draw(after_n), draw(lag), person="P1"))
    if draw(st.booleans()):
        out.append(
            r(
                "neet_status_recorded",
                draw(after_n),
                draw(lag),
                person="C1",
                status=draw(st.sampled_from(["neet", "eet"])),
            )
        )
    return out


def _json(fid: str, records: list[Record], on: dt.date, known_at: dt.datetime = LATE) -> str:
    d = evaluate_family(FRAMEWORKS[fid], "F1", records, on, known_at).to_dict()
    return json.dumps(d, sort_keys=True)


SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EACH_FRAMEWORK = pytest.mark.parametrize("fid", list(FRAMEWORKS))


@EACH_FRAMEWORK
@SETTINGS
@given(data=st.data(), on=after_n, rnd=st.randoms())
def test_independent_of_record_order(
    fid: str, data: st.DataObject, on: dt.date, rnd: random.Random
) -> None:
    records = data.draw(histories(fid))
    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert _json(fid, shuffled, on) == _json(fid, records, on)


@EACH_FRAMEWORK
@SETTINGS
@given(data=st.data(), on=after_n)
def test_records_dated_after_d_never_change_the_decision(
    fid: str, data: st.DataObject, on: dt.date
) -> None:
    records = data.draw(histories(fid))
    before = [r for r in records if r.occurred_on <= on]
    assert _json(fid, records, on) == _json(fid, before, on)


@EACH_FRAMEWORK
@SETTINGS
@given(data=st.data(), on=after_n, t=st.integers(0, 700))
def test_known_at_ignores_later_knowledge(
    fid: str, data: st.DataObject, on: dt.date, t: int
) -> None:
    records = data.draw(histories(fid))
    known_at = dt.datetime.combine(N, dt.time(12), tzinfo=UTC) + dt.timedelta(days=t)
    known = [r for r in records if r.recorded_at <= known_at]
    assert _json(fid, records, on, known_at) == _json(fid, known, on, known_at)


@EACH_FRAMEWORK
@SETTINGS
@given(data=st.data(), on=after_n)
def test_eligible_from_is_exact(fid: str, data: st.DataObject, on: dt.date) -> None:
    """Not eligible the day before eligible_from, eligible on it, when nothing else is
    recorded (only the records dated on or before D are kept)."""
    fw = FRAMEWORKS[fid]
    records = [r for r in data.draw(histories(fid)) if r.occurred_on <= on]
    d = evaluate_family(fw, "F1", records, on, LATE)
    if d.eligible_from is None:
        return
    e = d.eligible_from
    on_day = evaluate_family(fw, "F1", records, e, LATE)
    before = evaluate_family(fw, "F1", records, e - dt.timedelta(days=1), LATE)
    assert on_day.status == "eligible", (e, on_day.to_dict())
    assert before.status != "eligible", (e, before.to_dict())
    assert on_day.eligible_from == e
