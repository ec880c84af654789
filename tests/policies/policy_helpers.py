"""Small builders for policy tests: interchange dicts → Records, and one-call decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sftimeline.policies.evaluator import Decision, evaluate_family
from sftimeline.policies.loader import Framework, load_framework
from sftimeline.records import Record, record_from_model, validate_record

UTC = dt.UTC
LATE = dt.datetime(2100, 1, 1, tzinfo=UTC)


def rec(type_: str, on: str, *, recorded_at: str | None = None, **fields: Any) -> Record:
    raw: dict[str, Any] = {"type": type_, "family": "F1", "occurred_on": on, **fields}
    raw["recorded_at"] = recorded_at or f"{on}T00:00:00+00:00"
    model = validate_record(raw)
    return record_from_model(model, default_recorded_at=LATE)


def family_base(on: str = "2024-01-10") -> list[Record]:
    """A nominated family: adult P1 (born 1990), school-age child C1 (born 2012)."""
    return [
        rec("family_nominated", on),
        rec("person_joined", on, person="P1", role="adult", born_on="1990-05-01"),
        rec("person_joined", on, person="C1", role="child", born_on="2012-05-01"),
    ]


def need(code: str, on: str, person: str | None = None, **fields: Any) -> Record:
    extra: dict[str, Any] = {"person": person} if person else {}
    return rec("need_identified", on, criterion=f"national-2022:{code}", **extra, **fields)


def evidence(
    code: str, on: str, kind: str, person: str | None = None, achieved: bool = True
) -> Record:
    extra: dict[str, Any] = {"person": person} if person else {}
    return rec(
        "evidence_recorded",
        on,
        criterion=f"national-2022:{code}",
        evidence=kind,
        outcome_achieved=achieved,
        **extra,
    )


def decide(
    records: list[Record],
    on: str,
    framework: Framework | None = None,
    known_at: dt.datetime = LATE,
    **overrides: Any,
) -> Decision:
    fw = framework or (load_framework("national-2022", overrides) if overrides else NATIONAL)
    return evaluate_family(fw, "F1", records, dt.date.fromisoformat(on), known_at)


def status_of(decision: Decision, code: str, person: str | None = None) -> str:
    for c in decision.criteria:
        if c.criterion == f"national-2022:{code}" and (person is None or c.person == person):
            return c.result.status.value
    raise KeyError(code)


NATIONAL = load_framework("national-2022")
