"""What changed between two decisions of one family, named for what an auditor looks for.

The replay (``reports/replay.py``) shows it between consecutive steps and between the
decisions before and after each late arrival; ``service/learned.py`` between a family's
decision before and after the records learnt since a given time.

What changed is the difference between consecutive states (:func:`diff_decisions`),
per criterion and person: a need identified, a window opened (the criterion becomes
``pending`` with its forecast), completed (``pending`` → ``met``), broken (``met`` → not
met, or ``pending`` → ``not_met``), reset (a ``pending`` forecast moved later: the
regression of docs/semantics.md §6), a forecast moved earlier, the entry verdict changed
(``entry_changed``: a late police record confirming an entry not shown, docs/semantics.md
"Entry conditions"); the family's status, its ``eligible_from`` and its family-level
rules. A criterion's state names its entry when it is not confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sftimeline.policies.evaluator import CriterionDecision, Decision
from sftimeline.projections.results import Status


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two decisions, named for what an auditor looks for."""

    kind: str
    text: str
    criterion: str | None = None
    person: str | None = None
    before: str | None = None
    after: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "criterion": self.criterion,
            "person": self.person,
            "before": self.before,
            "after": self.after,
            "text": self.text,
        }


def _key(c: CriterionDecision) -> tuple[str, str | None]:
    return (c.criterion, c.person)


def _who(criterion: str, person: str | None) -> str:
    return f"{criterion} ({person or 'family'})"


def iso_or_none(day: date | None) -> str | None:
    """A date as the JSON answers write it; no date is ``None``."""
    return day.isoformat() if day else None


def _forecast(c: CriterionDecision) -> date | None:
    return c.result.expected_on if c.result.status is Status.PENDING else None


def entry_verdict(c: CriterionDecision) -> str | None:
    """The criterion's entry verdict; ``None`` when it has no entry condition."""
    return c.entry.verdict if c.entry is not None else None


def _state(c: CriterionDecision) -> str:
    r = c.result
    if r.status is Status.PENDING:
        text = f"pending, expected {iso_or_none(r.expected_on) or 'no date'}"
    elif r.status is Status.MET and r.met_since:
        text = f"met since {r.met_since.isoformat()}"
    else:
        text = r.status.value
    verdict = entry_verdict(c)
    return text + (
        f" (entry {verdict.replace('_', ' ')})" if verdict not in (None, "confirmed") else ""
    )


def diff_decisions(before: Decision | None, after: Decision) -> list[Change]:
    """The changes from ``before`` (None: nothing yet) to ``after``, criteria in the
    decision's own order, then the family's rules, status and ``eligible_from``."""
    out: list[Change] = []
    old = {_key(c): c for c in before.criteria} if before else {}
    new = {_key(c): c for c in after.criteria}
    for key, c in new.items():
        crit, person = key
        who = _who(crit, person)
        prev = old.get(key)
        if prev is None:
            out.append(
                Change(
                    "need_identified",
                    f"need identified: {who} on {c.identified.isoformat()}, now {_state(c)}",
                    crit,
                    person,
                    None,
                    c.result.status.value,
                )
            )
            if c.result.status is Status.PENDING:
                out.append(_opened(c, who))
            continue
        out.extend(_criterion_change(prev, c, who))
    for key, c in old.items():
        if key not in new:
            out.append(
                Change(
                    "need_withdrawn",
                    f"{_who(*key)} no longer has an identified need (its record was retracted)",
                    key[0],
                    key[1],
                    c.result.status.value,
                    None,
                )
            )
    old_rules = {r.name: r for r in before.family_rules} if before else {}
    for rule in after.family_rules:
        was = old_rules.get(rule.name)
        changed = was.holds != rule.holds if was is not None else not rule.holds
        if before is None or not changed:
            continue
        out.append(
            Change(
                "family_rule",
                f"family rule {rule.name} {'now holds' if rule.holds else 'fails'}: "
                f"{rule.explanation}",
                None,
                None,
                None if was is None else ("holds" if was.holds else "fails"),
                "holds" if rule.holds else "fails",
            )
        )
    if before is None or before.status != after.status:
        out.append(
            Change(
                "family_status",
                f"family {before.status if before else 'not yet decided'} → {after.status}",
                before=before.status if before else None,
                after=after.status,
            )
        )
    old_from = before.eligible_from if before else None
    if old_from != after.eligible_from and (before is not None or after.eligible_from):
        out.append(
            Change(
                "eligible_from_moved",
                f"eligible from {iso_or_none(old_from) or 'no date'} → "
                f"{iso_or_none(after.eligible_from) or 'no date'}",
                before=iso_or_none(old_from),
                after=iso_or_none(after.eligible_from),
            )
        )
    return out


def _opened(c: CriterionDecision, who: str) -> Change:
    expected = c.result.expected_on
    return Change(
        "window_opened",
        f"window opened: {who} pending, "
        + (f"expected {expected.isoformat()}" if expected else "no date can be forecast yet"),
        c.criterion,
        c.person,
        None,
        iso_or_none(expected),
    )


def _criterion_change(prev: CriterionDecision, c: CriterionDecision, who: str) -> list[Change]:
    """The status change of one criterion, after the change of its entry verdict if any."""
    out: list[Change] = []
    if entry_verdict(prev) != entry_verdict(c) and c.entry is not None:
        out.append(
            Change(
                "entry_changed",
                f"entry of {who}: {entry_verdict(prev) or 'none'} → {c.entry.verdict} "
                f"({c.entry.explanation})",
                c.criterion,
                c.person,
                entry_verdict(prev),
                c.entry.verdict,
            )
        )
    return out + _status_change(prev, c, who)


def _status_change(prev: CriterionDecision, c: CriterionDecision, who: str) -> list[Change]:
    a, b = prev.result.status, c.result.status
    crit, person = c.criterion, c.person
    if a is not b:
        if b is Status.MET:
            kind = "window_completed" if a is Status.PENDING else "criterion_met"
            verb = "window completed" if a is Status.PENDING else "now met"
        elif a is Status.MET or (a is Status.PENDING and b is Status.NOT_MET):
            kind, verb = "window_broken", "window broken"
        elif b is Status.PENDING:
            return [_opened(c, who)]
        else:
            kind, verb = "status_changed", "status changed"
        return [Change(kind, f"{verb}: {who} {_state(prev)} → {_state(c)}", crit, person, a, b)]
    if b is Status.PENDING and _forecast(prev) != _forecast(c):
        old, new = _forecast(prev), _forecast(c)
        later = new is None or (old is not None and new > old)
        return [
            Change(
                "window_reset" if later else "forecast_earlier",
                f"{'window reset' if later else 'forecast moved earlier'}: {who} expected "
                f"{iso_or_none(old) or 'no date'} → {iso_or_none(new) or 'no date'}",
                crit,
                person,
                iso_or_none(old),
                iso_or_none(new),
            )
        ]
    if b is Status.MET and prev.result.met_since != c.result.met_since:
        return [
            Change(
                "met_since_moved",
                f"{who} met since {iso_or_none(prev.result.met_since) or '?'} → "
                f"{iso_or_none(c.result.met_since) or '?'}",
                crit,
                person,
                iso_or_none(prev.result.met_since),
                iso_or_none(c.result.met_since),
            )
        ]
    return []
