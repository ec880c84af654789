"""Answers from the read models' tables: the status rows, the claims register, the
evaluation failures, each filtered in SQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from sftimeline.aggregates.outcomes import EVALUATION_FAILED
from sftimeline.readmodels.claim_fields import ClaimRow
from sftimeline.readmodels.tables import claims_table, create_tables, entries_table, status_table


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


def query_claims(
    engine: Engine,
    *,
    framework: str | None = None,
    at_risk: bool = False,
    entry_not_shown: bool = False,
    family: str | None = None,
) -> Iterator[ClaimRow]:
    """Rows of the claims register; ``entry_not_shown`` keeps the claims whose decision
    now rests on an entry the records do not show (AMB-A07); ``family`` only that
    family's (filtered in the query: a family page of a national register reads its own
    rows, not every row)."""
    create_tables(engine)
    t = claims_table
    q = select(t).order_by(t.c.family, t.c.claim_date, t.c.claim)
    if framework:
        q = q.where(t.c.framework == framework)
    if at_risk:
        q = q.where(t.c.state == "at_risk")
    if family is not None:
        q = q.where(t.c.family == family)
    with engine.connect() as conn:
        unshown = _unshown(conn, framework, family)
        for r in conn.execute(q):
            d = r._asdict()
            d["criteria"] = json.loads(d["criteria"])
            d["caused_by"] = json.loads(d["caused_by"])
            d["entry_not_shown"] = unshown.get((r.family, r.framework, r.claim), ())
            if entry_not_shown and not d["entry_not_shown"]:
                continue
            yield ClaimRow(**d)
