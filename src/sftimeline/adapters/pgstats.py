"""Fresh planner statistics after an import on PostgreSQL (issue 14, items 3 and 5).

PostgreSQL plans a query from the statistics ``ANALYZE`` last gathered. A store's events
table grows by millions of rows in one backfill, and until something analyses it the
planner still believes the table it saw before, often the empty table it created: it then
takes each ordered chunk scan (``adapters/scan.py``) for a scan of millions of rows, with
parallel workers and JIT compilation. Measured at ten million events on a server with
``autovacuum = off``: 5.7 s per chunk instead of a few tens of milliseconds, and
``evaluate`` unfinished after eleven minutes. Autovacuum, where it runs, only catches up
some minutes later, after the process that follows the import has started reading.

So an import that grew the table by more than the server's own autovacuum rule allows
(``autovacuum_analyze_threshold`` + ``autovacuum_analyze_scale_factor`` × the rows the
statistics know of: by default 50 + 10%) analyses the events table before it returns:
exactly what autovacuum would do, at once. ``ANALYZE`` reads a sample (30,000 rows at the
default statistics target), so it costs about a second at ten million events, and it takes
a lock that blocks neither readers nor writers. A smaller import leaves the table alone.
SQLite's planner needs no statistics for these queries (they follow the primary key), so
this does nothing there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sftimeline.adapters.store import RecordStore

_KNOWN = """
SELECT c.reltuples AS known,
       current_setting('autovacuum_analyze_threshold')::float8 AS threshold,
       current_setting('autovacuum_analyze_scale_factor')::float8 AS scale
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relname = %s
"""


def due(known_rows: float, added: int, threshold: float, scale: float) -> bool:
    """Whether ``added`` new rows make the statistics stale by autovacuum's own rule.

    ``known_rows`` is ``pg_class.reltuples``: -1 for a table never analysed (PostgreSQL
    14 and later), when any growth at all is due.
    """
    if known_rows < 0:
        return added > 0
    return added > threshold + scale * known_rows


def analyze_if_grown(store: RecordStore, added: int) -> bool:
    """Analyse the store's events table if ``added`` rows made its statistics stale
    (see the module's docstring); whether it did. Only on PostgreSQL."""
    recorder: Any = store.app.recorder
    datastore = recorder.datastore
    if not hasattr(datastore, "schema") or added <= 0:
        return False
    table = recorder.events_table_name
    with datastore.transaction(commit=True) as curs:
        curs.execute(_KNOWN, (datastore.schema, table))
        row = curs.fetchone()
    if row is None:
        return False
    if not due(float(row["known"]), added, float(row["threshold"]), float(row["scale"])):
        return False
    from psycopg.sql import SQL, Identifier

    with datastore.get_connection() as conn:
        conn.execute(SQL("ANALYZE {}.{}").format(Identifier(datastore.schema), Identifier(table)))
        conn.commit()
    return True
