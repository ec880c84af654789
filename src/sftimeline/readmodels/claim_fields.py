"""The claims register's row, without SQL: its fields have one home here, shared by the
read model (``readmodels/queries.py`` answers with :class:`ClaimRow`; the SQL table is
built from these fields in ``readmodels/tables.py``) and by the service layer's
``Claim`` (``service/results.py``), which the CLI loads at start-up and which therefore
must not load SQLAlchemy (tests/test_startup.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class ClaimFields:
    """A submitted claim and its state now, as the claims register keeps it (no person)."""

    family: str
    claim: str
    framework: str
    claim_date: date
    claimed_at: str
    criteria: list[str]
    #: as the process last assessed it (the service's register adds ``not_assessed``)
    state: str
    status_at_submission: str | None
    status_now: str | None
    #: the records that put the claim at risk (or, when cleared, restored it): key, type,
    #: occurred_on, recorded_at
    caused_by: list[dict[str, Any]]
    #: the outcome event that last changed the row (None: the process has not read it)
    last_event: str | None
    known_at: str | None

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON: every field in order, dates as ISO text, tuples as lists."""
        out = asdict(self)
        out["claim_date"] = self.claim_date.isoformat()
        if "entry_not_shown" in out:
            out["entry_not_shown"] = list(out["entry_not_shown"])
        return out


@dataclass(frozen=True)
class ClaimRow(ClaimFields):
    """A row of the claims table, with the criteria whose entry it does not show."""

    #: criteria of the claim's decision now whose entry is not shown (AMB-A07)
    entry_not_shown: tuple[str, ...] = ()
