"""The auditor's replay (issue 5, part 4) on the narrated family of tests/audit_family.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from audit_family import (
    AFTER_LATE,
    AFTER_RETRACTION,
    AT_CLAIM,
    CLAIM_DATE,
    FAMILY,
    records,
    write_jsonl,
)
from sftimeline.cli import main
from sftimeline.policies.evaluator import evaluate_family
from sftimeline.policies.loader import load_framework
from sftimeline.reports.replay import Replay, Step, diff_known_at, replay

NATIONAL = load_framework("national-2022")
D = dt.date.fromisoformat


def _replay(known_at: dt.datetime) -> Replay:
    return replay(NATIONAL, FAMILY, records(), CLAIM_DATE, known_at)


def _step(rp: Replay, on: str) -> Step:
    (step,) = [s for s in rp.steps if s.on == D(on)]
    return step


def _kinds(step: Step, criterion: str | None = None) -> list[str]:
    return [c.kind for c in step.changes if criterion is None or c.criterion == criterion]


def test_replay_as_known_at_the_claim_walks_every_record_date_and_the_due_forecast() -> None:
    rp = _replay(AT_CLAIM)
    assert [(s.on.isoformat(), s.reason) for s in rp.steps] == [
        ("2023-06-01", "records"),
        ("2024-01-10", "records"),
        ("2024-03-01", "records"),
        ("2024-03-20", "records"),
        ("2024-04-01", "records"),
        # no record on 2024-09-20: the 6 months after the ASB run out and 7.1 completes
        ("2024-09-20", "forecast_due"),
        ("2024-10-01", "records"),
    ]
    # 2024-07-10 (the first forecast) is not a step: the ASB had already moved it
    assert D("2024-07-10") not in {s.on for s in rp.steps}
    # the late record and the retraction were not known at the claim
    assert all(r.key != "police:INC-9" for s in rp.steps for r in s.records)
    assert rp.retractions == ()


def test_replay_steps_name_what_changed() -> None:
    rp = _replay(AT_CLAIM)
    opened = _step(rp, "2024-01-10")
    assert _kinds(opened, "national-2022:7.1") == ["need_identified", "window_opened"]
    assert [c.after for c in opened.changes if c.kind == "window_opened"] == ["2024-07-10"]
    assert opened.decision.status == "evidence_required"
    reset = _step(rp, "2024-03-20")
    (change,) = reset.changes
    assert (change.kind, change.before, change.after) == (
        "window_reset",
        "2024-07-10",
        "2024-09-20",
    )
    assert [r.key for r in reset.records] == ["police:INC-5"]
    evidence = _step(rp, "2024-04-01")
    assert _kinds(evidence) == ["criterion_met", "family_status", "eligible_from_moved"]
    assert evidence.decision.eligible_from == D("2024-09-20")
    completed = _step(rp, "2024-09-20")
    assert _kinds(completed) == ["window_completed", "family_status"]
    assert completed.decision.status == "eligible"
    claim = _step(rp, "2024-10-01")
    assert [r.key for r in claim.records] == ["finance:CL-1"] and claim.changes == ()
    assert rp.final.status == "eligible" and rp.final.eligible_from == D("2024-09-20")


def test_replay_known_after_the_late_record_shows_the_reset_on_its_valid_date() -> None:
    rp = _replay(AFTER_LATE)
    late = _step(rp, "2024-08-15")
    assert [r.key for r in late.records] == ["police:INC-9"]
    assert [(c.kind, c.before, c.after) for c in late.changes if c.criterion] == [
        ("window_reset", "2024-09-20", "2025-02-15")
    ]
    # the window no longer completes on 2024-09-20, so that date is no step
    assert D("2024-09-20") not in {s.on for s in rp.steps}
    assert rp.final.status == "pending" and rp.final.eligible_from == D("2025-02-15")


def test_replay_known_after_the_retraction_leaves_the_retracted_record_out() -> None:
    rp = _replay(AFTER_RETRACTION)
    assert [r.target for r in rp.retractions] == ["police:INC-9"]
    assert D("2024-08-15") not in {s.on for s in rp.steps}
    # a retraction acts by knowledge time: it is no step of the valid-date walk
    assert D("2024-11-20") not in {s.on for s in rp.steps}
    assert rp.final.status == "eligible"


@settings(max_examples=15, deadline=None)
@given(
    days=st.integers(min_value=0, max_value=500),
    to=st.dates(min_value=dt.date(2023, 5, 1), max_value=dt.date(2025, 6, 1)),
)
def test_every_step_is_the_decision_evaluate_gives_on_that_date(days: int, to: dt.date) -> None:
    known_at = dt.datetime(2023, 12, 1, tzinfo=dt.UTC) + dt.timedelta(days=days)
    recs = records()
    rp = replay(NATIONAL, FAMILY, recs, to, known_at)
    dates = [s.on for s in rp.steps]
    assert dates == sorted(set(dates)) and dates[-1] == to
    for s in rp.steps:
        assert s.on <= to
        assert all(r.occurred_on == s.on and r.recorded_at <= known_at for r in s.records)
        again = evaluate_family(NATIONAL, FAMILY, recs, s.on, known_at)
        assert s.decision.to_dict() == again.to_dict()


def test_diff_known_at_names_the_late_record_and_what_it_broke() -> None:
    diff = diff_known_at(NATIONAL, FAMILY, records(), CLAIM_DATE, AT_CLAIM, AFTER_LATE)
    (arrival,) = diff.arrivals
    assert [r.key for r in arrival.records] == ["police:INC-9"]
    assert [(c.kind, c.criterion, c.person) for c in arrival.changes if c.criterion] == [
        ("window_broken", "national-2022:7.1", "P1")
    ]
    assert (diff.before.status, diff.after.status) == ("eligible", "pending")
    assert diff.after.eligible_from == D("2025-02-15")
    assert "eligible_from_moved" in [c.kind for c in diff.changes]


def test_diff_known_at_names_the_retraction_and_what_it_restored() -> None:
    diff = diff_known_at(NATIONAL, FAMILY, records(), CLAIM_DATE, AFTER_LATE, AFTER_RETRACTION)
    (arrival,) = diff.arrivals
    assert [r.key for r in arrival.records] == ["police:RET-1"]
    assert [(c.kind, c.after) for c in arrival.changes if c.criterion] == [
        ("window_completed", "met")
    ]
    assert (diff.before.status, diff.after.status) == ("pending", "eligible")


def test_diff_across_both_shows_each_arrival_though_the_decision_ends_where_it_began() -> None:
    diff = diff_known_at(NATIONAL, FAMILY, records(), CLAIM_DATE, AT_CLAIM, AFTER_RETRACTION)
    assert [[r.key for r in a.records] for a in diff.arrivals] == [
        ["police:INC-9"],
        ["police:RET-1"],
    ]
    assert [a.decision.status for a in diff.arrivals] == ["pending", "eligible"]
    assert diff.changes == ()


def test_diff_a_late_record_dated_after_the_claim_changes_nothing() -> None:
    after_claim = {
        "type": "incident_recorded",
        "family": FAMILY,
        "person": "P1",
        "kind": "arrest",
        "occurred_on": "2024-10-15",
        "recorded_at": "2024-10-20T09:00:00+00:00",
        "source": "police",
        "source_id": "INC-12",
    }
    recs = records([after_claim])
    diff = diff_known_at(
        NATIONAL, FAMILY, recs, CLAIM_DATE, AT_CLAIM, dt.datetime(2024, 10, 31, tzinfo=dt.UTC)
    )
    (arrival,) = diff.arrivals
    assert [r.key for r in arrival.records] == ["police:INC-12"] and arrival.changes == ()


def test_diff_known_at_refuses_a_second_time_before_the_first() -> None:
    with pytest.raises(ValueError, match="earlier"):
        diff_known_at(NATIONAL, FAMILY, records(), CLAIM_DATE, AFTER_LATE, AT_CLAIM)


# --- the command -----------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "store.db")
    out = CliRunner().invoke(main, ["--db", path, "import", str(write_jsonl(tmp_path / "f.jsonl"))])
    assert out.exit_code == 0, out.output
    return path


def test_replay_command_text_and_diff(db: str) -> None:
    out = CliRunner().invoke(
        main,
        [
            "--db",
            db,
            "replay",
            FAMILY,
            "--to",
            "2024-10-01",
            "--known-at",
            "2024-10-01T12:00:00+00:00",
            "--diff-known-at",
            "2024-11-10",
        ],
    )
    assert out.exit_code == 0, out.output
    text = out.output
    assert "2024-09-20  (a forecast fell due" in text
    assert "window reset: national-2022:7.1 (P1) expected 2024-07-10 → 2024-09-20" in text
    assert "Decision on 2024-10-01: ELIGIBLE, eligible from 2024-09-20" in text
    assert "police:INC-9] occurred 2024-08-15 — late record" in text
    assert "national-2022:7.1 P1: met → pending  *" in text


def test_replay_command_json(db: str) -> None:
    out = CliRunner().invoke(
        main,
        [
            "--db",
            db,
            "replay",
            FAMILY,
            "--to",
            "2024-10-01",
            "--known-at",
            "2024-12-01",
            "--format",
            "json",
            "--diff-known-at",
            "2024-12-02",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["retracted"][0]["target"] == "police:INC-9"
    assert data["steps"][-1]["on"] == "2024-10-01" and data["decision"]["status"] == "eligible"
    assert data["diff_known_at"]["arrivals"] == []


def test_replay_command_user_errors_exit_non_zero_without_traceback(db: str) -> None:
    runner = CliRunner()
    back = runner.invoke(
        main,
        [
            "--db",
            db,
            "replay",
            FAMILY,
            "--to",
            "2024-10-01",
            "--known-at",
            "2024-11-10",
            "--diff-known-at",
            "2024-10-01",
        ],
    )
    assert back.exit_code != 0 and "earlier" in back.output and "Traceback" not in back.output
    none = runner.invoke(main, ["--db", db, "replay", "NOPE", "--to", "2024-10-01"])
    assert none.exit_code != 0 and "no records" in none.output


@settings(max_examples=15, deadline=None)
@given(
    first=st.integers(min_value=0, max_value=400),
    span=st.integers(min_value=0, max_value=400),
    to=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2025, 6, 1)),
)
def test_arrivals_chain_from_the_decision_at_t_to_the_decision_at_t2(
    first: int, span: int, to: dt.date
) -> None:
    t1 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=first)
    t2 = t1 + dt.timedelta(days=span)
    diff = diff_known_at(NATIONAL, FAMILY, records(), to, t1, t2)
    assert all(t1 < a.recorded_at <= t2 for a in diff.arrivals)
    last = diff.arrivals[-1].decision if diff.arrivals else diff.before
    assert last.to_dict() | {"known_at": ""} == diff.after.to_dict() | {"known_at": ""}
    if not diff.arrivals:
        assert diff.changes == ()
