"""A narrated family for the replay and the audit pack (tests/test_replay.py, test_report_html.py).

Family F1 under national-2022: adults P1 and P2, dependent child C1; three needs in three
headlines identified on 2024-01-10 (AMB-K01 minimum 3):

- 7.1 P1 — one arrest 2023-06-01 (band A): no incident for 6 months counted from
  max(last, identified) (AMB-A03) → expected 2024-07-10. An ASB (INC-5) on 2024-03-20
  resets it to add_months(2024-03-20, 6) = 2024-09-20, when it completes with no record.
- 3.2 P1 — practitioner assessment 2024-03-01 → met from 2024-03-01.
- 10.2 P2 — self-assessment 2024-04-01 → met from 2024-04-01; the family is then
  pending, eligible from 2024-09-20.

The claim (CL-1) is dated and recorded 2024-10-01 12:00 UTC: eligible since 2024-09-20.
Late: an arrest INC-9 dated 2024-08-15 reaches the council on 2024-11-05 (82 days after it
happened): as known from then, 7.1 restarts and is expected on 2025-02-15, so the claim
is no longer supported. On 2024-11-20 12:00 UTC police retract INC-9 (wrong person):
from then the decision on 2024-10-01 is eligible again, from 2024-09-20.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sftimeline.records import Record, record_from_model, validate_record

UTC = dt.UTC
FAMILY = "F1"
CLAIM_DATE = dt.date(2024, 10, 1)
#: knowledge times of the narrative
AT_CLAIM = dt.datetime(2024, 10, 1, 12, 0, tzinfo=UTC)
AFTER_LATE = dt.datetime(2024, 11, 10, tzinfo=UTC)
AFTER_RETRACTION = dt.datetime(2024, 12, 1, tzinfo=UTC)


def _r(
    type_: str, on: str, sid: str, src: str = "mosaic", at: str | None = None, **f: Any
) -> dict[str, Any]:
    return {
        "type": type_,
        "family": FAMILY,
        "occurred_on": on,
        "recorded_at": at or f"{on}T09:00:00+00:00",
        "source": src,
        "source_id": sid,
        **f,
    }


RAW: list[dict[str, Any]] = [
    _r(
        "incident_recorded",
        "2023-06-01",
        "INC-1",
        "police",
        "2023-06-02T09:00:00+00:00",
        person="P1",
        kind="arrest",
    ),
    _r("family_nominated", "2024-01-10", "NOM-1", framework="national-2022"),
    _r("person_joined", "2024-01-10", "PJ-P1", person="P1", role="adult", born_on="1986-02-28"),
    _r("person_joined", "2024-01-10", "PJ-P2", person="P2", role="adult", born_on="1988-12-31"),
    _r("person_joined", "2024-01-10", "PJ-C1", person="C1", role="child", born_on="2015-09-01"),
    _r("need_identified", "2024-01-10", "N-71", criterion="national-2022:7.1", person="P1"),
    _r("need_identified", "2024-01-10", "N-32", criterion="national-2022:3.2", person="P1"),
    _r("need_identified", "2024-01-10", "N-102", criterion="national-2022:10.2", person="P2"),
    _r(
        "evidence_recorded",
        "2024-03-01",
        "EV-32",
        criterion="national-2022:3.2",
        person="P1",
        evidence="practitioner_assessment",
        outcome_achieved=True,
    ),
    _r(
        "incident_recorded",
        "2024-03-20",
        "INC-5",
        "police",
        "2024-03-21T09:00:00+00:00",
        person="P1",
        kind="asb",
    ),
    _r(
        "evidence_recorded",
        "2024-04-01",
        "EV-102",
        criterion="national-2022:10.2",
        person="P2",
        evidence="self_assessment",
        outcome_achieved=True,
    ),
    _r(
        "claim_submitted",
        "2024-10-01",
        "CL-1",
        "finance",
        "2024-10-01T12:00:00+00:00",
        framework="national-2022",
    ),
    _r(
        "incident_recorded",
        "2024-08-15",
        "INC-9",
        "police",
        "2024-11-05T09:00:00+00:00",
        person="P1",
        kind="arrest",
    ),
    _r(
        "record_retracted",
        "2024-11-20",
        "RET-1",
        "police",
        "2024-11-20T12:00:00+00:00",
        target_source="police",
        target_source_id="INC-9",
        reason="entered against the wrong person",
    ),
]


def to_record(raw: dict[str, Any]) -> Record:
    return record_from_model(validate_record(raw), default_recorded_at=AFTER_RETRACTION)


def records(extra: list[dict[str, Any]] | None = None) -> list[Record]:
    return [to_record(r) for r in [*RAW, *(extra or [])]]


def write_jsonl(path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in RAW), encoding="utf-8")
    return path
