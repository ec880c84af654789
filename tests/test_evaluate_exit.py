"""``sftimeline evaluate`` leaves its heap out of the collection the interpreter runs at
exit (commands/decisions.py): nothing there is cyclic garbage, and walking it cost 3% of
a county's evaluation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = """
import atexit, gc, sys
from datetime import UTC, datetime
from sftimeline.adapters.store import RecordStore
from sftimeline.generate import family_records
from sftimeline.records import validate_record

db = sys.argv[1]
with RecordStore.open(db) as store:
    rows = [validate_record(r) for i in range(3) for r in family_records(3, i)]
    store.save_records(rows, datetime(2026, 1, 1, tzinfo=UTC))
# registered before the command's own handler, so it runs after it (last in, first out)
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0, file=sys.stderr))
from sftimeline.cli import main
main(["--db", db, "evaluate", "--on", "2025-06-01", "--known-at", "2026-01-01",
      "--format", "jsonl", "--all"])
"""


def test_evaluate_freezes_its_heap_before_the_interpreter_collects_at_exit(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "s.sqlite")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 3  # the three families' decisions, written
    assert "frozen at exit: True" in done.stderr
