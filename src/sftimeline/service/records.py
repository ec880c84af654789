"""Records back out: the families, a family's records and its timeline as of D known at T."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, TextIO, TypeVar

from sftimeline.service.base import StoreBase, translated
from sftimeline.service.inputs import parse_date, parse_known_at
from sftimeline.service.results import TimelineView

if TYPE_CHECKING:
    from sftimeline.records import Record

R = TypeVar("R")


class RecordsService(StoreBase):
    """Reading records back."""

    def families(self, match: str | None = None) -> list[str]:
        """Every family code with records, sorted; ``match`` keeps those matching a
        shell-style pattern (``FAM-00*``, ``*-0[1-3]``; case-sensitive)."""
        from fnmatch import fnmatchcase

        store = self.record_store()
        with translated():
            codes = store.families()
        return [c for c in codes if match is None or fnmatchcase(c, match)]

    def records(self, family: str) -> list[Record]:
        """One family's stored records, every one ever imported (store order)."""
        store = self.record_store()
        with translated():
            return list(store.family_records(family))

    def iter_families(self, family: str | None = None) -> Iterator[tuple[str, list[Record]]]:
        """(code, records) of one family, or of every family in code order, streamed."""
        store = self.record_store()
        with translated():
            if family is not None:
                yield family, list(store.family_records(family))
                return
            yield from store.iter_family_records()

    def map_families(
        self,
        decide: Callable[[str, list[Record]], R],
        family: str | None = None,
        workers: int | None = None,
    ) -> Iterator[R]:
        """``decide(code, records)`` for one family, or for every family in code order on
        ``workers`` processes (:mod:`sftimeline.service.parallel`; default every core)."""
        if family is not None:
            for code, recs in self.iter_families(family):
                yield decide(code, recs)
            return
        from sftimeline.service.parallel import map_families

        store = self.record_store()
        with translated():
            yield from map_families(store, decide, workers)

    def timeline(
        self,
        family: str,
        on: date | str,
        known_at: datetime | date | str | None = None,
    ) -> TimelineView:
        """A family's records as of ``on`` as known at ``known_at`` (default now)."""
        day = parse_date(on, "on")
        t = parse_known_at(known_at, "known_at")
        return TimelineView.build(family, self.records(family), day, t)


def generate_county(out: TextIO, families: int, seed: int = 1) -> int:
    """Write a deterministic synthetic county as JSON Lines; returns the records written."""
    from sftimeline.generate import write_county

    return write_county(out, families, seed)
