"""The Family aggregate: every record a council sends about one family, as events.

One aggregate per family keeps the consistency boundary where the questions are
asked ("is this family's outcome significant and sustained?") and makes the
duplicate/conflict check a local invariant: a record's key is unique within its
family. Nothing is ever deleted; a ``record_retracted`` is just another record that
the timeline projection applies from its own knowledge time on.

Topics are explicit and stable ("sftimeline:Family.IncidentRecorded") so that
moving or renaming these classes never breaks stored events. Ids are uuid5 over a
fixed namespace, so the same council family code always names the same aggregate.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from eventsourcing.domain import Aggregate, event

from sftimeline.aggregates.event_classes import FieldsOfItsBase
from sftimeline.aggregates.family_outcomes import (
    ConflictingRecord,
    DuplicateRecord,
    FamilyError,
    Outcome,
    RecordOutcome,
    WrongFamily,
)
from sftimeline.records.record import DATE_FIELDS, RECORD_TYPES, Record

if TYPE_CHECKING:
    from sftimeline.records import RecordModel

#: Fixed namespace for family ids; never change it (ids of stored families depend on it).
FAMILY_NAMESPACE = uuid.UUID("5f0c3a4e-8d0b-5b7e-9a63-2f1d2a7c6b11")


@functools.lru_cache(maxsize=65536)
def _family_id(family_code: str) -> uuid.UUID:
    return uuid.uuid5(FAMILY_NAMESPACE, family_code)


def _camel(record_type: str) -> str:
    return "".join(part.capitalize() for part in record_type.split("_"))


class Family(Aggregate):
    """One family's records (events), keyed by source identity."""

    TOPIC = "sftimeline:Family"

    class Event(Aggregate.Event):
        """The base of the family's events, declared so that the library defines none of
        them twice (:mod:`.event_classes`)."""

    class Created(Event, Aggregate.Created):
        """The library's default created event (unused; Registered is the one stored)."""

        TOPIC = "sftimeline:Family.Created"

    class Registered(Event, Aggregate.Created):
        """The family was first seen (by the first record imported for it)."""

        TOPIC = "sftimeline:Family.Registered"
        family_code: str

    @event(Registered)
    def __init__(self, family_code: str) -> None:
        self.family_code = family_code
        #: key → fingerprint of every stored record
        self.fingerprints: dict[str, str] = {}
        #: record events in the order they were stored (Records are built on demand)
        self.stored: list[Family.RecordAdded] = []

    @staticmethod
    def create_id(family_code: str) -> uuid.UUID:
        """Deterministic id: the same council family code always names the same aggregate."""
        return _family_id(family_code)

    class RecordAdded(Event, metaclass=FieldsOfItsBase):
        """Base of the per-type events; carries the record's two clocks and identity.

        ``occurred_on`` is the valid date, ``recorded_at`` the knowledge time (from
        the source, or the moment of import when ``recorded_at_supplied`` is false);
        the library's ``timestamp`` is the store time.
        """

        TOPIC = "sftimeline:Family.RecordAdded"
        record_type: str
        occurred_on: date
        recorded_at: datetime
        recorded_at_supplied: bool
        source: str | None
        source_id: str | None
        person: str | None
        data: dict[str, Any]
        key: str
        fingerprint: str
        #: which mapping default gave recorded_at (events stored before it: None)
        recorded_at_basis: str | None = None

        def apply(self, aggregate: Aggregate) -> None:
            family = cast(Family, aggregate)
            family.fingerprints[self.key] = self.fingerprint
            family.stored.append(self)

        def to_record(self, family_code: str) -> Record:
            """The engine's value for this event (dates in DATE_FIELDS decoded)."""
            data = dict(self.data)
            for name in DATE_FIELDS.get(self.record_type, ()):
                if isinstance(data.get(name), str):
                    data[name] = date.fromisoformat(data[name])
            return Record(
                key=self.key,
                type=self.record_type,
                family=family_code,
                occurred_on=self.occurred_on,
                recorded_at=self.recorded_at,
                source=self.source,
                source_id=self.source_id,
                person=self.person,
                data=data,
                fingerprint=self.fingerprint,
                recorded_at_supplied=self.recorded_at_supplied,
                recorded_at_basis=self.recorded_at_basis,
            )

    # One event class per record type (named for the type in CamelCase).
    class FamilyNominated(RecordAdded):
        TOPIC = "sftimeline:Family.FamilyNominated"

    class PersonJoined(RecordAdded):
        TOPIC = "sftimeline:Family.PersonJoined"

    class PersonLeft(RecordAdded):
        TOPIC = "sftimeline:Family.PersonLeft"

    class NeedIdentified(RecordAdded):
        TOPIC = "sftimeline:Family.NeedIdentified"

    class IncidentRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.IncidentRecorded"

    class TermAttendancePosted(RecordAdded):
        TOPIC = "sftimeline:Family.TermAttendancePosted"

    class ExclusionRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.ExclusionRecorded"

    class PlanOpened(RecordAdded):
        TOPIC = "sftimeline:Family.PlanOpened"

    class PlanSteppedDown(RecordAdded):
        TOPIC = "sftimeline:Family.PlanSteppedDown"

    class PlanSteppedUp(RecordAdded):
        TOPIC = "sftimeline:Family.PlanSteppedUp"

    class PlanClosed(RecordAdded):
        TOPIC = "sftimeline:Family.PlanClosed"

    class ReferralAccepted(RecordAdded):
        TOPIC = "sftimeline:Family.ReferralAccepted"

    class CaseClosed(RecordAdded):
        TOPIC = "sftimeline:Family.CaseClosed"

    class CaseReopened(RecordAdded):
        TOPIC = "sftimeline:Family.CaseReopened"

    class NoticeServed(RecordAdded):
        TOPIC = "sftimeline:Family.NoticeServed"

    class NoticeWithdrawn(RecordAdded):
        TOPIC = "sftimeline:Family.NoticeWithdrawn"

    class PossessionOrderSuspended(RecordAdded):
        TOPIC = "sftimeline:Family.PossessionOrderSuspended"

    class HousingStatusRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.HousingStatusRecorded"

    class EmploymentStarted(RecordAdded):
        TOPIC = "sftimeline:Family.EmploymentStarted"

    class EmploymentEnded(RecordAdded):
        TOPIC = "sftimeline:Family.EmploymentEnded"

    class BenefitStarted(RecordAdded):
        TOPIC = "sftimeline:Family.BenefitStarted"

    class BenefitEnded(RecordAdded):
        TOPIC = "sftimeline:Family.BenefitEnded"

    class EarningsReported(RecordAdded):
        TOPIC = "sftimeline:Family.EarningsReported"

    class NeetStatusRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.NeetStatusRecorded"

    class AssessmentScored(RecordAdded):
        TOPIC = "sftimeline:Family.AssessmentScored"

    class EvidenceRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.EvidenceRecorded"

    class ClaimSubmitted(RecordAdded):
        TOPIC = "sftimeline:Family.ClaimSubmitted"

    class RecordRetracted(RecordAdded):
        TOPIC = "sftimeline:Family.RecordRetracted"

    class JusticeOutcomeRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.JusticeOutcomeRecorded"

    class JusticeSpellStarted(RecordAdded):
        TOPIC = "sftimeline:Family.JusticeSpellStarted"

    class JusticeSpellEnded(RecordAdded):
        TOPIC = "sftimeline:Family.JusticeSpellEnded"

    class JusticeBreachRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.JusticeBreachRecorded"

    class EnrolmentStarted(RecordAdded):
        TOPIC = "sftimeline:Family.EnrolmentStarted"

    class EnrolmentEnded(RecordAdded):
        TOPIC = "sftimeline:Family.EnrolmentEnded"

    class BehaviourRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.BehaviourRecorded"

    class TenancyStarted(RecordAdded):
        TOPIC = "sftimeline:Family.TenancyStarted"

    class TenancyEnded(RecordAdded):
        TOPIC = "sftimeline:Family.TenancyEnded"

    class HomelessnessDutyRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.HomelessnessDutyRecorded"

    class ProgressToWorkRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.ProgressToWorkRecorded"

    class SupportNeedFlagged(RecordAdded):
        TOPIC = "sftimeline:Family.SupportNeedFlagged"

    class EarlyYearsPlaceStarted(RecordAdded):
        TOPIC = "sftimeline:Family.EarlyYearsPlaceStarted"

    class EarlyYearsPlaceEnded(RecordAdded):
        TOPIC = "sftimeline:Family.EarlyYearsPlaceEnded"

    class HealthEventRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.HealthEventRecorded"

    class ProgrammeStarted(RecordAdded):
        TOPIC = "sftimeline:Family.ProgrammeStarted"

    class ProgrammeEnded(RecordAdded):
        TOPIC = "sftimeline:Family.ProgrammeEnded"

    class SendStatusRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.SendStatusRecorded"

    class PregnancyRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.PregnancyRecorded"

    class DebtRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.DebtRecorded"

    class DebtPlanStarted(RecordAdded):
        TOPIC = "sftimeline:Family.DebtPlanStarted"

    class DebtPlanEnded(RecordAdded):
        TOPIC = "sftimeline:Family.DebtPlanEnded"

    class DebtPaymentMissed(RecordAdded):
        TOPIC = "sftimeline:Family.DebtPaymentMissed"

    class FinancesRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.FinancesRecorded"

    class ApprovalRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.ApprovalRecorded"

    class OverrideRecorded(RecordAdded):
        TOPIC = "sftimeline:Family.OverrideRecorded"

    # -- queries ---------------------------------------------------------

    @property
    def records(self) -> list[Record]:
        """The stored records (a copy), in store order."""
        return [ev.to_record(self.family_code) for ev in self.stored]

    # -- invariants ------------------------------------------------------

    def check_family(self, family_code: str) -> None:
        if family_code != self.family_code:
            raise WrongFamily(self.family_code, family_code)

    def unique_key(self, fp: str) -> str:
        """Records without source_id are never de-duplicated: each gets its own key."""
        prefix = f"#{fp[:16]}-"
        n = 1
        while f"{prefix}{n}" in self.fingerprints:
            n += 1
        return f"{prefix}{n}"

    # -- command ---------------------------------------------------------

    def record(
        self, item: RecordModel | Record, *, imported_at: datetime | None = None
    ) -> RecordOutcome:
        """Offer one record; store it unless it is a duplicate or a conflict.

        A validated model needs ``imported_at`` when it has no ``recorded_at``
        (docs/records.md: absent means "the moment of import").
        """
        outcome, fields = self.admit(item, imported_at=imported_at)
        if fields is not None:
            self.trigger_event(EVENT_CLASSES[fields["record_type"]], **fields)
        return outcome

    def admit(
        self, item: RecordModel | Record, *, imported_at: datetime | None = None
    ) -> tuple[RecordOutcome, dict[str, Any] | None]:
        """What becomes of one record offered, changing nothing: the outcome and, when
        it is to be stored, the fields of its event (for :meth:`record`, or for the
        store's bulk writer, which then calls :meth:`note_stored`)."""
        rec = item if type(item) is Record else _from_model(item, imported_at)
        self.check_family(rec.family)
        outcome = self.admit_key(None if rec.source_id is None else rec.key, rec.fingerprint)
        if outcome.outcome is not Outcome.STORED:
            return outcome, None
        key = outcome.key
        data = rec.data
        for value in data.values():
            if isinstance(value, date):  # stored as ISO text; copied only when there is one
                data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}
                break
        fields = {
            "record_type": rec.type,
            "occurred_on": rec.occurred_on,
            "recorded_at": rec.recorded_at,
            "recorded_at_supplied": rec.recorded_at_supplied,
            "source": rec.source,
            "source_id": rec.source_id,
            "person": rec.person,
            "data": data,
            "key": key,
            "fingerprint": rec.fingerprint,
            "recorded_at_basis": rec.recorded_at_basis,
        }
        return outcome, fields

    def admit_key(self, key: str | None, fingerprint: str) -> RecordOutcome:
        """What becomes of a record of this source ``key`` (None: the record has no
        source id) and ``fingerprint``, changing nothing: stored under its key, or under
        a key of its own (:meth:`unique_key`), or a duplicate, or a conflict. All that
        :meth:`admit` decides, on plain values: the store's bulk writer calls it alone."""
        if key is None:
            return _outcome(RecordOutcome, (Outcome.STORED, self.unique_key(fingerprint), None))
        stored = self.fingerprints.get(key)
        if stored is None:
            return _outcome(RecordOutcome, (Outcome.STORED, key, None))
        if stored == fingerprint:
            return RecordOutcome(Outcome.DUPLICATE, key, DuplicateRecord(key))
        return RecordOutcome(Outcome.CONFLICT, key, ConflictingRecord(key, stored, fingerprint))

    def admit_many(self, items: Sequence[Sequence[Any]]) -> list[RecordOutcome]:
        """:meth:`admit_key` then, for a record to store, :meth:`note_stored`, for each
        of ``items`` in turn (each holds its source key at ``[1]`` and its fingerprint at
        ``[2]``: a prepared record, ``adapters/eventstate.py``); the version moves on once,
        by the number stored. The store's bulk writer offers a family's records a run at
        a time: per record this costs a third of the two calls (issue 14)."""
        fingerprints = self.fingerprints
        stored, made = Outcome.STORED, _outcome
        out: list[RecordOutcome] = []
        taken = 0
        for item in items:
            key, fingerprint = item[1], item[2]
            if key is None:
                key = self.unique_key(fingerprint)
            elif key in fingerprints:
                out.append(self.admit_key(key, fingerprint))  # a duplicate or a conflict
                continue
            fingerprints[key] = fingerprint
            taken += 1
            out.append(made(RecordOutcome, (stored, key, None)))
        if taken:
            self.version = self.version + taken
        return out

    def note_stored(self, key: str, fingerprint: str) -> None:
        """Account for a record event the store wrote without an event object: its key
        is taken and the aggregate's version moves on (what ``RecordAdded.apply`` does,
        minus keeping the event: an importing store needs only keys and versions)."""
        self.fingerprints[key] = fingerprint
        self.version = self.version + 1


