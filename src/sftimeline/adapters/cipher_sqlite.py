"""A SQLite store's cipher setting settled by its writer through ``sqlite3``.

Every writer opening a store settles whether it is encrypted (``adapters/cipher.py``). On
an existing store that is one read on the event store's own connection; on a new one the
setting had to be recorded, and that went through SQLAlchemy: importing it and building an
engine was ≈ 0.17 s before a first import could start its workers (issue 14), a tenth of
importing a county of 100,000 records. A writer on a SQLite file now does it here, with
the driver the store already uses, in one ``BEGIN IMMEDIATE`` transaction: the table is
created if missing (exactly as SQLAlchemy's metadata creates it: ``adapters/sql.py``, and
tests/test_cipher_sqlite.py compares the two), the recorded state read, whether events are
stored looked at, and the state to record (:func:`~sftimeline.adapters.cipher.to_record`)
written, all under the write lock, so two first writers cannot both decide. A reader, and
every store that is not a SQLite file, still settle it the long way.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing, suppress

from sftimeline.adapters.cipher import SETTING, CipherState, check_key, to_record
from sftimeline.adapters.process_settings import SETTINGS_TABLE

#: the settings table as SQLAlchemy creates it (``adapters/sql.py``'s ``settings_table``);
#: SQLite keeps the statement without ``IF NOT EXISTS``, so the file is the same either way
SETTINGS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {SETTINGS_TABLE} (\n"
    '\t"key" VARCHAR(64) NOT NULL, \n'
    "\tvalue TEXT NOT NULL, \n"
    '\tPRIMARY KEY ("key")\n'
    ")"
)
#: seconds to wait for another writer's lock (as SQLAlchemy's engine on the store waits)
TIMEOUT = 30


def settle_file(path: str, events_table: str, key: str | None) -> CipherState:
    """The cipher state of the SQLite store at ``path`` (its events in ``events_table``),
    recorded if this writer is the first, and checked against ``key``: what
    ``cipher.settle(engine, key, has_events, create=True)`` does."""
    with closing(sqlite3.connect(path, timeout=TIMEOUT, isolation_level=None)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(SETTINGS_DDL)
            row = conn.execute(
                f"SELECT value FROM {SETTINGS_TABLE} WHERE key = ?", (SETTING,)
            ).fetchone()
            value = json.loads(row[0]) if row else None
            recorded = CipherState.from_json(value) if value else None
            has_events = conn.execute(f"SELECT 1 FROM {events_table} LIMIT 1").fetchone()
            state = to_record(recorded, key, has_events is not None, create=True)
            if state is not None:
                conn.execute(
                    f"INSERT OR REPLACE INTO {SETTINGS_TABLE} (key, value) VALUES (?, ?)",
                    (SETTING, json.dumps(state.to_json())),
                )
            conn.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):  # the error that stopped it is the one to tell
                conn.execute("ROLLBACK")
            raise
    settled = state or recorded
    assert settled is not None  # to_record(None, …, create=True) always records one
    check_key(settled, key)
    return settled
