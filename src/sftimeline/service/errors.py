"""The service layer's errors: one class per kind, so every front door answers alike.

The CLI turns each kind into one exit code (README, "Exit codes"), the HTTP API into one
status; the message is the same everywhere. Light on purpose: the CLI imports this module
at start-up.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the errors a front door shows to its user (never with a traceback)."""

    #: usage | not_found | invalid | store
    kind = "invalid"


class UsageProblem(ServiceError):
    """The request itself is wrong: conflicting options, an unsupported store URL."""

    kind = "usage"


class NotFound(ServiceError):
    """Something named does not exist: a store, a family, a framework."""

    kind = "not_found"


class InvalidInput(ServiceError):
    """Input that was read but cannot be used: rejected lines, an invalid framework file."""

    kind = "invalid"


class StoreProblem(ServiceError):
    """The store cannot be opened, reached, read or written."""

    kind = "store"


#: Exit code of each kind (documented in README, "Exit codes").
EXIT_CODES = {"invalid": 1, "usage": 2, "not_found": 3, "store": 4}
