"""leaves/education.py and social_care.py: Appendix 1 P2/P3 entry conditions at
identification, every child's exclusions (measure 5), enrolment (measure 6), and the
step-down with no re-referral (measure 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from leaf_helpers import run, status
from policy_helpers import rec
from pydantic import ValidationError

from sftimeline.policies.primitives import PRIMITIVES
from sftimeline.projections.months import add_months
from sftimeline.records import Record

N = "2023-10-02"


def child(person: str = "C1", born: str = "2012-05-01") -> Record:
    return rec("person_joined", N, person=person, role="child", born_on=born)


def term(person: str, t: str, end: str, possible: int, unauth: int) -> Record:
    return rec(
        "term_attendance_posted",
        end,
        person=person,
        term=t,
        possible_sessions=possible,
        attended_sessions=possible - unauth,
        authorised_absence_sessions=0,
        unauthorised_absence_sessions=unauth,
    )


BEFORE = (
    ("2022-autumn", "2022-12-31"),
    ("2023-spring", "2023-03-31"),
    ("2023-summer", "2023-08-31"),
)


def test_attendance_before_identification_strictly_below() -> None:
    at_90 = [child(), *(term("C1", t, e, 100, 10) for t, e in BEFORE)]
    below = [child(), *(term("C1", t, e, 100, 11 if t == "2023-summer" else 10) for t, e in BEFORE)]
    args = {"terms": 3, "below": 90}
    assert status(
        run("attendance_before_identification", args, at_90, N, identified=N, person="C1")
    )[0] == ("insufficient_data")
    assert (
        status(run("attendance_before_identification", args, below, N, identified=N, person="C1"))[
            0
        ]
        == "met"
    )
    missing = below[:-1]
    assert status(
        run("attendance_before_identification", args, missing, N, identified=N, person="C1")
    )[0] == ("insufficient_data")


def excl(on: str, days: float, kind: str = "fixed_term", person: str = "C1") -> Record:
    extra = {"days": days} if kind == "fixed_term" else {}
    return rec("exclusion_recorded", on, person=person, kind=kind, **extra)


def test_exclusions_before_identification_routes() -> None:
    args = {"terms": 3, "count": 3, "days": 10, "primary_days": 5}
    two_long = [child(born="2009-05-01"), excl("2022-11-01", 5), excl("2023-05-01", 5)]
    assert (
        status(
            run("exclusions_before_identification", args, two_long, N, identified=N, person="C1")
        )[0]
        == "met"
    )
    primary = [child(born="2014-05-01"), excl("2022-11-01", 2.5), excl("2023-05-01", 2.5)]
    assert (
        status(
            run("exclusions_before_identification", args, primary, N, identified=N, person="C1")
        )[0]
        == "met"
    )
    secondary = [child(born="2011-05-01"), excl("2022-11-01", 2.5), excl("2023-05-01", 2.5)]
    assert status(
        run("exclusions_before_identification", args, secondary, N, identified=N, person="C1")
    )[0] == ("insufficient_data")
    too_old = [child(born="2009-05-01"), excl("2022-08-31", 20)]  # before the 3 terms
    assert status(
        run("exclusions_before_identification", args, too_old, N, identified=N, person="C1")
    )[0] == ("insufficient_data")
    perm = [child(), excl("2023-06-01", 0, "permanent")]
    assert (
        status(
            run(
                "exclusions_before_identification",
                {"kinds": ["permanent"], "count": 1},
                perm,
                N,
                identified=N,
                person="C1",
            )
        )[0]
        == "met"
    )


def test_exclusions_before_identification_in_the_months_before_or_ever() -> None:
    # N = 2023-10-02: e is in the 12 months before N when e <= N < e + 12 months
    def entry(args: dict[str, object], records: list[Record]) -> str:
        return status(
            run("exclusions_before_identification", args, records, N, identified=N, person="C1")
        )[0]

    months = {"months": 12, "count": None, "days": 10}
    assert entry(months, [child(), excl("2022-10-03", 10)]) == "met"  # + 12m = 2023-10-03 > N
    assert entry(months, [child(), excl("2022-10-02", 10)]) == "insufficient_data"  # = N: out
    assert entry(months, [child(), excl("2023-10-03", 10)]) == "insufficient_data"  # after N
    ever = {"ever": True, "kinds": ["permanent"], "count": 1}
    assert entry(ever, [child(), excl("2019-01-01", 0, "permanent")]) == "met"
    assert entry(ever, [child(), excl("2023-10-03", 0, "permanent")]) == "insufficient_data"


@pytest.mark.parametrize(
    "args",
    [{"terms": 3, "months": 12}, {"months": 12, "ever": True}, {"terms": 2, "ever": True}],
)
def test_exclusions_before_identification_takes_one_window(args: dict[str, object]) -> None:
    model, _, _ = PRIMITIVES["exclusions_before_identification"]
    with pytest.raises(ValidationError, match="give one window"):
        model.model_validate(args)


def test_attendance_before_identification_at_most_is_inclusive() -> None:
    # Hertfordshire 2.5: "60% unauthorised absence or more" = xauth_a at most 40%
    at_60 = [child(), *(term("C1", t, e, 100, 60) for t, e in BEFORE)]
    at_59 = [child(), *(term("C1", t, e, 100, 59 if t == "2023-summer" else 60) for t, e in BEFORE)]
    args = {"terms": 3, "at_most": 40, "measure": "xauth_a"}

    def entry(records: list[Record]) -> str:
        return status(
            run("attendance_before_identification", args, records, N, identified=N, person="C1")
        )[0]

    assert entry(at_60) == "met"
    assert entry(at_59) == "insufficient_data"
    model, _, _ = PRIMITIVES["attendance_before_identification"]
    with pytest.raises(ValidationError, match="not both"):
        model.model_validate({"below": 90, "at_most": 40})


def test_every_child_exclusions_waits_for_the_oldest_term_to_drop() -> None:
    recs = [
        child(),
        child("C2", "2014-06-15"),
        excl("2023-11-01", 1),
        excl("2024-01-15", 1),
        excl("2024-05-01", 1),
    ]
    assert status(run("every_child_exclusions", {}, recs, "2024-08-31", identified=N)) == (
        "pending",
        "2024-12-31",
    )
    assert status(run("every_child_exclusions", {}, recs, "2024-12-31", identified=N))[0] == "met"
    assert status(run("every_child_exclusions", {}, [], "2024-12-31", identified=N))[0] == (
        "insufficient_data"
    )


def enrol(on: str, ptype: str, provider: str = "S1") -> Record:
    return rec("enrolment_started", on, person="C1", provider=provider, provider_type=ptype)


def test_enrolment_sustained_and_entry_checks() -> None:
    args = {"provider_types": ["hospital"], "months": 6}
    recs = [child(), enrol("2024-02-01", "hospital")]
    assert status(
        run("enrolled", args, recs, "2024-07-31", identified="2024-01-10", person="C1")
    ) == (
        "pending",
        "2024-08-01",
    )
    ended = rec("enrolment_ended", "2024-08-01", person="C1", provider="S1")
    assert (
        status(
            run(
                "enrolled", args, [*recs, ended], "2024-08-01", identified="2024-01-10", person="C1"
            )
        )[0]
        == "met"
    )
    assert status(
        run("enrolled", args, [*recs, ended], "2024-08-02", identified="2024-01-10", person="C1")
    ) == (
        "pending",
        None,
    )
    ap = [child(), enrol("2023-09-01", "pupil_referral_unit")]
    assert (
        status(
            run(
                "enrolled_at",
                {"provider_types": ["pupil_referral_unit"]},
                ap,
                N,
                identified=N,
                person="C1",
            )
        )[0]
        == "met"
    )
    assert (
        status(run("enrolled_at", {"negate": True}, ap, N, identified=N, person="C1"))[0]
        == "insufficient_data"
    )
    assert (
        status(run("enrolled_at", {"negate": True}, [child()], N, identified=N, person="C1"))[0]
        == "met"
    )


SD = {"months": 6}


def plan(level: str = "cp", on: str = "2023-11-01") -> Record:
    return rec("plan_opened", on, plan="P1", level=level, person="C1")


def test_step_down_then_no_rereferral_for_six_months() -> None:
    recs = [plan(), rec("plan_stepped_down", "2024-03-15", plan="P1", level="cin")]
    assert status(run("plan_step_down_no_rereferral", SD, recs, "2024-09-14")) == (
        "pending",
        "2024-09-15",
    )
    assert status(run("plan_step_down_no_rereferral", SD, recs, "2024-09-15"))[0] == "met"
    inside = rec("referral_accepted", "2024-09-14", service="childrens_social_care")
    assert (
        status(run("plan_step_down_no_rereferral", SD, [*recs, inside], "2024-09-15"))[0]
        == "not_met"
    )
    boundary = rec("referral_accepted", "2024-09-15", service="childrens_social_care")
    assert (
        status(run("plan_step_down_no_rereferral", SD, [*recs, boundary], "2024-09-15"))[0] == "met"
    )
    up = rec("plan_stepped_up", "2024-05-01", plan="P1", level="cp")
    assert status(run("plan_step_down_no_rereferral", SD, [*recs, up], "2024-09-15")) == (
        "pending",
        None,
    )
    early = [plan(), rec("plan_stepped_down", "2024-01-05", plan="P1", level="cin")]
    assert status(run("plan_step_down_no_rereferral", SD, early, "2024-09-15")) == ("pending", None)
    assert status(run("plan_step_down_no_rereferral", SD, [plan("early_help")], "2024-09-15"))[
        0
    ] == ("insufficient_data")


def test_step_back_up_breaks_the_follow_up_when_it_is_what_breaks_it() -> None:
    """Hertfordshire 3.2/3.3 (breaks: [step_up]): a step back up dated E < e < E + 6m is
    not_met, one on E + 6m is outside; a referral does not break it; a later step-down (or a
    new CIN/CP plan's step-down) starts a new window."""
    herts = {"months": 6, "breaks": ["step_up"]}
    down = [plan(), rec("plan_stepped_down", "2024-03-15", plan="P1", level="cin")]

    def check(records: list[Record], on: str) -> tuple[str, str | None]:
        return status(run("plan_step_down_no_rereferral", herts, records, on))

    up = rec("plan_stepped_up", "2024-09-14", plan="P1", level="cp")
    assert check([*down, up], "2024-09-14")[0] == "not_met"
    assert check([*down, up], "2024-10-30")[0] == "not_met"
    on_end = rec("plan_stepped_up", "2024-09-15", plan="P1", level="cp")
    assert check([*down, on_end], "2024-09-15")[0] == "met"
    referral = rec("referral_accepted", "2024-05-01", service="childrens_social_care")
    assert check([*down, referral], "2024-09-15")[0] == "met"
    again = [*down, up, rec("plan_stepped_down", "2024-10-31", plan="P1", level="cin")]
    assert check(again, "2025-04-29") == ("pending", "2025-04-30")
    assert check(again, "2025-04-30")[0] == "met"
    new_plan = rec("plan_opened", "2024-06-01", plan="P2", level="cp", person="C1")
    assert check([*down, new_plan], "2024-09-15")[0] == "not_met"


@settings(max_examples=50, deadline=None)
@given(
    step=st.integers(min_value=0, max_value=300),
    ref=st.integers(min_value=-10, max_value=400),
    on=st.integers(min_value=0, max_value=600),
)
def test_step_down_follow_up_window_is_open_on_both_ends(step: int, ref: int, on: int) -> None:
    n = dt.date(2024, 1, 10)
    e = n + dt.timedelta(days=step)
    r = e + dt.timedelta(days=ref)
    d = n + dt.timedelta(days=on)
    recs = [
        plan(),
        rec("plan_closed", e.isoformat(), plan="P1"),
        rec("referral_accepted", r.isoformat(), service="childrens_social_care"),
    ]
    result = run("plan_step_down_no_rereferral", SD, recs, d)
    end = add_months(e, 6)
    if d < e:
        assert result.status.value == "pending"
    elif e < r < end and r <= d:
        assert result.status.value == "not_met"
    elif d >= end:
        assert result.status.value == "met"
    else:
        assert status(result) == ("pending", end.isoformat())


def test_plan_at_identification_entry() -> None:
    recs = [plan("cin")]
    assert status(run("plan_at", {"levels": ["cin", "cp"]}, recs, "2024-01-10"))[0] == "met"
    closed = [*recs, rec("plan_closed", "2024-01-05", plan="P1")]
    assert (
        status(run("plan_at", {"levels": ["cin", "cp"]}, closed, "2024-01-10"))[0]
        == "insufficient_data"
    )
    assert (
        status(run("plan_at", {"levels": ["cin"], "ever": True}, closed, "2024-01-10"))[0] == "met"
    )
