"""leaves/employment_aet_latest.py and reference/aet.yaml: the AET values of FL-TF-7 with their
effective date, by household type, self-employed earnings excluded."""

from __future__ import annotations

import datetime as dt

from leaf_helpers import run, status
from policy_helpers import rec

from sftimeline.policies.leaves.employment_aet_latest import aet_on, aet_table
from sftimeline.records import Record


def test_reference_values_are_the_framework_text_values_from_march_2020() -> None:
    assert aet_table()[0][0] == dt.date(2020, 3, 1)
    assert aet_on(dt.date(2020, 3, 1), "single") == 33800
    assert aet_on(dt.date(2024, 1, 1), "couple") == 54100
    assert aet_on(dt.date(2024, 1, 1), "under_25") == 27200
    assert aet_on(dt.date(2020, 2, 29), "single") is None


def pay(on: str, pence: int, household: str = "single") -> Record:
    end = (dt.date.fromisoformat(on) + dt.timedelta(days=27)).isoformat()
    return rec(
        "earnings_reported", on, person="P1", period_end=end, gross_pay=pence, household=household
    )


def adult() -> Record:
    return rec("person_joined", "2024-01-10", person="P1", role="adult", born_on="2001-01-01")


def test_latest_report_decides_by_household_type() -> None:
    assert status(run("latest_earnings_at_aet", {}, [adult()], "2024-06-01")) == ("pending", None)
    assert (
        status(
            run(
                "latest_earnings_at_aet",
                {},
                [adult(), pay("2024-05-01", 27200, "under_25")],
                "2024-06-01",
            )
        )[0]
        == "met"
    )
    assert status(
        run(
            "latest_earnings_at_aet",
            {},
            [adult(), pay("2024-05-01", 54099, "couple")],
            "2024-06-01",
        )
    ) == (
        "pending",
        None,
    )
    later_low = [adult(), pay("2024-04-01", 60000), pay("2024-05-01", 30000)]
    assert status(run("latest_earnings_at_aet", {}, later_low, "2024-06-01")) == ("pending", None)
    old = [adult(), pay("2019-05-01", 60000)]
    assert status(run("latest_earnings_at_aet", {}, old, "2024-06-01"))[0] == "insufficient_data"


def test_self_employed_earnings_do_not_count() -> None:
    job = rec("employment_started", "2024-03-01", person="P1", kind="self_employed")
    recs = [adult(), job, pay("2024-05-01", 90000)]
    assert status(run("latest_earnings_at_aet", {}, recs, "2024-06-01"))[0] == "insufficient_data"
