"""Hampshire leaf primitives: debt (EMP viii), justice spells (CRIME ii, iii, iv, v, vi),
exclusion days (EDU ii, iv), closure after support (HEALTH, P32), previous support without
re-escalation (FL-HA-7, P30) and new problem areas (FL-HA-5/6, P29)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from leaf_helpers import run, status
from policy_helpers import rec

from sftimeline.projections.months import add_months
from sftimeline.records import Record

N = "2024-01-10"
HA = "hampshire:T"


def people() -> list[Record]:
    return [
        rec("family_nominated", N),
        rec("person_joined", N, person="P1", role="adult", born_on="1985-01-01"),
        rec("person_joined", N, person="C1", role="child", born_on="2011-01-01"),
    ]


# ---------------------------------------------------------------- debt


def debt(on: str, balance: int, name: str = "D1", kind: str = "credit") -> Record:
    return rec("debt_recorded", on, debt=name, kind=kind, balance=balance)


def test_debt_cleared_when_every_debt_is_zero_and_sustained() -> None:
    recs = [
        *people(),
        debt("2024-01-01", 5000),
        debt("2024-01-01", 300, "D2"),
        debt("2024-02-01", 0),
    ]
    # D2 still owes £3: not cleared, no date
    assert status(run("debt_cleared", {}, recs, "2024-03-01")) == ("pending", None)
    recs.append(debt("2024-03-31", 0, "D2"))
    assert status(run("debt_cleared", {"months": 6}, recs, "2024-09-29")) == (
        "pending",
        "2024-09-30",
    )
    assert status(run("debt_cleared", {"months": 6}, recs, "2024-09-30"))[0] == "met"


def test_debt_cleared_before_identification_is_not_an_outcome() -> None:
    recs = [*people(), debt("2023-10-01", 0)]
    assert run("debt_cleared", {}, recs, "2024-03-01").status.value == "not_met"


def test_debt_cleared_a_new_debt_undoes_it() -> None:
    recs = [
        *people(),
        debt("2024-01-01", 5000),
        debt("2024-02-01", 0),
        debt("2024-03-01", 100, "D2"),
    ]
    assert status(run("debt_cleared", {}, recs, "2024-04-01")) == ("pending", None)


def test_debt_cleared_needs_a_balance() -> None:
    assert run("debt_cleared", {}, people(), "2024-04-01").status.value == "insufficient_data"


def test_debt_plan_three_months_day_before_and_day_of() -> None:
    recs = [*people(), rec("debt_plan_started", "2024-01-31", plan="DMP")]
    # 2024-01-31 + 3 months = 2024-04-30 (clamped)
    assert status(run("debt_plan_adhered", {}, recs, "2024-04-29")) == ("pending", "2024-04-30")
    assert status(run("debt_plan_adhered", {}, recs, "2024-04-30"))[0] == "met"


def test_debt_plan_counts_from_identification_not_an_older_start() -> None:
    recs = [*people(), rec("debt_plan_started", "2023-06-01", plan="DMP")]
    assert status(run("debt_plan_adhered", {}, recs, "2024-03-01")) == ("pending", "2024-04-10")


def test_debt_plan_missed_payment_restarts_and_broken_plan_fails() -> None:
    recs = [
        *people(),
        rec("debt_plan_started", "2024-02-01", plan="DMP"),
        rec("debt_payment_missed", "2024-03-10", plan="DMP"),
    ]
    assert status(run("debt_plan_adhered", {}, recs, "2024-05-01")) == ("pending", "2024-06-11")
    broken = [*recs, rec("debt_plan_ended", "2024-04-01", plan="DMP", outcome="broken")]
    assert run("debt_plan_adhered", {}, broken, "2024-07-01").status.value == "not_met"
    done = [
        *people(),
        rec("debt_plan_started", "2024-02-01", plan="DMP"),
        rec("debt_plan_ended", "2024-06-01", plan="DMP", outcome="completed"),
    ]
    assert run("debt_plan_adhered", {}, done, "2024-07-01").status.value == "met"


def test_no_debt_plan_is_pending_without_a_date() -> None:
    assert status(run("debt_plan_adhered", {}, people(), "2024-07-01")) == ("pending", None)


def fin(on: str, income: int, spend: int) -> Record:
    return rec("finances_recorded", on, monthly_income=income, monthly_expenditure=spend)


def test_finances_improved_income_up_or_spending_down() -> None:
    base = [*people(), fin("2024-01-05", 100000, 120000)]
    assert run("finances_improved", {}, base, "2024-03-01").status.value == "pending"
    same = [*base, fin("2024-03-01", 100000, 120000)]
    assert run("finances_improved", {}, same, "2024-03-01").status.value == "pending"
    up = [*base, fin("2024-03-01", 110000, 120000)]
    assert run("finances_improved", {}, up, "2024-03-01").status.value == "met"
    down = [*base, fin("2024-03-01", 100000, 110000)]
    assert run("finances_improved", {}, down, "2024-03-01").status.value == "met"
    no_base = [*people(), fin("2024-03-01", 1, 1)]
    assert run("finances_improved", {}, no_base, "2024-03-01").status.value == "insufficient_data"


# ---------------------------------------------------------------- justice spells


def spell(on: str, name: str, kind: str, person: str = "P1", **f: object) -> Record:
    return rec("justice_spell_started", on, person=person, spell=name, kind=kind, **f)


def ended(on: str, name: str, outcome: str, person: str = "P1") -> Record:
    return rec("justice_spell_ended", on, person=person, spell=name, outcome=outcome)


def test_release_within_weeks_is_strictly_less_than_84_days() -> None:
    ok = [*people(), spell("2023-01-01", "S", "custody", expected_end="2024-04-02")]
    edge = [*people(), spell("2023-01-01", "S", "custody", expected_end="2024-04-03")]
    assert run("release_within_weeks", {}, ok, N, person="P1").status.value == "met"
    assert run("release_within_weeks", {}, edge, N, person="P1").status.value == "insufficient_data"
    unknown = [*people(), spell("2023-01-01", "S", "custody")]
    assert run("release_within_weeks", {}, unknown, N, person="P1").status.value == (
        "insufficient_data"
    )


def test_spell_ended_with_success_after_identification() -> None:
    args = {"kinds": ["youth_crime_prevention"]}
    recs = [*people(), spell("2023-12-01", "Y", "youth_crime_prevention", person="C1")]
    assert status(run("spell_ended_with", args, recs, "2024-03-01", person="C1")) == (
        "pending",
        None,
    )
    ok = [*recs, ended("2024-02-01", "Y", "completed_successfully", person="C1")]
    assert run("spell_ended_with", args, ok, "2024-03-01", person="C1").status.value == "met"
    bad = [*recs, ended("2024-02-01", "Y", "breached", person="C1")]
    assert run("spell_ended_with", args, bad, "2024-03-01", person="C1").status.value == "not_met"


def test_spell_complied_restarts_after_a_breach_and_fails_if_breached_out() -> None:
    args = {"kinds": ["asb_contract"], "months": 6}
    recs = [*people(), spell("2023-12-01", "ABC", "asb_contract")]
    assert status(run("spell_complied", args, recs, "2024-07-09", person="P1")) == (
        "pending",
        "2024-07-10",
    )
    breach = [*recs, rec("justice_breach_recorded", "2024-03-01", person="P1", spell="ABC")]
    assert status(run("spell_complied", args, breach, "2024-07-10", person="P1")) == (
        "pending",
        "2024-09-02",
    )
    out = [*recs, ended("2024-03-01", "ABC", "breached")]
    assert run("spell_complied", args, out, "2024-07-10", person="P1").status.value == "not_met"


def test_no_reoffence_in_six_months_post_release() -> None:
    recs = [*people(), spell("2023-01-01", "S", "custody"), ended("2024-03-31", "S", "released")]
    # 2024-03-31 + 6 months = 2024-09-30
    assert status(run("no_reoffence_after_release", {}, recs, "2024-09-29", person="P1")) == (
        "pending",
        "2024-09-30",
    )
    assert run("no_reoffence_after_release", {}, recs, "2024-09-30", person="P1").status.value == (
        "met"
    )
    late = [*recs, rec("incident_recorded", "2024-09-30", person="P1", kind="offence")]
    # an offence on the day the 6 months complete is outside [R, R + 6m)
    assert run("no_reoffence_after_release", {}, late, "2024-10-01", person="P1").status.value == (
        "met"
    )
    inside = [*recs, rec("incident_recorded", "2024-09-29", person="P1", kind="offence")]
    assert run(
        "no_reoffence_after_release", {}, inside, "2024-10-01", person="P1"
    ).status.value == ("not_met")


# ---------------------------------------------------------------- exclusion days


def excl(on: str, days: float, person: str = "C1") -> Record:
    return rec("exclusion_recorded", on, person=person, kind="fixed_term", days=days)


def test_exclusion_days_by_months_forecasts_when_old_days_leave() -> None:
    recs = [*people(), excl("2023-05-31", 5), excl("2023-11-20", 6)]
    args = {"months": 12, "fewer_than": 10}
    # 2023-05-31 + 12 months = 2024-05-31
    assert status(run("exclusion_days_below", args, recs, "2024-05-30", person="C1")) == (
        "pending",
        "2024-05-31",
    )
    assert run("exclusion_days_below", args, recs, "2024-05-31", person="C1").status.value == "met"


def test_exclusion_days_by_terms() -> None:
    args = {"terms": 3, "fewer_than": 5}
    recs = [*people(), excl("2023-11-20", 6)]
    # last 3 terms ended by 2024-04-01: 2023-summer, 2023-autumn, 2024-spring: 6 days
    r = run("exclusion_days_below", args, recs, "2024-04-01", person="C1")
    assert status(r) == ("pending", "2024-12-31")
    assert run("exclusion_days_below", args, recs, "2024-12-31", person="C1").status.value == "met"


def test_exclusion_days_needs_exactly_one_window() -> None:
    import pytest
    from pydantic import ValidationError

    from sftimeline.policies.primitives import PRIMITIVES

    model = PRIMITIVES["exclusion_days_below"][0]
    with pytest.raises(ValidationError):
        model.model_validate({"fewer_than": 5})
    with pytest.raises(ValidationError):
        model.model_validate({"fewer_than": 5, "terms": 3, "months": 12})


@settings(max_examples=60, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=-400, max_value=300), min_size=0, max_size=6),
    days=st.lists(st.integers(min_value=1, max_value=6), min_size=6, max_size=6),
    d_off=st.integers(min_value=0, max_value=500),
)
def test_exclusion_days_months_agrees_with_the_written_out_window(
    offsets: list[int], days: list[int], d_off: int
) -> None:
    """Property: met exactly when the days dated e <= D < e + 12m total fewer than 10, and a
    pending forecast is the first later day on which that holds if nothing else is recorded."""
    n = dt.date(2024, 1, 10)
    on = n + dt.timedelta(days=d_off)
    recs = [*people()]
    dated: list[tuple[dt.date, int]] = []
    for i, off in enumerate(offsets):
        day = n + dt.timedelta(days=off)
        dated.append((day, days[i]))
        recs.append(excl(day.isoformat(), days[i]))

    def total(d: dt.date) -> int:
        return sum(x for e, x in dated if e <= d < add_months(e, 12))

    r = run("exclusion_days_below", {"months": 12, "fewer_than": 10}, recs, on, person="C1")
    if total(on) < 10:
        assert r.status.value == "met"
    else:
        assert r.status.value == "pending" and r.expected_on is not None
        exp = r.expected_on
        assert total(exp) < 10 or any(e > on for e, _ in dated)
        assert total(exp - dt.timedelta(days=1)) >= 10 or any(e > on for e, _ in dated)


# ---------------------------------------------------------------- closure after support


def test_closed_after_support_day_before_and_day_of() -> None:
    recs = people()
    assert status(run("closed_after_support", {}, recs, "2024-08-01")) == ("pending", None)
    early = run("closed_after_support", {}, recs, "2024-08-01", case_closed="2024-07-09")
    assert early.status.value == "not_met"
    ok = run("closed_after_support", {}, recs, "2024-08-01", case_closed="2024-07-10")
    assert ok.status.value == "met"


# ---------------------------------------------------------------- previous support (FL-HA-7)


def nominated(closed: str | None) -> list[Record]:
    extra = {"previous_support_closed_on": closed} if closed else {}
    return [rec("family_nominated", N, **extra)]


def test_previous_support_twelve_months_day_before_and_day_of() -> None:
    recs = nominated("2023-02-28")
    args: dict[str, object] = {}
    assert status(run("previous_support_no_reescalation", args, recs, "2024-02-27")) == (
        "pending",
        "2024-02-28",
    )
    assert run("previous_support_no_reescalation", args, recs, "2024-02-28").status.value == "met"


def test_previous_support_broken_by_a_referral_or_plan_and_absent_without_closure() -> None:
    ref = [*nominated("2023-01-20"), rec("referral_accepted", "2023-08-01", service="early_help")]
    assert run("previous_support_no_reescalation", {}, ref, "2024-03-01").status.value == "not_met"
    plan = [*nominated("2023-01-20"), rec("plan_opened", "2023-08-01", plan="P", level="cin")]
    assert run("previous_support_no_reescalation", {}, plan, "2024-03-01").status.value == "not_met"
    other = [*nominated("2023-01-20"), rec("referral_accepted", "2023-08-01", service="camhs")]
    assert run("previous_support_no_reescalation", {}, other, "2024-03-01").status.value == "met"
    none = nominated(None)
    assert run("previous_support_no_reescalation", {}, none, "2024-03-01").status.value == "not_met"
    off = run(
        "previous_support_no_reescalation", {"reading": "not_applied"}, nominated("2020-01-01"), N
    )
    assert off.status.value == "not_met"


# ---------------------------------------------------------------- new problem areas (FL-HA-5/6)


def test_new_problem_outside_the_plan_is_a_regression() -> None:
    recs = [
        *people(),
        rec("need_identified", N, criterion="hampshire:CRIME.i", person="P1"),
        rec("incident_recorded", "2024-03-01", person="P1", kind="domestic_abuse"),
    ]
    r = run("no_new_problem_areas", {}, recs, "2024-04-01", criterion=HA, nomination=N)
    assert r.status.value == "not_met" and "DVA" in r.explanation
    planned = [*recs, rec("need_identified", "2024-03-05", criterion="hampshire:DVA.iii")]
    r2 = run("no_new_problem_areas", {}, planned, "2024-04-01", criterion=HA, nomination=N)
    assert r2.status.value == "met"


def test_records_before_nomination_and_areas_not_checked_are_not_regressions() -> None:
    recs = [
        *people(),
        rec("incident_recorded", "2024-01-01", person="P1", kind="asb"),
        rec("notice_served", "2024-03-01", notice="section_21"),
    ]
    r = run("no_new_problem_areas", {"areas": ["CRIME"]}, recs, "2024-04-01", criterion=HA)
    assert r.status.value == "met"
    r2 = run("no_new_problem_areas", {}, recs, "2024-04-01", criterion=HA)
    assert r2.status.value == "not_met" and "EMP" in r2.explanation


@settings(max_examples=60, deadline=None)
@given(
    closed_off=st.integers(min_value=-800, max_value=0),
    referral_off=st.one_of(st.none(), st.integers(min_value=-800, max_value=200)),
    d_off=st.integers(min_value=0, max_value=400),
)
def test_previous_support_agrees_with_the_written_out_rule(
    closed_off: int, referral_off: int | None, d_off: int
) -> None:
    """Property (FL-HA-7, semantics §2): met exactly when D >= closed + 12 months and no
    re-escalation is dated closed <= e <= D; a re-escalation before closed + 12 months is
    not_met; otherwise pending on closed + 12 months."""
    n = dt.date(2024, 1, 10)
    closed = n + dt.timedelta(days=closed_off)
    on = n + dt.timedelta(days=d_off)
    recs = [rec("family_nominated", n.isoformat(), previous_support_closed_on=closed.isoformat())]
    ref = None if referral_off is None else n + dt.timedelta(days=referral_off)
    if ref is not None:
        recs.append(rec("referral_accepted", ref.isoformat(), service="early_help"))
    due = add_months(closed, 12)
    r = run("previous_support_no_reescalation", {}, recs, on)
    broke = ref is not None and closed <= ref <= on and ref < due
    if broke:
        assert r.status.value == "not_met"
    elif due <= on:
        assert r.status.value == "met"
    else:
        assert status(r) == ("pending", due.isoformat())
