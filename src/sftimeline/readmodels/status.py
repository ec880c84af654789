"""Status and claims read models: SQL tables kept current from the outcome events.

``sftimeline_status`` holds one row per family and framework — the decision the policy
process recorded last (status, eligible-from, earliest pending date, last regression),
with its basis (on-date, knowledge time, framework fingerprint) — so that ``sftimeline
status`` answers for a whole county without re-evaluating. ``sftimeline_claims`` holds
one row per submitted claim with its state now and what put it at risk.

Both are projections of the ``FamilyOutcomes`` notification log. Each page of
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    MetaData,
    String,
    Table,
    Text,
    and_,
    select,
)
from sqlalchemy.engine import Connection, Engine

from sftimeline.adapters.locks import create_all, lock_projection
from sftimeline.aggregates.outcomes import (
    CLAIM_KINDS,
    CRITERION_REGRESSED,
    DECISION_RECORDED,
    EVALUATION_FAILED,
)
from sftimeline.policies.process import shown

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


# -- queries ------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    family: str
    framework: str
    status: str
    eligible_from: date | None
    earliest_pending: date | None
    last_regression: date | None
    on_date: date
    known_at: str
    fingerprint: str
    reason: str | None
    #: criteria whose entry the records do not show (AMB-A07)
    entry_not_shown: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "framework": self.framework,
            "status": self.status,
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "earliest_pending": self.earliest_pending.isoformat()
            if self.earliest_pending
            else None,
            "last_regression": self.last_regression.isoformat() if self.last_regression else None,
            "on": self.on_date.isoformat(),
            "known_at": self.known_at,
            "fingerprint": self.fingerprint,
            "entry_not_shown": list(self.entry_not_shown),
            **({"reason": self.reason} if self.status == EVALUATION_FAILED else {}),
        }


def query_failures(engine: Engine) -> list[dict[str, Any]]:
    """Every family (per framework) and claim whose last evaluation failed, with why:
    what ``process show`` lists until the family's records change and it is retried."""
    create_tables(engine)
    st, cl = status_table, claims_table
    with engine.connect() as conn:
        rows = [
            {"family": r.family, "framework": r.framework, "claim": None, "reason": r.reason}
            for r in conn.execute(
                select(st.c.family, st.c.framework, st.c.reason)
                .where(st.c.status == EVALUATION_FAILED)
                .order_by(st.c.family, st.c.framework)
            )
        ]
        rows += [
            {"family": r.family, "framework": r.framework, "claim": r.claim, "reason": None}
            for r in conn.execute(
                select(cl.c.family, cl.c.framework, cl.c.claim)
                .where(cl.c.state == EVALUATION_FAILED)
                .order_by(cl.c.family, cl.c.claim)
            )
        ]
    return rows


def query_status(
    engine: Engine,
    *,
    framework: str | None = None,
    eligible_by: date | None = None,
    pending: bool = False,
    regressed_since: date | None = None,
    family: str | None = None,
) -> Iterator[StatusRow]:
    """Rows of the status table, filtered in SQL (indexes on the three dates).

    ``eligible_by`` keeps families with an eligible-from date on or before it (eligible
    by then if nothing else is recorded); ``pending`` those with a pending criterion
    forecast; ``regressed_since`` those whose last regression was learnt on or after it.
    """
    create_tables(engine)
    t = status_table
    q = select(t).order_by(t.c.family, t.c.framework)
    if framework:
        q = q.where(t.c.framework == framework)
    if family:
        q = q.where(t.c.family == family)
    if eligible_by is not None:
        q = q.where(t.c.eligible_from.is_not(None), t.c.eligible_from <= eligible_by)
    if pending:
        q = q.where(t.c.status == "pending")
    if regressed_since is not None:
        q = q.where(t.c.last_regression.is_not(None), t.c.last_regression >= regressed_since)
    with engine.connect() as conn:
        unshown = _unshown(conn, framework, family)
        for r in conn.execute(q):
            row = r._asdict()
            row["entry_not_shown"] = unshown.get((r.family, r.framework, ""), ())
            yield StatusRow(**row)


def _unshown(
    conn: Connection, framework: str | None, family: str | None = None
) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(family, framework, claim) → the criteria whose entry is not shown."""
    t = entries_table
    q = select(t).order_by(t.c.family, t.c.framework, t.c.claim, t.c.criterion)
    if framework:
        q = q.where(t.c.framework == framework)
    if family:
        q = q.where(t.c.family == family)
    out: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for r in conn.execute(q):
        key = (r.family, r.framework, r.claim)
        out[key] = (*out.get(key, ()), r.criterion)
    return out


@dataclass(frozen=True)
class ClaimRow:
    family: str
    claim: str
    framework: str
    claim_date: date
    claimed_at: str
    criteria: list[str]
    state: str
    status_at_submission: str | None
    status_now: str | None
    caused_by: list[dict[str, Any]]
    last_event: str
    known_at: str
    #: criteria of the claim's decision now whose entry is not shown (AMB-A07)
    entry_not_shown: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "claim": self.claim,
            "framework": self.framework,
            "claim_date": self.claim_date.isoformat(),
            "claimed_at": self.claimed_at,
            "criteria": self.criteria,
            "state": self.state,
            "status_at_submission": self.status_at_submission,
            "status_now": self.status_now,
            "caused_by": self.caused_by,
            "last_event": self.last_event,
            "known_at": self.known_at,
            "entry_not_shown": list(self.entry_not_shown),
        }


def query_claims(
    engine: Engine,
    *,
    framework: str | None = None,
    at_risk: bool = False,
    entry_not_shown: bool = False,
) -> Iterator[ClaimRow]:
    """Rows of the claims register; ``entry_not_shown`` keeps the claims whose decision
    now rests on an entry the records do not show (AMB-A07)."""
    create_tables(engine)
    t = claims_table
    q = select(t).order_by(t.c.family, t.c.claim_date, t.c.claim)
    if framework:
        q = q.where(t.c.framework == framework)
    if at_risk:
        q = q.where(t.c.state == "at_risk")
    with engine.connect() as conn:
        unshown = _unshown(conn, framework)
        for r in conn.execute(q):
            d = r._asdict()
            d["criteria"] = json.loads(d["criteria"])
            d["caused_by"] = json.loads(d["caused_by"])
            d["entry_not_shown"] = unshown.get((r.family, r.framework, r.claim), ())
            if entry_not_shown and not d["entry_not_shown"]:
                continue
            yield ClaimRow(**d)
