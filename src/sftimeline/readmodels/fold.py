"""What a page of outcome events does to the status and claims rows, without SQL.

The projection (``readmodels/status.py``) reads the rows a page of outcome events
touches, folds the events into them here, and writes what changed. The folding has no
SQL in it, so that the policy process on a SQLite store can project through the store's
own driver (``readmodels/sqlite.py``) without importing SQLAlchemy (≈ 0.15 s of a late
record's start-up), with the very same rows as the SQLAlchemy projection on PostgreSQL.

The tables' columns are named here too, in table order (``readmodels/tables.py`` defines
the SQL types; tests/test_readmodels_sqlite.py keeps the two in step).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from sftimeline.aggregates.outcomes import (
    CLAIM_KINDS,
    CRITERION_REGRESSED,
    DECISION_RECORDED,
    EVALUATION_FAILED,
)
from sftimeline.policies.process import shown
from sftimeline.readmodels.claim_fields import ClaimFields

Key = tuple[str, ...]

STATUS_TABLE = "sftimeline_status"
CLAIMS_TABLE = "sftimeline_claims"
ENTRIES_TABLE = "sftimeline_entry_not_shown"
TRACKING_TABLE = "sftimeline_readmodel_tracking"
#: the status table's columns, its key first
STATUS_KEYS = ("family", "framework")
STATUS_COLUMNS = (
    *STATUS_KEYS,
    "status",
    "eligible_from",
    "earliest_pending",
    "last_regression",
    "on_date",
    "known_at",
    "fingerprint",
    "reason",
)
CLAIM_KEYS = ("family", "claim")
CLAIM_COLUMNS = tuple(f.name for f in fields(ClaimFields))
ENTRIES_COLUMNS = ("family", "framework", "claim", "criterion")
#: the columns SQL keeps as dates (ISO text in SQLite)
DATE_COLUMNS = frozenset(
    {"eligible_from", "earliest_pending", "last_regression", "on_date", "claim_date"}
)


class Page:
    """One page of outcome events folded into the rows they leave, written with a few
    statements (one ``executemany`` per table and kind of write) instead of two or three
    per event: the same rows as applying them one at a time, in the same transaction as
    the position (≈ 20% of a catch-up was these per-event upserts).

    The status and claims rows a page touches are read first (one query per 500
    families) and given here by key; each event then changes the rows in memory exactly
    as its own upsert would have changed the table; what is left is updated or inserted
    at the end. The criteria whose entry is not shown are replaced per (family,
    framework, claim), as each event replaced them.
    """

    def __init__(self, status: dict[Key, dict[str, Any]], claims: dict[Key, dict[str, Any]]):
        self.status = status
        self.claims = claims
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

    def unshown_rows(self) -> list[dict[str, str]]:
        """The rows of the entries table the page writes (after deleting its keys')."""
        return [
            {"family": f, "framework": w, "claim": c, "criterion": crit}
            for (f, w, c), criteria in self.unshown.items()
            for crit in criteria
        ]


def changes(
    rows: dict[Key, dict[str, Any]], changed: dict[Key, None], stored: set[Key]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rows to update, rows to insert), each in first-changed order."""
    return [rows[k] for k in changed if k in stored], [rows[k] for k in changed if k not in stored]


def page_families(events: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
    """The families (as the tables show them) of (kind, payload) events."""
    return [shown(payload["family"]) for _, payload in events]


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


def fold(page: Page, kind: str, payload: dict[str, Any]) -> None:
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
    page: Page,
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


def _apply_failure(page: Page, fam: str, payload: dict[str, Any]) -> None:
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
