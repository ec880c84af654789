"""The read models projected through sqlite3 (readmodels/sqlite.py) are row for row those
SQLAlchemy's projection (readmodels/status.py) writes, and the process on a SQLite file
whose tables exist loads no SQLAlchemy."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any, cast

from sftimeline.adapters.outcomes import PolicyProcess
from sftimeline.adapters.process_settings import Settings, enable_framework, set_on
from sftimeline.adapters.sql import engine_for_url
from sftimeline.adapters.store import RecordStore
from sftimeline.adapters.store_url import file_of
from sftimeline.aggregates.outcomes import OUTCOME_TOPICS, FamilyOutcomes
from sftimeline.generate import write_county
from sftimeline.importer import import_files
from sftimeline.policies.loader import load_framework
from sftimeline.readmodels import fold, tables
from sftimeline.readmodels import sqlite as sqlite_rm
from sftimeline.readmodels import status as rm


def test_the_columns_named_without_sql_are_the_tables() -> None:
    by_name = tables.metadata.tables
    assert set(sqlite_rm.TABLES) == set(by_name)
    for table, columns, keys in (
        (tables.status_table, fold.STATUS_COLUMNS, fold.STATUS_KEYS),
        (tables.claims_table, fold.CLAIM_COLUMNS, fold.CLAIM_KEYS),
        (tables.entries_table, fold.ENTRIES_COLUMNS, fold.ENTRIES_COLUMNS),
    ):
        assert tuple(c.name for c in table.columns) == columns
        assert tuple(c.name for c in table.primary_key.columns) == keys
    dates = {
        c.name
        for t in by_name.values()
        for c in t.columns
        if c.type.python_type.__name__ == "date"  # Date (not DateTime) columns
    }
    assert dates == fold.DATE_COLUMNS
    assert tables.tracking_table.name == fold.TRACKING_TABLE
    assert tables.PROJECTION == sqlite_rm.PROJECTION


def _county(tmp_path: Path) -> str:
    """A store of 60 generated families, decided under two frameworks on two on-dates
    (decisions, claims, regressions), the process's read models projected."""
    county = tmp_path / "county.jsonl"
    with county.open("w", encoding="utf-8") as fh:
        write_county(fh, 60, 3)
    url = str(tmp_path / "county.sqlite")
    with RecordStore.open(url) as store:
        import_files(store, [str(county)])
        engine = engine_for_url(url)
        for fw_id in ("national-2022", "herefordshire-2022"):
            enable_framework(engine, load_framework(fw_id), None)
        for on, everyone in (("2025-01-01", False), ("2025-09-01", True)):
            set_on(engine, date.fromisoformat(on))
            with PolicyProcess.from_settings(store, workers=1) as proc:
                proc.run(all_families=everyone)
        engine.dispose()
    return url


def _dump(url: str) -> list[Any]:
    with sqlite3.connect(url) as conn:
        return [
            (t, conn.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall())
            for t in sqlite_rm.TABLES
        ]


def _events(url: str) -> list[tuple[int, str, dict[str, Any]]]:
    with RecordStore.open(url) as store, PolicyProcess(store, []) as proc:
        decode = proc.app.mapper.to_domain_event
        notes = proc.app.recorder.select_notifications(1, 100_000, topics=tuple(OUTCOME_TOPICS))
        out = []
        for n in notes:
            ev = cast(FamilyOutcomes.OutcomeRecorded, decode(n))
            out.append((n.id, ev.kind, ev.payload))
        return out


def test_sqlite_projection_writes_the_rows_sqlalchemy_writes(tmp_path: Path) -> None:
    url = _county(tmp_path)
    projected = _dump(url)  # by the process itself, through sqlite3
    events = _events(url)
    kinds = {kind for _, kind, _ in events}
    assert {"decision_recorded", "claim_assessed"} <= kinds, kinds
    engine = engine_for_url(url)
    path = file_of(url)
    assert path is not None
    for page in (5000, 7):  # whole, and in small pages that revisit rows across pages
        for apply in ("sqlalchemy", "sqlite"):
            _rebuilt_in_pages(engine, path, apply, events, page)
            # a page already applied is not applied twice
            sqlite_rm.apply_page(path, events[:3], events[2][0])
            assert _dump(url) == projected, (apply, page)
    engine.dispose()
    with RecordStore.open(url) as store:
        settings = Settings(store, lambda: engine_for_url(url))
        assert [f.id for f in settings.enabled_frameworks()] == [
            "national-2022",
            "herefordshire-2022",
        ]
        assert str(settings.configured_on()) == "2025-09-01"


