"""The service layer and the Python API: one Store every front door calls.

Each result's ``to_dict()`` is the CLI's JSON for the same question; reading never creates a
store; a write never fails because the policy process could not run after it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import sftimeline
from sftimeline.cli import main
from sftimeline.service import InvalidInput, NotFound, Store, StoreProblem, UsageProblem

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "county.jsonl")
T = "2025-01-01T00:00:00+00:00"


def cli(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", db, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def county(store_url: str) -> Store:
    store = sftimeline.open_store(store_url)
    result = store.import_files([EXAMPLE])
    assert result.ok and result.summary.stored == 85
    return store


def test_the_package_root_exports_the_api_with_docstrings() -> None:
    for name in ("open_store", "Store", "frameworks", "NotFound", "ServiceError"):
        assert getattr(sftimeline, name).__doc__, name
    assert "open_store" in dir(sftimeline)
    with pytest.raises(AttributeError):
        sftimeline.no_such_thing  # noqa: B018


def test_to_dict_equals_the_cli_json(county: Store, store_url: str) -> None:
    evaluated = [d.to_dict() for d in county.evaluate("2024-10-01", known_at=T)]
    code, out, _ = cli(store_url, "evaluate", "--on", "2024-10-01", "--known-at", T,
                       "--format", "json")  # fmt: skip
    assert code == 0 and json.loads(out) == evaluated
    view = county.timeline("FAM-0004", "2024-10-01", known_at=T).to_dict()
    _, out, _ = cli(store_url, "timeline", "FAM-0004", "--on", "2024-10-01", "--known-at", T,
                    "--format", "json")  # fmt: skip
    assert json.loads(out) == view
    replayed = county.replay("FAM-0003", "2024-10-01", known_at=T).to_dict()
    _, out, _ = cli(store_url, "replay", "FAM-0003", "--to", "2024-10-01", "--known-at", T,
                    "--format", "json")  # fmt: skip
    assert json.loads(out) == replayed
    county.process_enable("national-2022")
    county.process_on("2024-12-15")
    county.process_run()
    _, out, _ = cli(store_url, "status", "--format", "json")
    assert json.loads(out) == [r.to_dict() for r in county.status()]
    _, out, _ = cli(store_url, "claims", "--format", "json")
    assert json.loads(out) == [c.to_dict() for c in county.claims()]
    county.close()


def test_a_reading_method_never_creates_a_store(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite"
    store = sftimeline.open_store(str(path))
    for ask in (
        store.families,
        lambda: store.evaluate("2024-10-01"),
        store.status,
        store.claims,
        store.process_show,
        lambda: store.timeline("F", "2024-10-01"),
    ):
        with pytest.raises(NotFound, match=r"no store at .*; import records first"):
            ask()
    assert not path.exists()
    code, _, err = cli(str(path), "families")
    assert code == 3 and "no store at" in err and not path.exists()


def test_a_postgresql_url_without_a_database_is_refused() -> None:
    with pytest.raises(UsageProblem, match="names no database"):
        sftimeline.open_store("postgresql://postgres@127.0.0.1:5432")
    code, _, err = cli("postgresql://postgres@127.0.0.1:5432/", "families")
    assert code == 2 and "names no database" in err


def test_a_missing_postgresql_database_is_no_store(pg_url: str) -> None:
    url = pg_url.replace("/test?", "/no_such_database_here?")
    with pytest.raises(NotFound, match="no store at"):
        sftimeline.open_store(url).families()


def test_an_unreachable_store_is_a_store_problem() -> None:
    with pytest.raises(StoreProblem, match="cannot open store"):
        sftimeline.open_store("postgresql://postgres@127.0.0.1:1/test").families()


def test_the_environment_names_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "env.sqlite")
    monkeypatch.setenv("SFTIMELINE_DB", path)
    assert sftimeline.open_store().url == path
    monkeypatch.delenv("SFTIMELINE_DB")
    monkeypatch.setenv("SFTIMELINE_STORE", path)
    with pytest.warns(DeprecationWarning, match="SFTIMELINE_STORE is deprecated"):
        assert sftimeline.open_store().url == path


def test_the_deprecated_store_option_and_variable_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "s.sqlite")
    CliRunner().invoke(main, ["--db", path, "import", EXAMPLE])
    result = CliRunner().invoke(main, ["families", "--store", path])
    assert result.exit_code == 0 and "FAM-0001" in result.stdout
    assert "--store is deprecated; use --db" in result.stderr
    monkeypatch.setenv("SFTIMELINE_STORE", path)
    result = CliRunner().invoke(main, ["families"])
    assert result.exit_code == 0 and "FAM-0005" in result.stdout
    assert "SFTIMELINE_STORE is deprecated" in result.stderr
    # the command's own --db wins over the group's
    result = CliRunner().invoke(main, ["--db", "/nowhere/x.sqlite", "families", "--db", path])
    assert result.exit_code == 0 and "FAM-0003" in result.stdout


def test_import_records_takes_dicts_and_names_a_bad_one(sqlite_url: str) -> None:
    from conftest import sample

    store = sftimeline.open_store(sqlite_url)
    good = sample("case_closed", 1)
    bad = {**sample("case_closed", 2), "occurred_on": "2024-02-30"}
    result = store.import_records([good, bad])
    assert (result.summary.read, result.summary.stored) == (2, 1)
    (rejection,) = result.summary.rejected
    assert rejection.line == 2 and "occurred_on" in rejection.fields
    assert result.to_dict()["rejections"][0]["line"] == 2
    assert store.families() == ["F1"]


def test_a_dry_run_stores_nothing_and_creates_no_store(tmp_path: Path) -> None:
    path = tmp_path / "dry.sqlite"
    store = sftimeline.open_store(str(path))
    result = store.import_files([EXAMPLE], dry_run=True)
    assert result.summary.totals.accepted == 85 and result.summary.stored == 0
    assert result.process is None and not path.exists()
    result = store.import_records([{"type": "case_closed"}], dry_run=True)
    assert result.summary.totals.rejected == 1 and not path.exists()
    code, out, _ = cli(str(path), "import", "--dry-run", EXAMPLE)
    assert code == 0 and "dry run: nothing stored" in out and not path.exists()


def test_a_framework_id_is_never_read_as_a_path(county: Store, tmp_path: Path) -> None:
    """A value typed into a front door (an HTTP query) cannot make the engine read a file."""
    path = tmp_path / "x.yaml"
    path.write_text("id: x\n", encoding="utf-8")
    with pytest.raises(NotFound, match="no framework"):
        county.evaluate("2024-10-01", framework=str(path))
    with pytest.raises(InvalidInput, match="title"):
        county.evaluate("2024-10-01", framework_file=str(path))


def test_dates_are_checked_and_named(county: Store) -> None:
    with pytest.raises(UsageProblem, match="on: '2024-02-30' is not an ISO date"):
        county.evaluate("2024-02-30")
    with pytest.raises(UsageProblem, match="known_at: needs a UTC offset"):
        county.evaluate("2024-10-01", known_at="2024-10-01T00:00:00")


def test_an_import_succeeds_when_the_process_after_it_cannot_run(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import's result does not depend on the process: the summary is printed first,
    a failing process is a warning and the exit code is the import's own."""
    assert cli(sqlite_url, "import", EXAMPLE)[0] == 0
    assert cli(sqlite_url, "process", "enable", "national-2022")[0] == 0

    def conflict(*_a: Any, **_k: Any) -> Any:
        raise StoreProblem("gave up after 5 conflicts with another process run")

    monkeypatch.setattr("sftimeline.service.process.ProcessService.process_run", conflict)
    late = tmp_path / "late.jsonl"
    from conftest import sample

    late.write_text(json.dumps(sample("case_closed", family="FAM-0001")) + "\n")
    code, out, err = cli(sqlite_url, "import", str(late))
    assert code == 0 and "stored:     1" in out
    assert "warning: the policy process did not run now (gave up after 5" in err
    monkeypatch.undo()
    code, out, _ = cli(sqlite_url, "process", "run")
    assert code == 0 and "families:      5 evaluated" in out  # it catches up later


def test_the_store_is_a_context_manager_and_reopens(sqlite_url: str) -> None:
    with sftimeline.open_store(sqlite_url) as store:
        store.import_files([EXAMPLE])
    assert store.families()[0] == "FAM-0001"  # connections reopen on demand
    store.close()
    assert os.path.exists(sqlite_url)


def test_one_familys_claims_are_its_rows_of_the_register(county: Store) -> None:
    county.process_enable("national-2022")
    county.process_on("2024-12-15")
    county.process_run()
    register = county.claims()
    families = {c.family for c in register}
    assert families, "the example county holds claims"
    for family in sorted(families):
        own = county.claims(family=family)
        assert [c.to_dict() for c in own] == [c.to_dict() for c in register if c.family == family]
    assert county.claims(family="NO-SUCH-FAMILY") == []
