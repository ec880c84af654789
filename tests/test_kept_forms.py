"""The record types' kept forms (records/kept_forms.py): current, used only while what they
were derived from is unchanged, and a plan compiled from one asks the model's validators
as a plan described from the model does."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from conftest import sample
from sftimeline.limits import DEFAULT_LIMITS
from sftimeline.records import (
    RECORD_MODELS,
    RecordError,
    fast,
    kept_forms,
    record_from_model,
    validate_record,
)
from sftimeline.records import _kept_forms as generated
from sftimeline.records.fast_forms import describe
from sftimeline.records.record import RECORD_TYPES

MOMENT = datetime(2025, 1, 1, 12, 30, tzinfo=UTC)
RECORDS = Path(kept_forms.__file__).parent


def test_the_kept_forms_are_current() -> None:
    """Fails after a model, field type, code list or the describer is edited, until
    ``python -m sftimeline.records.kept_forms`` is run (imports meanwhile describe every
    type from its model: slower, never wrong)."""
    assert kept_forms.source_digest() == generated.DIGEST, "python -m sftimeline.records.kept_forms"
    assert kept_forms.kept_forms() == kept_forms.described_forms()


def test_every_packaged_type_has_a_kept_form() -> None:
    kept = kept_forms.kept_forms()
    assert kept is not None
    assert set(kept) == set(RECORD_MODELS) == RECORD_TYPES
    assert all(form.type == record_type for record_type, form in kept.items())


def _copy_of_the_package(tmp_path: Path) -> Path:
    copy = tmp_path / "records"
    copy.mkdir()
    for path in RECORDS.glob("*.py"):
        shutil.copy(path, copy / path.name)
    return copy


@pytest.mark.parametrize(
    ("edited", "digested"),
    [
        ("education.py", True),  # a model
        ("fields.py", True),  # a field type
        ("field_rules.py", True),  # a field type's check
        ("codes.py", True),  # a list of codes
        ("fast_forms.py", True),  # the describer
        ("fast.py", False),  # the fast path's compiler: the forms do not depend on it
        ("fast_checks.py", False),
        ("digest.py", False),
    ],
)
def test_the_digest_covers_what_the_forms_are_derived_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edited: str, digested: bool
) -> None:
    copy = _copy_of_the_package(tmp_path)
    monkeypatch.setattr(kept_forms, "__file__", str(copy / "kept_forms.py"))
    before = kept_forms.source_digest()
    assert before == generated.DIGEST
    with (copy / edited).open("a", encoding="utf-8") as out:
        out.write("\n# edited\n")
    assert (kept_forms.source_digest() != before) is digested


def test_forms_not_current_are_described_from_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a stale digest no kept form is used: each type's plan is described from its
    model (and holds it), and records still take the fast path, alike."""
    monkeypatch.setattr(generated, "DIGEST", "stale")
    assert kept_forms.kept_forms() is None
    monkeypatch.setattr(fast, "_kept", cache(kept_forms.kept_forms))
    monkeypatch.setattr(fast, "_PLANS", {})
    monkeypatch.setattr(fast, "_last", None)
    plan = fast.plan_for("term_attendance_posted", DEFAULT_LIMITS)
    assert plan is not None
    assert plan._known_model is RECORD_MODELS["term_attendance_posted"]
    raw = sample("term_attendance_posted")
    got = fast.fast_record(raw, DEFAULT_LIMITS, None, MOMENT)
    assert got == record_from_model(validate_record(raw), default_recorded_at=MOMENT)


def test_a_plan_from_a_kept_form_finds_the_models_validator_when_it_must_ask() -> None:
    """A rule not told from the values (a knowledge time a mapping stated: its basis is
    given) is asked of the model's own validator, found by its name on first need."""
    kept = kept_forms.kept_forms()
    assert kept is not None
    form = kept["incident_recorded"]
    assert form == describe(RECORD_MODELS["incident_recorded"])
    plan = fast._Plan(form, DEFAULT_LIMITS, {})
    assert plan._known_model is None
    stated = sample("incident_recorded", recorded_at_basis="extract_date")
    record = plan.record(stated, None, MOMENT)
    assert plan._known_model is RECORD_MODELS["incident_recorded"]
    want = record_from_model(validate_record(stated), default_recorded_at=MOMENT)
    assert record == want and record.recorded_at_basis == "extract_date"
    broken = sample("incident_recorded", recorded_at_basis="import_moment")  # with a time
    assert plan.record(broken, None, MOMENT) is None
    with pytest.raises(RecordError, match="import_moment"):
        validate_record(broken)
