"""`mapping check`: every problem is reported with the line of the mapping it is on."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sftimeline.cli import main
from sftimeline.legacy import MappingError, load_mapping_text
from sftimeline.legacy.model import FieldSpec

GOOD = """\
knowledge_time: {default: import}
records:
  - type: case_closed
    family: {column: Family}
    occurred_on: {column: Closed, as: date, formats: iso}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(MappingError) as info:
        load_mapping_text(text, "m.yaml")
    return info.value.located()


def test_a_good_mapping_loads() -> None:
    assert load_mapping_text(GOOD).records[0].type == "case_closed"


def test_knowledge_time_must_be_stated() -> None:
    [problem] = problems(GOOD.replace("knowledge_time: {default: import}\n", ""))
    assert problem == "m.yaml:1: knowledge_time: is required"
    [problem] = problems(GOOD.replace("{default: import}", "{}"))
    assert problem.startswith("m.yaml:1: knowledge_time: say where recorded_at comes from")


SEMANTIC = """\
knowledge_time: {default: import}
records:
  - type: incident_recorded
    family: {column: Family}
    person: {column: Person}
    occurred_on: {column: Month, as: date, formats: yyyy-mm}
    kind:
      column: Type
      map:
        ASB: asb
        Burglary: burglary
    colour: blue
  - type: plan_opened
    family: {column: Family}
    occurred_on: {column: Start, as: date, formats: dd/qq/yyyy}
    plan: {column: Plan}
  - type: no_such_type
    family: {column: Family}
  - type: case_closed
    family: {column: Family}
    occurred_on: {column: Closed}
    recorded_at: {column: Entered}
"""
SKIP = """\
skip:
  - column: Status
    reason: draft
    in: [Draft]
    equals: Draft
"""


def test_each_problem_names_its_line() -> None:
    text = SEMANTIC.replace("records:\n", SKIP + "records:\n", 1).replace(
        "    family: {column: Family}\n    occurred_on: {column: Closed}",
        "    family: {column: Family, as: colour}\n    occurred_on: {column: Closed}",
    )
    found = problems(text)
    assert "m.yaml:3: skip[0]: give exactly one of equals, in, not_in, present" in found
    assert (
        "m.yaml:25: records[3].family.as: Input should be 'text', 'integer', 'number', "
        "'pence', 'date', 'datetime', 'boolean' or 'term'" in found
    )


def test_semantic_problems_name_their_lines() -> None:
    text = SEMANTIC
    found = problems(text)
    expected_starts = [
        "m.yaml:12: records[0].colour: is not a field of incident_recorded",
        "m.yaml:6: records[0].occurred_on.formats[0]: 'yyyy-mm' has no day",
        "m.yaml:11: records[0].kind.map.Burglary: 'burglary' is not a kind of incident_recorded",
        "m.yaml:15: records[1].occurred_on.formats[0]: unknown date format 'dd/qq/yyyy'",
        "m.yaml:13: records[1]: a plan_opened record needs level",
        "m.yaml:17: records[2].type: unknown record type 'no_such_type'",
        "m.yaml:22: records[3].recorded_at: is set by the mapping",
    ]
    for start in expected_starts:
        assert any(p.startswith(start) for p in found), (start, found)


def test_yaml_syntax_errors_name_their_line() -> None:
    [problem] = problems("knowledge_time: {default: import}\nrecords: [\n")
    assert problem.startswith("m.yaml:3: not valid YAML")


def test_a_column_named_on_and_codes_y_n_stay_text() -> None:
    text = GOOD.replace("{column: Closed,", "{column: On,") + (
        "    source_id: {column: Flag, map: {Y: yes-id, N: no-id, Off: off-id}}\n"
    )
    mapping = load_mapping_text(text)
    spec = mapping.records[0].fields["occurred_on"]
    assert isinstance(spec, FieldSpec) and spec.column == "On"
    source_id = mapping.records[0].fields["source_id"]
    assert isinstance(source_id, FieldSpec) and source_id.map == {
        "Y": "yes-id",
        "N": "no-id",
        "Off": "off-id",
    }


def test_mapping_check_command_prints_lines_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(GOOD.replace("case_closed", "case_shut"), encoding="utf-8")
    result = CliRunner().invoke(main, ["mapping", "check", str(path)])
    assert result.exit_code == 2
    assert f"{path}:3: records[0].type: unknown record type 'case_shut'" in result.output
    path.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["mapping", "check", str(path)])
    assert result.exit_code == 0 and "ok" in result.output


def test_a_missing_mapping_file_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["mapping", "check", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "cannot read the mapping" in result.output
