"""What the audit pack's page (``reports/html.py``) and its picture
(``reports/timeline_svg.py``) share: the input both are drawn from, which of its records
they show, the late-record rule, the colours of a status, and how record text is written.

**Late record**: a record whose knowledge time is more than ``late_after_days`` days
(default :data:`LATE_AFTER_DAYS`) after the end of its valid date. The threshold is a
display choice, not a rule: it never changes a decision, it only draws the eye to the
records an auditor should ask about (they are the ones that put claims at risk).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape as _escape

from sftimeline.policies.evaluator import Decision
from sftimeline.records import Record
from sftimeline.reports.visible import make_visible


def escape(text: str) -> str:
    """HTML-escaped, with bidi overrides and other invisible characters shown as
    ``[U+202E]`` (record text is outside input: ``reports/visible.py``)."""
    return _escape(make_visible(text))


#: A record known more than this many days after its valid date is marked "late".
LATE_AFTER_DAYS = 30

STATUS_COLOUR = {
    "met": "#2e7d32",
    "pending": "#e0a100",
    "not_met": "#c62828",
    "insufficient_data": "#6d6d6d",
    "evidence_required": "#7b3fa0",
}
FAMILY_STATUS_COLOUR = {
    "eligible": STATUS_COLOUR["met"],
    "pending": STATUS_COLOUR["pending"],
    "not_eligible": STATUS_COLOUR["not_met"],
    "insufficient_data": STATUS_COLOUR["insufficient_data"],
    "evidence_required": STATUS_COLOUR["evidence_required"],
}


@dataclass(frozen=True, slots=True)
class ReportInput:
    """Everything the page shows; built by the command from the store and the evaluator."""

    decision: Decision
    framework_title: str
    records: Sequence[Record]  # every record of the family (filtered to known-at here)
    explain_text: str
    readings: Sequence[tuple[str, str, str]] = ()  # (name, value, "AMB-…: doc")
    late_after_days: int = LATE_AFTER_DAYS


def known_records(inp: ReportInput) -> list[Record]:
    """The records the pack shows: those known at the decision's knowledge time."""
    return [r for r in inp.records if r.recorded_at <= inp.decision.known_at]


def is_late(r: Record, late_after_days: int = LATE_AFTER_DAYS) -> bool:
    """Known more than ``late_after_days`` days after the end of its valid date."""
    return r.recorded_at.date() > r.occurred_on + timedelta(days=late_after_days)


def iso(day: date | None) -> str:
    """A date as the pack writes it; no date is the empty string (an empty attribute)."""
    return day.isoformat() if day else ""
