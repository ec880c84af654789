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

from sqlalchemy import Table, and_, select
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


def _upsert(conn: Connection, table: Table, keys: dict[str, Any], values: dict[str, Any]) -> None:
    cond = and_(*(table.c[k] == v for k, v in keys.items()))
    done = conn.execute(table.update().where(cond).values(**values))
    if done.rowcount == 0:
        conn.execute(table.insert().values(**keys, **values))


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


def _set_unshown(
    conn: Connection, fam: str, framework: str, claim: str, criteria: Sequence[str]
) -> None:
    t = entries_table
    conn.execute(
        t.delete().where(t.c.family == fam, t.c.framework == framework, t.c.claim == claim)
    )
    for crit in dict.fromkeys(criteria):
        conn.execute(
            t.insert().values(family=fam, framework=framework, claim=claim, criterion=shown(crit))
        )


def apply(conn: Connection, kind: str, payload: dict[str, Any]) -> None:
    """Apply one outcome event to the tables."""
    fam = shown(payload["family"])
    if kind == DECISION_RECORDED:
        _set_unshown(conn, fam, payload["framework"], "", payload.get("entry_not_shown") or [])
        b = payload["basis"]
        _upsert(
            conn,
            status_table,
            {"family": fam, "framework": payload["framework"]},
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
        when = _regression_date(payload)
        keys = {"family": fam, "framework": payload["framework"]}
        cond = and_(*(status_table.c[k] == v for k, v in keys.items()))
        row = conn.execute(select(status_table.c.last_regression).where(cond)).first()
        if row is not None and (row[0] is None or row[0] < when):
            conn.execute(status_table.update().where(cond).values(last_regression=when))
    elif kind == EVALUATION_FAILED:
        _apply_failure(conn, fam, payload)
    elif kind in CLAIM_KINDS:
        at_sub = payload.get("at_submission") or {}
        now = payload.get("now") or {}
        claim_key = shown(payload["claim"], 300)
        _set_unshown(conn, fam, payload["framework"], claim_key, now.get("entry_not_shown") or [])
        _upsert_claim(
            conn,
            fam,
            payload,
            kind,
            state=payload["state"],
            then=at_sub.get("status"),
            now=now.get("status"),
            caused_by=payload.get("caused_by") or [],
        )


def _upsert_claim(
    conn: Connection,
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
    _upsert(
        conn,
        claims_table,
        {"family": fam, "claim": shown(payload["claim"], 300)},
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


def _apply_failure(conn: Connection, fam: str, payload: dict[str, Any]) -> None:
    """An evaluation failure replaces the family's row (its status is unknown until it
    is evaluated again): status ``evaluation_failed``, the reason, and no dates."""
    b = payload["basis"]
    if payload.get("claim"):
        _upsert_claim(conn, fam, payload, EVALUATION_FAILED, state=EVALUATION_FAILED)
        return
    _upsert(
        conn,
        status_table,
        {"family": fam, "framework": payload["framework"]},
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
        for nid, kind, payload in events:
            if nid > start:
                apply(conn, kind, payload)
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
