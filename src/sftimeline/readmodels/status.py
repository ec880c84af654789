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

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.engine import Connection, Engine

from sftimeline.adapters.locks import lock_projection
from sftimeline.aggregates.outcomes import (
    CLAIM_KINDS,
    CRITERION_REGRESSED,
    DECISION_RECORDED,
    EVALUATION_FAILED,
)
from sftimeline.policies.process import shown
from sftimeline.readmodels.claim_fields import ClaimRow
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


Key = tuple[str, ...]


class _Page:
    """One page of outcome events folded into the rows they leave, written with a few
    statements (one ``executemany`` per table and kind of write) instead of two or three
    per event: the same rows as applying them one at a time, in the same transaction as
    the position (≈ 20% of a catch-up was these per-event upserts).

    The status and claims rows a page touches are read first (one query per 500
    families); each event then changes the rows in memory exactly as its own upsert
    would have changed the table; what is left is updated or inserted at the end. The
    criteria whose entry is not shown are replaced per (family, framework, claim), as
    each event replaced them.
    """

    def __init__(self, conn: Connection, families: Sequence[str]) -> None:
        self.conn = conn
        self.status = _rows(conn, status_table, ("family", "framework"), families)
        self.claims = _rows(conn, claims_table, ("family", "claim"), families)
        self.stored_status = set(self.status)
        self.stored_claims = set(self.claims)
        self.changed_status: dict[Key, None] = {}
        self.changed_claims: dict[Key, None] = {}
        #: (family, framework, claim) -> criteria, in the order the events set them
        self.unshown: dict[Key, list[str]] = {}

    def set_unshown(self, fam: str, framework: str, claim: str, criteria: Sequence[str]) -> None:
        key = (fam, framework, claim)
        self.unshown.pop(key, None)  # replaced: written where the last event wrote it
        self.unshown[key] = [shown(c) for c in dict.fromkeys(criteria)]

    def upsert_status(self, fam: str, framework: str, values: dict[str, Any]) -> None:
        key = (fam, framework)
        row = self.status.get(key)
        if row is None:
            row = {"family": fam, "framework": framework, "last_regression": None}
            self.status[key] = row
        row.update(values)
        self.changed_status[key] = None

    def regressed(self, fam: str, framework: str, when: date) -> None:
        row = self.status.get((fam, framework))
        if row is not None and (row["last_regression"] is None or row["last_regression"] < when):
            row["last_regression"] = when
            self.changed_status[(fam, framework)] = None

    def upsert_claim(self, fam: str, claim: str, values: dict[str, Any]) -> None:
        key = (fam, claim)
        row = self.claims.setdefault(key, {"family": fam, "claim": claim})
        row.update(values)
        self.changed_claims[key] = None

    def write(self) -> None:
        conn = self.conn
        t = entries_table
        if self.unshown:
            conn.execute(
                t.delete().where(
                    t.c.family == bindparam("k_family"),
                    t.c.framework == bindparam("k_framework"),
                    t.c.claim == bindparam("k_claim"),
                ),
                [{"k_family": f, "k_framework": w, "k_claim": c} for f, w, c in self.unshown],
            )
            rows = [
                {"family": f, "framework": w, "claim": c, "criterion": crit}
                for (f, w, c), criteria in self.unshown.items()
                for crit in criteria
            ]
            if rows:
                conn.execute(t.insert(), rows)
        _write(conn, status_table, self.status, self.changed_status, self.stored_status)
        _write(conn, claims_table, self.claims, self.changed_claims, self.stored_claims)


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
    updates = [rows[k] for k in changed if k in stored]
    inserts = [rows[k] for k in changed if k not in stored]
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


