"""The read models' SQL tables (``readmodels/status.py`` keeps them current,
``readmodels/queries.py`` answers from them), and the projection's position.

The claims register's table is built from the fields of its row
(``readmodels/claim_fields.py``), which the service layer's ``Claim`` shares without
loading SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import BigInteger, Column, Date, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection, Engine

from sftimeline.adapters.locks import create_all
from sftimeline.readmodels.claim_fields import ClaimFields

metadata = MetaData()
PROJECTION = "status"

status_table = Table(
    "sftimeline_status",
    metadata,
    Column("family", String(100), primary_key=True),
    Column("framework", String(100), primary_key=True),
    Column("status", String(32), nullable=False),
    Column("eligible_from", Date, nullable=True, index=True),
    Column("earliest_pending", Date, nullable=True, index=True),
    Column("last_regression", Date, nullable=True, index=True),
    Column("on_date", Date, nullable=False),
    Column("known_at", String(40), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("reason", Text, nullable=True),
)

#: The SQL type (and options) of each field of the claims register's row: the table is
#: built from the row's fields (readmodels/claim_fields.py), in their order, so the two
#: cannot drift.
_CLAIM_COLUMNS: dict[str, tuple[Any, dict[str, Any]]] = {
    "family": (String(100), {"primary_key": True}),
    "claim": (String(300), {"primary_key": True}),
    "framework": (String(100), {"nullable": False}),
    "claim_date": (Date, {"nullable": False}),
    "claimed_at": (String(40), {"nullable": False}),
    #: JSON list of criterion codes
    "criteria": (Text, {"nullable": False}),
    "state": (String(32), {"nullable": False, "index": True}),
    "status_at_submission": (String(32), {"nullable": True}),
    "status_now": (String(32), {"nullable": True}),
    #: JSON list of the records that put the claim at risk (or, when cleared, restored it)
    "caused_by": (Text, {"nullable": False}),
    "last_event": (String(32), {"nullable": False}),
    "known_at": (String(40), {"nullable": False}),
}


def _columns_of(
    row: type[Any], columns: dict[str, tuple[Any, dict[str, Any]]]
) -> list[Column[Any]]:
    """A column per field of ``row``, in the fields' order; a field without a column, or a
    column without a field, is an error when the module is imported, not a silent gap."""
    names = [f.name for f in fields(row)]
    if set(names) != set(columns):
        raise TypeError(f"{row.__name__} fields {names} differ from the columns {list(columns)}")
    return [Column(n, columns[n][0], **columns[n][1]) for n in names]


claims_table = Table("sftimeline_claims", metadata, *_columns_of(ClaimFields, _CLAIM_COLUMNS))

#: AMB-A07: the criteria of a family's decision ('' claim) or of a claim's decision now whose
#: entry the records do not show — so a claim resting on the practitioner's identification
#: alone can be listed (criterion codes only, no person)
entries_table = Table(
    "sftimeline_entry_not_shown",
    metadata,
    Column("family", String(100), primary_key=True),
    Column("framework", String(100), primary_key=True),
    Column("claim", String(300), primary_key=True),
    Column("criterion", String(300), primary_key=True),
)

tracking_table = Table(
    "sftimeline_readmodel_tracking",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("notification_id", BigInteger, nullable=False),
)


def create_tables(engine: Engine) -> None:
    """Create the read models' tables once (adapters/locks.py: never racing a twin)."""
    create_all(engine, metadata)


def position(conn: Connection) -> int:
    row = conn.execute(
        select(tracking_table.c.notification_id).where(tracking_table.c.name == PROJECTION)
    ).first()
    return int(row[0]) if row else 0
