"""On PostgreSQL the ordered scans take their results in binary format and read exactly
what the text format read (adapters/scan.py, issue 14 item 3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from conftest import sample
from sftimeline.adapters import scan
from sftimeline.adapters.store import RecordStore
from sftimeline.importer import SourceRow, import_items
from sftimeline.service import generate_key

pytestmark = pytest.mark.postgres


def _records() -> list[dict[str, Any]]:
    """Records of three families: with and without a source id, a non-ASCII text, a
    date-time with an offset."""
    out = [sample("incident_recorded", i, family=f"F{i % 3}") for i in range(1, 10)]
    keyless = sample("evidence_recorded", 1, family="F1", note="Ffion’s café: “seen”")
    del keyless["source_id"]
    out.append(keyless)
    out.append(
        sample("incident_recorded", 99, family="F2", recorded_at="2024-05-02T11:00:00+01:00")
    )
    return out


@pytest.fixture(params=["plain", "encrypted"])
def pg_store(request: pytest.FixtureRequest, pg_url: str) -> Iterator[RecordStore]:
    key = generate_key() if request.param == "encrypted" else ""
    store = RecordStore.open(pg_url, key=key)
    try:
        rows = [SourceRow("records.jsonl", n, (r,)) for n, r in enumerate(_records(), 1)]
        assert import_items(store, rows).stored == len(rows)
        yield store
    finally:
        store.close()


def _reads(store: RecordStore) -> tuple[Any, ...]:
    index = scan.family_index(store)
    fids = [fid for _, fid in index]
    rows = scan._select(store, fids)
    return index, rows, scan.read_rows(store, fids), list(store.iter_family_records())


def test_binary_results_read_the_same_values_as_text(
    pg_store: RecordStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = _reads(pg_store)
    monkeypatch.setattr(scan, "PG_BINARY", False)
    text = _reads(pg_store)
    assert binary == text
    index, rows, _, families = binary
    assert [code for code, _ in index] == ["F0", "F1", "F2"]
    assert sum(len(recs) for _, recs in families) == len(_records())
    # the same Python types as the text format gives, row by row
    assert {tuple(type(v).__name__ for v in row) for row in rows} == {
        ("UUID", "int", "str", "bytes")
    }
    assert {tuple(type(v).__name__ for v in row) for row in text[1]} == {
        ("UUID", "int", "str", "bytes")
    }


def test_the_scans_ask_postgresql_for_binary_results(
    pg_store: RecordStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    execute = psycopg.Cursor.execute

    def spy(self: Any, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if "originator_id" in str(query):
            asked.append(kwargs.get("binary"))
        return execute(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", spy)
    _reads(pg_store)
    assert asked and all(b is True for b in asked)
