"""leaves/employment_benefit_spells.py, progress.py, arrears.py, plan_selection.py:
Herefordshire TF 2020 headline 4 (measures 13–16, App1-P4-1/3) and FL-TF-6."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from leaf_helpers import run, status
from policy_helpers import rec

from sftimeline.projections.months import add_months
from sftimeline.records import Record

N = dt.date(2024, 1, 10)


def adult(person: str = "P1") -> Record:
    return rec("person_joined", "2024-01-10", person=person, role="adult", born_on="1985-01-01")


def benefit(start: str, end: str | None, kind: str, person: str = "P1") -> list[Record]:
    out = [rec("benefit_started", start, person=person, benefit=kind)]
    if end:
        out.append(rec("benefit_ended", end, person=person, benefit=kind))
    return out


JOB: dict[str, object] = {}


def test_job_length_follows_the_benefit_claimed_at_identification() -> None:
    jsa = [
        adult(),
        *benefit("2023-06-01", "2024-02-29", "jsa"),
        rec("employment_started", "2024-03-01", person="P1"),
    ]
    assert status(run("job_sustained_by_benefit", JOB, jsa, "2024-08-31")) == (
        "pending",
        "2024-09-01",
    )
    assert status(run("job_sustained_by_benefit", JOB, jsa, "2024-09-01"))[0] == "met"
    esa = [
        adult(),
        *benefit("2023-06-01", "2024-02-29", "esa"),
        rec("employment_started", "2024-03-01", person="P1"),
    ]
    assert status(run("job_sustained_by_benefit", JOB, esa, "2024-06-01"))[0] == "met"
    none = [adult(), rec("employment_started", "2024-03-01", person="P1")]
    assert (
        status(run("job_sustained_by_benefit", JOB, none, "2024-09-01"))[0] == "insufficient_data"
    )
    uc_other = [
        adult(),
        *benefit("2023-06-01", None, "uc_other"),
        rec("employment_started", "2024-03-01", person="P1"),
    ]
    assert (
        status(run("job_sustained_by_benefit", JOB, uc_other, "2024-09-01"))[0]
        == "insufficient_data"
    )


def test_a_job_that_ends_early_does_not_count_and_open_benefit_blocks() -> None:
    short = [
        adult(),
        *benefit("2023-06-01", "2024-02-29", "esa"),
        rec("employment_started", "2024-03-01", person="P1"),
        rec("employment_ended", "2024-05-30", person="P1"),
    ]
    assert status(run("job_sustained_by_benefit", JOB, short, "2024-07-01")) == ("pending", None)
    exact = [*short[:-1], rec("employment_ended", "2024-05-31", person="P1")]
    assert status(run("job_sustained_by_benefit", JOB, exact, "2024-07-01"))[0] == "met"
    still = [
        adult(),
        *benefit("2023-06-01", None, "esa"),
        rec("employment_started", "2024-03-01", person="P1"),
    ]
    assert status(run("job_sustained_by_benefit", JOB, still, "2024-09-01")) == ("pending", None)
    assert (
        status(run("job_sustained_by_benefit", {"off_benefits": False}, still, "2024-09-01"))[0]
        == "met"
    )


@settings(max_examples=50, deadline=None)
@given(
    ben_end=st.integers(min_value=0, max_value=200),
    job=st.integers(min_value=0, max_value=200),
    on=st.integers(min_value=0, max_value=600),
)
def test_job_met_exactly_from_months_after_the_later_of_job_start_and_benefit_end(
    ben_end: int, job: int, on: int
) -> None:
    b = N + dt.timedelta(days=ben_end)
    j = N + dt.timedelta(days=job)
    d = N + dt.timedelta(days=on)
    recs = [
        adult(),
        *benefit("2023-06-01", b.isoformat(), "jsa"),
        rec("employment_started", j.isoformat(), person="P1"),
    ]
    r = run("job_sustained_by_benefit", JOB, recs, d)
    if j > d:
        assert r.status.value == "pending" and r.expected_on is None
        return
    if b >= d and b >= j:
        # the claim is still open on D while in work (its end is in the future)
        return
    start = max(j, b + dt.timedelta(days=1)) if b >= j else j
    due = add_months(start, 6)
    assert (r.status.value == "met") == (due <= d)


def test_benefit_and_neet_at_identification_entries() -> None:
    recs = [adult(), *benefit("2023-06-01", None, "uc_work_related")]
    assert status(run("benefit_claimed_at", {}, recs, N, person="P1"))[0] == "met"
    ended = [adult(), *benefit("2023-06-01", "2024-01-09", "jsa")]
    assert status(run("benefit_claimed_at", {}, ended, N, person="P1"))[0] == "insufficient_data"
    neet = [rec("neet_status_recorded", "2023-10-01", person="P1", status="neet")]
    assert status(run("neet_at_identification", {}, neet, N, person="P1"))[0] == "met"
    eet = [*neet, rec("neet_status_recorded", "2024-01-05", person="P1", status="eet")]
    assert status(run("neet_at_identification", {}, eet, N, person="P1"))[0] == "insufficient_data"


def test_neet_for_at_least_13_weeks_at_identification() -> None:
    # Hertfordshire 4.2: N = 2024-01-10; 13 weeks = 91 days, so the NEET run must have begun
    # on or before 2023-10-11; a re-confirming NEET record does not restart the run, an EET does
    weeks = {"weeks": 13}

    def entry(*records: Record) -> str:
        return status(run("neet_at_identification", weeks, list(records), N, person="P1"))[0]

    def neet(on: str, st_: str = "neet") -> Record:
        return rec("neet_status_recorded", on, person="P1", status=st_)

    assert entry(neet("2023-10-11")) == "met"
    assert entry(neet("2023-10-12")) == "insufficient_data"
    assert entry(neet("2023-09-01"), neet("2023-12-01")) == "met"
    assert entry(neet("2023-09-01"), neet("2023-11-01", "eet"), neet("2023-12-01")) == (
        "insufficient_data"
    )


def ptw(on: str, kind: str, until: str | None = None) -> Record:
    extra = {"until": until} if until else {}
    return rec("progress_to_work_recorded", on, person="P1", kind=kind, **extra)


def test_progress_twelve_weeks_or_a_short_course() -> None:
    vol = [ptw("2024-02-05", "volunteering")]
    assert status(run("progress_sustained", {}, vol, "2024-04-28")) == ("pending", "2024-04-29")
    assert status(run("progress_sustained", {}, vol, "2024-04-29"))[0] == "met"
    ended = [ptw("2024-02-01", "traineeship", "2024-03-31")]
    assert status(run("progress_sustained", {}, ended, "2024-06-01")) == ("pending", None)
    course = [
        ptw("2024-04-01", "course_enrolled", "2024-05-26"),
        ptw("2024-05-26", "course_completed"),
    ]
    assert status(run("progress_sustained", {}, course, "2024-05-26"))[0] == "met"
    long_course = [
        ptw("2024-04-01", "course_enrolled", "2024-05-27"),
        ptw("2024-05-27", "course_completed"),
    ]
    assert status(run("progress_sustained", {}, long_course, "2024-05-27")) == ("pending", None)
    qual = [ptw("2024-05-01", "qualification_achieved")]
    assert status(run("progress_achieved", {}, qual, "2024-05-01"))[0] == "met"
    assert status(
        run("progress_achieved", {}, [ptw("2023-12-01", "qualification_achieved")], "2024-05-01")
    ) == (
        "pending",
        None,
    )


def debt(on: str, balance: int, kind: str = "council_tax", name: str = "CT") -> Record:
    return rec("debt_recorded", on, debt=name, kind=kind, balance=balance)


def test_arrears_reduced_against_identification_and_sustained() -> None:
    args = {"months": 6}
    assert status(run("arrears_reduced", args, [], "2024-03-01"))[0] == "insufficient_data"
    recs = [debt("2024-01-05", 50000), debt("2024-03-01", 40000)]
    assert status(run("arrears_reduced", args, recs, "2024-08-31")) == ("pending", "2024-09-01")
    assert status(run("arrears_reduced", args, recs, "2024-09-01"))[0] == "met"
    new_debt = [*recs, debt("2024-04-01", 20000, "rent_arrears", "RA")]
    assert status(run("arrears_reduced", args, new_debt, "2024-09-01")) == ("pending", None)
    only_after = [debt("2024-02-01", 50000)]
    assert status(run("arrears_reduced", args, only_after, "2024-09-01"))[0] == "insufficient_data"


def test_plan_outcomes_selected_resolves_an_indicator() -> None:
    args = {"codes": ["1", "2", "3"]}
    assert status(run("plan_outcomes_selected", args, [], "2024-02-01"))[0] == "evidence_required"
    other = [rec("need_identified", "2024-01-20", criterion="herefordshire-tf-2020:20")]
    assert (
        status(run("plan_outcomes_selected", args, other, "2024-02-01"))[0] == "evidence_required"
    )
    chosen = [rec("need_identified", "2024-01-20", criterion="herefordshire-tf-2020:2")]
    r = run("plan_outcomes_selected", args, chosen, "2024-02-01")
    assert status(r)[0] == "met" and r.met_since == dt.date(2024, 1, 20)
