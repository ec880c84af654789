"""A knowledge time taken from a mapping default is said beside the record everywhere."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from click.testing import CliRunner
from legacy_helpers import write

from sftimeline.cli import main
from sftimeline.records import validate_record

NOTE = "knowledge time is the file's extract date (mapping default)"
RECORDS = "\n".join(
    json.dumps(r)
    for r in [
        {
            "type": "family_nominated",
            "family": "F1",
            "occurred_on": "2024-01-10",
            "framework": "national-2022",
            "source": "s",
            "source_id": "n",
        },
        {
            "type": "person_joined",
            "family": "F1",
            "person": "P1",
            "role": "adult",
            "born_on": "1980-01-01",
            "occurred_on": "2024-01-10",
            "source": "s",
            "source_id": "p1",
        },
        {
            "type": "person_joined",
            "family": "F1",
            "person": "C1",
            "role": "child",
            "born_on": "2014-01-01",
            "occurred_on": "2024-01-10",
            "source": "s",
            "source_id": "c1",
        },
        {
            "type": "need_identified",
            "family": "F1",
            "person": "P1",
            "criterion": "national-2022:7.1",
            "occurred_on": "2024-01-15",
            "source": "s",
            "source_id": "need",
        },
        {
            "type": "incident_recorded",
            "family": "F1",
            "person": "P1",
            "kind": "asb",
            "occurred_on": "2023-11-30",
            "recorded_at": "2024-09-05",
            "recorded_at_basis": "extract_date",
            "source": "police",
            "source_id": "asb-1",
        },
    ]
)


def run(db: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--db", db, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output


def test_explain_replay_and_the_audit_pack_show_the_basis(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    run(db, "import", "--no-process", write(tmp_path, "r.jsonl", RECORDS))
    assert f"[police:asb-1] ({NOTE})" in run(db, "explain", "F1", "--on", "2024-12-31")
    replay = run(db, "replay", "F1", "--to", "2024-12-31")
    assert f"recorded 2024-09-05T00:00:00+00:00 ({NOTE})" in replay
    html = tmp_path / "pack.html"
    run(db, "report", "F1", "--on", "2024-12-31", "--html", str(html))
    assert escape(NOTE) in html.read_text(encoding="utf-8")
    assert "recorded_at_basis" not in run(db, "timeline", "F1", "--on", "2024-12-31")


def test_a_stated_default_is_not_part_of_the_fingerprint() -> None:
    from sftimeline.records import fingerprint

    first = {
        "type": "case_closed",
        "family": "F",
        "occurred_on": "2024-01-01",
        "recorded_at": "2024-02-01",
        "recorded_at_basis": "extract_date",
    }
    later = dict(first, recorded_at="2024-03-01")
    own = dict(first, recorded_at_basis=None)
    assert fingerprint(validate_record(first)) == fingerprint(validate_record(later))
    assert fingerprint(validate_record(own)) != fingerprint(
        validate_record(dict(own, recorded_at="2024-03-01"))
    )


def test_the_basis_must_match_the_presence_of_recorded_at() -> None:
    import pytest

    from sftimeline.records import RecordError

    with pytest.raises(RecordError, match="recorded_at must be absent"):
        validate_record(
            {
                "type": "case_closed",
                "family": "F",
                "occurred_on": "2024-01-01",
                "recorded_at": "2024-02-01",
                "recorded_at_basis": "import_moment",
            }
        )
    with pytest.raises(RecordError, match="recorded_at is required"):
        validate_record(
            {
                "type": "case_closed",
                "family": "F",
                "occurred_on": "2024-01-01",
                "recorded_at_basis": "extract_date",
            }
        )
