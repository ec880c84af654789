"""The service layer: the one set of operations every front door calls.

The CLI (``sftimeline.cli``), the Python API (``import sftimeline``) and the HTTP API all
open a :class:`Store` with :func:`open_store` and call its methods; each method returns a
typed result whose ``to_dict()`` is the CLI's JSON for the same question, and raises one
of the errors of :mod:`sftimeline.service.errors`. Front doors parse and format; they
never reach the adapters, SQL or the eventsourcing library themselves.
"""

from __future__ import annotations

from sftimeline.service.catalogue import (
    check_framework,
    framework,
    framework_definition,
    framework_yaml,
    frameworks,
    packaged_ids,
)
from sftimeline.service.errors import (
    EXIT_CODES,
    InvalidInput,
    NotFound,
    ServiceError,
    StoreProblem,
    UsageProblem,
)
from sftimeline.service.keys import generate_key, open_private, write_new_key
from sftimeline.service.records import generate_county
from sftimeline.service.store import Store, open_store

__all__ = [
    "EXIT_CODES",
    "InvalidInput",
    "NotFound",
    "ServiceError",
    "Store",
    "StoreProblem",
    "UsageProblem",
    "check_framework",
    "framework",
    "framework_definition",
    "framework_yaml",
    "frameworks",
    "generate_county",
    "generate_key",
    "open_private",
    "open_store",
    "packaged_ids",
    "write_new_key",
]
