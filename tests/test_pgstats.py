"""An import on PostgreSQL leaves the planner fresh statistics, and the chunk scan keeps to
the primary key's index whatever the statistics say (issue 14, items 3 and 5)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from conftest import PG_DSN, sample
from sftimeline.adapters import scan
from sftimeline.adapters.pgstats import analyze_if_grown, due
from sftimeline.adapters.store import RecordStore
from sftimeline.service import Store


@pytest.mark.parametrize(
    ("known", "added", "expected"),
    [
        (-1, 0, False),  # never analysed, nothing added
        (-1, 1, True),  # never analysed: any growth is due
        (1000, 150, False),  # 50 + 10% of 1,000: not yet
        (1000, 151, True),  # one more
        (0, 50, False),  # analysed empty: the threshold alone
        (0, 51, True),
    ],
)
def test_statistics_are_due_by_autovacuums_own_rule(
    known: float, added: int, expected: bool
) -> None:
    assert due(known, added, threshold=50, scale=0.1) is expected


def _lines(first: int, n: int) -> list[dict[str, Any]]:
    return [sample("incident_recorded", i, family=f"F{i:04d}") for i in range(first, first + n)]


def _known_rows(url: str) -> float:
    schema = url.split("schema=")[1]
    with psycopg.connect(PG_DSN) as conn:
        row = conn.execute(
            "SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relname = 'familyrecords_events'",
            (schema,),
        ).fetchone()
    assert row is not None
    return float(row[0])


@pytest.mark.postgres
def test_an_import_analyses_the_events_table_only_when_it_grew_enough(pg_url: str) -> None:
    with Store(pg_url) as store:
        store.import_records(_lines(1, 20), run_process=False)
        # 20 records of 20 families: 40 events, all counted by the analysis
        assert _known_rows(pg_url) == 40
        store.import_records(_lines(21, 5), run_process=False)  # 5 ≤ 50 + 4: left alone
        assert _known_rows(pg_url) == 40
        store.import_records(_lines(26, 60), run_process=False)  # 60 > 50 + 4: analysed
        assert _known_rows(pg_url) == 40 + 10 + 120


@pytest.mark.postgres
def test_a_dry_run_or_a_repeat_import_analyses_nothing(pg_url: str) -> None:
    with Store(pg_url) as store:
        store.import_records(_lines(1, 3), dry_run=True, run_process=False)
        store.import_records(_lines(1, 3), run_process=False)
        assert _known_rows(pg_url) == 6
        store.import_records(_lines(1, 3), run_process=False)  # all unchanged: 0 stored
        assert _known_rows(pg_url) == 6


def test_sqlite_needs_no_statistics(sqlite_url: str) -> None:
    with RecordStore.open(sqlite_url) as store:
        assert analyze_if_grown(store, 10_000) is False


@pytest.mark.postgres
def test_the_chunk_scan_reads_the_primary_key_in_order_whatever_the_statistics(
    pg_url: str,
) -> None:
    """The table is told it holds a hundred million rows in three million pages (as stale
    statistics might say after a bulk load): the scan's plan is still the ordered index
    scan, with no sequential scan, sort, parallel workers or JIT."""
    with Store(pg_url) as store:
        store.import_records(_lines(1, 30), run_process=False)
    schema = pg_url.split("schema=")[1]
    with RecordStore.open(pg_url) as records:
        ids = [fid for _, fid in records.family_index()]
    with psycopg.connect(PG_DSN) as conn:
        conn.execute(
            "UPDATE pg_class SET reltuples = 1e8, relpages = 3e6 WHERE relname ="
            " 'familyrecords_events' AND relnamespace = %s::regnamespace",
            (schema,),
        )
        conn.execute(scan.PG_SCAN_SETTINGS)
        plan = "\n".join(
            r[0]
            for r in conn.execute(
                "EXPLAIN " + scan.pg_scan_sql(schema, "familyrecords_events"), (ids,)
            ).fetchall()
        )
        conn.rollback()
    assert "Index Scan using familyrecords_events_pkey" in plan, plan
    for wrong in ("Seq Scan", "Sort", "Gather", "JIT"):
        assert wrong not in plan, plan
