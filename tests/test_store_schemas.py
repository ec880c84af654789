"""PostgreSQL schemas: validated names, and a fresh schema opened by many at once.

Issue 12: four importers opening a fresh PostgreSQL database at once made one fail with
``duplicate key value violates unique constraint "pg_type…"``; a mixed-case schema was
unusable and ``?schema=information_schema`` was accepted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import PG_DSN, PG_URL, pg_problem
from sftimeline.adapters.locks import schema_problem
from sftimeline.adapters.store import RecordStore
from sftimeline.adapters.store_errors import InvalidStoreURL
from sftimeline.cli import main

CLI = "import sys; from sftimeline.cli import main; sys.exit(main())"


@pytest.mark.parametrize(
    ("schema", "says"),
    [
        ("Council", "use 'council'"),
        ("information_schema", "system schema"),
        ("pg_catalog", "system schema"),
        ("pg_temp_1", "system schema"),
        ("a;drop table x", "not a plain identifier"),
        ("1abc", "not a plain identifier"),
        ('a"b', "not a plain identifier"),
        ("x" * 64, "not a plain identifier"),
    ],
)
def test_unusable_schema_names_are_refused_with_the_reason(schema: str, says: str) -> None:
    url = f"{PG_URL}?schema={schema}"
    with pytest.raises(InvalidStoreURL, match=says):
        RecordStore.open(url)
    res = CliRunner().invoke(main, ["--db", url, "families"])
    assert res.exit_code == 2 and says in res.output
    assert not isinstance(res.exception, InvalidStoreURL)  # no traceback


@pytest.mark.parametrize("schema", ["council_a", "_x", "s1", "x" * 63])
def test_plain_lower_case_schema_names_are_accepted(schema: str) -> None:
    assert schema_problem(schema) is None


@pytest.fixture
def fresh_schema_url() -> Iterator[str]:
    """A schema name that does not exist yet (the store creates it), dropped afterwards."""
    problem = pg_problem()
    if problem:
        pytest.skip(problem)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        yield f"{PG_URL}?schema={schema}"
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.mark.postgres
def test_four_importers_opening_a_fresh_schema_at_once_all_succeed(
    fresh_schema_url: str, tmp_path: Path
) -> None:
    files = []
    for i in range(4):
        f = tmp_path / f"in{i}.jsonl"
        f.write_text(
            json.dumps(
                {
                    "type": "family_nominated",
                    "family": f"F{i}",
                    "occurred_on": "2024-01-10",
                    "recorded_at": "2024-01-10T09:00:00+00:00",
                    "source": "s",
                    "source_id": f"N{i}",
                    "framework": "national-2022",
                }
            )
            + "\n",
            encoding="utf-8",
        )
        files.append(f)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLI, "--db", fresh_schema_url, "import", str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for f in files
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()
    with RecordStore.open(fresh_schema_url) as store:
        assert store.families() == ["F0", "F1", "F2", "F3"]
