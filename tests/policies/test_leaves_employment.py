"""leaves/employment.py: the shared P18–P21 employment primitives (weeks k of n, k
consecutive weeks, continuous spells in work / off benefits, earnings at the AET).

Hand-worked dates: identified Wednesday 2024-01-10; JSA/ESA claim ends Sunday 2024-01-14;
job from Monday 2024-01-15, so week 1 is 15–21 January and week w ends on
2024-01-21 + (w−1) weeks (week 13 on 2024-04-14, week 26 on 2024-07-14).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from leaf_helpers import run, status
from policy_helpers import rec

from sftimeline.records import Record

IDENT = "2024-01-10"


def adult() -> Record:
    return rec("person_joined", "2023-01-01", person="P1", role="adult", born_on="1990-01-01")


def on_benefit(
    benefit: str, start: str = "2023-06-01", end: str | None = "2024-01-14"
) -> list[Record]:
    out = [rec("benefit_started", start, person="P1", benefit=benefit)]
    if end:
        out.append(rec("benefit_ended", end, person="P1", benefit=benefit))
    return out


def job(start: str = "2024-01-15", end: str | None = None, **kw: Any) -> list[Record]:
    out = [rec("employment_started", start, person="P1", **kw)]
    if end:
        out.append(rec("employment_ended", end, person="P1"))
    return out


def pay(on: str, pence: int, household: str = "single") -> Record:
    end = (dt.date.fromisoformat(on) + dt.timedelta(days=27)).isoformat()
    return rec(
        "earnings_reported", on, person="P1", period_end=end, gross_pay=pence, household=household
    )


def since(result: Any) -> str | None:
    return result.met_since.isoformat() if result.met_since else None


W26 = {"k": 26, "n": 30}
W13 = {"k": 13, "n": 13, "consecutive": True}


def test_26_of_30_weeks_pending_the_day_before_the_26th_week_completes() -> None:
    recs = [adult(), *on_benefit("jsa"), *job()]
    assert status(run("weeks_in_work_off_benefits", W26, recs, "2024-07-13")) == (
        "pending",
        "2024-07-14",
    )
    r = run("weeks_in_work_off_benefits", W26, recs, "2024-07-14")
    assert (r.status.value, since(r)) == ("met", "2024-07-14")


def test_26_of_30_weeks_tolerates_a_missed_week_and_moves_the_date() -> None:
    recs = [adult(), *on_benefit("jsa"), *job(end="2024-03-03"), *job("2024-03-11")]
    assert status(run("weeks_in_work_off_benefits", W26, recs, "2024-07-20")) == (
        "pending",
        "2024-07-21",
    )
    assert status(run("weeks_in_work_off_benefits", W26, recs, "2024-07-21"))[0] == "met"


def test_13_consecutive_weeks_restart_after_a_break() -> None:
    straight = [adult(), *on_benefit("esa"), *job()]
    assert status(run("weeks_in_work_off_benefits", W13, straight, "2024-04-13")) == (
        "pending",
        "2024-04-14",
    )
    assert since(run("weeks_in_work_off_benefits", W13, straight, "2024-04-14")) == "2024-04-14"
    broken = [adult(), *on_benefit("esa"), *job(end="2024-03-03"), *job("2024-03-11")]
    assert status(run("weeks_in_work_off_benefits", W13, broken, "2024-04-14")) == (
        "pending",
        "2024-06-09",
    )


def test_a_benefit_claimed_in_work_stops_the_weeks_unless_uc_at_the_aet() -> None:
    recs = [adult(), *on_benefit("uc_work_related", end=None), *job()]
    assert status(run("weeks_in_work_off_benefits", W13, recs, "2024-06-01")) == ("pending", None)
    at_aet = [*recs, pay("2024-01-15", 33800)]
    args = {**W13, "uc_at_aet": True}
    assert since(run("weeks_in_work_off_benefits", args, at_aet, "2024-06-01")) == "2024-04-14"
    below = [*recs, pay("2024-01-15", 33799)]
    assert status(run("weeks_in_work_off_benefits", args, below, "2024-06-01")) == (
        "pending",
        None,
    )


def test_weeks_before_identification_do_not_count() -> None:
    recs = [adult(), *job("2023-06-05")]
    r = run("weeks_in_work_off_benefits", W13, recs, "2024-04-14")
    # first whole week on or after 2024-01-10 is 15–21 January
    assert (r.status.value, since(r)) == ("met", "2024-04-14")


def test_by_benefit_jsa_and_uc_work_related_need_26_of_30_others_13_consecutive() -> None:
    for benefit, done in (
        ("jsa", "2024-07-14"),
        ("uc_work_related", "2024-07-14"),
        ("esa", "2024-04-14"),
        ("income_support", "2024-04-14"),
    ):
        recs = [adult(), *on_benefit(benefit), *job()]
        day = dt.date.fromisoformat(done)
        before = run("employment_weeks_by_benefit", {}, recs, day - dt.timedelta(days=1))
        assert status(before) == ("pending", done), benefit
        assert since(run("employment_weeks_by_benefit", {}, recs, day)) == done, benefit


def test_by_benefit_needs_a_claim_open_at_identification() -> None:
    recs = [adult(), *on_benefit("jsa", end="2024-01-09"), *job()]
    assert status(run("employment_weeks_by_benefit", {}, recs, "2024-09-01"))[0] == (
        "insufficient_data"
    )


def test_by_benefit_uc_remaining_at_aet_counts() -> None:
    recs = [
        adult(),
        *on_benefit("uc_work_related", end=None),
        *job(),
        pay("2024-01-15", 54100, "couple"),
    ]
    assert since(run("employment_weeks_by_benefit", {}, recs, "2024-08-01")) == "2024-07-14"


def test_continuous_state_months_in_work_off_benefits() -> None:
    recs = [adult(), *on_benefit("jsa"), *job()]
    args = {"months": 6}
    assert status(run("continuous_state", args, recs, "2024-07-14")) == ("pending", "2024-07-15")
    assert since(run("continuous_state", args, recs, "2024-07-15")) == "2024-07-15"


def test_continuous_state_month_ends_and_leap_day() -> None:
    leap = [adult(), *job("2023-08-31")]
    r = run("continuous_state", {"months": 6}, leap, "2024-03-01", identified="2023-08-01")
    assert since(r) == "2024-02-29"
    plain = [adult(), *job("2024-08-31")]
    r = run("continuous_state", {"months": 6}, plain, "2025-02-27", identified="2024-08-01")
    assert status(r) == ("pending", "2025-02-28")


def test_continuous_state_off_benefits_only_and_in_weeks() -> None:
    recs = [adult(), *on_benefit("esa")]
    off = {"in_work": False, "months": 3}
    assert since(run("continuous_state", off, recs, "2024-05-01")) == "2024-04-15"
    assert since(
        run("continuous_state", {"in_work": False, "months": 3}, [adult()], "2024-05-01")
    ) == ("2024-04-10")
    assert status(run("continuous_state", {"weeks": 13}, [adult(), *job()], "2024-04-14")) == (
        "pending",
        "2024-04-15",
    )


def test_continuous_state_lost_when_the_job_ends() -> None:
    recs = [adult(), *job(end="2024-05-31")]
    assert status(run("continuous_state", {"months": 6}, recs, "2024-07-20")) == ("pending", None)


def test_continuous_state_needs_one_length() -> None:
    from sftimeline.policies.leaves.employment import ContinuousArgs

    try:
        ContinuousArgs.model_validate({"months": 3, "weeks": 13})
    except ValueError:
        return
    raise AssertionError("months and weeks together must be refused")


def test_earnings_at_aet_and_self_employed_excluded() -> None:
    assert (
        status(run("earnings_at_aet", {}, [adult(), pay("2024-05-01", 33800)], "2024-06-01"))[0]
        == "met"
    )
    assert status(
        run("earnings_at_aet", {}, [adult(), pay("2024-05-01", 33799)], "2024-06-01")
    ) == (
        "pending",
        None,
    )
    se = [adult(), *job("2024-04-01", kind="self_employed"), pay("2024-05-01", 90000)]
    assert status(run("earnings_at_aet", {}, se, "2024-06-01"))[0] == "insufficient_data"
    early = [adult(), pay("2019-05-01", 90000)]
    assert status(run("earnings_at_aet", {}, early, "2024-06-01"))[0] == "insufficient_data"


days = st.integers(min_value=0, max_value=400)


@settings(max_examples=40, deadline=None)
@given(start=days, after=days, k=st.integers(1, 20), extra=st.integers(0, 6), cons=st.booleans())
def test_weeks_expected_on_is_when_it_becomes_met_and_met_since_is_exact(
    start: int, after: int, k: int, extra: int, cons: bool
) -> None:
    base = dt.date(2024, 1, 10)
    s = base + dt.timedelta(days=start)
    d = s + dt.timedelta(days=after)
    recs = [adult(), *job(s.isoformat())]
    args = {"k": k, "n": k + extra, "consecutive": cons}
    r = run("weeks_in_work_off_benefits", args, recs, d)
    if r.status.value == "pending":
        assert r.expected_on is not None and r.expected_on > d
        later = run("weeks_in_work_off_benefits", args, recs, r.expected_on)
        assert later.status.value == "met" and later.met_since == r.expected_on
        assert (
            run(
                "weeks_in_work_off_benefits", args, recs, r.expected_on - dt.timedelta(days=1)
            ).status.value
            == "pending"
        )
    else:
        assert r.status.value == "met" and r.met_since is not None
        assert run("weeks_in_work_off_benefits", args, recs, r.met_since).status.value == "met"
        before = run("weeks_in_work_off_benefits", args, recs, r.met_since - dt.timedelta(days=1))
        assert before.status.value == "pending"


@settings(max_examples=40, deadline=None)
@given(start=days, after=days, months=st.integers(1, 12), gap=st.integers(0, 200))
def test_continuous_state_met_since_is_start_plus_months(
    start: int, after: int, months: int, gap: int
) -> None:
    from sftimeline.projections.months import add_months

    base = dt.date(2024, 1, 10)
    s = base + dt.timedelta(days=start)
    benefit_end = s - dt.timedelta(days=gap + 1)
    recs = [adult(), *on_benefit("esa", "2023-01-01", benefit_end.isoformat()), *job(s.isoformat())]
    d = s + dt.timedelta(days=after)
    r = run("continuous_state", {"months": months}, recs, d)
    due = add_months(s, months)
    if due <= d:
        assert (r.status.value, r.met_since) == ("met", due)
    else:
        assert (r.status.value, r.expected_on) == ("pending", due)
