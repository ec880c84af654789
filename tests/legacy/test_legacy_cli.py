"""`convert` and `mapping draft` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from legacy_helpers import write

from sftimeline.cli import main
from sftimeline.legacy import load_mapping_text

MAPPING = """
knowledge_time: {default: extract_date}
defaults: {family: {column: Family}, source: t}
records:
  - type: case_closed
    occurred_on: {column: Closed, as: date, formats: dd/mm/yyyy}
    source_id: {column: Id}
"""


def test_convert_writes_json_lines_to_out_and_counts_to_stderr(tmp_path: Path) -> None:
    mapping = write(tmp_path, "m.yaml", MAPPING)
    data = write(tmp_path, "d.csv", "Family;Closed;Id\nF1;01/07/2024;1\nF2;bad;2\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main,
        [
            "convert",
            "--mapping",
            mapping,
            "--delimiter",
            ";",
            "--extract-date",
            "2024-08-01",
            "--out",
            str(out),
            data,
        ],
    )
    assert result.exit_code == 1
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record == {
        "type": "case_closed",
        "family": "F1",
        "occurred_on": "2024-07-01",
        "source": "t",
        "source_id": "1",
        "recorded_at": "2024-08-01",
        "recorded_at_basis": "extract_date",
    }
    assert "d.csv:3: Closed: occurred_on: 'bad' is not a date" in result.stderr
    assert (
        "read:       2 rows, 1 records\nvalid:      1 (dry run: nothing stored)\n"
        "filtered:   0\nrejected:   1" in result.stderr
    )


def test_convert_without_the_extract_date_names_the_option(tmp_path: Path) -> None:
    mapping = write(tmp_path, "m.yaml", MAPPING)
    data = write(tmp_path, "d.csv", "Family,Closed,Id\nF1,01/07/2024,1\n")
    result = CliRunner().invoke(main, ["convert", "--mapping", mapping, data])
    assert result.exit_code == 1 and "--extract-date" in result.stderr


def test_a_bad_encoding_option_is_a_clean_error(tmp_path: Path) -> None:
    mapping = write(tmp_path, "m.yaml", MAPPING)
    data = write(tmp_path, "d.csv", "Family,Closed,Id\n")
    result = CliRunner().invoke(
        main, ["convert", "--mapping", mapping, "--encoding", "ebcdic", data]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "unknown encoding 'ebcdic'" in result.stderr


def test_draft_proposes_types_formats_and_value_lists(tmp_path: Path) -> None:
    data = write(
        tmp_path,
        "d.csv",
        "Family ID,Crime type,Month,Date Recorded,Count\n"
        + "".join(
            f"F{i},{'Burglary' if i % 2 else 'Anti-social behaviour'},2024-0{i % 9 + 1},"
            f"0{i % 9 + 1}/02/2024,{i}\n"
            for i in range(10)
        ),
    )
    result = CliRunner().invoke(main, ["mapping", "draft", data])
    assert result.exit_code == 0, result.output
    text = result.output
    assert '"Month": date, 10 values, 0 missing' in text and "fits: yyyy-mm" in text
    assert '"Count": integer' in text
    assert 'values: "Anti-social behaviour", "Burglary"' in text
    assert '"Anti-social behaviour": ,   # fill in' in text
    assert 'knowledge_time:\n  column: "Date Recorded"' in text
    # the draft is YAML a person edits: it parses, and check then asks for the real type
    body = text.replace(": ,   # fill in", ": x")
    try:
        load_mapping_text(body)
    except ValueError as exc:
        assert "unknown record type 'CHANGE_ME'" in str(exc)
    else:
        raise AssertionError("a draft must not pass check unedited")
