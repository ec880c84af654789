"""Record types of people and the household: nomination, joiners and leavers, needs,
assessments, health."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from sftimeline.records.base import RecordModel
from sftimeline.records.codes import (
    HealthEvent,
    IncidentKind,
    SupportNeed,
)
from sftimeline.records.fields import (
    CriterionRef,
    FrameworkId,
    IsoDate,
    Text,
)


class FamilyNominated(RecordModel):
    """The family joins the programme (attachment or nomination); anchors the
    "baseline" look-backs."""

    TYPE = "family_nominated"
    PERSON_REQUIRED = False
    type: Literal["family_nominated"]
    framework: FrameworkId | None = None
    #: Hampshire FL-HA-7: the family was supported before and that support closed on this day
    previous_support_closed_on: IsoDate | None = None


class PersonJoined(RecordModel):
    """A person joins the household. Age rules (under 18, 16 and 17, 0 to 5, school
    age) need ``born_on``."""

    TYPE = "person_joined"
    type: Literal["person_joined"]
    person: Text
    role: Literal["adult", "child"]
    born_on: IsoDate | None = None
    #: Hampshire's "women and girls" rules (catalogue §7 R01)
    sex: Literal["female", "male", "other"] | None = None


class PersonLeft(RecordModel):
    """A person leaves the household."""

    TYPE = "person_left"
    type: Literal["person_left"]
    person: Text


class NeedIdentified(RecordModel):
    """A family need (an eligibility criterion) is identified, at nomination or
    later; ``measure`` fixes the "consistent measure" the crime rules count."""

    TYPE = "need_identified"
    PERSON_REQUIRED = False
    type: Literal["need_identified"]
    criterion: CriterionRef
    person: Text | None = None
    measure: list[IncidentKind] | None = Field(default=None, min_length=1)


class AssessmentScored(RecordModel):
    """A reading of an assessment tool (``family_star_plus``, ``outcomes_star``,
    ``sdq`` ...): ``scores`` maps each domain to its number."""

    TYPE = "assessment_scored"
    PERSON_REQUIRED = False
    type: Literal["assessment_scored"]
    tool: Text
    scores: dict[Text, float] = Field(min_length=1)
    person: Text | None = None


class SupportNeedFlagged(RecordModel):
    """R26: an Outcomes Star / assessment support-need flag (Hertfordshire strand entry)."""

    TYPE = "support_need_flagged"
    PERSON_REQUIRED = False
    type: Literal["support_need_flagged"]
    need: SupportNeed
    person: Text | None = None
    tool: Text | None = None


class HealthEventRecorded(RecordModel):
    """R28: registrations, checks, attendances and readings from health services."""

    TYPE = "health_event_recorded"
    type: Literal["health_event_recorded"]
    person: Text
    kind: HealthEvent
    value: float | None = None
    detail: Text | None = None


class PregnancyRecorded(RecordModel):
    """R01: an expectant parent (national/H22 family rule: dependent children or expectant)."""

    TYPE = "pregnancy_recorded"
    type: Literal["pregnancy_recorded"]
    person: Text
    due_on: IsoDate | None = None
