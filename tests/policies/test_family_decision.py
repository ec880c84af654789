"""The family's decision is made once (issue 15 item 3): a Hertfordshire family with a pending
stand-alone 4.SA claim is decided on every need and family rule once, and the running claim
only moves its forecast (policies/family_decision.py)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from sftimeline.policies import family_decision
from sftimeline.policies.evaluator import evaluate_family
from sftimeline.policies.loader import load_framework

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_cases import case_records, load_case

CASE = (
    Path(__file__).resolve().parents[1]
    / "cases"
    / "hertfordshire-2018"
    / "4SA-jsa-26-of-30-weeks-stand-alone.yaml"
)


def test_a_family_with_a_pending_stand_alone_claim_is_decided_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = case_records(CASE, load_case(CASE))
    calls: list[Any] = []
    route = family_decision._decide_route

    def counted(*args: Any) -> Any:
        calls.append(args)
        return route(*args)

    monkeypatch.setattr(family_decision, "_decide_route", counted)
    fw = load_framework("hertfordshire-2018")
    late = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    d = evaluate_family(fw, "F1", records, dt.date(2024, 7, 13), late)
    # pending on the other criteria, forecast by the running 4.SA claim (FL-HT-6)
    assert (d.status, d.eligible_from) == ("pending", dt.date(2024, 7, 14))
    assert "stand-alone claim" in (d.eligible_from_reason or "")
    assert len(calls) == 1
