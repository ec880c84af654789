"""The store the web tests ask: the example county (examples/*.jsonl), and two copies of the
narrated audit family (tests/audit_family.py) whose claim the late arrest puts at risk
(its retraction left out): one plain, one under a hostile family code whose evidence note
is hostile too (markup, a script, Unicode bidirectional overrides). Every packaged
framework is enabled and the policy process has run over every family; it refuses to
evaluate the hostile code (control characters) and records that as evaluation_failed, so
only the plain family's claim is at risk.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from audit_family import RAW
from sftimeline.cli import main
from sftimeline.service import Store, open_store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(str(p) for p in (ROOT / "examples").glob("*.jsonl"))
FRAMEWORKS = [
    "national-2022",
    "herefordshire-2022",
    "hertfordshire-2018",
    "hampshire",
    "herefordshire-tf-2020",
]

#: The bearer token of the apps that accept writes.
TOKEN = "s3cret-token-for-tests"
#: The family at risk, plainly named.
LATE = "F1-LATE"
#: A family code an attacker might choose: a path separator, markup, a script, and a
#: right-to-left override that would make "…1000-MAF" read as "FAM-0001…".
HOSTILE = "EVIL/<script>alert('family')</script>\u202e1000-MAF"
HOSTILE_NOTE = "<img src=x onerror=alert('note')><script>alert('note')</script>\u202egnp.exe"


def late_family(code: str, note: str | None = None) -> list[dict[str, Any]]:
    """The audit family's records under ``code`` without the retraction of the late arrest
    (so its claim stays at risk); ``note`` on its practitioner's evidence."""
    out = []
    for raw in RAW:
        if raw["type"] == "record_retracted":
            continue
        r = copy.deepcopy(raw)
        r["family"] = code
        r["source_id"] = f"{code}:{r['source_id']}"
        if note and r["type"] == "evidence_recorded":
            r["note"] = note
        out.append(r)
    return out


def build(url: str) -> Store:
    """Fill the store at ``url`` as the module doc says; return it (open)."""
    store = open_store(url)
    result = store.import_files(EXAMPLES, run_process=False)
    assert result.ok, result.lines()
    result = store.import_records(
        [*late_family(LATE), *late_family(HOSTILE, HOSTILE_NOTE)], run_process=False
    )
    assert result.ok, result.lines()
    for fw in FRAMEWORKS:
        store.process_enable(fw)
    store.process_run(all_families=True)
    return store


def cli_json(store_url: str, *args: str) -> Any:
    """The CLI's ``--format json`` answer, parsed."""
    result = CliRunner().invoke(main, ["--db", store_url, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
