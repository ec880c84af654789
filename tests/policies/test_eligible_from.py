"""``eligible_from`` is the first day of the run of eligible days that reaches D
(docs/semantics.md §5): a need that arises during the intervention and is met from the day it
arises never moves it, because before that day it was not yet one of the family's needs.
Found by hypothesis (tests/policies/test_properties.py::test_eligible_from_is_exact)."""

from __future__ import annotations

import datetime as dt

from policy_helpers import LATE, family_base, need, rec

from sftimeline.policies.evaluator import Decision, evaluate_family
from sftimeline.policies.loader import load_framework
from sftimeline.records import Record

FW = load_framework("national-2022", {"min_headlines": 1})


def _history(late_need_on: str) -> list[Record]:
    return [
        *family_base(),
        need("7.1", "2024-01-10", "P1"),
        need("7.2", "2024-01-10", "C1"),
        rec("neet_status_recorded", "2024-01-10", person="C1", status="eet"),
        need("10.3", late_need_on, "C1"),
    ]


def _decide(records: list[Record], on: dt.date) -> Decision:
    return evaluate_family(FW, "F1", [r for r in records if r.occurred_on <= on], on, LATE)


def test_a_need_met_from_the_day_it_arises_does_not_move_eligible_from() -> None:
    records = _history("2024-07-11")
    before_it = _decide(records, dt.date(2024, 7, 10))
    after_it = _decide(records, dt.date(2024, 7, 11))
    assert before_it.status == "eligible"
    assert after_it.status == "eligible"
    assert after_it.eligible_from == before_it.eligible_from
    assert after_it.eligible_from is not None
    assert after_it.eligible_from < dt.date(2024, 7, 11)


def test_eligible_from_is_never_before_the_first_need_is_identified() -> None:
    records = _history("2024-07-11")
    d = _decide(records, dt.date(2024, 7, 11))
    assert d.eligible_from is not None
    assert d.eligible_from >= dt.date(2024, 1, 10)
    day_before = _decide(records, d.eligible_from - dt.timedelta(days=1))
    assert day_before.status != "eligible"
