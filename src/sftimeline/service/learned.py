"""What a backfill changed: decisions that differ because of records recorded after T.

``status --learned-since T`` answers "which families' decisions did the records we learnt
after T change?" — records dated at any time (a backfill of last year's attendance counts
as much as yesterday's arrest). For each family with a record recorded after T, its
decision under each framework on the process's on-date is evaluated as known at T and as
known now; a family is listed when they differ, with what changed and the records learnt.
This re-evaluates those families (the status table keeps only the latest decision).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sftimeline.service.base import load_framework
from sftimeline.service.errors import UsageProblem
from sftimeline.service.inputs import parse_date, parse_known_at
from sftimeline.service.process import ProcessService

if TYPE_CHECKING:
    from sftimeline.policies.evaluator import Decision


@dataclass(frozen=True)
class LearnedChange:
    """One family's decision under one framework, before and after what was learnt."""

    family: str
    framework: str
    on: date
    since: datetime
    before: Decision
    after: Decision
    #: keys of the family's records recorded after ``since``
    learnt: list[str]
    #: what changed, in words (reports.replay's change lines)
    changes: list[str]

    def to_dict(self) -> dict[str, Any]:
        def state(d: Decision) -> dict[str, Any]:
            return {
                "status": d.status,
                "eligible_from": d.eligible_from.isoformat() if d.eligible_from else None,
                "known_at": d.known_at.isoformat(),
            }

        return {
            "family": self.family,
            "framework": self.framework,
            "on": self.on.isoformat(),
            "learned_since": self.since.isoformat(),
            "before": state(self.before),
            "after": state(self.after),
            "learnt": self.learnt,
            "changes": self.changes,
        }


def learned_after(value: datetime | date | str) -> datetime:
    """The instant after which a record counts as learnt: a date means from the start of
    that day (UTC), a date-time is exclusive."""
    is_day = isinstance(value, str) and len(value) == 10
    if is_day or (isinstance(value, date) and not isinstance(value, datetime)):
        day = parse_date(value, "learned_since")
        return parse_known_at(day - timedelta(days=1), "learned_since")
    return parse_known_at(value, "learned_since")


class LearnedService(ProcessService):
    """Decisions changed by what was learnt after a time."""

    def learned_since(
        self,
        since: datetime | date | str,
        frameworks: Iterable[str] = (),
        on: date | str | None = None,
        family: str | None = None,
    ) -> list[LearnedChange]:
        """Families whose decision on ``on`` (default: the process's on-date) changed
        because of records recorded after ``since``, under ``frameworks`` (default: those
        enabled), whatever those records' own dates."""
        from sftimeline.calendar import today_uk
        from sftimeline.policies.evaluator import evaluate_family
        from sftimeline.reports.replay import diff_decisions

        t = learned_after(since)
        ids = list(frameworks) or [f.id for f in self.enabled_frameworks()]
        if not ids:
            raise UsageProblem(
                "no framework enabled: give --framework, or `sftimeline process enable ID`"
            )
        fws = [load_framework(fid) for fid in ids]
        day = parse_date(on, "on") if on is not None else self.process_show().on or today_uk()
        now = datetime.now(UTC)
        out: list[LearnedChange] = []
        for code, recs in self.iter_families(family):
            learnt = [r.key for r in recs if r.recorded_at > t]
            if not learnt:
                continue
            for fw in fws:
                before = evaluate_family(fw, code, recs, day, t)
                after = evaluate_family(fw, code, recs, day, now)
                changes = [c.text for c in diff_decisions(before, after)]
                if changes:
                    out.append(LearnedChange(code, fw.id, day, t, before, after, learnt, changes))
        return out
