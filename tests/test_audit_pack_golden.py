"""The audit pack's bytes are pinned: a pack is attached to a claim file and compared with
the next one an auditor is sent, so a refactoring of ``reports/`` must not change a byte
of it (a change on purpose updates the pins, and says so in its commit).

The packs of every example family (examples/*.jsonl, under its nominated framework, on
two dates) and of the narrated audit family (tests/audit_family.py: at the claim, after
the late arrest, after its retraction; with a shorter late threshold; under a hostile
family code) are built through the service as ``sftimeline report`` builds them and
compared by SHA-256 with tests/golden/audit-packs.json; one of them is kept whole
(tests/golden/audit-pack-F1-after-late.html) so that a change shows as a readable diff.
``SFTIMELINE_UPDATE_GOLDEN=1 pytest tests/test_audit_pack_golden.py`` rewrites the pins.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audit_family import AFTER_LATE, AFTER_RETRACTION, AT_CLAIM, CLAIM_DATE, FAMILY, RAW
from sftimeline.service import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
DIGESTS = GOLDEN / "audit-packs.json"
WHOLE = "F1-after-late"
UPDATE = os.environ.get("SFTIMELINE_UPDATE_GOLDEN") == "1"

#: The example families' packs: as known at this instant, on these dates.
KNOWN_AT = "2025-06-01T00:00:00+00:00"
ON_DATES = ("2024-03-01", "2024-10-01")
HOSTILE = "EVIL/<b>x</b>\u202e1000-MAF"
HOSTILE_NOTE = "<script>alert('note')</script>\u202egnp.exe"


def _hostile_family() -> list[dict[str, Any]]:
    out = []
    for raw in RAW:
        r = copy.deepcopy(raw)
        r["family"] = HOSTILE
        r["source_id"] = f"H:{r['source_id']}"
        if r["type"] == "evidence_recorded":
            r["note"] = HOSTILE_NOTE
        out.append(r)
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = open_store(str(tmp_path_factory.mktemp("golden") / "packs.sqlite"))
    result = s.import_files(
        sorted(str(p) for p in (ROOT / "examples").glob("*.jsonl")), run_process=False
    )
    assert result.ok, result.lines()
    result = s.import_records([*RAW, *_hostile_family()], run_process=False)
    assert result.ok, result.lines()
    try:
        yield s
    finally:
        s.close()


def _nominated(store: Store, family: str) -> str:
    rows = store.timeline(family, "2025-06-01", KNOWN_AT).to_dict()["records"]
    found = [r["fields"].get("framework") for r in rows if r["type"] == "family_nominated"]
    return next((f for f in found if f), None) or "national-2022"


def _packs(store: Store) -> dict[str, str]:
    """Every pinned pack by name."""
    out: dict[str, str] = {}
    for family in store.families():
        if family in (FAMILY, HOSTILE):
            continue
        fw = _nominated(store, family)
        for on in ON_DATES:
            out[f"{family}-{fw}-{on}"] = store.audit_pack(family, on, fw, KNOWN_AT).html
    narrated = {
        "at-claim": AT_CLAIM,
        "after-late": AFTER_LATE,
        "after-retraction": AFTER_RETRACTION,
    }
    for name, known_at in narrated.items():
        out[f"F1-{name}"] = store.audit_pack(FAMILY, CLAIM_DATE, "national-2022", known_at).html
    out["F1-late-after-7-days"] = store.audit_pack(
        FAMILY, CLAIM_DATE, "national-2022", AFTER_RETRACTION, late_after=7
    ).html
    out["hostile-code"] = store.audit_pack(HOSTILE, CLAIM_DATE, "national-2022", AT_CLAIM).html
    return out


def _digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def test_every_audit_pack_is_byte_identical_to_its_pin(store: Store, tmp_path: Path) -> None:
    packs = _packs(store)
    digests = {name: _digest(html) for name, html in sorted(packs.items())}
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        DIGESTS.write_text(json.dumps(digests, indent=1) + "\n", encoding="utf-8")
        (GOLDEN / f"audit-pack-{WHOLE}.html").write_text(packs[WHOLE], encoding="utf-8")
    pinned = json.loads(DIGESTS.read_text(encoding="utf-8"))
    assert set(digests) == set(pinned), "the pinned cases changed"
    changed = sorted(name for name in digests if digests[name] != pinned[name])
    for name in changed:  # left for a person to diff
        (tmp_path / f"{name}.html").write_text(packs[name], encoding="utf-8")
    assert not changed, f"audit packs changed: {changed} (written to {tmp_path})"


def test_the_whole_pinned_pack_matches_its_digest_and_the_current_output(store: Store) -> None:
    """The readable copy is the pinned bytes, so its diff shows what a change did."""
    kept = (GOLDEN / f"audit-pack-{WHOLE}.html").read_bytes()
    assert hashlib.sha256(kept).hexdigest() == json.loads(DIGESTS.read_text())[WHOLE]
    html = store.audit_pack(FAMILY, CLAIM_DATE, "national-2022", AFTER_LATE).html
    assert html.encode("utf-8") == kept


@pytest.mark.parametrize("known_at", [AT_CLAIM, AFTER_LATE, AFTER_RETRACTION])
def test_a_packs_timeline_is_the_stores_timeline_for_the_same_question(
    store: Store, known_at: str
) -> None:
    # the web view's family page draws its timeline from the pack it already built
    pack = store.audit_pack(FAMILY, CLAIM_DATE, "national-2022", known_at)
    view = pack.timeline()
    assert view.to_dict() == store.timeline(FAMILY, CLAIM_DATE, known_at).to_dict()
    assert view.retractions or known_at != AFTER_RETRACTION
