"""Shared fixtures: a sample record of every type, and stores (SQLite file, PostgreSQL).

PostgreSQL tests use the server on 127.0.0.1:5432 (trust auth, database ``test``, user
``postgres``); each test gets its own fresh schema, dropped afterwards, and they are
skipped with a reason when no server is reachable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sftimeline.adapters.store import RecordStore

PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"

#: One valid interchange record of every type (family F1), each with source + source_id.
SAMPLES: dict[str, dict[str, Any]] = {
    "family_nominated": {"framework": "national-2022"},
    "person_joined": {"person": "P1", "role": "child", "born_on": "2014-02-03"},
    "person_left": {"person": "P1"},
    "need_identified": {"criterion": "national-2022:7.1", "person": "P1"},
    "incident_recorded": {"person": "P1", "kind": "arrest", "severe": True},
    "term_attendance_posted": {
        "person": "P1",
        "term": "2024-spring",
        "possible_sessions": 120,
        "attended_sessions": 100,
        "authorised_absence_sessions": 10,
        "unauthorised_absence_sessions": 10,
    },
    "exclusion_recorded": {"person": "P1", "kind": "fixed_term", "days": 2.5},
    "plan_opened": {"plan": "PL1", "level": "cin"},
    "plan_stepped_down": {"plan": "PL1", "level": "early_help"},
    "plan_stepped_up": {"plan": "PL1", "level": "cp"},
    "plan_closed": {"plan": "PL1"},
    "referral_accepted": {"service": "camhs", "person": "P1"},
    "case_closed": {},
    "case_reopened": {},
    "notice_served": {"notice": "section_21", "tenancy": "T1"},
    "notice_withdrawn": {"notice": "section_21", "tenancy": "T1"},
    "possession_order_suspended": {"tenancy": "T1"},
    "housing_status_recorded": {"status": "settled"},
    "employment_started": {"person": "P2"},
    "employment_ended": {"person": "P2"},
    "benefit_started": {"person": "P2", "benefit": "jsa"},
    "benefit_ended": {"person": "P2", "benefit": "jsa"},
    "earnings_reported": {
        "person": "P2",
        "period_end": "2024-05-31",
        "gross_pay": 900,
        "household": "single",
    },
    "neet_status_recorded": {"person": "P1", "status": "eet"},
    "assessment_scored": {"tool": "outcomes_star", "scores": {"money": 4.5}, "person": "P2"},
    "evidence_recorded": {
        "criterion": "national-2022:7.1",
        "evidence": "practitioner_assessment",
        "outcome_achieved": True,
        "note": "steady",
    },
    "claim_submitted": {"framework": "national-2022", "criteria": ["national-2022:7.1"]},
    "record_retracted": {
        "target_source": "police",
        "target_source_id": "NOPE",
        "reason": "test",
    },
    # the Troubled Families-era extensions (catalogue §7)
    "justice_outcome_recorded": {"person": "P1", "outcome": "youth_caution", "offence_ref": "O1"},
    "justice_spell_started": {
        "person": "P2",
        "spell": "S1",
        "kind": "custody",
        "expected_end": "2024-09-30",
    },
    "justice_spell_ended": {"person": "P2", "spell": "S1", "outcome": "released"},
    "justice_breach_recorded": {"person": "P2", "spell": "S1"},
    "enrolment_started": {"person": "P1", "provider": "URN1", "provider_type": "secondary"},
    "enrolment_ended": {"person": "P1", "provider": "URN1"},
    "behaviour_recorded": {"person": "P1", "kind": "detention"},
    "tenancy_started": {"tenancy": "T1", "tenure": "social"},
    "tenancy_ended": {"tenancy": "T1", "reason": "moved"},
    "homelessness_duty_recorded": {"duty": "relief"},
    "progress_to_work_recorded": {"person": "P2", "kind": "volunteering", "until": "2024-08-01"},
    "support_need_flagged": {
        "need": "problem_drinking",
        "person": "P2",
        "tool": "family_star_plus",
    },
    "early_years_place_started": {"person": "P3", "entitlement": "two_year_old"},
    "early_years_place_ended": {"person": "P3"},
    "health_event_recorded": {"person": "P3", "kind": "bmi_reading", "value": 17.5},
    "programme_started": {"programme": "PR1", "kind": "parenting", "person": "P2"},
    "programme_ended": {"programme": "PR1", "outcome": "completed", "person": "P2"},
    "send_status_recorded": {"person": "P1", "status": "sen_support"},
    "pregnancy_recorded": {"person": "P2", "due_on": "2024-11-20"},
    "debt_recorded": {"debt": "D1", "kind": "rent_arrears", "balance": 125000},
    "debt_plan_started": {"plan": "DMP1"},
    "debt_plan_ended": {"plan": "DMP1", "outcome": "completed"},
    "debt_payment_missed": {"plan": "DMP1"},
    "finances_recorded": {"monthly_income": 150000, "monthly_expenditure": 140000},
    "approval_recorded": {
        "criterion": "hertfordshire-2018:1.6",
        "approver": "A. Manager",
        "role": "business_manager",
        "decision": "approved",
    },
    "override_recorded": {
        "criterion": "hertfordshire-2018:family",
        "approver": "H. Service",
        "role": "head_of_service",
        "reason": "equivalent progress evidenced",
    },
}


def sample(record_type: str, n: int = 1, family: str = "F1", **over: Any) -> dict[str, Any]:
    """A valid raw record of ``record_type`` with a unique source_id."""
    raw: dict[str, Any] = {
        "type": record_type,
        "family": family,
        "occurred_on": "2024-05-01",
        "recorded_at": "2024-05-02T10:00:00+00:00",
        "source": "test",
        "source_id": f"{record_type}-{n}",
    }
    raw.update(SAMPLES[record_type])
    raw.update(over)
    return raw


def _pg_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_DSN):
            return None
    except Exception as exc:
        return f"PostgreSQL on 127.0.0.1:5432 (db test, user postgres) not reachable: {exc}"


_PG_PROBLEM: str | bool | None = False


def pg_problem() -> str | None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _pg_reachable()
    return _PG_PROBLEM  # type: ignore[return-value]


@contextmanager
def fresh_pg_schema(prefix: str = "t_") -> Iterator[str]:
    """URL of a new PostgreSQL schema, dropped on leaving (the test is skipped, with the
    reason, where PostgreSQL cannot be reached). Every test that needs a schema of its
    own makes it here."""
    problem = pg_problem()
    if problem:
        pytest.skip(problem)
    import psycopg

    schema = f"{prefix}{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?schema={schema}"
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL schema, dropped after the test."""
    with fresh_pg_schema() as url:
        yield url


@pytest.fixture
def second_pg_url() -> Iterator[str]:
    """Another fresh PostgreSQL schema (to compare two stores)."""
    with fresh_pg_schema() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "store.sqlite")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Both stores: a SQLite file and a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite")
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[RecordStore]:
    s = RecordStore.open(store_url)
    try:
        yield s
    finally:
        s.close()
