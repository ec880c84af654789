"""What becomes of a record offered to a family: the outcome, and the domain errors.

Kept apart from the :class:`~sftimeline.aggregates.family.Family` aggregate (which
re-exports every name) so that the aggregate's module stays its event classes and its
invariants.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Outcome(StrEnum):
    """What became of one record offered to a family."""

    STORED = "stored"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


class FamilyError(Exception):
    """Base of the Family aggregate's domain errors."""


class DuplicateRecord(FamilyError):
    """The same source record (same key, same fingerprint) is already stored."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"record {key} is already stored unchanged")


class ConflictingRecord(FamilyError):
    """A record with this key is stored with different content; the stored one stays."""

    def __init__(self, key: str, stored: str, offered: str) -> None:
        self.key = key
        self.stored_fingerprint = stored
        self.offered_fingerprint = offered
        super().__init__(
            f"record {key} is already stored with different content "
            f"(stored {stored[:12]}, offered {offered[:12]}); the stored record stays"
        )


class WrongFamily(FamilyError):
    """A record addressed to another family was offered to this one."""

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"record for family {got!r} offered to family {expected!r}")


class RecordOutcome(NamedTuple):
    """The outcome of :meth:`Family.record` for one record (a named tuple: an import
    makes one per record, and a tuple is made several times faster than a frozen
    dataclass)."""

    outcome: Outcome
    key: str
    error: FamilyError | None = None
