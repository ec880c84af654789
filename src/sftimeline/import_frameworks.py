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
        from sqlalchemy import inspect

        from sftimeline.adapters.process_settings import enabled_frameworks
        from sftimeline.adapters.sql import engine_for_url, settings_table

        engine = engine_for_url(store.url)
        try:
            if inspect(engine).has_table(settings_table.name):
                # the settings alone, without importing the policy process (a third of
                # a second of start-up)
                ids.update(f.id for f in enabled_frameworks(engine))
        finally:
            engine.dispose()
    return frozenset(ids)
