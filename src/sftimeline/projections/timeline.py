"""A family's records as of a valid date D and as known at a knowledge time T.

docs/semantics.md §1: a question "as known at T" sees only records with
``recorded_at <= T``, and a retraction only from its own ``recorded_at``; its own
``occurred_on`` never limits what it affects. A decision on D uses only records
dated on or before D.

The order is deterministic (valid date, knowledge time, type, key), so the same
records imported in any order and any batch sizes give the same timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from operator import attrgetter
from typing import Any, TypeVar

from sftimeline.records import Record, source_key

RETRACTION = "record_retracted"

T = TypeVar("T")

#: ``Record.sort_key`` as a C-level key function (the same tuple, read without a
#: Python call per record: sorting is the largest cost of building a timeline)
TIMELINE_ORDER = attrgetter("occurred_on", "recorded_at", "type", "key")


def end_of_day(day: date) -> datetime:
    """The last instant of a day in UTC, for "known at" given as a date."""
    return datetime.combine(day, time.max, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Retraction:
    """A retraction in force as of T: which record, by which record, and why."""

    target: str
    by: Record

    @property
    def reason(self) -> str:
        return str(self.by.get("reason", ""))


def known_records(records: Iterable[Record], known_at: datetime) -> list[Record]:
    """The records known at ``known_at``, retractions applied, in timeline order.

    A retraction that targets another retraction is ignored (a retraction is undone
    by importing nothing; it is withdrawn, like any record, only by being retracted
    itself, which this engine does not support: re-import the original under a new
    ``source_id`` instead).
    """
    visible = [r for r in records if r.recorded_at <= known_at]
    retracted = retracted_keys(visible)
    out = [r for r in visible if r.type != RETRACTION and r.key not in retracted]
    out.sort(key=Record.sort_key)
    return out


def retracted_keys(visible: Iterable[Record]) -> dict[str, Retraction]:
    """Target key → the (earliest known) retraction, among already-visible records."""
    found: dict[str, Retraction] = {}
    retractions = sorted((r for r in visible if r.type == RETRACTION), key=Record.sort_key)
    for r in retractions:
        key = source_key(r.get("target_source"), r.get("target_source_id"))
        if key is not None and key not in found:
            found[key] = Retraction(key, r)
    return found


@dataclass
class Timeline:
    """The records of one family as of ``on`` and as known at ``known_at``.

    ``records`` are the records dated on or before ``on`` (retractions applied);
    ``later`` holds records known at T but dated after D, which a decision on D must
    not use (kept only for display). The index by type is built once; an index by
    person, and whatever a rule derives from the records again and again (every need
    of a family asks the same questions), is built on first use (:meth:`memo`).
    """

    family: str
    on: date
    known_at: datetime
    records: list[Record]
    retractions: dict[str, Retraction] = field(default_factory=dict)
    _by_type: dict[str, list[Record]] = field(default_factory=dict, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(
        cls, family: str, records: Iterable[Record], on: date, known_at: datetime
    ) -> Timeline:
        visible = [r for r in records if r.recorded_at <= known_at]
        if any([r.type == RETRACTION for r in visible]):
            retracted = retracted_keys(visible)
            kept = [
                r
                for r in visible
                if r.type != RETRACTION and r.key not in retracted and r.occurred_on <= on
            ]
        else:  # the common case: nothing to retract
            retracted = {}
            kept = [r for r in visible if r.occurred_on <= on]
        kept.sort(key=TIMELINE_ORDER)
        by_type: dict[str, list[Record]] = {}
        for r in kept:
            t = by_type.get(r.type)
            if t is None:
                by_type[r.type] = [r]
            else:
                t.append(r)
        return cls(family, on, known_at, kept, retracted, by_type)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def of_type(self, *types: str) -> Sequence[Record]:
        """Records of the given types, in timeline order."""
        if len(types) == 1:
            return self._by_type.get(types[0], [])
        merged = [r for t in types for r in self._by_type.get(t, ())]
        merged.sort(key=TIMELINE_ORDER)
        return merged

    def of_person(self, person: str) -> Sequence[Record]:
        return self.memo("by_person", _by_person).get(person, [])

    def types(self) -> set[str]:
        return set(self._by_type)

    def memo(self, key: str, build: Callable[[Timeline], T]) -> T:
        """``build(self)``, made once per timeline under ``key`` (a timeline's records do
        not change once built): a family's needs ask the same questions of the same
        records — a child's attendance in a term, a person's records of a type — and a
        family's evaluation stays linear in its records when each is answered once."""
        memo = self._memo
        if key in memo:
            found: T = memo[key]
            return found
        made = memo[key] = build(self)
        return made


def _by_person(tl: Timeline) -> dict[str, list[Record]]:
    by_person: dict[str, list[Record]] = {}
    for r in tl.records:
        if r.person is not None:
            p = by_person.get(r.person)
            if p is None:
                by_person[r.person] = [r]
            else:
                p.append(r)
    return by_person
