"""Persistence of families' records: the eventsourcing Application and a RecordStore facade.

Backends are the library's built-in modules, ``eventsourcing.sqlite`` (an embedded
file, the default) and ``eventsourcing.postgres``: per the project notes they write
2–3.5× faster than eventsourcing-sqlalchemy, and writes dominate imports.

URLs: a path or ``sqlite:///path`` (file created on first use), or
``postgresql://user@host:port/dbname[?schema=NAME]``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

import orjson
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    JSONTranscoder,
    PersistenceError,
    Transcoding,
)

from sftimeline.adapters.family_cache import FamilyCache
from sftimeline.adapters.locks import create_once
from sftimeline.adapters.states import REGISTERED_TOPIC, plain_state, record_from_state
from sftimeline.adapters.store_errors import NoStore, StoreError, StoreUnavailable, UnknownFamily
from sftimeline.adapters.store_url import (
    create_private_file,
    default_url,
    env_for_url,
    file_of,
    postgres_reason,
)

if TYPE_CHECKING:
    # Imported where used: the Family aggregate's event classes and the record models
    # cost a reading command most of its start-up, and reading needs neither (states
    # are folded straight into Records, family codes read from the Registered states).
    from sftimeline.adapters.cipher import CipherState
    from sftimeline.adapters.eventstate import PreparedRecord
    from sftimeline.aggregates.family import Outcome, RecordOutcome
    from sftimeline.records import Record, RecordModel

PAGE = 5000


class DateAsISO(Transcoding):
    """``datetime.date`` is not serialisable by the library's default JSON transcoder."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class FamilyRecords(Application[UUID]):
    """The application that stores Family aggregates."""

    name = "FamilyRecords"

    def construct_recorder(self) -> ApplicationRecorder:
        # tables created once, whoever opens first
        return create_once(self.env.get, super().construct_recorder)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


