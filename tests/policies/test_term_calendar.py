"""A council's own term dates (``family_rules.term_calendar``, catalogue §7 R10).

The default calendar ends the summer term on 31 August (semantics.md §3). A council whose
summer term ends on 19 July supplies its dates; 1.1's two-term attendance is then decided
from 19 July, not 31 August. Both sides of that boundary are pinned, and bad calendars are
refused with their location.
"""

from __future__ import annotations

import pytest
import yaml
from policy_helpers import decide, family_base, need, rec

from sftimeline.policies.loader import FrameworkError, list_frameworks, load_framework_text

COUNCIL_TERMS = {
    "2023-autumn": {"start": "2023-09-05", "end": "2023-12-20"},
    "2024-spring": {"start": "2024-01-04", "end": "2024-03-28"},
    "2024-summer": {"start": "2024-04-15", "end": "2024-07-19"},
}


def _national_text(**family_rules: object) -> str:
    from importlib import resources

    assert "national-2022" in list_frameworks()
    text = (
        resources.files("sftimeline.policies") / "frameworks" / "national-2022.yaml"
    ).read_text()
    data = yaml.safe_load(text)
    data["family_rules"].update(family_rules)
    return yaml.safe_dump(data, sort_keys=False)


def _attendance(term: str, last_day: str, possible: int, attended: int) -> object:
    return rec(
        "term_attendance_posted",
        last_day,
        person="C1",
        term=term,
        possible_sessions=possible,
        attended_sessions=attended,
        source="census",
        source_id=f"C1-{term}",
    )


def _records() -> list:
    return [
        *family_base("2024-01-10"),
        need("1.1", "2024-01-10", "C1"),
        _attendance("2024-spring", "2024-03-28", 100, 95),
        _attendance("2024-summer", "2024-07-19", 100, 96),
    ]


def _status(d: object) -> str:
    return next(c.result.status.value for c in d.criteria if c.criterion.endswith(":1.1"))  # type: ignore[attr-defined]


def test_default_calendar_waits_for_31_august() -> None:
    assert _status(decide(_records(), "2024-07-20")) == "pending"
    assert _status(decide(_records(), "2024-08-31")) == "met"


def test_council_calendar_decides_from_its_own_term_end() -> None:
    fw = load_framework_text(_national_text(term_calendar=COUNCIL_TERMS))
    assert _status(decide(_records(), "2024-07-18", fw)) == "pending"
    assert _status(decide(_records(), "2024-07-19", fw)) == "met"


def test_calendar_with_unknown_term_id_is_refused() -> None:
    with pytest.raises(FrameworkError) as err:
        load_framework_text(
            _national_text(term_calendar={"2024-winter": COUNCIL_TERMS["2024-spring"]})
        )
    assert "family_rules.term_calendar" in str(err.value) and "2024-winter" in str(err.value)


def test_calendar_with_overlapping_terms_is_refused() -> None:
    bad = dict(COUNCIL_TERMS)
    bad["2024-summer"] = {"start": "2024-03-01", "end": "2024-07-19"}
    with pytest.raises(FrameworkError) as err:
        load_framework_text(_national_text(term_calendar=bad))
    assert "2024-summer starts on or before 2024-spring ends" in str(err.value)
