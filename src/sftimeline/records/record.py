"""The engine's value of a stored record, :class:`Record`, and what reading one needs.

Kept apart from the pydantic models (``base`` and the record-type modules) so that the
commands that only read records — evaluate, explain, the policy process, the web view —
never build the models: importing them was a third of those commands' start-up
(issue 14 item 1). Nothing here imports pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sftimeline.records.codes import KNOWLEDGE_BASIS_TEXT

#: Every record type's name (the keys of ``validation.RECORD_MODELS``; tests/test_scan.py
#: pins that they agree): what the stored-event scans keep, known without building the
#: models. ``validation.register_record_model`` adds an extension's.
RECORD_TYPES: set[str] = {
    "approval_recorded",
    "assessment_scored",
    "behaviour_recorded",
    "benefit_ended",
    "benefit_started",
    "case_closed",
    "case_reopened",
    "claim_submitted",
    "debt_payment_missed",
    "debt_plan_ended",
    "debt_plan_started",
    "debt_recorded",
    "early_years_place_ended",
    "early_years_place_started",
    "earnings_reported",
    "employment_ended",
    "employment_started",
    "enrolment_ended",
    "enrolment_started",
    "evidence_recorded",
    "exclusion_recorded",
    "family_nominated",
    "finances_recorded",
    "health_event_recorded",
    "homelessness_duty_recorded",
    "housing_status_recorded",
    "incident_recorded",
    "justice_breach_recorded",
    "justice_outcome_recorded",
    "justice_spell_ended",
    "justice_spell_started",
    "need_identified",
    "neet_status_recorded",
    "notice_served",
    "notice_withdrawn",
    "override_recorded",
    "person_joined",
    "person_left",
    "plan_closed",
    "plan_opened",
    "plan_stepped_down",
    "plan_stepped_up",
    "possession_order_suspended",
    "pregnancy_recorded",
    "programme_ended",
    "programme_started",
    "progress_to_work_recorded",
    "record_retracted",
    "referral_accepted",
    "send_status_recorded",
    "support_need_flagged",
    "tenancy_ended",
    "tenancy_started",
    "term_attendance_posted",
}

#: Fields of a type's own data that hold dates (decoded back to ``date`` on read).
#: ``validation.register_record_model`` adds an extension's; tests/test_scan.py checks
#: every model's date fields are here.
DATE_FIELDS: dict[str, tuple[str, ...]] = {
    "person_joined": ("born_on",),
    "earnings_reported": ("period_end",),
    "family_nominated": ("previous_support_closed_on",),
    "evidence_recorded": ("period_from",),
    "justice_spell_started": ("expected_end",),
    "progress_to_work_recorded": ("until",),
    "pregnancy_recorded": ("due_on",),
}


def source_key(source: str | None, source_id: str | None) -> str | None:
    """The identity of a record in its source system, or None when it has no id."""
    if source_id is None:
        return None
    return f"{source or ''}:{source_id}"


@dataclass(frozen=True, slots=True)
class Record:
    """A stored record as the projections and policies see it.

    ``key`` identifies the record in decisions and explanations ("facts"): its
    ``source:source_id`` when it has one, otherwise ``#`` and its fingerprint's start.
    ``recorded_at`` is the knowledge time (from the source, or the moment of import).
    """

    key: str
    type: str
    family: str
    occurred_on: date
    recorded_at: datetime
    source: str | None = None
    source_id: str | None = None
    person: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    recorded_at_supplied: bool = True
    #: which mapping default gave ``recorded_at`` (None: the source's own, or import)
    recorded_at_basis: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its fields, rebuilt by one call (:func:`record_of_fields`): ``import
        --workers`` sends every record back from a worker to the single writer, and a
        frozen dataclass's default pickling restores it field by field in Python,
        several times slower."""
        return (
            record_of_fields,
            (
                self.key,
                self.type,
                self.family,
                self.occurred_on,
                self.recorded_at,
                self.source,
                self.source_id,
                self.person,
                self.data,
                self.fingerprint,
                self.recorded_at_supplied,
                self.recorded_at_basis,
            ),
        )

    @property
    def knowledge_note(self) -> str:
        """Said beside the record wherever it is shown: "" when the source gave the time."""
        return KNOWLEDGE_BASIS_TEXT.get(self.recorded_at_basis or "", "")

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def sort_key(self) -> tuple[date, datetime, str, str]:
        """Deterministic order: valid date, knowledge time, type, key."""
        return (self.occurred_on, self.recorded_at, self.type, self.key)

    def to_interchange(self) -> dict[str, Any]:
        """The record back in the interchange format (with its knowledge time)."""
        out: dict[str, Any] = {"type": self.type, "family": self.family}
        if self.person is not None:
            out["person"] = self.person
        out["occurred_on"] = self.occurred_on.isoformat()
        out["recorded_at"] = self.recorded_at.isoformat()
        if self.recorded_at_basis is not None:
            out["recorded_at_basis"] = self.recorded_at_basis
        if self.source is not None:
            out["source"] = self.source
        if self.source_id is not None:
            out["source_id"] = self.source_id
        for name, value in self.data.items():
            out[name] = value.isoformat() if isinstance(value, date) else value
        return out


#: a Record's slot setters, each bound by its field's name (never by position: a field
#: moved in the class must not receive another's value); the parameters of
#: :func:`record_of_fields` are the fields in order (tests/test_scan.py pins both)
(
    _set_key,
    _set_type,
    _set_family,
    _set_occurred_on,
    _set_recorded_at,
    _set_source,
    _set_source_id,
    _set_person,
    _set_data,
    _set_fingerprint,
    _set_supplied,
    _set_basis,
) = (
    Record.__dict__[name].__set__
    for name in (
        "key",
        "type",
        "family",
        "occurred_on",
        "recorded_at",
        "source",
        "source_id",
        "person",
        "data",
        "fingerprint",
        "recorded_at_supplied",
        "recorded_at_basis",
    )
)
_new = object.__new__


def record_of_fields(
    key: str,
    type: str,
    family: str,
    occurred_on: date,
    recorded_at: datetime,
    source: str | None,
    source_id: str | None,
    person: str | None,
    data: Mapping[str, Any],
    fingerprint: str,
    recorded_at_supplied: bool,
    recorded_at_basis: str | None,
) -> Record:
    """``Record(...)`` of all its fields, in the field order, without the frozen
    dataclass's ``__init__`` (which sets each field through ``object.__setattr__``: in
    the single writer of an import with workers, half a record's unpickling, and a third
    of decoding a stored state); the slots' own setters give the same object
    (tests/test_import_shortcuts.py, tests/test_scan.py). The one fast way a Record is
    made: unpickling (:meth:`Record.__reduce__`), :func:`record_from_model` and the
    stored-state decoder (adapters/states.py) all call it."""
    record = _new(Record)
    _set_key(record, key)
    _set_type(record, type)
    _set_family(record, family)
    _set_occurred_on(record, occurred_on)
    _set_recorded_at(record, recorded_at)
    _set_source(record, source)
    _set_source_id(record, source_id)
    _set_person(record, person)
    _set_data(record, data)
    _set_fingerprint(record, fingerprint)
    _set_supplied(record, recorded_at_supplied)
    _set_basis(record, recorded_at_basis)
    return record
