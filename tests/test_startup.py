"""Start-up stays light: the CLI and the package root load no storage or record models."""

from __future__ import annotations

import ast
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
