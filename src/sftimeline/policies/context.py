"""What a compiled rule sees when it runs: one need of one family, on D, as known at T.

Built once per need by the evaluator; primitives read the timeline through it and
never touch files, SQL or the command line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sftimeline.calendar import DEFAULT_TERM_CALENDAR, TermCalendar
from sftimeline.projections.timeline import Timeline
from sftimeline.records import Record


@dataclass
class Context:
    """One need being evaluated.

    ``identified`` is the need's identification date (AMB-A01), ``person`` the person
    the need is for (None for family needs), ``measure`` the consistent measure
    (AMB-B08), ``criterion`` the full ``<framework>:<code>``.
    """

    framework: str
    criterion: str
    timeline: Timeline
    on: date
    identified: date
    person: str | None
    measure: tuple[str, ...]
    parameters: Mapping[str, Any]
    nomination: date | None = None
    case_closed: date | None = None
    need: Record | None = None
    term_calendar: TermCalendar = DEFAULT_TERM_CALENDAR
    severe_offences: frozenset[str] = frozenset()
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def anchor(self, name: str) -> date | None:
        if name == "identified":
            return self.identified
        if name == "nomination":
            return self.nomination
        if name == "case_closed":
            return self.case_closed
        if name == "latest_case_closed":
            closures = self.timeline.of_type("case_closed")
            return closures[-1].occurred_on if closures else None
        if name == "on":
            return self.on
        raise ValueError(f"unknown anchor {name!r}")

    def born_on(self, person: str) -> date | None:
        """The person's date of birth from their first ``person_joined`` that gives one.

        Memoised per context and timeline (a ``dataclasses.replace`` copy shares the cache;
        attendance windows ask for every child's birth date once per term window)."""
        key = f"born_on:{id(self.timeline)}:{person}"
        if key not in self._cache:
            self._cache[key] = self._born_on(person)
        found: date | None = self._cache[key]
        return found

    def _born_on(self, person: str) -> date | None:
        for r in self.timeline.of_type("person_joined"):
            if r.person == person and r.get("born_on") is not None:
                value = r.get("born_on")
                return value if isinstance(value, date) else date.fromisoformat(str(value))
        return None

    def members(self, role: str | None = None) -> list[str]:
        """People in the household on D (joined, not left since), optionally by role.

        Memoised per context, like :meth:`born_on`; callers get their own list."""
        key = f"members:{id(self.timeline)}:{role}"
        if key not in self._cache:
            self._cache[key] = self._members(role)
        found: list[str] = self._cache[key]
        return list(found)

    def _members(self, role: str | None) -> list[str]:
        present: dict[str, str] = {}
        for r in self.timeline.of_type("person_joined", "person_left"):
            if r.person is None:
                continue
            if r.type == "person_joined":
                present[r.person] = str(r.get("role"))
            else:
                present.pop(r.person, None)
        return sorted(p for p, rl in present.items() if role is None or rl == role)


def select(
    records: Sequence[Record],
    *,
    kinds: Sequence[str] | None = None,
    person: str | None = None,
    where: Mapping[str, Sequence[str]] | None = None,
) -> list[Record]:
    """Records filtered by incident kind, person and field values.

    Every criterion of a family filters the same records again, so this reads each
    record's fields straight from its data (not through ``Record.get``, a call per
    field) and tests the person, the cheapest test, first."""
    if kinds is None and person is None and not where:
        return list(records)
    fields = tuple(where.items()) if where else ()
    out = []
    for r in records:
        if person is not None and r.person != person:
            continue
        data = r.data
        if kinds is not None and data.get("kind") not in kinds:
            continue
        if fields and any(str(data.get(k)) not in v for k, v in fields):
            continue
        out.append(r)
    return out