@dataclass
class BatchOutcome:
    """What one save did: outcome per record, in the order given."""

    outcomes: list[RecordOutcome] = field(default_factory=list)

    def count(self, outcome: Outcome | str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def stored(self) -> int:
        return self.count("stored")

    @property
    def duplicates(self) -> int:
        return self.count("duplicate")

    @property
    def conflicts(self) -> int:
        return self.count("conflict")


class RecordStore:
    """Facade over :class:`FamilyRecords`: open, save batches, read records back."""

    def __init__(self, app: FamilyRecords, url: str, cipher: dict[str, str] | None = None) -> None:
        self.app = app
        self.url = url
        #: the library's cipher settings every application on this store needs (or {})
        self.cipher_env: dict[str, str] = cipher or {}
        #: aggregates touched in this run (keys and versions, bounded: memory flat in
        #: file size)
        self._cache = FamilyCache(app)

    @property
    def encrypted(self) -> bool:
        return bool(self.cipher_env)

    @classmethod
    def open(
        cls, url: str | None = None, *, key: str | None = None, create: bool = True
    ) -> RecordStore:
        """Open (and, unless ``create`` is false, on first use create) the store at ``url``
        (default SFTIMELINE_DB).

        ``key`` (default: ``SFTIMELINE_KEY`` / ``SFTIMELINE_KEY_FILE``; ``""``: no key,
        whatever the environment says) encrypts a new store and must open an encrypted
        one (adapters/cipher.py); a wrong or missing key raises ``KeyProblem``. A new
        SQLite file is readable by its owner only.

        ``create=False`` is for commands that only read: a missing SQLite file, a missing
        PostgreSQL database or a schema without the store's tables raises :class:`NoStore`
        instead of creating an empty store that would answer "no families".
        """
        from sftimeline.adapters.cipher import cipher_env, key_from_env

        url = url or default_url()
        try:
            env = env_for_url(url)
        except StoreUnavailable:  # a SQLite path in a directory that does not exist
            if create:
                raise
            raise NoStore(url) from None
        key = (key if key is not None else key_from_env()) or None
        sqlite = env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
        if not create:
            path = env.get("SQLITE_DBNAME", ":memory:")
            if sqlite and path != ":memory:" and not os.path.isfile(path):
                raise NoStore(url)
            env["CREATE_TABLE"] = "false"
        elif sqlite:
            create_private_file(env["SQLITE_DBNAME"])
        # The library's pool retries for seconds and then only says it timed out: one
        # plain connection first fails fast and says why (refused, no such database).
        reason = None if sqlite else postgres_reason(env)
        if reason is not None:
            if not create and "does not exist" in reason:
                raise NoStore(url)
            raise StoreUnavailable(f"cannot open store {url!r}: {reason}")
        try:
            app = FamilyRecords(env={**env, **cipher_env(key)})
        except StoreError:
            raise
        except Exception as exc:  # library wraps driver errors variously
            raise StoreUnavailable(f"cannot open store {url!r}: {exc}") from None
        store = cls(app, url, cipher_env(key))
        try:
            if not create:
                store._check_is_store()
            store._settle_cipher(key, create=create)
        except BaseException:
            store.close()
            raise
        return store

    def _check_is_store(self) -> None:
        """Raise :class:`NoStore` when the database holds no store's tables."""
        try:
            self.app.recorder.max_notification_id()
        except Exception as exc:
            text = str(exc)
            if "no such table" in text or "does not exist" in text:
                raise NoStore(self.url) from None  # a database or file that is not a store
            raise StoreUnavailable(f"cannot open store {self.url!r}: {exc}") from None

    def _settle_cipher(self, key: str | None, *, create: bool) -> None:
        """Record (new store) or check (existing store) whether it is encrypted."""
        from sftimeline.adapters.cipher import check_key, settle

        recorded = self._recorded_cipher_state()
        if recorded is not None and not (key and create and not recorded.encrypted):
            # the common case, settled long ago: check the key against what the store
            # records, read on the event store's own connection (no SQLAlchemy)
            check_key(recorded, key)
            return
        path = file_of(self.url) if create else None
        if path is not None:  # a writer on a SQLite file: settled without SQLAlchemy
            from sftimeline.adapters.cipher_sqlite import settle_file

            recorder: Any = self.app.recorder
            try:
                settle_file(path, recorder.events_table_name, key)
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"cannot open store {self.url!r}: {exc}") from None
            return
        from sftimeline.adapters.sql import engine_for_url

        engine = engine_for_url(self.url)
        try:
            has_events = self.app.recorder.max_notification_id() is not None
            settle(engine, key, has_events, create=create)
        except StoreError:
            raise
        except Exception as exc:  # SQLAlchemy / driver errors
            raise StoreUnavailable(f"cannot open store {self.url!r}: {exc}") from None
        finally:
            engine.dispose()

    def _recorded_cipher_state(self) -> CipherState | None:
        """The store's recorded cipher state (``adapters/cipher.py``) when it has one, read
        on its own connection (:meth:`own_setting`), else None (the caller then settles it
        the long way, through SQLAlchemy, which also says why a read failed)."""
        from sftimeline.adapters.cipher import SETTING, CipherState

        _, value = self.own_setting(SETTING)
        if isinstance(value, dict) and "encrypted" in value:
            return CipherState.from_json(value)
        return None

    def own_setting(self, key: str) -> tuple[bool, Any]:
        """``(True, value)`` of a setting read on the event store's own connection, SQLite's
        or PostgreSQL's (no SQLAlchemy: its import and engine were ≈ 0.15 s of a command's
        start-up, and on PostgreSQL one more connection); the value is None when it is
        not set or the settings table does not exist yet. ``(False, None)`` when the read
        failed otherwise (a locked file, say) or the store is neither: the caller reads
        it the long way, which says why."""
        from sftimeline.adapters.process_settings import SETTINGS_TABLE

        datastore: Any = getattr(self.app.recorder, "datastore", None)
        module = self.app.env.get("PERSISTENCE_MODULE")
        if datastore is None:
            return False, None
        if module == "eventsourcing.sqlite":
            query = f"SELECT value FROM {SETTINGS_TABLE} WHERE key = ?"
        elif module == "eventsourcing.postgres":  # a schema name is a plain identifier
            query = f'SELECT value FROM "{datastore.schema}".{SETTINGS_TABLE} WHERE key = %s'
        else:
            return False, None
        try:
            with datastore.transaction(commit=False) as curs:
                curs.execute(query, (key,))
                row = curs.fetchone()
        except Exception as exc:
            text = str(exc)
            missing = f"no such table: {SETTINGS_TABLE}" in text or (
                f'{SETTINGS_TABLE}" does not exist' in text
            )
            return missing, None
        if row is None:
            return True, None
        return True, json.loads(row["value"] if isinstance(row, dict) else row[0])

    def close(self) -> None:
        self._cache.clear()
        self.app.close()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ----------------------------------------------------------

    def save_records(
        self, models: Iterable[RecordModel | Record], imported_at: datetime, *, retries: int = 5
    ) -> BatchOutcome:
        """Store a batch in one transaction (see :meth:`save_prepared`); a model without
        ``recorded_at`` is known from ``imported_at``."""
        from sftimeline.adapters.eventstate import prepared_record
        from sftimeline.records import Record

        return self.save_prepared(
            [
                prepared_record(m if isinstance(m, Record) else record_value(m, imported_at))
                for m in models
            ],
            retries=retries,
        )

    def save_prepared(self, items: Sequence[PreparedRecord], *, retries: int = 5) -> BatchOutcome:
        """Store a batch of records prepared by :func:`~.eventstate.prepared_record` (an
        import's workers prepare them) in one transaction; on a concurrent writer reload
        and retry.

        Each family decides each record's outcome on its keys
        (:meth:`Family.admit_key`: de-duplication by source id, conflicts, a key of its
        own for a record without one); the stored events are written in one insert
        (:mod:`sftimeline.adapters.bulkwrite`).
        """
        from sftimeline.adapters.bulkwrite import binds_rows, decide_batch, insert_events

        for attempt in range(retries + 1):
            touched: set[UUID] = set()
            try:
                families = self._cache.load(dict.fromkeys(item[0] for item in items))
            except PersistenceError as exc:
                raise StoreUnavailable(f"cannot read store {self.url!r}: {exc}") from None
            try:
                outcomes, events = decide_batch(
                    self.app.mapper, families, items, touched, binds_rows(self.app.recorder)
                )
            except BaseException:  # nothing written: the families' keys are read again
                self._cache.forget(touched)
                raise
            try:
                if events:
                    insert_events(self.app.recorder, events)
                self._cache.trim()  # memory flat in the file's size
                return BatchOutcome(outcomes)
            except IntegrityError:
                self._cache.forget(touched)
                if attempt == retries:
                    raise
            except PersistenceError as exc:
                self._cache.forget(touched)
                raise StoreUnavailable(f"cannot write to store {self.url!r}: {exc}") from None
        raise AssertionError("unreachable")

    # -- reading ----------------------------------------------------------

    def family_records(self, family: str) -> list[Record]:
        """One family's stored records (store order)."""
        from sftimeline.aggregates.family import Family

        try:
            fam = cast(Family, self.app.repository.get(Family.create_id(family)))
        except AggregateNotFoundError:
            raise UnknownFamily(family) from None
        return fam.records

    def _notifications(self, topics: tuple[str, ...] = ()) -> Iterator[Any]:
        recorder = self.app.recorder
        start: int | None = None
        while True:
            try:
                page = recorder.select_notifications(
                    start, PAGE, topics=topics, inclusive_of_start=start is None
                )
            except PersistenceError as exc:
                raise StoreUnavailable(f"cannot read store {self.url!r}: {exc}") from None
            if not page:
                return
            yield from page
            start = page[-1].id
            if len(page) < PAGE:
                return

    def registered_codes(self) -> Iterator[tuple[str, UUID]]:
        """(family code, aggregate id) of every Registered event, read from its state
        through the library's notification log (no event objects: listing families then
        needs neither the Family aggregate's classes nor the record models). The
        reference for :func:`~sftimeline.adapters.scan.family_index`, which finds the
        same events through the primary key, faster."""
        plain = plain_state(self.app.mapper)
        for n in self._notifications((REGISTERED_TOPIC,)):
            state = n.state if plain is None else plain(n.state)
            yield orjson.loads(state)["family_code"], n.originator_id

    def families(self) -> list[str]:
        """Every family code with records, sorted."""
        return [code for code, _ in self.family_index()]

    def family_index(self) -> list[tuple[str, UUID]]:
        """Every family's (code, aggregate id), sorted by code."""
        from sftimeline.adapters.scan import family_index

        return family_index(self)

    def iter_family_records(
        self, families: list[tuple[str, UUID]] | None = None
    ) -> Iterator[tuple[str, list[Record]]]:
        """Every family's records (or those of ``families``), one family at a time, sorted
        by family code.

        Streams in large ordered scans (:mod:`sftimeline.adapters.scan`: one query per
        chunk of families, states decoded straight into Records), so memory holds one
        chunk at a time and a caller (``sftimeline evaluate``) can write each decision as
        soon as it is made.
        """
        from sftimeline.adapters.scan import iter_families

        yield from iter_families(self, self.family_index() if families is None else families)

    def iter_family_records_bulk(self) -> Iterator[tuple[str, list[Record]]]:
        """Every family's records, read in bulk from the notification log (sorted by code)."""
        from sftimeline.aggregates.family import RECORD_TOPICS, Family

        codes: dict[UUID, str] = {}
        grouped: dict[UUID, list[Record]] = defaultdict(list)
        mapper = self.app.mapper
        decode = mapper.to_domain_event
        # Plain JSON states (no cipher, no compressor) are folded straight into Records,
        # about 3× cheaper than building the library's event objects first.
        plain = mapper.cipher is None and mapper.compressor is None
        for n in self._notifications():
            if n.topic == REGISTERED_TOPIC:
                codes[n.originator_id] = cast(Family.Registered, decode(n)).family_code
                continue
            if n.topic not in RECORD_TOPICS:
                continue
            code = codes[n.originator_id]
            if plain:
                grouped[n.originator_id].append(record_from_state(n.state, code))
            else:
                ev = cast(Family.RecordAdded, decode(n))
                grouped[n.originator_id].append(ev.to_record(code))
        for fid in sorted(codes, key=lambda f: codes[f]):
            yield codes[fid], grouped.pop(fid, [])

    def read_all_records(self) -> int:
        """Read and decode every stored record (the "read and decode" benchmark)."""
        return sum(len(recs) for _, recs in self.iter_family_records())


def record_value(model: RecordModel, imported_at: datetime) -> Record:
    """Convenience for callers that need the Record of a model without storing it."""
    from sftimeline.records import record_from_model

    return record_from_model(model, default_recorded_at=model.recorded_at or imported_at)
