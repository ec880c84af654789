"""Record types of education and early years: attendance, exclusions, enrolment, behaviour,
SEND."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import (
    Field,
    model_validator,
)

from sftimeline.records.base import RecordModel
from sftimeline.records.codes import (
    ProviderType,
)
from sftimeline.records.fields import (
    NonNegativeInt,
    RuleError,
    TermId,
    Text,
)


class TermAttendancePosted(RecordModel):
    """A pupil's attendance for one term; ``occurred_on`` is the last day of the
    term. ``term`` is the academic year's start year for autumn and the calendar
    year for spring and summer (``2023-autumn``, ``2024-spring``)."""

    TYPE = "term_attendance_posted"
    type: Literal["term_attendance_posted"]
    person: Text
    term: TermId
    possible_sessions: NonNegativeInt
    attended_sessions: NonNegativeInt
    authorised_absence_sessions: NonNegativeInt | None = None
    unauthorised_absence_sessions: NonNegativeInt | None = None
    TOLD_RULES: ClassVar[dict[str, str]] = {
        "_sessions_add_up": (
            "values['attended_sessions'] <= values['possible_sessions'] and"
            " values['attended_sessions'] + (values.get('authorised_absence_sessions') or 0)"
            " + (values.get('unauthorised_absence_sessions') or 0)"
            " <= values['possible_sessions']"
        )
    }

    @model_validator(mode="after")
    def _sessions_add_up(self) -> TermAttendancePosted:
        if self.attended_sessions > self.possible_sessions:
            raise RuleError(
                "attended_sessions is more than possible_sessions",
                "attended_sessions",
                "possible_sessions",
            )
        absent = (self.authorised_absence_sessions or 0) + (self.unauthorised_absence_sessions or 0)
        if self.attended_sessions + absent > self.possible_sessions:
            raise RuleError(
                "attended_sessions plus absence sessions is more than possible_sessions",
                "attended_sessions",
                "possible_sessions",
            )
        return self


class ExclusionRecorded(RecordModel):
    """A school exclusion; ``occurred_on`` is its first day. A fixed-term
    exclusion needs ``days``."""

    TYPE = "exclusion_recorded"
    type: Literal["exclusion_recorded"]
    person: Text
    kind: Literal["fixed_term", "permanent"]
    days: Annotated[float, Field(gt=0)] | None = None
    TOLD_RULES: ClassVar[dict[str, str]] = {
        "_fixed_term_has_days": "(values['kind'] != 'fixed_term' or 'days' in values)"
    }

    @model_validator(mode="after")
    def _fixed_term_has_days(self) -> ExclusionRecorded:
        if self.kind == "fixed_term" and self.days is None:
            raise RuleError("days is required for a fixed_term exclusion", "days")
        return self


class EnrolmentStarted(RecordModel):
    """R09: a child goes on roll at a provider (or starts elective home education)."""

    TYPE = "enrolment_started"
    type: Literal["enrolment_started"]
    person: Text
    provider: Text
    provider_type: ProviderType


class EnrolmentEnded(RecordModel):
    """R09: ``occurred_on`` is the last day on roll."""

    TYPE = "enrolment_ended"
    type: Literal["enrolment_ended"]
    person: Text
    provider: Text


class BehaviourRecorded(RecordModel):
    """R13: school behaviour events (on report, detention)."""

    TYPE = "behaviour_recorded"
    type: Literal["behaviour_recorded"]
    person: Text
    kind: Literal["on_report", "detention"]


class EarlyYearsPlaceStarted(RecordModel):
    """R27: a funded early-years place taken up."""

    TYPE = "early_years_place_started"
    type: Literal["early_years_place_started"]
    person: Text
    entitlement: Literal["two_year_old", "three_four_universal", "other"]


class EarlyYearsPlaceEnded(RecordModel):
    """R27: ``occurred_on`` is the last day of the place."""

    TYPE = "early_years_place_ended"
    type: Literal["early_years_place_ended"]
    person: Text


class SendStatusRecorded(RecordModel):
    """R30: special educational needs and disability status."""

    TYPE = "send_status_recorded"
    type: Literal["send_status_recorded"]
    person: Text
    status: Literal[
        "ehc_assessment_requested",
        "ehc_assessment_started",
        "ehcp_issued",
        "ehcp_ceased",
        "sen_support",
        "semh",
    ]
