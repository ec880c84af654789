"""Loading and validating framework files: errors name the place in the file."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from sftimeline.policies.compiler import FrameworkError
from sftimeline.policies.loader import list_frameworks, load_framework, load_framework_text

NATIONAL_TEXT = (
    resources.files("sftimeline.policies") / "frameworks" / "national-2022.yaml"
).read_text(encoding="utf-8")


def _national() -> dict:
    return yaml.safe_load(NATIONAL_TEXT)


def _index(data: dict, code: str) -> int:
    return next(i for i, c in enumerate(data["criteria"]) if c["code"] == code)


def _errors(data: dict) -> list[str]:
    with pytest.raises(FrameworkError) as info:
        load_framework_text(yaml.safe_dump(data), "council.yaml")
    return info.value.problems


def test_packaged_frameworks_are_listed_and_load() -> None:
    assert "national-2022" in list_frameworks()
    fw = load_framework("national-2022")
    assert fw.id == "national-2022"
    expected = {
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "3.1",
        "3.2",
        "3.3",
        "4.1",
        "4.2",
        "5.1",
        "5.2",
        "5.3",
        "5.4",
        "6.1",
        "6.2",
        "6.3",
        "6.4",
        "6.5",
        "6.6",
        "7.1",
        "7.2",
        "7.3",
        "8.1",
        "8.2",
        "8.3",
        "9.1",
        "9.2",
        "9.3",
        "10.1",
        "10.2",
        "10.3",
    }
    assert set(fw.criteria) == expected


def test_load_by_path(tmp_path: Path) -> None:
    path = tmp_path / "council.yaml"
    path.write_text(NATIONAL_TEXT, encoding="utf-8")
    assert load_framework(str(path)).fingerprint == load_framework("national-2022").fingerprint


def test_unknown_framework() -> None:
    with pytest.raises(FrameworkError, match="no framework"):
        load_framework("nowhere-1999")


def test_bad_primitive_argument_has_its_location() -> None:
    data = _national()
    i = _index(data, "7.2")
    data["criteria"][i]["outcome"]["all"][0]["no_records_for"]["months"] = 0
    problems = _errors(data)
    assert any(
        p.startswith(f"criteria[{i}].outcome.all[0].no_records_for.months:") for p in problems
    ), problems


def test_unknown_primitive_and_unknown_argument() -> None:
    data = _national()
    i = _index(data, "10.2")
    data["criteria"][i]["outcome"] = {"evidnce": {"kinds": ["x"]}}
    j = _index(data, "9.1")
    data["criteria"][j]["outcome"]["all"][0]["any"][0]["status"]["month"] = 6
    problems = _errors(data)
    assert any(
        p.startswith(f"criteria[{i}].outcome: unknown combinator or primitive 'evidnce'")
        for p in problems
    ), problems
    assert any(
        p.startswith(f"criteria[{j}].outcome.all[0].any[0].status.month:") for p in problems
    ), problems


def test_unknown_parameter_reference() -> None:
    data = _national()
    i = _index(data, "7.2")
    data["criteria"][i]["outcome"]["all"][0]["no_records_for"]["from"] = "$sustain_from"
    problems = _errors(data)
    assert any(
        "no_records_for.from" in p and "unknown parameter '$sustain_from'" in p for p in problems
    ), problems


def test_parameter_default_outside_allowed_values() -> None:
    data = _national()
    data["parameters"]["attendance_measure"]["default"] = "weekly"
    problems = _errors(data)
    assert any(p.startswith("parameters.attendance_measure") for p in problems), problems


def test_changed_parameter_and_evidence_kind_load() -> None:
    data = _national()
    data["parameters"]["min_headlines"]["default"] = 2
    i = _index(data, "10.2")
    data["criteria"][i]["outcome"]["evidence"]["kinds"].append("council_debt_advice_closed")
    fw = load_framework_text(yaml.safe_dump(data))
    assert fw.parameters["min_headlines"] == 2
    assert "council_debt_advice_closed" in fw.criteria["10.2"].evidence_kinds
    assert fw.fingerprint != load_framework("national-2022").fingerprint


def test_optional_alone_is_refused() -> None:
    data = _national()
    i = _index(data, "5.1")
    data["criteria"][i]["outcome"] = {"any": [{"optional": [{"evidence": {"kinds": ["x"]}}]}]}
    problems = _errors(data)
    assert any(p.startswith(f"criteria[{i}].outcome.any: optional") for p in problems), problems


def test_switch_without_a_case_for_the_value() -> None:
    data = _national()
    i = _index(data, "6.1")
    del data["criteria"][i]["outcome"]["switch"]["cases"]["all"]
    with pytest.raises(FrameworkError) as info:
        load_framework_text(yaml.safe_dump(data), overrides={"evidence_list_connective": "all"})
    assert any(
        p.startswith(f"criteria[{i}].outcome.switch.cases: no case") for p in info.value.problems
    )


def test_schema_errors_have_locations() -> None:
    data = _national()
    data["criteria"][3]["tag"] = "DATAISH"
    del data["criteria"][4]["cite"]
    problems = _errors(data)
    assert any(p.startswith("criteria[3].tag:") for p in problems), problems
    assert any(p.startswith("criteria[4].cite:") for p in problems), problems


def test_override_must_be_allowed() -> None:
    with pytest.raises(FrameworkError, match=r"parameters\.da_incident_scope"):
        load_framework("national-2022", {"da_incident_scope": "street"})
    with pytest.raises(FrameworkError, match=r"parameters\.nonsense"):
        load_framework("national-2022", {"nonsense": 1})


def test_every_criterion_lists_accepted_evidence_or_is_data_only() -> None:
    fw = load_framework("national-2022")
    for code, c in fw.criteria.items():
        if c.definition.tag != "DATA":
            assert c.evidence_kinds, code


def test_a_switch_on_something_other_than_a_parameter_name_is_refused_with_its_place() -> None:
    """Found by tests/test_loader_fuzz.py: a list where the name belongs raised TypeError."""
    data = _national()
    i = _index(data, "7.2")
    data["criteria"][i]["outcome"] = {"switch": {"parameter": [["x"]], "cases": {"a": {}}}}
    problems = _errors(data)
    assert any(
        p.startswith(f"criteria[{i}].outcome.switch.parameter: must be a parameter's name")
        for p in problems
    ), problems


def test_an_alias_inside_its_own_anchor_is_refused_and_named() -> None:
    """YAML lets an alias name the anchor it sits in; such a value has no end. The file
    is refused with the place the value contains itself, not a traceback; an anchor used
    in several places (Hampshire's registrations) still loads."""
    text = (resources.files("sftimeline.policies") / "frameworks" / "hampshire.yaml").read_text(
        encoding="utf-8"
    )
    assert load_framework_text(text, "hampshire.yaml").id == "hampshire"
    check = "- check_within: {kind: dental_check, months: 12, who: every_child, if_nobody: holds}"
    assert text.count(check) == 1
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(text.replace(check, "- *registrations"), "hampshire.yaml")
    message = str(caught.value)
    assert "hampshire.yaml" in message
    # the registrations' list, reached through one of the aliases that name it
    assert re.search(
        r"criteria\[\d+\]\.outcome\.all\[1\]\.switch\..*all\[2\]: contains itself", message
    )
