"""Record types of crime and justice: incidents, justice outcomes and spells, breaches."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    StrictBool,
)

from sftimeline.records.base import RecordModel
from sftimeline.records.codes import (
    IncidentKind,
    IncidentRole,
    JusticeOutcome,
    JusticeSpellKind,
)
from sftimeline.records.fields import (
    IsoDate,
    Text,
)


class IncidentRecorded(RecordModel):
    """A police, ASB, domestic abuse, missing-person or school incident."""

    TYPE = "incident_recorded"
    type: Literal["incident_recorded"]
    person: Text
    kind: IncidentKind
    severe: StrictBool | None = None
    role: IncidentRole | None = None
    #: links records of one event from several sources (arrest + suspect + offence, AMB-B07)
    event_id: Text | None = None


class JusticeOutcomeRecorded(RecordModel):
    """R07: a disposal for an offence (conviction, caution, youth conditional caution …)."""

    TYPE = "justice_outcome_recorded"
    type: Literal["justice_outcome_recorded"]
    person: Text
    outcome: JusticeOutcome
    #: the offence's ``source_id`` where known
    offence_ref: Text | None = None


class JusticeSpellStarted(RecordModel):
    """R08: a spell under a justice status (custody, licence, YOT, TYS, ASB contract …)."""

    TYPE = "justice_spell_started"
    type: Literal["justice_spell_started"]
    person: Text
    spell: Text
    kind: JusticeSpellKind
    #: e.g. the expected release date of a custody spell (Hampshire CRIME iii, P34)
    expected_end: IsoDate | None = None


class JusticeSpellEnded(RecordModel):
    """R08: ``occurred_on`` is the spell's last day."""

    TYPE = "justice_spell_ended"
    type: Literal["justice_spell_ended"]
    person: Text
    spell: Text
    outcome: Literal["completed", "completed_successfully", "breached", "released", "closed"]


class JusticeBreachRecorded(RecordModel):
    """R08: a breach of the conditions of a spell that continues."""

    TYPE = "justice_breach_recorded"
    type: Literal["justice_breach_recorded"]
    person: Text
    spell: Text