def test_a_process_run_on_a_sqlite_file_loads_no_sqlalchemy(tmp_path: Path) -> None:
    url = _county(tmp_path)
    late = tmp_path / "late.jsonl"
    line = io.StringIO()
    write_county(line, 1, 99)
    late.write_text(line.getvalue(), encoding="utf-8")
    proc = _cli_listing_sqlalchemy(["--db", url, "import", str(late)])
    assert proc.returncode == 0, proc.stderr
    assert "families:" in proc.stdout  # the process ran after the import
    proc = _cli_listing_sqlalchemy(["--db", url, "process", "run", "--workers", "1"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.split() == []


def _cli_listing_sqlalchemy(args: list[str]) -> subprocess.CompletedProcess[str]:
    """The CLI run with ``args`` in a new interpreter, which then prints on stderr every
    SQLAlchemy module it had loaded (one a line; nothing when none)."""
    code = (
        "import sys; from sftimeline.cli import main\n"
        f"try: main({args!r}, standalone_mode=False)\n"
        "finally: print('\\n'.join(m for m in sys.modules if m.startswith('sqlalchemy')),"
        " file=sys.stderr)"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def _basis(on: str, known: str) -> dict[str, str]:
    return {"on": on, "known_at": known, "fingerprint": "f" * 16}


def _decision(fam: str, status: str, unshown: list[str], on: str) -> dict[str, Any]:
    return {
        "family": fam,
        "framework": "national-2022",
        "status": status,
        "eligible_from": "2024-03-01" if status == "eligible" else None,
        "earliest_pending": None if status == "eligible" else "2025-02-01",
        "basis": _basis(on, f"{on}T12:00:00+00:00"),
        "entry_not_shown": unshown,
    }


def _claim(fam: str, claim: str, state: str, unshown: list[str], **more: Any) -> dict[str, Any]:
    return {
        "family": fam,
        "framework": "national-2022",
        "claim": claim,
        "claim_date": "2024-09-30",
        "claimed_at": "2024-10-01T09:00:00+00:00",
        "criteria": ["national-2022:1.1", "national-2022:7.1"],
        "state": state,
        "at_submission": {"status": "eligible"},
        "now": {
            "status": "pending" if state == "at_risk" else "eligible",
            "entry_not_shown": unshown,
        },
        "basis": _basis("2025-01-01", "2025-01-02T10:00:00+00:00"),
        **more,
    }


def _regressed(fam: str, caused_by: list[dict[str, Any]], on: str) -> dict[str, Any]:
    basis = _basis(on, f"{on}T09:00:00+00:00")
    return {"family": fam, "framework": "national-2022", "caused_by": caused_by, "basis": basis}


def _failed(fam: str, **more: Any) -> dict[str, Any]:
    basis = _basis("2025-01-02", "2025-01-02T11:00:00+00:00")
    return {"family": fam, "framework": "national-2022", "basis": basis, **more}


def _events_of_every_kind() -> list[tuple[int, str, dict[str, Any]]]:
    cause = {
        "key": "s:1",
        "type": "evidence_recorded",
        "occurred_on": "2024-11-01",
        "recorded_at": "2024-12-20T09:00:00+00:00",
        "person": "P1",
    }
    kinds: list[tuple[str, dict[str, Any]]] = [
        ("decision_recorded", _decision("F1", "eligible", ["national-2022:7.1"], "2025-01-01")),
        ("decision_recorded", _decision("F2", "pending", [], "2025-01-01")),
        ("claim_assessed", _claim("F1", "claims:C-1", "assessed", ["national-2022:7.1"])),
        ("claim_assessed", _claim("F2", "claims:C-2", "assessed", [])),
        ("criterion_regressed", _regressed("F1", [cause], "2025-01-01")),
        ("claim_at_risk", _claim("F1", "claims:C-1", "at_risk", [], caused_by=[cause])),
        ("evaluation_failed", _failed("F2", reason="ValueError: bad")),
        ("evaluation_failed", {**_claim("F2", "claims:C-2", "x", []), "reason": "no framework"}),
        ("decision_recorded", _decision("F1", "pending", ["national-2022:1.1"], "2025-02-01")),
        ("claim_cleared", _claim("F1", "claims:C-1", "cleared", ["national-2022:1.1"])),
        ("criterion_regressed", _regressed("F1", [], "2025-02-03")),
        ("decision_recorded", _decision("F3", "eligible", [], "2025-02-01")),
        ("became_eligible", {"family": "F3", "framework": "national-2022"}),
    ]
    return [(i + 1, kind, payload) for i, (kind, payload) in enumerate(kinds)]


def test_every_kind_of_outcome_projects_to_the_same_rows(tmp_path: Path) -> None:
    """Decisions with and without criteria whose entry is not shown, claims assessed, at
    risk and cleared, regressions, failures of a family and of a claim: page by page,
    through sqlite3 and through SQLAlchemy, to the same rows."""
    url = str(tmp_path / "s.sqlite")
    RecordStore.open(url).close()
    engine = engine_for_url(url)
    rm.create_tables(engine)
    path = file_of(url)
    assert path is not None
    events = _events_of_every_kind()
    dumps = []
    for apply in ("sqlalchemy", "sqlite"):
        for page in (1, 2, 3, len(events)):
            _rebuilt_in_pages(engine, path, apply, events, page)
            dumps.append(_dump(url))
    engine.dispose()
    assert all(d == dumps[0] for d in dumps)
    counts = {name: len(rows) for name, rows in dumps[0]}
    assert counts == {
        "sftimeline_status": 3,
        "sftimeline_claims": 2,
        "sftimeline_entry_not_shown": 2,
        "sftimeline_readmodel_tracking": 1,
    }


def _rebuilt_in_pages(engine: Any, path: Any, apply: str, events: list[Any], page: int) -> None:
    """The read models rebuilt, then ``events`` applied ``page`` at a time, through
    SQLAlchemy (``apply == "sqlalchemy"``) or sqlite3."""
    rm.rebuild(engine)
    for i in range(0, len(events), page):
        part = events[i : i + page]
        if apply == "sqlite":
            sqlite_rm.apply_page(path, part, part[-1][0])
        else:
            rm.apply_page(engine, part, part[-1][0])
