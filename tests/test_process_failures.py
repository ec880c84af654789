"""Hostile records never stop the policy process (issue 12, "a record chooses a file on
the server" and "one bad record stops the process for every family").

A claim's ``framework`` is only ever a packaged id or one the council enabled, never a
path; whatever fails while evaluating one family becomes that family's
``evaluation_failed`` outcome, the run moves on, and the family is retried when its
records change.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sftimeline.adapters import family_decisions as decisions_mod
from sftimeline.adapters.outcomes import PolicyProcess
from sftimeline.adapters.process_settings import enable_framework
from sftimeline.adapters.store import RecordStore
from sftimeline.cli import main
from sftimeline.policies.loader import load_framework
from sftimeline.readmodels.status import query_claims, query_failures, query_status
from sftimeline.records import Record, record_from_model, validate_record

FW = load_framework("national-2022")
ON = date(2024, 12, 15)
KNOWN = datetime(2025, 1, 2, tzinfo=UTC)
IMPORTED = datetime(2025, 1, 1, tzinfo=UTC)


def raw(family: str, kind: str, sid: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "family": family,
        "occurred_on": "2024-08-01",
        "recorded_at": "2024-08-01T09:00:00+00:00",
        "source": "s",
        "source_id": sid,
        **fields,
    }


def nominated(family: str, sid: str) -> dict[str, Any]:
    return raw(family, "family_nominated", sid, occurred_on="2024-01-10",
               recorded_at="2024-01-10T09:00:00+00:00", framework="national-2022")  # fmt: skip


def as_record(r: dict[str, Any], **over: Any) -> Record:
    """A stored record, bypassing today's import checks (as records stored by an older
    version, or written by another program, would be)."""
    rec = record_from_model(validate_record(r), default_recorded_at=IMPORTED)
    return dataclasses.replace(rec, **over)


def store_claim_with(store: RecordStore, framework: str) -> None:
    claim = as_record(raw("F1", "claim_submitted", "C1", framework="national-2022"))
    claim = dataclasses.replace(claim, data={**claim.data, "framework": framework})
    out = store.save_records(
        [as_record(nominated("F1", "N1")), as_record(nominated("F2", "N2")), claim], IMPORTED
    )
    assert out.stored == 3


def run(store: RecordStore) -> PolicyProcess:
    proc = PolicyProcess(store, [FW], on=ON, known_at=KNOWN)
    proc.run()
    return proc


@pytest.mark.parametrize(
    "framework",
    ["/usr/bin/env", "x" * 1_000_000, "../../etc/passwd", "national-2022\x00", "__init__"],
    ids=["binary-path", "1MB", "relative-path", "nul", "module-name"],
)
def test_a_claim_naming_anything_but_a_framework_id_is_not_assessable(
    store_url: str, framework: str
) -> None:
    with RecordStore.open(store_url) as store:
        store_claim_with(store, framework)
        with run(store) as p:
            assert p.position() == p.head()  # never stuck
            (c,) = query_claims(p.engine)
            assert c.state == "not_assessable" and len(c.framework) <= 100
            (ev,) = [e for e in p.outcome_events() if e["kind"] == "claim_assessed"]
            assert "neither a packaged framework nor one the council has enabled" in ev["reason"]
            assert {r.family for r in query_status(p.engine)} == {"F1", "F2"}
        # a later import and run still work
        store.save_records([as_record(nominated("F3", "N3"))], IMPORTED)
        with run(store) as p:
            assert p.position() == p.head()
            assert {r.family for r in query_status(p.engine)} == {"F1", "F2", "F3"}


def test_a_crafted_framework_file_named_by_a_claim_is_never_read(
    sqlite_url: str, tmp_path: Path
) -> None:
    """The file would judge the claim (a copy of national-2022 under the same id); the
    process must not even open it."""
    crafted = tmp_path / "crafted.yaml"
    text = Path(decisions_mod.__file__).parent.parent / "policies/frameworks/national-2022.yaml"
    crafted.write_text(text.read_text(encoding="utf-8"), encoding="utf-8")
    opened: list[str] = []
    real = decisions_mod.load_framework

    def spy(id_or_path: str, *a: Any, **kw: Any) -> Any:
        opened.append(id_or_path)
        return real(id_or_path, *a, **kw)

    with RecordStore.open(sqlite_url) as store:
        store_claim_with(store, str(crafted))
        mp = pytest.MonkeyPatch()
        mp.setattr(decisions_mod, "load_framework", spy)
        try:
            with run(store) as p:
                (c,) = query_claims(p.engine)
        finally:
            mp.undo()
    assert c.state == "not_assessable"
    assert str(crafted) not in opened


def test_a_claim_under_a_framework_the_council_enabled_from_its_own_file(
    sqlite_url: str, tmp_path: Path
) -> None:
    """The council's file is used for a claim even when this run evaluates another
    framework: enabling is the council's choice, a claim only names the id."""
    ours = tmp_path / "ours.yaml"
    text = Path(decisions_mod.__file__).parent.parent / "policies/frameworks/national-2022.yaml"
    ours.write_text(
        text.read_text(encoding="utf-8").replace("id: national-2022", "id: ours-2022", 1),
        encoding="utf-8",
    )
    with RecordStore.open(sqlite_url) as store:
        store_claim_with(store, "ours-2022")
        with run(store) as p:
            (before,) = query_claims(p.engine)
        enable_framework(p.engine, load_framework(str(ours)), str(ours))
        store.save_records([as_record(raw("F1", "case_closed", "X1"))], IMPORTED)
        with run(store) as p:
            (after,) = query_claims(p.engine)
    assert before.state == "not_assessable"
    assert after.state == "unsupported" and after.framework == "ours-2022"


