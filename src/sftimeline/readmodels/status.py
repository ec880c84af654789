"""Status and claims read models: SQL tables kept current from the outcome events.

``sftimeline_status`` holds one row per family and framework — the decision the policy
process recorded last (status, eligible-from, earliest pending date, last regression),
with its basis (on-date, knowledge time, framework fingerprint) — so that ``sftimeline
status`` answers for a whole county without re-evaluating. ``sftimeline_claims`` holds
one row per submitted claim with its state now and what put it at risk.

This module is the projection: it applies the outcome events to the tables
(``readmodels/tables.py``); ``readmodels/queries.py`` answers from them. Both tables are
projections of the ``FamilyOutcomes`` notification log. Each page of
notifications is applied in one transaction together with the projection's position
(``sftimeline_readmodel_tracking``), so a crash neither loses nor double-applies an
event, and the tables can be rebuilt from scratch (``rebuild``).

They are stored in clear (they are SQL tables the queries filter and sort), so they hold
only what the answers need: family code, framework, status, dates, the claim's key
and criteria, and for a claim at risk the key, type and dates of the records that put
it at risk — no person id, no explanation text (which names persons). Everything else
is in the outcome events, encrypted when the store has a key (README, "Encryption").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.engine import Connection, Engine

from sftimeline.adapters.locks import lock_projection
from sftimeline.policies.process import shown
from sftimeline.readmodels.claim_fields import ClaimRow
from sftimeline.readmodels.fold import (
    CLAIM_KEYS,
    STATUS_KEYS,
    Key,
    Page,
    changes,
    fold,
    page_families,
)
from sftimeline.readmodels.queries import StatusRow, query_claims, query_failures, query_status
from sftimeline.readmodels.tables import (
    PROJECTION,
    claims_table,
    create_tables,
    entries_table,
    position,
    status_table,
    tracking_table,
)

#: The tables and queries are exported here too: the process, ``verify`` and the service
#: layer reach the read models through this module.
__all__ = [
    "ClaimRow",
    "StatusRow",
    "apply",
    "apply_page",
    "claims_table",
    "create_tables",
    "entries_table",
    "position",
    "query_claims",
    "query_failures",
    "query_status",
    "rebuild",
    "status_table",
    "tracking_table",
]


def _page(conn: Connection, families: Sequence[str]) -> Page:
    """The page of ``families``' stored status and claims rows (readmodels/fold.py)."""
    return Page(
        _rows(conn, status_table, STATUS_KEYS, families),
        _rows(conn, claims_table, CLAIM_KEYS, families),
    )


def _write_page(conn: Connection, page: Page) -> None:
    t = entries_table
    if page.unshown:
        conn.execute(
            t.delete().where(
                t.c.family == bindparam("k_family"),
                t.c.framework == bindparam("k_framework"),
                t.c.claim == bindparam("k_claim"),
            ),
            [{"k_family": f, "k_framework": w, "k_claim": c} for f, w, c in page.unshown],
        )
        rows = page.unshown_rows()
        if rows:
            conn.execute(t.insert(), rows)
    _write(conn, status_table, page.status, page.changed_status, page.stored_status)
    _write(conn, claims_table, page.claims, page.changed_claims, page.stored_claims)


def _rows(
    conn: Connection, table: Table, keys: tuple[str, str], families: Sequence[str]
) -> dict[Key, dict[str, Any]]:
    """The stored rows of ``families``, by key."""
    out: dict[Key, dict[str, Any]] = {}
    fams = list(dict.fromkeys(families))
    for i in range(0, len(fams), 500):
        for row in conn.execute(select(table).where(table.c.family.in_(fams[i : i + 500]))):
            m = dict(row._mapping)
            out[(m[keys[0]], m[keys[1]])] = m
    return out


def _write(
    conn: Connection,
    table: Table,
    rows: dict[Key, dict[str, Any]],
    changed: dict[Key, None],
    stored: set[Key],
) -> None:
    """Update the changed rows that were stored, insert the others (first-changed order)."""
    keys = [c.name for c in table.primary_key.columns]
    columns = [c.name for c in table.columns if c.name not in keys]
    updates, inserts = changes(rows, changed, stored)
    if updates:
        stmt = (
            table.update()
            .where(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
            .values({c: bindparam(f"v_{c}") for c in columns})
        )
        conn.execute(
            stmt,
            [
                {**{f"k_{k}": r[k] for k in keys}, **{f"v_{c}": r.get(c) for c in columns}}
                for r in updates
            ],
        )
    if inserts:
        names = [c.name for c in table.columns]
        conn.execute(table.insert(), [{n: r.get(n) for n in names} for r in inserts])


def apply(conn: Connection, kind: str, payload: dict[str, Any]) -> None:
    """Apply one outcome event to the tables."""
    page = _page(conn, [shown(payload["family"])])
    fold(page, kind, payload)
    _write_page(conn, page)


def apply_page(
    engine: Engine, events: Sequence[tuple[int, str, dict[str, Any]]], last_id: int
) -> None:
    """Apply (notification id, kind, payload) events and move the position, atomically.

    Two process runs may project the same page at once: the page is applied under a
    write lock taken before the position is read (adapters/locks.py), so the second
    finds the position moved and applies nothing.
    """
    with engine.begin() as conn:
        lock_projection(conn, tracking_table.name)
        start = position(conn)
        todo = [(kind, payload) for nid, kind, payload in events if nid > start]
        if todo:
            page = _page(conn, page_families(todo))
            for kind, payload in todo:
                fold(page, kind, payload)
            _write_page(conn, page)
        if last_id > start:
            done = conn.execute(
                tracking_table.update()
                .where(tracking_table.c.name == PROJECTION)
                .values(notification_id=last_id)
            )
            if done.rowcount == 0:
                conn.execute(
                    tracking_table.insert().values(name=PROJECTION, notification_id=last_id)
                )


def rebuild(engine: Engine) -> None:
    """Empty the tables and the position: the next catch-up replays every outcome event."""
    create_tables(engine)
    with engine.begin() as conn:
        conn.execute(status_table.delete())
        conn.execute(claims_table.delete())
        conn.execute(entries_table.delete())
        conn.execute(tracking_table.delete().where(tracking_table.c.name == PROJECTION))
