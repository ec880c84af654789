"""leaves/justice.py and leaves/family_scope.py: reductions against the previous 6 months
(Herefordshire TF 2020 measures 1, 2, 17), proven offences, justice spells, perpetrated
incidents, and siblings of young offenders (measure 3)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from leaf_helpers import run, status
from policy_helpers import rec

from sftimeline.projections.months import add_months
from sftimeline.records import Record

N = dt.date(2024, 1, 10)


def people() -> list[Record]:
    return [
        rec("person_joined", "2024-01-10", person="P1", role="adult", born_on="1985-01-01"),
        rec("person_joined", "2024-01-10", person="C1", role="child", born_on="2008-01-01"),
        rec("person_joined", "2024-01-10", person="C2", role="child", born_on="2011-01-01"),
    ]


def offence(on: dt.date | str, person: str = "P1", kind: str = "offence") -> Record:
    return rec("incident_recorded", str(on), person=person, kind=kind)


RED = {"kinds": ["offence"], "percent": 50, "months": 6}


def test_reduction_is_not_decided_before_six_months_after_identification() -> None:
    recs = [*people(), offence("2023-12-01")]
    assert status(run("reduction_vs_previous", RED, recs, "2024-07-09")) == (
        "pending",
        "2024-07-10",
    )
    assert status(run("reduction_vs_previous", RED, recs, "2024-07-10"))[0] == "met"


def test_reduction_counts_the_family_or_the_person() -> None:
    recs = [*people(), offence("2023-12-01", "C1"), offence("2024-03-01", "P1")]
    # family: previous {12-01} 1, outcome {03-01} 1 → pending; P1 alone: previous 0, outcome 1
    fam = run("reduction_vs_previous", RED, recs, "2024-07-10")
    assert status(fam) == ("pending", "2024-09-01")
    one = run("reduction_vs_previous", {**RED, "who": "person"}, recs, "2024-07-10", person="P1")
    assert status(one) == ("pending", "2024-09-01")
    assert run(
        "reduction_vs_previous", {**RED, "who": "person"}, recs, "2024-07-10"
    ).status.value == ("insufficient_data")


def test_strict_reduction_needs_fewer_and_zero_baseline_needs_zero() -> None:
    args = {
        "kinds": ["domestic_abuse"],
        "percent": 0,
        "strict": True,
        "baseline": "before_identified",
    }
    same = [
        *people(),
        offence("2023-12-01", kind="domestic_abuse"),
        offence("2024-03-01", kind="domestic_abuse"),
    ]
    assert status(run("reduction_vs_previous", args, same, "2024-07-10")) == (
        "pending",
        "2024-09-01",
    )
    zero = [*people(), offence("2024-03-01", kind="domestic_abuse")]
    assert status(run("reduction_vs_previous", args, zero, "2024-07-10")) == (
        "pending",
        "2024-09-01",
    )
    assert status(run("reduction_vs_previous", args, zero, "2024-09-01"))[0] == "met"


def _oracle(dates: list[dt.date], on: dt.date, percent: int) -> bool:
    """semantics.md §2/§4 written out: previous e + 6m <= D < e + 12m, outcome e <= D < e + 6m."""
    if on < add_months(N, 6):
        return False
    now = sum(1 for e in dates if e <= on < add_months(e, 6))
    prev = sum(1 for e in dates if add_months(e, 6) <= on < add_months(e, 12))
    if prev == 0:
        return now == 0
    return now * 100 <= prev * (100 - percent)


day_offsets = st.integers(min_value=-400, max_value=500)


@settings(max_examples=60, deadline=None)
@given(
    offsets=st.lists(day_offsets, max_size=8),
    on_offset=st.integers(min_value=0, max_value=900),
    percent=st.sampled_from([50, 60]),
)
def test_reduction_agrees_with_the_written_out_windows_and_its_forecast_holds(
    offsets: list[int], on_offset: int, percent: int
) -> None:
    on = N + dt.timedelta(days=on_offset)
    dates = sorted(N + dt.timedelta(days=o) for o in offsets)
    recs = [*people(), *(offence(d) for d in dates)]
    args = {**RED, "percent": percent}
    r = run("reduction_vs_previous", args, recs, on)
    seen = [d for d in dates if d <= on]
    assert (r.status.value == "met") == _oracle(seen, on, percent)
    if r.status.value == "pending" and r.expected_on is not None:
        # nothing else recorded: met on expected_on, and not on the day before (if after D)
        assert _oracle(seen, r.expected_on, percent)
        before = r.expected_on - dt.timedelta(days=1)
        if before > on:
            assert not _oracle(seen, before, percent)
    if r.status.value == "met" and r.met_since is not None:
        assert all(
            _oracle(seen, r.met_since + dt.timedelta(days=k), percent)
            for k in range(0, (on - r.met_since).days + 1, 7)
        )


def test_proven_offence_lookback_boundary() -> None:
    inside = [rec("justice_outcome_recorded", "2023-01-11", person="C1", outcome="caution")]
    edge = [rec("justice_outcome_recorded", "2023-01-10", person="C1", outcome="conviction")]
    police = [offence("2023-06-01", "C1", "proven_offence")]
    assert run("justice_outcome_in_lookback", {}, inside, N, person="C1").status.value == "met"
    assert run("justice_outcome_in_lookback", {}, edge, N, person="C1").status.value == (
        "insufficient_data"
    )
    assert run("justice_outcome_in_lookback", {}, police, N, person="C1").status.value == "met"


def test_justice_spell_open_and_release_within_12_months() -> None:
    start = rec(
        "justice_spell_started",
        "2023-06-01",
        person="P1",
        spell="S1",
        kind="custody",
        expected_end="2025-01-09",
    )
    args = {"kinds": ["custody"], "release_within_months": 12}
    assert run("justice_spell_open", args, [start], N, person="P1").status.value == "met"
    late = rec(
        "justice_spell_started",
        "2023-06-01",
        person="P1",
        spell="S1",
        kind="custody",
        expected_end="2025-01-10",
    )
    assert run("justice_spell_open", args, [late], N, person="P1").status.value == (
        "insufficient_data"
    )
    ended = rec("justice_spell_ended", "2024-01-09", person="P1", spell="S1", outcome="released")
    assert run(
        "justice_spell_open", {"kinds": ["custody"]}, [start, ended], N, person="P1"
    ).status.value == ("insufficient_data")
    last_day = rec("justice_spell_ended", "2024-01-10", person="P1", spell="S1", outcome="released")
    assert (
        run(
            "justice_spell_open", {"kinds": ["custody"]}, [start, last_day], N, person="P1"
        ).status.value
        == "met"
    )


def test_perpetrated_in_lookback_needs_the_perpetrator_role() -> None:
    victim = rec(
        "incident_recorded", "2023-05-01", person="P1", kind="domestic_abuse", role="victim"
    )
    perp = rec(
        "incident_recorded", "2023-05-01", person="P1", kind="domestic_abuse", role="perpetrator"
    )
    args = {"kinds": ["domestic_abuse"]}
    assert run("perpetrated_in_lookback", args, [victim], N, person="P1").status.value == (
        "insufficient_data"
    )
    assert run("perpetrated_in_lookback", args, [perp], N, person="P1").status.value == "met"


def test_siblings_clear_each_sibling_six_months_and_no_first_time_entry() -> None:
    yo = rec("justice_outcome_recorded", "2023-10-01", person="C1", outcome="youth_caution")
    recs = [*people(), yo, offence("2024-02-15", "C2", "asb")]
    assert status(run("siblings_clear", {}, recs, "2024-08-14")) == ("pending", "2024-08-15")
    assert status(run("siblings_clear", {}, recs, "2024-08-15"))[0] == "met"
    fte = rec("justice_outcome_recorded", "2024-03-01", person="C2", outcome="first_time_entrant")
    assert status(run("siblings_clear", {}, [*recs, fte], "2024-09-01"))[0] == "not_met"
    # the young offender's own offences never count; no young offender → insufficient
    own = [*people(), yo, offence("2024-05-01", "C1")]
    assert status(run("siblings_clear", {}, own, "2024-07-10"))[0] == "met"
    assert status(run("siblings_clear", {}, people(), "2024-07-10"))[0] == "insufficient_data"
    assert (
        status(
            run(
                "siblings_clear",
                {"young_offender": "any_offence"},
                [*people(), offence("2023-11-01", "C1")],
                "2024-07-10",
            )
        )[0]
        == "met"
    )
