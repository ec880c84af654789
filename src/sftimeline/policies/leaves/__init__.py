"""Leaf primitives by topic, beyond the core set in :mod:`sftimeline.policies.primitives`.

Each module here holds the primitives of one topic (justice, employment, scores, health,
…) and registers them with :func:`sftimeline.policies.primitives.register_primitive` when
imported. Importing this package imports every module in it, so the compiler sees every
primitive without a central list that every topic would have to edit.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every topic module of this package (idempotent)."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


load_all()
