"""PostgreSQL is reached through psycopg's C implementation, not its pure-Python one.

psycopg without its ``binary`` extra (or a local build) parses every row in Python: on
PostgreSQL that made evaluating 1,000 families (100,000 events) spend 2.7 s of CPU in the
client against 1.4 s on SQLite, and the two workers' share of two cores went to parsing
rows (issue 14). The package depends on ``psycopg[binary]``; this pins that it is in use.
"""

from __future__ import annotations

import psycopg


def test_psycopg_parses_rows_in_c() -> None:
    assert psycopg.pq.__impl__ in ("binary", "c")
