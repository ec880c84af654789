"""The aggregates' event classes: the library's frozen dataclasses, each defined once.

The classes are declared so that the library defines none of them again (each record
type's event subclasses the aggregate's own ``Event`` base), and a record type's event,
which adds no field to ``RecordAdded``, inherits its dataclass methods instead of having
them generated anew (issue 14: start-up). These tests pin that the events behave exactly
as the library's own would.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from sftimeline.aggregates.family import EVENT_CLASSES, Family
from sftimeline.aggregates.outcomes import OUTCOME_CLASSES, FamilyOutcomes

FIELDS: dict[str, Any] = {
    "originator_id": uuid.UUID(int=1),
    "originator_version": 2,
    "timestamp": datetime(2024, 4, 2, 9, 30, tzinfo=UTC),
    "record_type": "incident_recorded",
    "occurred_on": date(2024, 3, 1),
    "recorded_at": datetime(2024, 3, 2, tzinfo=UTC),
    "recorded_at_supplied": True,
    "source": "police",
    "source_id": "P1",
    "person": "p1",
    "data": {"kind": "asb"},
    "key": "police:P1",
    "fingerprint": "f" * 64,
}


def test_each_record_type_has_its_own_event_class_defined_once() -> None:
    """Every record type's class is the one declared on the aggregate, a direct subclass
    of ``RecordAdded``, which subclasses the aggregate's own ``Event``: the library found
    nothing to define again."""
    assert len(set(EVENT_CLASSES.values())) == len(EVENT_CLASSES)
    for cls in EVENT_CLASSES.values():
        assert cls.__bases__ == (Family.RecordAdded,)
        assert Family.__dict__[cls.__name__] is cls
    assert Family.RecordAdded.__bases__ == (Family.Event,)
    assert issubclass(Family.Registered, Family.Event)


def test_a_record_event_inherits_its_bases_dataclass_methods() -> None:
    cls = Family.IncidentRecorded
    assert dataclasses.is_dataclass(cls)
    assert "__init__" not in cls.__dict__  # inherited, not generated again
    assert [f.name for f in dataclasses.fields(cls)] == [
        f.name for f in dataclasses.fields(Family.RecordAdded)
    ]


def test_record_events_are_frozen_values_of_their_own_type() -> None:
    event = Family.IncidentRecorded(**FIELDS)
    assert event == Family.IncidentRecorded(**FIELDS)
    assert event != Family.ExclusionRecorded(**FIELDS)  # same values, another type
    assert event != Family.IncidentRecorded(**{**FIELDS, "key": "police:P2"})
    assert repr(event).startswith("Family.IncidentRecorded(")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.key = "police:P3"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.note = "not a field"  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del event.key
    assert event.recorded_at_basis is None  # the base's default, inherited


def test_an_event_class_that_declares_a_field_is_made_a_dataclass_of_its_own() -> None:
    """The other side of the boundary: a subclass with a field of its own gets the
    library's generated methods, taking that field."""

    class Annotated(Family.RecordAdded):
        extra: int = 0

    assert "__init__" in Annotated.__dict__
    event = Annotated(**FIELDS, extra=3)
    assert event.extra == 3
    assert "extra" in [f.name for f in dataclasses.fields(Annotated)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.extra = 4  # type: ignore[misc]


def test_a_recorded_event_mutates_the_family_as_the_library_applies_it() -> None:
    family = Family("F1")
    event = Family.IncidentRecorded(
        **{**FIELDS, "originator_id": family.id, "originator_version": family.version + 1}
    )
    event.mutate(family)
    assert family.version == 2
    assert family.fingerprints == {"police:P1": "f" * 64}
    assert family.stored == [event]


def test_each_outcome_kind_has_its_own_event_class_defined_once() -> None:
    for cls in OUTCOME_CLASSES.values():
        assert cls.__bases__ == (FamilyOutcomes.OutcomeRecorded,)
        assert FamilyOutcomes.__dict__[cls.__name__] is cls
        assert "__init__" not in cls.__dict__
    assert FamilyOutcomes.OutcomeRecorded.__bases__ == (FamilyOutcomes.Event,)
    outcomes = FamilyOutcomes("F1")
    outcomes.record("claim_at_risk", {"claim": "C1"})
    (_opened, at_risk) = outcomes.collect_events()
    assert type(at_risk) is FamilyOutcomes.ClaimAtRisk
    assert at_risk == FamilyOutcomes.ClaimAtRisk(**vars(at_risk))
    assert outcomes.claims == {"C1": {"claim": "C1"}}


def test_a_validated_model_offered_to_the_family_is_stored_as_its_record() -> None:
    """``Family.record`` takes a validated model as well as the engine's value (the model
    made into it there, the models loaded only then): a model without a knowledge time
    takes the moment of import, and needs one."""
    from sftimeline.records import record_from_model, validate_record

    raw = {"type": "incident_recorded", "family": "F1", "person": "p1", "kind": "asb"}
    raw |= {"occurred_on": "2024-03-01", "source": "police", "source_id": "P1"}
    model = validate_record(raw)
    moment = datetime(2024, 4, 2, 9, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="imported_at is required"):
        Family("F1").record(model)
    family = Family("F1")
    assert family.record(model, imported_at=moment).outcome.value == "stored"
    expected = record_from_model(model, default_recorded_at=moment)
    assert family.fingerprints == {expected.key: expected.fingerprint}
    assert family.stored[-1].to_record("F1") == expected
