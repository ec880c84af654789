"""Run one leaf primitive directly on a few records: the unit-test harness for
``sftimeline.policies.leaves`` (no framework file needed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from policy_helpers import LATE

from sftimeline.policies.context import Context
from sftimeline.policies.leaves import load_all
from sftimeline.policies.primitives import PRIMITIVES
from sftimeline.projections.results import Result
from sftimeline.projections.timeline import Timeline
from sftimeline.records import Record

load_all()  # every topic module registers its primitives


def run(
    name: str,
    args: dict[str, Any],
    records: list[Record],
    on: str | dt.date,
    *,
    identified: str | dt.date = "2024-01-10",
    person: str | None = None,
    criterion: str = "herefordshire-tf-2020:T",
    nomination: str | None = None,
    case_closed: str | None = None,
) -> Result:
    day = on if isinstance(on, dt.date) else dt.date.fromisoformat(on)
    ident = identified if isinstance(identified, dt.date) else dt.date.fromisoformat(identified)
    model, build, _ = PRIMITIVES[name]
    rule = build(model.model_validate(args))
    tl = Timeline.build("F1", records, day, LATE)
    ctx = Context(
        criterion.split(":")[0],
        criterion,
        tl,
        day,
        ident,
        person,
        ("offence",),
        {},
        dt.date.fromisoformat(nomination) if nomination else ident,
        dt.date.fromisoformat(case_closed) if case_closed else None,
    )
    return rule(ctx)


def status(result: Result) -> tuple[str, str | None]:
    exp = result.expected_on.isoformat() if result.expected_on else None
    return result.status.value, exp
