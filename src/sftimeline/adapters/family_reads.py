"""How the policy process reads the families it decides: their records with their
versions, folded straight from the stored events, :data:`READ_AHEAD` families per ordered
scan (``adapters/scan.py``), or one family the library's way (which names a damaged
event). A mixin of :class:`~sftimeline.adapters.outcomes.PolicyProcess`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast
from uuid import UUID

import orjson
from eventsourcing.persistence import PersistenceError

from sftimeline.adapters.states import record_from_state
from sftimeline.adapters.store import RecordStore
from sftimeline.adapters.store_errors import StoreUnavailable

if TYPE_CHECKING:
    from sftimeline.aggregates.outcomes import FamilyOutcomes
    from sftimeline.records import Record

#: families read in one scan while deciding (≈ 100 records each)
READ_AHEAD = 200


@dataclass(frozen=True)
class StoredFamily:
    """A family's code, aggregate version and (version, record) pairs in store order."""

    code: str
    version: int
    records: list[tuple[int, Record]]
    #: why the family's stored events could not all be read (then it is not evaluated)
    problem: str | None = None
    #: the family's outcomes aggregate as read ahead with it: ``outcomes_stored`` False,
    #: none was stored (a new one is started); True, ``outcomes`` is it, rebuilt from its
    #: events; None, not read (the process reads it the library's way). What the process
    #: knew of the outcomes, not part of the family's records: two reads compare equal
    outcomes_stored: bool | None = field(default=None, compare=False)
    outcomes: FamilyOutcomes | None = field(default=None, compare=False)

    def since(self, version: int) -> list[Record]:
        """The records stored after ``version`` (those a previous evaluation did not see)."""
        return [r for v, r in self.records if v > version]


class FamilyReads:
    """Reading the families about to be decided (``store`` is the process's store)."""

    store: RecordStore
    _upcoming: dict[UUID, int]
    _order: list[UUID]
    _ahead: dict[UUID, StoredFamily | None]

    def read_ahead(self, fids: Sequence[UUID]) -> None:
        """Families about to be decided, in order: :meth:`_decide` then reads them
        :data:`READ_AHEAD` at a time in one ordered scan each (``adapters/scan.py``)
        instead of one query per family. ``()`` forgets them."""
        self._upcoming = {fid: i for i, fid in enumerate(fids)}
        self._order = list(fids)
        self._ahead: dict[UUID, StoredFamily | None] = {}

    def _stored_family(self, fid: UUID) -> StoredFamily | None:
        """The family's records: read ahead with the families after it, or alone."""
        if fid in self._ahead:
            return self._ahead.pop(fid)
        i = self._upcoming.get(fid)
        if i is None:
            return self._family(fid)
        self._ahead = self._read_chunk(self._order[i : i + READ_AHEAD])
        return self._ahead.pop(fid) if fid in self._ahead else self._family(fid)

    def _read_chunk(self, fids: Sequence[UUID]) -> dict[UUID, StoredFamily | None]:
        """These families' records from one scan, folded as :meth:`_family` folds them.

        A family with an event this cannot read (or the whole chunk, when the scan
        fails) is left out: :meth:`_family` then reads it the library's way and says
        which event is damaged, exactly as before.
        """
        from sftimeline.adapters.scan import read_rows, state_reader
        from sftimeline.adapters.states import REGISTERED_TOPIC, record_topics

        try:
            rows = read_rows(self.store, fids)
        except Exception:  # the library's reads say what is wrong, family by family
            return {}
        plain = state_reader(self.store)
        topics = record_topics()
        out: dict[UUID, StoredFamily | None] = {}
        for fid in fids:
            events = rows.get(fid)
            if not events:
                out[fid] = None
                continue
            code = ""
            records: list[tuple[int, Record]] = []
            try:
                for version, topic, state in events:
                    if plain is not None:
                        state = plain(state)
                    if topic == REGISTERED_TOPIC:
                        code = orjson.loads(state)["family_code"]
                    elif topic in topics:
                        records.append((version, record_from_state(state, code)))
            except Exception:
                continue
            if not code:
                continue  # unreadable registration: _family names the family by its id
            out[fid] = StoredFamily(code, events[-1][0], records)
        return out

    def _family(self, fid: UUID) -> StoredFamily | None:
        """A family's records with their versions, folded straight from its stored events.

        The same records ``repository.get`` gives, about 3× cheaper (no aggregate
        machinery; see the store's bulk reader).
        """
        from sftimeline.aggregates.family import RECORD_TOPICS, REGISTERED_TOPIC, Family

        app = self.store.app
        try:
            stored = app.recorder.select_events(fid)
        except PersistenceError as exc:
            raise StoreUnavailable(f"cannot read store {self.store.url!r}: {exc}") from None
        if not stored:
            return None
        mapper = app.mapper
        plain = mapper.cipher is None and mapper.compressor is None
        code = ""
        records: list[tuple[int, Record]] = []
        problem = None
        for se in stored:
            try:
                if se.topic == REGISTERED_TOPIC:
                    code = cast(Family.Registered, mapper.to_domain_event(se)).family_code
                elif se.topic in RECORD_TOPICS:
                    if plain:
                        rec = record_from_state(se.state, code)
                    else:
                        rec = cast(Family.RecordAdded, mapper.to_domain_event(se)).to_record(code)
                    records.append((se.originator_version, rec))
            except Exception as exc:  # a damaged event: this family only (see `verify`)
                problem = problem or (
                    f"stored event version {se.originator_version} cannot be read: {reason(exc)}"
                )
        # a family whose registration is unreadable is named by its aggregate id
        return StoredFamily(code or f"#{fid}", stored[-1].originator_version, records, problem)


def reason(exc: BaseException) -> str:
    """A failure's reason as recorded: the exception's type and message."""
    return f"{type(exc).__name__}: {exc}"
