"""The Family aggregates an importing store keeps between batches (keys and versions).

De-duplication needs, per family, the keys already stored and the version the next event
takes. An import touches each family for about a hundred records in a row, so the store
keeps the aggregates it touched, the most recently used last, at most
:data:`CACHED_FAMILIES` of them (memory flat in the file's size).

A family not in the cache used to cost one ``repository.get`` — a query — even when it
had never been stored, which on a first import is every family (about half a second a
county of 500 families on PostgreSQL). :meth:`FamilyCache.load` asks once per batch which
of the batch's uncached families have any stored event: the others are new aggregates
made here, the rest are read the library's way, as before.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

if TYPE_CHECKING:
    from eventsourcing.application import Application

    from sftimeline.aggregates.family import Family

#: families whose keys an importing store keeps (≈ 100 records, ≈ 20 KB each)
CACHED_FAMILIES = 2000
#: ids per existence query (under SQLite's oldest limit of 999 parameters)
_QUERY_IDS = 500


def stored_ids(app: Application[UUID], fids: Sequence[UUID]) -> set[UUID]:
    """Those of ``fids`` that have at least one stored event, one query per
    :data:`_QUERY_IDS` ids on the store's events table.

    A family that has any event has its first, version 1 (``Registered``; events are
    never deleted), so the query asks for that one row of each id: one probe of the
    primary key ``(originator_id, originator_version)`` per id. Asking for every event of
    the ids (``DISTINCT originator_id``) read a hundred rows a family, and on PostgreSQL,
    once a backfill had grown the table past the statistics the planner last saw, it
    chose parallel scans of the table: half a second a batch at ten million events.
    """
    recorder: Any = app.recorder
    datastore = recorder.datastore
    table = recorder.events_table_name
    found: set[UUID] = set()
    for i in range(0, len(fids), _QUERY_IDS):
        part = fids[i : i + _QUERY_IDS]
        params: Any
        if hasattr(datastore, "schema"):  # PostgreSQL
            sql = (
                f'SELECT originator_id FROM "{datastore.schema}"."{table}"'
                " WHERE originator_id = ANY(%s) AND originator_version = 1"
            )
            uuids = datastore.originator_id_type == "uuid"
            params = (list(part) if uuids else [str(f) for f in part],)
        else:  # SQLite keeps ids as hex text
            sql = (
                f"SELECT originator_id FROM {table}"
                f" WHERE originator_id IN ({','.join('?' * len(part))}) AND originator_version = 1"
            )
            params = [f.hex for f in part]
        with datastore.transaction(commit=False) as curs:
            curs.execute(sql, params)
            rows = curs.fetchall()
        found.update(UUID(str(row["originator_id"])) for row in rows)
    return found


class FamilyCache:
    """The importing store's aggregates, least recently used first."""

    def __init__(self, app: Application[UUID]) -> None:
        self.app = app
        self._families: OrderedDict[UUID, Family] = OrderedDict()

    def __len__(self) -> int:
        return len(self._families)

    def load(self, codes: Iterable[str]) -> dict[str, Family]:
        """The aggregate of each family code (in the order given, each the most recently
        used now): cached, new, or read from the store (see the module's docstring)."""
        from sftimeline.aggregates.family import Family

        ids = {code: Family.create_id(code) for code in codes}
        missing = [fid for fid in ids.values() if fid not in self._families]
        stored = stored_ids(self.app, missing) if missing else set()
        out: dict[str, Family] = {}
        for code, fid in ids.items():
            fam = self._families.get(fid)
            if fam is None:
                fam = self._read(fid, code) if fid in stored else Family(code)
                self._families[fid] = fam
            else:
                self._families.move_to_end(fid)
            out[code] = fam
        return out

    def _read(self, fid: UUID, code: str) -> Family:
        from sftimeline.aggregates.family import Family

        try:
            fam = cast(Family, self.app.repository.get(fid))
        except AggregateNotFoundError:  # not there after all
            return Family(code)
        fam.stored = []  # only keys and the version are needed to import
        return fam

    def forget(self, fids: Iterable[UUID]) -> None:
        """Drop these families (their batch was not written: they are read again)."""
        for fid in fids:
            self._families.pop(fid, None)

    def trim(self) -> None:
        """Keep at most :data:`CACHED_FAMILIES`, dropping the least recently used."""
        while len(self._families) > CACHED_FAMILIES:
            self._families.popitem(last=False)

    def clear(self) -> None:
        self._families.clear()