#: a record's outcome made without the named tuple's Python ``__new__`` (one per record)
_outcome = tuple.__new__


def _from_model(item: RecordModel | Record, imported_at: datetime | None) -> Record:
    """A validated record model offered to :meth:`Family.admit`, as the engine's value
    (any other item is taken as it is). The record models (pydantic) are imported here,
    when one is offered, not with this module: reading a family's events, replaying and
    deciding never load them (tests/test_startup.py)."""
    from sftimeline.records import RecordModel, record_from_model

    if not isinstance(item, RecordModel):
        return item
    if item.recorded_at is None and imported_at is None:
        raise ValueError("imported_at is required for a record without recorded_at")
    return record_from_model(
        item, default_recorded_at=item.recorded_at or cast(datetime, imported_at)
    )


#: record type → its event class
EVENT_CLASSES: dict[str, type[Family.RecordAdded]] = {
    t: cast("type[Family.RecordAdded]", getattr(Family, _camel(t))) for t in sorted(RECORD_TYPES)
}

#: event topic → record type (used by the bulk reader)
RECORD_TOPICS: dict[str, str] = {cls.TOPIC: t for t, cls in EVENT_CLASSES.items()}
REGISTERED_TOPIC = Family.Registered.TOPIC

__all__ = [
    "EVENT_CLASSES",
    "FAMILY_NAMESPACE",
    "RECORD_TOPICS",
    "REGISTERED_TOPIC",
    "ConflictingRecord",
    "DuplicateRecord",
    "Family",
    "FamilyError",
    "Outcome",
    "RecordOutcome",
    "WrongFamily",
]
