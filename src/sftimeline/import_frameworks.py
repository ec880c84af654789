"""The framework ids a ``claim_submitted`` record may name, as an import checks them.

Apart from the import service (:mod:`sftimeline.importer`, which re-exports it) so that
that module stays the rows' path from the source to the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sftimeline.adapters.store import RecordStore


def known_frameworks(store: RecordStore | None) -> frozenset[str]:
    """The framework ids a claim may name: the packaged ones and those the council
    has enabled in ``store``. Reading the settings never creates them."""
    from importlib import resources

    # the packaged ids as policies/loader.py lists them, without importing the policy
    # compiler (a tenth of a second of every import command's start-up)
    folder = resources.files("sftimeline.policies") / "frameworks"
    ids = {p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")}
    if store is not None:
        enabled = _enabled_on_own_connection(store)
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


def _enabled_on_own_connection(store: RecordStore) -> list[str] | None:
    """The enabled ids of a store read on the event store's own connection, as
    :func:`~sftimeline.adapters.process_settings.enabled_frameworks` reads them (none
    without the settings table), or None (an error the long way, through SQLAlchemy,
    reports): importing SQLAlchemy was ≈ 0.14 s of an import into an existing store, a
    late record's most of all (``RecordStore.own_setting``)."""
    from sftimeline.adapters.process_settings import FRAMEWORKS_SETTING

    read, value = store.own_setting(FRAMEWORKS_SETTING)
    if not read:
        return None
    return [d["id"] for d in value] if value else []
