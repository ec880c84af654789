"""docs/records.md is generated from the models and kept current; the JSON Schema
printed by `sftimeline records schema` accepts every valid record type."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import SAMPLES, sample
from sftimeline.cli import main
from sftimeline.records import RECORD_MODELS, RecordModel
from sftimeline.records_doc import describe, interchange_schema, render

DOC = Path(__file__).resolve().parents[1] / "docs" / "records.md"


def test_committed_records_doc_is_current(text: str) -> None:
    assert DOC.read_text(encoding="utf-8") == text, (
        "docs/records.md is out of date: run "
        "`python -m sftimeline.records_doc docs/records.md` and commit it"
    )


@pytest.fixture(scope="module")
def text() -> str:
    return render()


def test_doc_lists_every_type_field_and_allowed_value(text: str) -> None:
    for name, model in RECORD_MODELS.items():
        assert f"### `{name}`" in text
        for field in model.model_fields:
            if field not in RecordModel.model_fields:
                assert f"| `{field}` |" in text
    for kind in ("offence", "domestic_abuse", "gang_concern"):
        assert f"`{kind}`" in text


def test_doc_points_nowhere_outside_the_repository(text: str) -> None:
    for word in ("shared/", "interchange.md", "catalogue §"):
        assert word not in text


def test_describe_turns_schemas_into_words() -> None:
    assert describe({"type": "integer", "minimum": 0}) == "integer ≥ 0"
    assert describe({"type": "number", "exclusiveMinimum": 0, "maximum": 168}) == (
        "number > 0, ≤ 168"
    )
    assert describe({"anyOf": [{"enum": ["a", "b"]}, {"type": "null"}]}) == "one of `a`, `b`"
    assert describe({"type": "array", "items": {"type": "boolean"}, "minItems": 1}) == (
        "non-empty list of `true` or `false`"
    )


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = interchange_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("record_type", sorted(SAMPLES))
def test_schema_accepts_each_sample(
    record_type: str, validator: jsonschema.protocols.Validator
) -> None:
    assert list(validator.iter_errors(sample(record_type))) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"occurred_on": None},
        {"family": " "},
        {"unknown_field": 1},
        {"type": "alien_landed"},
    ],
)
def test_schema_rejects_what_validation_rejects(
    bad: dict[str, object], validator: jsonschema.protocols.Validator
) -> None:
    assert list(validator.iter_errors(sample("case_closed", **bad)))


def test_schema_rejects_a_framework_path(validator: jsonschema.protocols.Validator) -> None:
    assert list(validator.iter_errors(sample("claim_submitted", framework="/usr/bin/env")))


def test_records_schema_command_prints_the_schema() -> None:
    result = CliRunner().invoke(main, ["records", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == interchange_schema()
