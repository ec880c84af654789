"""Start-up stays light: the CLI and the package root load no storage or record models."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

COMMANDS = Path(__file__).resolve().parents[1] / "src" / "sftimeline" / "commands"
HEAVY = ("sqlalchemy", "eventsourcing", "sftimeline.records", "sftimeline.adapters", "pydantic")


def loaded_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return [m for m in out.split() if m.startswith(HEAVY)]


def test_importing_the_cli_loads_no_storage_or_record_models() -> None:
    assert loaded_after("import sftimeline.cli") == []


def test_importing_the_package_is_light_and_the_api_loads_on_use() -> None:
    assert loaded_after("import sftimeline") == []
    assert loaded_after("import sftimeline; sftimeline.open_store") == []


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_command_modules_call_the_service_only() -> None:
    """Parse, call the service, format: no SQL, no eventsourcing, no adapters, and no
    command module importing another (shared helpers live in commands/_common.py and
    commands/_output.py)."""
    modules = [p for p in COMMANDS.glob("*.py") if not p.name.startswith("_")]
    assert len(modules) >= 6
    for path in modules:
        for name in _imports(path):
            assert not name.startswith(("sqlalchemy", "eventsourcing", "sftimeline.adapters")), (
                path.name,
                name,
            )
            helper = name.rpartition(".")[2].startswith("_")  # _common, _output: not commands
            assert not name.startswith("sftimeline.commands.") or helper, (
                path.name,
                name,
            )


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "county.jsonl"


def loaded_by_command(args: list[str]) -> list[str]:
    """Modules a CLI command has loaded when it has done its work (in a fresh process)."""
    code = (
        "import sys; from sftimeline.cli import main\n"
        f"try: main({args!r}, standalone_mode=False)\n"
        "finally: print('\\n'.join(sys.modules), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stderr.split()


def test_store_commands_load_only_what_they_use(tmp_path: Path) -> None:
    """Issue 14, item 1: a command's fixed overhead is its imports. Listing families
    needs no SQLAlchemy, no record models and no Family aggregate classes (codes are
    read from the stored states); evaluating needs no SQLAlchemy, no aggregate classes
    and no record models; the status table needs neither the evaluator nor the policy
    compiler."""
    db = str(tmp_path / "s.sqlite")
    imported = loaded_by_command(["--db", db, "import", str(EXAMPLE), "--no-process"])
    assert "sftimeline.importer" in imported
    if not {"FORCE_COLOR", "TTY_COMPATIBLE"} & set(os.environ):  # rich would decide
        assert [m for m in imported if m.startswith("rich")] == []  # no terminal, no bar

    families = loaded_by_command(["--db", db, "families"])
    assert "sftimeline.adapters.store" in families  # the command did read the store
    heavy = ("sqlalchemy", "pydantic", "sftimeline.records", "sftimeline.aggregates")
    assert [m for m in families if m.startswith(heavy)] == []

    evaluate = loaded_by_command(
        ["--db", db, "evaluate", "--framework", "national-2022", "--on", "2025-06-01"]
    )
    assert "sftimeline.policies.evaluator" in evaluate
    # reading builds no record model: records/record.py is all it needs; a packaged
    # framework is parsed already (policies/packaged.py): no PyYAML
    heavy = ("sqlalchemy", "sftimeline.aggregates", "sftimeline.records.base", "yaml")
    assert [m for m in evaluate if m.startswith(heavy)] == []

    status = loaded_by_command(["--db", db, "status"])
    assert "sftimeline.readmodels.status" in status
    heavy = ("sftimeline.policies.evaluator", "sftimeline.policies.compiler", "pydantic")
    assert [m for m in status if m.startswith(heavy)] == []


def test_the_family_aggregate_loads_no_record_models() -> None:
    """The aggregate knows the record types by name (``records/record.py``); the pydantic
    models are loaded only when one is offered to it (``Family.admit``)."""
    loaded = loaded_after("import sftimeline.aggregates.family")
    assert "eventsourcing.domain" in loaded  # the aggregate's module was imported
    assert "sftimeline.records.record" in loaded  # the record types, by name
    assert [m for m in loaded if m.startswith(("pydantic", "sftimeline.records.base"))] == []


def test_one_family_commands_load_no_record_models(tmp_path: Path) -> None:
    """An auditor's one-family questions read the family through its aggregate: neither
    explaining nor evaluating one family validates anything, so neither loads the record
    models (≈ 0.1 s of ``explain``'s start-up)."""
    db = str(tmp_path / "s.sqlite")
    loaded_by_command(["--db", db, "import", str(EXAMPLE), "--no-process"])
    for args in (
        ["explain", "FAM-0001", "--on", "2025-06-01"],
        ["evaluate", "--family", "FAM-0001", "--on", "2025-06-01"],
    ):
        loaded = loaded_by_command(["--db", db, *args])
        assert "sftimeline.aggregates.family" in loaded, args  # read through the aggregate
        assert [m for m in loaded if m.startswith("sftimeline.records.base")] == [], args


def test_evaluating_under_a_packaged_framework_loads_no_pydantic(tmp_path: Path) -> None:
    """A packaged framework is read as validated (policies/validated.py): deciding
    families, one or all, loads no pydantic (≈ 0.15 s of every such command's start-up)."""
    db = str(tmp_path / "s.sqlite")
    loaded_by_command(["--db", db, "import", str(EXAMPLE), "--no-process"])
    for args in (
        ["explain", "FAM-0001", "--on", "2025-06-01"],
        ["evaluate", "--family", "FAM-0001", "--on", "2025-06-01"],
        ["evaluate", "--on", "2025-06-01", "--all", "--workers", "1"],
        ["evaluate", "--on", "2025-06-01", "--framework", "hampshire", "--workers", "1"],
    ):
        loaded = loaded_by_command(["--db", db, *args])
        assert "sftimeline.policies.evaluator" in loaded, args
        assert [m for m in loaded if m.startswith("pydantic")] == [], args


def test_importing_records_of_the_usual_form_loads_no_pydantic(tmp_path: Path) -> None:
    """The import's fast path builds its checkers from the record types' kept forms
    (records/kept_forms.py): a file whose every line is of the usual form is imported
    without pydantic or the record models (≈ 0.2 s of its start-up). A line the fast path
    declines goes through the models, which say why it is rejected."""
    from sftimeline.generate import write_county

    county = tmp_path / "county.jsonl"
    with county.open("w", encoding="utf-8") as out:
        write_county(out, families=15, seed=3)  # past what is validated without workers
    for workers in ("1", "2"):
        db = str(tmp_path / f"s{workers}.sqlite")
        args = ["--db", db, "import", str(county), "--no-process", "--workers", workers]
        loaded = loaded_by_command(args)
        assert "sftimeline.records.fast" in loaded, workers  # the fast path was taken
        assert [m for m in loaded if m.startswith(("pydantic", "sftimeline.records.base"))] == []
    bad = tmp_path / "bad.jsonl"
    bad.write_text(EXAMPLE.read_text().replace('"family"', '"famly"', 1), encoding="utf-8")
    args = ["--db", str(tmp_path / "bad.sqlite"), "import", str(bad), "--no-process"]
    assert "pydantic" in loaded_by_command(args)
