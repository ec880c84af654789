"""docs/python-api.md works as written: its Python blocks run, in order, in one namespace."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "python-api.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_walk_through_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    assert sum(len(b.strip().splitlines()) for b in blocks[:1]) <= 20  # a dozen-odd lines
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SFTIMELINE_DB", raising=False)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
    out = capsys.readouterr().out
    assert "85 records stored, 0 rejected" in out
    assert "FAM-0003 eligible 2024-08-31" in out
    assert "Family FAM-0003" in out and "unknown family 'NOPE'" in out
    assert os.path.exists(tmp_path / "FAM-0003.html")
