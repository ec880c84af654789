"""Primitives not exercised by national-2022's defaults (used by other frameworks)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml
from policy_helpers import decide, family_base, need, rec, status_of

from sftimeline.policies.loader import Framework, load_framework_text


def _framework(code: str, outcome: dict[str, Any]) -> Framework:
    data = yaml.safe_load(
        (resources.files("sftimeline.policies") / "frameworks" / "national-2022.yaml").read_text(
            encoding="utf-8"
        )
    )
    data["criteria"].append(
        {
            "code": code,
            "headline": 1,
            "need": "test",
            "cite": "test",
            "tag": "DATA",
            "subject": "person",
            "outcome": outcome,
        }
    )
    data["family_rules"]["min_headlines"] = 0
    return load_framework_text(yaml.safe_dump(data))


def test_exclusions_in_terms_pending_until_older_term_drops_out() -> None:
    fw = _framework("1.9", {"exclusions_in_terms": {"terms": 2, "fewer_than": 2}})
    recs = [
        *family_base("2023-10-02"),
        need("1.9", "2023-10-02", "C1"),
        rec("exclusion_recorded", "2023-09-20", person="C1", kind="fixed_term", days=2),
        rec("exclusion_recorded", "2023-11-06", person="C1", kind="fixed_term", days=1),
        rec("exclusion_recorded", "2024-02-05", person="C1", kind="fixed_term", days=1),
    ]
    d = decide(recs, "2024-03-31", framework=fw)
    (c,) = [c for c in d.criteria if c.criterion.endswith(":1.9")]
    assert c.result.status.value == "pending"
    assert c.result.expected_on is not None and c.result.expected_on.isoformat() == "2024-08-31"
    assert status_of(decide(recs, "2024-08-30", framework=fw), "1.9") == "pending"
    assert status_of(decide(recs, "2024-08-31", framework=fw), "1.9") == "met"


def _attendance(att: int) -> list:
    recs = [*family_base("2023-09-05"), need("1.9", "2023-09-05", "C1")]
    for term, end in (("2023-autumn", "2023-12-31"), ("2024-spring", "2024-03-31")):
        recs.append(
            rec(
                "term_attendance_posted",
                end,
                person="C1",
                term=term,
                possible_sessions=100,
                attended_sessions=att,
            )
        )
    return recs


def test_attendance_comparator_literal_thresholds() -> None:
    at_least = _framework("1.9", {"attendance": {"at_least": 90}})
    above = _framework("1.9", {"attendance": {"at_least": 90, "comparator": ">"}})
    assert status_of(decide(_attendance(90), "2024-04-01", framework=at_least), "1.9") == "met"
    assert status_of(decide(_attendance(90), "2024-04-01", framework=above), "1.9") == "not_met"


def test_attendance_missing_term_is_insufficient_and_met_since_walks_back() -> None:
    fw = _framework("1.9", {"attendance": {"at_least": 90}})
    recs = _attendance(95)
    recs.append(
        rec(
            "term_attendance_posted",
            "2024-08-31",
            person="C1",
            term="2024-summer",
            possible_sessions=100,
            attended_sessions=95,
        )
    )
    d = decide(recs, "2024-09-15", framework=fw)
    (c,) = [c for c in d.criteria if c.criterion.endswith(":1.9")]
    assert c.result.status.value == "met"
    assert c.result.met_since is not None and c.result.met_since.isoformat() == "2024-03-31"
    late = [r for r in recs if r.data.get("term") != "2024-spring"]
    assert status_of(decide(late, "2024-09-15", framework=fw), "1.9") == "insufficient_data"


def test_status_sustained_months() -> None:
    fw = _framework(
        "1.9", {"status": {"type": "housing_status_recorded", "values": ["temporary"], "months": 6}}
    )
    recs = [
        *family_base(),
        need("1.9", "2024-01-10", "P1"),
        rec("housing_status_recorded", "2024-01-10", status="temporary"),
    ]
    assert status_of(decide(recs, "2024-07-09", framework=fw), "1.9") == "pending"
    assert status_of(decide(recs, "2024-07-10", framework=fw), "1.9") == "met"
    recs.append(rec("housing_status_recorded", "2024-05-01", status="homeless"))
    assert status_of(decide(recs, "2024-07-10", framework=fw), "1.9") == "pending"


def test_notices_and_suspended_order() -> None:
    fw = _framework(
        "1.9", {"any": [{"notices_clear": {}}, {"possession_order_suspended": {"months": 6}}]}
    )
    recs = [
        *family_base(),
        need("1.9", "2024-01-10", "P1"),
        rec("notice_served", "2024-01-05", notice="section_21", tenancy="T1"),
    ]
    assert status_of(decide(recs, "2024-03-01", framework=fw), "1.9") == "pending"
    withdrawn = [*recs, rec("notice_withdrawn", "2024-02-01", notice="section_21", tenancy="T1")]
    assert status_of(decide(withdrawn, "2024-03-01", framework=fw), "1.9") == "met"
    spo = [*recs, rec("possession_order_suspended", "2024-02-01", tenancy="T1")]
    assert status_of(decide(spo, "2024-08-01", framework=fw), "1.9") == "met"


def test_evidence_voided_by_a_later_reopening_until_recorded_again() -> None:
    """Hertfordshire 1.3: "no longer receiving support from TYS" is not shown by an end of
    support older than the latest reopening to TYS; an end recorded after it shows it again."""
    from leaf_helpers import run, status

    crit = "hertfordshire-2018:1.3"
    args = {
        "kinds": ["tys_support_ended"],
        "voided_by": {
            "types": ["referral_accepted"],
            "where": {"service": ["targeted_youth_support"]},
        },
    }

    def ended(on: str) -> Any:
        return rec(
            "evidence_recorded", on, person="C1", criterion=crit,
            evidence="tys_support_ended", outcome_achieved=True,
        )  # fmt: skip

    def reopened(on: str, person: str = "C1") -> Any:
        return rec("referral_accepted", on, person=person, service="targeted_youth_support")

    def check(records: list[Any], on: str) -> str:
        return status(run("evidence", args, records, on, person="C1", criterion=crit))[0]

    assert check([ended("2024-02-15")], "2024-03-01") == "met"
    voided = [ended("2024-02-15"), reopened("2024-05-31")]
    assert check(voided, "2024-05-30") == "met"  # the reopening is after D: not seen yet
    assert check(voided, "2024-05-31") == "evidence_required"
    result = run("evidence", args, voided, "2024-06-01", person="C1", criterion=crit)
    assert "no longer counts" in result.explanation
    assert check([*voided, ended("2024-07-01")], "2024-07-01") == "met"
    assert check([ended("2024-02-15"), reopened("2024-05-31", "C2")], "2024-06-01") == "met"


def test_records_since_counts_one_persons_steps_from_identification() -> None:
    """Hertfordshire strand 4: a step taken stays taken (a seasonal job that has ended), and
    "multiple job interviews" are one person's (two members with one each is not enough)."""
    from leaf_helpers import run, status

    def interview(on: str, person: str) -> Any:
        return rec("progress_to_work_recorded", on, person=person, kind="job_interview")

    two = {"types": ["progress_to_work_recorded"], "where": {"kind": ["job_interview"]},
           "at_least": 2}  # fmt: skip
    before_n = [interview("2024-01-09", "P1"), interview("2024-03-01", "P1")]
    assert status(run("records_since", two, before_n, "2024-06-01")) == ("pending", None)
    spread = [interview("2024-02-01", "P1"), interview("2024-03-01", "P2")]
    assert status(run("records_since", two, spread, "2024-06-01")) == ("pending", None)
    one_person = [*spread, interview("2024-04-02", "P2")]
    result = run("records_since", two, one_person, "2024-06-01")
    assert result.status.value == "met" and str(result.met_since) == "2024-04-02"
    job = [
        rec("employment_started", "2024-06-03", person="P1", kind="seasonal"),
        rec("employment_ended", "2024-08-31", person="P1"),
    ]
    started = {"types": ["employment_started"]}
    assert status(run("records_since", started, job, "2024-06-02"))[0] == "pending"
    assert status(run("records_since", started, job, "2024-09-16"))[0] == "met"
    mine = {"types": ["employment_started"], "who": "person"}
    assert status(run("records_since", mine, job, "2024-09-16", person="P2"))[0] == "pending"


def test_none_after_a_reopening_is_the_x_itself() -> None:
    """Hertfordshire 3.1 "a case not reopening after it has been closed": a reopening inside
    the months breaks the window (not_met) instead of removing the closure."""
    from leaf_helpers import run, status

    args = {"months": 6, "anchor": "latest_case_closed", "types": ["case_reopened"]}
    closed = [rec("case_closed", "2024-02-29")]
    reopened = [*closed, rec("case_reopened", "2024-08-28")]

    def check(records: list[Any], on: str) -> tuple[str, str | None]:
        return status(run("none_after", args, records, on))

    assert check(closed, "2024-08-28") == ("pending", "2024-08-29")
    assert check(closed, "2024-08-29")[0] == "met"
    assert check(reopened, "2024-08-28")[0] == "not_met"
    late = [*closed, rec("case_reopened", "2024-08-29")]
    assert check(late, "2024-09-01")[0] == "met"  # reopened on c + 6m: outside the window
