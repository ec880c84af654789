"""policies/process.py without storage: which outcome events follow from two decisions."""

from __future__ import annotations

from typing import Any

import pytest

from sftimeline.policies.process import decision_outcomes


def decision(status: str, **criteria: tuple[str, str | None]) -> dict[str, Any]:
    """A decision_recorded payload with criteria ``name=(status, date)``."""
    return {
        "framework": "fw",
        "basis": {"on": "2024-12-15", "known_at": "x", "fingerprint": "f", "framework": "fw"},
        "status": status,
        "eligible_from": None,
        "earliest_pending": None,
        "reason": None,
        "records": [],
        "seen_version": 1,
        "criteria": {
            f"fw:{name}|P1": {
                "criterion": f"fw:{name}",
                "person": "P1",
                "status": st,
                "expected_on": d if st == "pending" else None,
                "met_since": d if st == "met" else None,
                "facts": [],
            }
            for name, (st, d) in criteria.items()
        },
    }


def kinds(prev: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    return [o.kind for o in decision_outcomes("F1", prev, new, [])]


def test_unchanged_decision_records_nothing() -> None:
    d = decision("eligible", a=("met", "2024-07-10"))
    assert kinds(d, dict(d, basis={**d["basis"], "known_at": "later"})) == []


def test_first_decision_is_recorded_and_eligibility_announced() -> None:
    assert kinds(None, decision("eligible", a=("met", "2024-07-10"))) == [
        "decision_recorded",
        "became_eligible",
    ]
    assert kinds(None, decision("pending", a=("pending", "2025-01-01"))) == ["decision_recorded"]


@pytest.mark.parametrize(
    ("before", "after", "regressed"),
    [
        (("met", "2024-07-10"), ("pending", "2025-04-01"), True),
        (("met", "2024-07-10"), ("met", "2024-08-01"), False),  # met_since moved: still met
        (("pending", "2025-01-01"), ("not_met", None), True),
        (("pending", "2025-01-01"), ("evidence_required", None), True),
        (("pending", "2025-01-01"), ("pending", "2025-01-02"), True),  # forecast later
        (("pending", "2025-01-01"), ("pending", "2024-12-31"), False),  # forecast earlier
        (("pending", "2025-01-01"), ("pending", None), True),  # forecast now unknown
        (("pending", "2025-01-01"), ("met", "2024-12-01"), False),
        (("evidence_required", None), ("not_met", None), False),  # neither met nor pending
        (("not_met", None), ("met", "2024-12-01"), False),
    ],
)
def test_regression_both_sides(
    before: tuple[str, str | None], after: tuple[str, str | None], regressed: bool
) -> None:
    out = kinds(decision("x", a=before), decision("y", a=after))
    assert ("criterion_regressed" in out) is regressed


def test_forecast_moved_either_way_says_which() -> None:
    prev = decision("pending", a=("pending", "2025-01-01"))
    for new_date, later in (("2025-02-01", True), ("2024-12-20", False)):
        out = decision_outcomes("F1", prev, decision("pending", a=("pending", new_date)), [])
        (moved,) = [o for o in out if o.kind == "forecast_moved"]
        assert moved.payload["later"] is later and moved.payload["expected_on"] == new_date


def test_new_unmet_need_takes_eligibility_away_as_a_regression() -> None:
    prev = decision("eligible", a=("met", "2024-07-10"))
    new = decision("pending", a=("met", "2024-07-10"), b=("pending", "2025-06-01"))
    out = decision_outcomes("F1", prev, new, [])
    (reg,) = [o for o in out if o.kind == "criterion_regressed"]
    assert reg.payload["criterion"] == "fw:b" and reg.payload["previous_status"] is None
    # while not eligible before, a new need is not a regression
    prev_pending = decision("pending", a=("pending", "2025-01-01"))
    assert "criterion_regressed" not in kinds(
        prev_pending, decision("pending", a=("pending", "2025-01-01"), b=("pending", "2025-06-01"))
    )
