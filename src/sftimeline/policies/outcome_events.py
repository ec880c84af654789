"""What every outcome event of the policy process carries (docs/semantics.md §6): the kind
and payload, the basis a decision was made on (enough to reproduce it byte for byte), the
fields identifying a claim, the claim states, and the ``evaluation_failed`` event recorded
when a family or a claim cannot be evaluated. Used by :mod:`sftimeline.policies.process`
(family decisions) and :mod:`sftimeline.policies.claims`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sftimeline.aggregates.outcomes import EVALUATION_FAILED

if TYPE_CHECKING:
    # as in process.py: `sftimeline status` imports this (for ``shown``) without the evaluator
    from sftimeline.policies.evaluator import Decision
    from sftimeline.policies.loader import Framework
    from sftimeline.records import Record


#: the type of a retraction (``projections.timeline.RETRACTION``)
RETRACTION = "record_retracted"

#: claim states
SOUND = "sound"
AT_RISK = "at_risk"
UNSUPPORTED = "unsupported"
WITHDRAWN = "withdrawn"
NOT_ASSESSABLE = "not_assessable"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def basis(fw: Framework, on: date, known_at: datetime) -> dict[str, Any]:
    """What a decision was made on: enough to reproduce it byte for byte."""
    return {
        "on": on.isoformat(),
        "known_at": known_at.isoformat(),
        "framework": fw.id,
        "fingerprint": fw.fingerprint,
        "parameters": {k: fw.parameters[k] for k in sorted(fw.parameters)},
    }


@dataclass(frozen=True)
class Outcome:
    """One outcome event to record: its kind and its JSON-ready payload."""

    kind: str
    payload: dict[str, Any]


def entry_not_shown(d: Decision) -> list[str]:
    """Codes of the criteria whose entry the records do not show (no person: the read
    models keep none), each once, in the decision's order."""
    return list(
        dict.fromkeys(
            c.criterion
            for c in d.criteria
            if c.entry is not None and c.entry.verdict == "not_shown"
        )
    )


def _cause(rec: Record) -> dict[str, Any]:
    return {
        "key": rec.key,
        "type": rec.type,
        "person": rec.person,
        "occurred_on": rec.occurred_on.isoformat(),
        "recorded_at": rec.recorded_at.isoformat(),
    }


def candidate_causes(new_records: Sequence[Record], on: date) -> list[dict[str, Any]]:
    """New records that can change a decision on ``on``: dated on or before it, or
    retractions (which act by knowledge time whatever their date, docs/semantics.md §1)."""
    return [_cause(r) for r in new_records if r.occurred_on <= on or r.type == RETRACTION]


def claim_fields(family: str, claim: Record, framework: str) -> dict[str, Any]:
    """What identifies a claim in its outcome events and the claims register."""
    return {
        "family": family,
        "framework": framework,
        "claim": claim.key,
        "claim_date": claim.occurred_on.isoformat(),
        "claimed_at": claim.recorded_at.isoformat(),
        "criteria": [shown(str(c)) for c in claim.get("criteria") or []],
    }


#: longest id or family code shown in an outcome's identifying fields and the read models
MAX_SHOWN = 100


def shown(value: str, limit: int = MAX_SHOWN) -> str:
    """``value`` as it can be stored in a read model's key column and shown safely:
    control characters (NUL included, which PostgreSQL text refuses) escaped, and at
    most ``limit`` characters (the longest column). Identity for every ordinary id."""
    if len(value) <= limit and value.isprintable():
        return value
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in value)
    if len(text) <= limit:
        return text
    tail = f"…({len(value)} chars)"
    return text[: limit - len(tail)] + tail


def family_code_problem(code: str) -> str | None:
    """Why a stored family code cannot be evaluated into the read models, if it cannot.

    Records with such codes may predate the importer's checks; the process records an
    ``evaluation_failed`` outcome for them rather than stopping for every family.
    """
    if "\x00" in code:
        return "the family code contains NUL (\\u0000), which the read models cannot store"
    if not code.isprintable():
        return "the family code contains control characters"
    if len(code) > MAX_SHOWN:
        return f"the family code is {len(code)} characters long (at most {MAX_SHOWN})"
    return None


def failure_outcome(
    family: str,
    prev: dict[str, Any] | None,
    framework: str,
    reason: str,
    basis: dict[str, Any],
    seen_version: int,
    claim: Record | None = None,
) -> list[Outcome]:
    """The ``evaluation_failed`` event for a family under a framework (or one claim).

    Recorded again only when the reason changes, so re-processing a family that still
    fails adds nothing; a later decision or claim event supersedes it.
    """
    payload: dict[str, Any] = {
        "family": family,
        "framework": framework,
        "reason": shown(reason, 500),
        "basis": basis,
        "seen_version": seen_version,
    }
    if claim is not None:
        payload.update(claim_fields(family, claim, framework))
    if prev is not None and prev.get("reason") == payload["reason"]:
        return []
    return [Outcome(EVALUATION_FAILED, payload)]
