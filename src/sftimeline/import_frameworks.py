"""The framework ids a ``claim_submitted`` record may name, as an import checks them.

Apart from the import service (:mod:`sftimeline.importer`, which re-exports it) so that
that module stays the rows' path from the source to the store.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sftimeline.adapters.store import RecordStore

#: the settings table (``adapters/sql.py``'s ``settings_table``, named here without
#: importing SQLAlchemy; tests/test_import_frameworks.py pins that they agree)
SETTINGS_TABLE = "sftimeline_settings"


def known_frameworks(store: RecordStore | None) -> frozenset[str]:
    """The framework ids a claim may name: the packaged ones and those the council
    has enabled in ``store``. Reading the settings never creates them."""
    from importlib import resources

    # the packaged ids as policies/loader.py lists them, without importing the policy
    # compiler (a tenth of a second of every import command's start-up)
    folder = resources.files("sftimeline.policies") / "frameworks"
    ids = {p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")}
    if store is not None:
        enabled = _enabled_on_sqlite(store)
        if enabled is None:
            enabled = _enabled(store)
        ids.update(enabled)
    return frozenset(ids)


def _enabled(store: RecordStore) -> list[str]:
    from sqlalchemy import inspect

    from sftimeline.adapters.process_settings import enabled_frameworks
    from sftimeline.adapters.sql import engine_for_url, settings_table

    engine = engine_for_url(store.url)
    try:
        if inspect(engine).has_table(settings_table.name):
            # the settings alone, without importing the policy process (a third of
            # a second of start-up)
            return [f.id for f in enabled_frameworks(engine)]
        return []
    finally:
        engine.dispose()


def _enabled_on_sqlite(store: RecordStore) -> list[str] | None:
    """The enabled ids of a SQLite store read on the event store's own connection, as
    :func:`~sftimeline.adapters.process_settings.enabled_frameworks` reads them (none
    without the settings table), or None (not SQLite, or an error the long way, through
    SQLAlchemy, reports): importing SQLAlchemy was ≈ 0.14 s of an import into an
    existing store, a late record's most of all. (``readmodels/sqlite.py`` reads the
    process's settings alike on a connection of its own; importing it, with the read
    models' folding, would cost an import more than the query.)"""
    from sftimeline.adapters.process_settings import FRAMEWORKS_SETTING

    app: Any = store.app
    datastore = getattr(app.recorder, "datastore", None)
    if app.env.get("PERSISTENCE_MODULE") != "eventsourcing.sqlite" or datastore is None:
        return None
    try:
        with datastore.transaction(commit=False) as curs:
            curs.execute(f"SELECT value FROM {SETTINGS_TABLE} WHERE key = ?", (FRAMEWORKS_SETTING,))
            row = curs.fetchone()
    except Exception as exc:
        if f"no such table: {SETTINGS_TABLE}" in str(exc):
            return []
        return None
    return [d["id"] for d in json.loads(row[0])] if row else []
