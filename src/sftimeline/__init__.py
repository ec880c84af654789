"""sftimeline: an event-sourced temporal engine for Supporting Families outcome claims.

The Python API (walk-through: docs/python-api.md)::

    import sftimeline

    store = sftimeline.open_store("county.sqlite")   # or postgresql://…; default $SFTIMELINE_DB
    store.import_files(["examples/county.jsonl"])
    for d in store.evaluate("2024-10-01", framework="national-2022"):
        print(d.family, d.status, d.eligible_from)
    print(store.explain("FAM-0003", "2024-10-01").text)

Importing the package is light: the names below load the service layer on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sftimeline.service import (
        InvalidInput,
        NotFound,
        ServiceError,
        Store,
        StoreProblem,
        UsageProblem,
        check_framework,
        framework,
        framework_definition,
        framework_yaml,
        frameworks,
        generate_county,
        open_store,
        packaged_ids,
    )

__all__ = [
    "InvalidInput",
    "NotFound",
    "ServiceError",
    "Store",
    "StoreProblem",
    "UsageProblem",
    "__version__",
    "check_framework",
    "framework",
    "framework_definition",
    "framework_yaml",
    "frameworks",
    "generate_county",
    "open_store",
    "packaged_ids",
]
#: Public names loaded from the service layer on first access.
_LAZY = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    """Load a public name from :mod:`sftimeline.service` on first use (PEP 562)."""
    if name in _LAZY:
        value = getattr(importlib.import_module("sftimeline.service"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sftimeline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
