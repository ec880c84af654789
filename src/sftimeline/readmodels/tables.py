"""The read models' SQL tables (``readmodels/status.py`` keeps them current,
``readmodels/queries.py`` answers from them), and the projection's position."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection, Engine

from sftimeline.adapters.locks import create_all

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

claims_table = Table(
    "sftimeline_claims",
    metadata,
    Column("family", String(100), primary_key=True),
    Column("claim", String(300), primary_key=True),
    Column("framework", String(100), nullable=False),
    Column("claim_date", Date, nullable=False),
    Column("claimed_at", String(40), nullable=False),
    Column("criteria", Text, nullable=False),
    Column("state", String(32), nullable=False, index=True),
    Column("status_at_submission", String(32), nullable=True),
    Column("status_now", String(32), nullable=True),
    #: JSON list of the records that put the claim at risk (or, when cleared, restored it)
    Column("caused_by", Text, nullable=False),
    Column("last_event", String(32), nullable=False),
    Column("known_at", String(40), nullable=False),
)

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
