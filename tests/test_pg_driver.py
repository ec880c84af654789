"""PostgreSQL as a client reaches it: psycopg's C implementation, and pools no larger than a
command needs.

psycopg without its ``binary`` extra (or a local build) parses every row in Python: on
PostgreSQL that made evaluating 1,000 families (100,000 events) spend 2.7 s of CPU in the
client against 1.4 s on SQLite, and the two workers' share of two cores went to parsing
rows (issue 14). The package depends on ``psycopg[binary]``; this pins that it is in use.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from sftimeline.adapters.store import RecordStore
from sftimeline.cli import POOL_SIZE_ENV, main


def test_psycopg_parses_rows_in_c() -> None:
    assert psycopg.pq.__impl__ in ("binary", "c")


@pytest.mark.parametrize(
    ("args", "council", "pool_size"),
    [
        (["families"], None, "1"),  # a one-off command: one connection a pool at first
        (["families"], "3", "3"),  # the council's own setting wins
        (["serve", "--help"], None, None),  # the server keeps the library's size
    ],
)
def test_a_command_opens_one_postgres_connection_a_pool_unless_told(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    council: str | None,
    pool_size: str | None,
) -> None:
    """Issue 14: the library's pools open ``POSTGRES_POOL_SIZE`` connections each (5 by
    default) as a store opens; the CLI asks for one unless the environment says, and
    more open on demand."""
    env = {k: v for k, v in os.environ.items() if k != POOL_SIZE_ENV}
    if council is not None:
        env[POOL_SIZE_ENV] = council
    monkeypatch.setattr(os, "environ", env)
    db = str(tmp_path / "s.sqlite")
    RecordStore.open(db, key="").close()
    result = CliRunner().invoke(main, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    assert env.get(POOL_SIZE_ENV) == pool_size