def _d(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


#: what the claims register keeps of a record that put a claim at risk (no person)
CAUSE_FIELDS = ("key", "type", "occurred_on", "recorded_at")


def _cause(c: dict[str, Any]) -> dict[str, Any]:
    return {k: c.get(k) for k in CAUSE_FIELDS}


def _regression_date(payload: dict[str, Any]) -> date:
    """When the council learnt of the regression: the latest cause's knowledge time, or
    (no new record: the on-date moved) the knowledge time of the decision."""
    causes = payload.get("caused_by") or []
    stamps = [c["recorded_at"] for c in causes] or [payload["basis"]["known_at"]]
    return date.fromisoformat(max(stamps)[:10])


def apply(conn: Connection, kind: str, payload: dict[str, Any]) -> None:
    """Apply one outcome event to the tables."""
    page = _Page(conn, [shown(payload["family"])])
    _fold(page, kind, payload)
    page.write()


def _fold(page: _Page, kind: str, payload: dict[str, Any]) -> None:
    """One outcome event's changes to the page's rows."""
    fam = shown(payload["family"])
    if kind == DECISION_RECORDED:
        page.set_unshown(fam, payload["framework"], "", payload.get("entry_not_shown") or [])
        b = payload["basis"]
        page.upsert_status(
            fam,
            payload["framework"],
            {
                "status": payload["status"],
                "eligible_from": _d(payload["eligible_from"]),
                "earliest_pending": _d(payload["earliest_pending"]),
                "on_date": _d(b["on"]),
                "known_at": b["known_at"],
                "fingerprint": b["fingerprint"],
                "reason": None,  # names persons: kept in the (encrypted) outcome event only
            },
        )
    elif kind == CRITERION_REGRESSED:
        page.regressed(fam, payload["framework"], _regression_date(payload))
    elif kind == EVALUATION_FAILED:
        _apply_failure(page, fam, payload)
    elif kind in CLAIM_KINDS:
        at_sub = payload.get("at_submission") or {}
        now = payload.get("now") or {}
        claim_key = shown(payload["claim"], 300)
        page.set_unshown(fam, payload["framework"], claim_key, now.get("entry_not_shown") or [])
        _upsert_claim(
            page,
            fam,
            payload,
            kind,
            state=payload["state"],
            then=at_sub.get("status"),
            now=now.get("status"),
            caused_by=payload.get("caused_by") or [],
        )


def _upsert_claim(
    page: _Page,
    fam: str,
    payload: dict[str, Any],
    kind: str,
    *,
    state: str,
    then: str | None = None,
    now: str | None = None,
    caused_by: Sequence[dict[str, Any]] = (),
) -> None:
    """The claims register's row for the claim of ``payload`` (a claim event's, or an
    evaluation failure's)."""
    page.upsert_claim(
        fam,
        shown(payload["claim"], 300),
        {
            "framework": payload["framework"],
            "claim_date": _d(payload["claim_date"]),
            "claimed_at": payload["claimed_at"],
            "criteria": json.dumps(payload.get("criteria") or []),
            "state": state,
            "status_at_submission": then,
            "status_now": now,
            "caused_by": json.dumps([_cause(c) for c in caused_by]),
            "last_event": kind,
            "known_at": payload["basis"]["known_at"],
        },
    )


def _apply_failure(page: _Page, fam: str, payload: dict[str, Any]) -> None:
    """An evaluation failure replaces the family's row (its status is unknown until it
    is evaluated again): status ``evaluation_failed``, the reason, and no dates."""
    b = payload["basis"]
    if payload.get("claim"):
        _upsert_claim(page, fam, payload, EVALUATION_FAILED, state=EVALUATION_FAILED)
        return
    page.upsert_status(
        fam,
        payload["framework"],
        {
            "status": EVALUATION_FAILED,
            "eligible_from": None,
            "earliest_pending": None,
            "on_date": _d(b["on"]),
            "known_at": b["known_at"],
            "fingerprint": "",
            "reason": payload["reason"],
        },
    )


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
            page = _Page(conn, [shown(payload["family"]) for _, payload in todo])
            for kind, payload in todo:
                _fold(page, kind, payload)
            page.write()
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
