"""CLI import of dirty files: encodings, the first few rejections and a count."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import sample
from sftimeline.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_many_rejections_print_the_first_few_and_a_count(tmp_path: Path, sqlite_url: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("".join('{"type": "alien"}\n' for _ in range(50)))
    rejects = tmp_path / "rejects.jsonl"
    code, out, err = run("--db", sqlite_url, "import", str(path), "--rejects", str(rejects))
    assert code == 1 and "rejected:   50" in out
    assert err.count("rejected ") == 10 and "... and 40 more rejected" in err
    assert len(rejects.read_text().splitlines()) == 50


def test_windows_1252_file_imports_with_encoding_option(tmp_path: Path, sqlite_url: str) -> None:
    path = tmp_path / "cp.jsonl"
    rec = sample("evidence_recorded", 1, note="£40")
    path.write_bytes(json.dumps(rec, ensure_ascii=False).encode("cp1252") + b"\n")
    code, out, err = run("--db", sqlite_url, "import", str(path))
    assert code == 1 and "byte 0xa3 at offset" in err
    code, out, _ = run("--db", sqlite_url, "import", "--encoding", "auto", str(path))
    assert code == 0 and "stored:     1" in out
