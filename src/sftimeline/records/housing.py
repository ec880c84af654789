"""Record types of housing: notices, possession orders, housing status, tenancies,
homelessness duties."""

from __future__ import annotations

from typing import Literal

from sftimeline.records.base import RecordModel
from sftimeline.records.codes import (
    HousingStatus,
    NoticeKind,
    Tenure,
)
from sftimeline.records.fields import (
    Text,
)


class NoticeServed(RecordModel):
    """A housing notice or order is served on the household."""

    TYPE = "notice_served"
    PERSON_REQUIRED = False
    type: Literal["notice_served"]
    notice: NoticeKind
    tenancy: Text | None = None


class NoticeWithdrawn(RecordModel):
    """A housing notice is withdrawn."""

    TYPE = "notice_withdrawn"
    PERSON_REQUIRED = False
    type: Literal["notice_withdrawn"]
    notice: NoticeKind
    tenancy: Text | None = None


class PossessionOrderSuspended(RecordModel):
    """A possession order is suspended."""

    TYPE = "possession_order_suspended"
    PERSON_REQUIRED = False
    type: Literal["possession_order_suspended"]
    tenancy: Text | None = None


class HousingStatusRecorded(RecordModel):
    """The household's (or a person's) housing situation."""

    TYPE = "housing_status_recorded"
    PERSON_REQUIRED = False
    type: Literal["housing_status_recorded"]
    status: HousingStatus
    person: Text | None = None


class TenancyStarted(RecordModel):
    """R16: an accommodation spell of the household."""

    TYPE = "tenancy_started"
    PERSON_REQUIRED = False
    type: Literal["tenancy_started"]
    tenancy: Text
    tenure: Tenure


class TenancyEnded(RecordModel):
    """R16: ``occurred_on`` is the last day of the tenancy."""

    TYPE = "tenancy_ended"
    PERSON_REQUIRED = False
    type: Literal["tenancy_ended"]
    tenancy: Text
    reason: Literal["eviction", "moved", "other"]


class HomelessnessDutyRecorded(RecordModel):
    """R18: the council's homelessness decision (Housing Act 1996 Part 7 duties)."""

    TYPE = "homelessness_duty_recorded"
    PERSON_REQUIRED = False
    type: Literal["homelessness_duty_recorded"]
    duty: Literal["prevention", "relief", "main", "no_duty", "ended"]
