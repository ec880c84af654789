"""Record types of children's social care and programmes: plans, referrals, cases,
programmes."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    StrictBool,
)

from sftimeline.records.base import RecordModel
from sftimeline.records.codes import (
    PlanLevel,
    ProgrammeKind,
)
from sftimeline.records.fields import (
    Text,
)


class PlanOpened(RecordModel):
    """A plan (early help, child in need, child protection ...) opens at a level."""

    TYPE = "plan_opened"
    PERSON_REQUIRED = False
    type: Literal["plan_opened"]
    plan: Text
    level: PlanLevel
    person: Text | None = None


class PlanSteppedDown(RecordModel):
    """A plan moves to a new, lower level."""

    TYPE = "plan_stepped_down"
    PERSON_REQUIRED = False
    type: Literal["plan_stepped_down"]
    plan: Text
    level: PlanLevel


class PlanSteppedUp(RecordModel):
    """A plan moves to a new, higher level."""

    TYPE = "plan_stepped_up"
    PERSON_REQUIRED = False
    type: Literal["plan_stepped_up"]
    plan: Text
    level: PlanLevel


class PlanClosed(RecordModel):
    """A plan closes."""

    TYPE = "plan_closed"
    PERSON_REQUIRED = False
    type: Literal["plan_closed"]
    plan: Text


class ReferralAccepted(RecordModel):
    """An accepted (re-)referral into a service (``childrens_social_care``,
    ``early_help``, ``domestic_abuse``, ``youth_justice`` ...)."""

    TYPE = "referral_accepted"
    PERSON_REQUIRED = False
    type: Literal["referral_accepted"]
    service: Text
    person: Text | None = None
    #: Hampshire CWNH i–ii: only a re-referral "resulting in support" counts
    resulted_in_support: StrictBool | None = None


class CaseClosed(RecordModel):
    """The family's programme support (the lead practitioner's intervention) is
    closed; anchors "prior to closure" and "following closure" windows."""

    TYPE = "case_closed"
    PERSON_REQUIRED = False
    type: Literal["case_closed"]


class CaseReopened(RecordModel):
    """The family's programme support reopens."""

    TYPE = "case_reopened"
    PERSON_REQUIRED = False
    type: Literal["case_reopened"]


class ProgrammeStarted(RecordModel):
    """R29: a course, programme or support service the person (or family) attends."""

    TYPE = "programme_started"
    PERSON_REQUIRED = False
    type: Literal["programme_started"]
    programme: Text
    kind: ProgrammeKind
    person: Text | None = None


class ProgrammeEnded(RecordModel):
    """R29: ``occurred_on`` is the last day; ``outcome`` says whether it was completed."""

    TYPE = "programme_ended"
    PERSON_REQUIRED = False
    type: Literal["programme_ended"]
    programme: Text
    outcome: Literal["completed", "dropped", "closed"]
    person: Text | None = None