def failing_families(p: PolicyProcess) -> dict[str, str]:
    return {
        f"{r.family}/{r.framework}": r.reason or ""
        for r in query_status(p.engine)
        if r.status == "evaluation_failed"
    }


def test_a_nul_family_code_fails_alone(store_url: str) -> None:
    """On PostgreSQL text cannot hold NUL: the family is recorded as failed (its code
    escaped in the status table) and every other family is evaluated."""
    bad = as_record(nominated("OK", "N9"), family="A\x00B")
    with RecordStore.open(store_url) as store:
        store.save_records([bad, as_record(nominated("OK", "N1"))], IMPORTED)
        with run(store) as p:
            assert p.position() == p.head()
            assert failing_families(p) == {
                "A\\x00B/*": "the family code contains NUL (\\u0000), "
                "which the read models cannot store"
            }
            assert {r.family: r.status for r in query_status(p.engine)}["OK"] == "not_eligible"
            n = len(p.outcome_events())
        with run(store) as p:  # nothing changed: nothing new recorded
            assert len(p.outcome_events()) == n


def test_a_family_whose_evaluation_raises_is_recorded_and_retried_when_its_records_change(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = decisions_mod.evaluate_family

    def broken(fw: Any, code: str, *a: Any, **kw: Any) -> Any:
        if code == "BAD":
            raise RecursionError("maximum recursion depth exceeded")
        return real(fw, code, *a, **kw)

    monkeypatch.setattr(decisions_mod, "evaluate_family", broken)
    with RecordStore.open(store_url) as store:
        store.save_records(
            [as_record(nominated("BAD", "N1")), as_record(nominated("OK", "N2"))], IMPORTED
        )
        with run(store) as p:
            assert failing_families(p) == {
                "BAD/national-2022": "RecursionError: maximum recursion depth exceeded"
            }
            assert [f["family"] for f in query_failures(p.engine)] == ["BAD"]
            (row,) = [r for r in query_status(p.engine) if r.family == "BAD"]
            assert row.to_dict()["reason"].startswith("RecursionError")
            (failed,) = [e for e in p.outcome_events() if e["kind"] == "evaluation_failed"]
            assert failed["family"] == "BAD" and failed["basis"]["on"] == ON.isoformat()
        # still failing on a change: the same reason is not recorded twice
        store.save_records([as_record(raw("BAD", "case_closed", "X1"))], IMPORTED)
        with run(store) as p:
            assert len([e for e in p.outcome_events() if e["kind"] == "evaluation_failed"]) == 1
        monkeypatch.setattr(decisions_mod, "evaluate_family", real)
        store.save_records([as_record(raw("BAD", "case_reopened", "X2"))], IMPORTED)
        with run(store) as p:
            assert failing_families(p) == {}
            rows = {r.family: r.status for r in query_status(p.engine)}
            assert rows == {"BAD": "not_eligible", "OK": "not_eligible"}


def test_a_claim_whose_assessment_raises_is_recorded_in_the_claims_register(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*a: Any, **kw: Any) -> Any:
        raise ValueError("boom")

    monkeypatch.setattr(decisions_mod.pp, "assess_claim", broken)
    with RecordStore.open(sqlite_url) as store:
        store_claim_with(store, "national-2022")
        with run(store) as p:
            (c,) = query_claims(p.engine)
            assert (c.state, c.claim, c.framework) == ("evaluation_failed", "s:C1", "national-2022")
            assert query_failures(p.engine) == [
                {"family": "F1", "framework": "national-2022", "claim": "s:C1", "reason": None}
            ]
            assert {r.family for r in query_status(p.engine)} == {"F1", "F2"}


def test_cli_process_run_with_a_hostile_claim_exits_cleanly(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    lines = tmp_path / "in.jsonl"
    import json

    lines.write_text(
        json.dumps(nominated("F1", "N1")) + "\n"
        + json.dumps(raw("F1", "claim_submitted", "C1", framework="/usr/bin/env")) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    r = CliRunner()
    assert r.invoke(main, ["--db", db, "process", "enable", "national-2022"]).exit_code == 0
    r.invoke(main, ["--db", db, "import", "--no-process", str(lines)])
    res = r.invoke(main, ["--db", db, "process", "run", "--on", "2024-12-15"])
    assert res.exit_code == 0, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_process_show_and_status_list_failures_and_say_the_store_is_in_clear(
    sqlite_url: str,
) -> None:
    bad = as_record(nominated("OK", "N9"), family="A\x00B")
    with RecordStore.open(sqlite_url) as store:
        store.save_records([bad, as_record(nominated("OK", "N1"))], IMPORTED)
        run(store).close()
    r = CliRunner()
    show = r.invoke(main, ["--db", sqlite_url, "process", "show"])
    assert show.exit_code == 0, show.output
    assert "encryption: none: this store was created without a key" in show.output
    assert "failures:   1" in show.output
    assert "A\\x00B (*): the family code contains NUL" in show.output
    status = r.invoke(main, ["--db", sqlite_url, "status"])
    assert "evaluation failed: the family code contains NUL" in status.output
    assert "its records are in clear" in status.output  # the note (stderr)
