"""The packaged frameworks' kept validated forms (policies/validated.py): current, used
only while exactly what validating gives now, and loaded without pydantic."""

from __future__ import annotations

import base64
import pickle
import subprocess
import sys
import zlib
from importlib import resources
from pathlib import Path

import pytest

from sftimeline.policies import _validated_forms, validated
from sftimeline.policies.lazy_models import LazyModel
from sftimeline.policies.loader import (
    _framework,
    list_frameworks,
    load_framework,
    load_framework_text,
)
from sftimeline.policies.packaged import parsed

GENERATED = Path(validated.__file__).with_name("_validated_forms.py")


def _text(framework_id: str) -> str:
    name = f"frameworks/{framework_id}.yaml"
    return (resources.files("sftimeline.policies") / name).read_text(encoding="utf-8")


def test_the_generated_module_is_current() -> None:
    """Fails after a framework or a declaration changes: run ``python -m
    sftimeline.policies.packaged``."""
    assert GENERATED.read_text(encoding="utf-8") == validated.generated_source()


@pytest.mark.parametrize("framework_id", list_frameworks())
def test_a_kept_form_is_what_validating_gives(framework_id: str) -> None:
    text = _text(framework_id)
    form = validated.kept(framework_id, text)
    assert form is not None
    arguments: dict[str, LazyModel] = {}
    raw = parsed("sftimeline.policies", f"frameworks/{framework_id}.yaml", text)
    fresh = _framework(raw, text, framework_id, kept_arguments=arguments)
    assert form.model == fresh.model
    assert form.arguments == arguments
    assert form.fingerprint == fresh.fingerprint == load_framework_text(text).fingerprint
    kept = load_framework(framework_id)
    for code, criterion in fresh.criteria.items():
        assert kept.criteria[code].evidence_kinds == criterion.evidence_kinds


@pytest.mark.parametrize("framework_id", list_frameworks())
def test_a_packaged_framework_loads_without_pydantic(framework_id: str) -> None:
    code = (
        "import sys; from sftimeline.policies.loader import load_framework;"
        f" fw = load_framework({framework_id!r});"
        " print(fw.fingerprint, 'pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [load_framework_text(_text(framework_id)).fingerprint, "False"]


def test_an_edited_framework_is_validated() -> None:
    text = _text("national-2022")
    assert validated.kept("national-2022", text + "\n# edited\n") is None
    assert validated.kept("no-such-framework", text) is None


def test_a_class_declared_otherwise_since_is_not_taken_from_the_kept_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    digest, classes, data = _validated_forms.FORMS["national-2022"]
    name = next(iter(classes))
    changed = {**classes, name: "0" * 64}
    monkeypatch.setitem(_validated_forms.FORMS, "national-2022", (digest, changed, data))
    assert validated.kept("national-2022", _text("national-2022")) is None
    # and the framework is validated as it always was
    assert load_framework("national-2022").fingerprint == load_framework_text(
        _text("national-2022")
    ).fingerprint


def test_a_class_whose_module_is_gone_is_not_taken_from_the_kept_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    digest, classes, data = _validated_forms.FORMS["national-2022"]
    gone = {**classes, "sftimeline.policies.leaves.no_such_topic:GoneArgs": "0" * 64}
    monkeypatch.setitem(_validated_forms.FORMS, "national-2022", (digest, gone, data))
    assert validated.kept("national-2022", _text("national-2022")) is None


def test_an_unreadable_kept_form_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    digest, classes, _ = _validated_forms.FORMS["national-2022"]
    broken = base64.b64encode(zlib.compress(b"not a pickle")).decode()
    monkeypatch.setitem(_validated_forms.FORMS, "national-2022", (digest, classes, broken))
    assert validated.kept("national-2022", _text("national-2022")) is None
    gone = pickle.dumps(("a", "b"))  # a form of the wrong shape
    wrong = base64.b64encode(zlib.compress(gone)).decode()
    monkeypatch.setitem(_validated_forms.FORMS, "national-2022", (digest, classes, wrong))
    assert validated.kept("national-2022", _text("national-2022")) is None


def test_a_council_reading_is_validated_not_taken_from_the_kept_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(framework_id: str, text: str) -> None:
        raise AssertionError("the kept form was asked for")

    monkeypatch.setattr("sftimeline.policies.loader.kept", refuse)
    default = load_framework_text(_text("national-2022"))
    fw = load_framework("national-2022", {"crime_baseline_months": 6})
    assert fw.parameters["crime_baseline_months"] == 6
    assert fw.fingerprint != default.fingerprint
