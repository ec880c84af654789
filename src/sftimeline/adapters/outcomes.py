"""The policy process: follows the families' notification log and records outcome events.

Wiring (eventsourcing 9.5: process recorders, tracking records, notification logs):

- ``FamilyOutcomesApp`` is an eventsourcing ``Application`` whose recorder is a *process
  recorder*: the outcome events of a batch and the tracking record (the position in the
  ``FamilyRecords`` notification log) are written in one transaction. A crash before the
  commit loses the whole batch, position included, and the restart redoes it; a crash
  after it redoes nothing. So outcome events are neither lost nor duplicated.
- The library's runners do not catch up on start and prompts do not cross processes, and
  on SQLite there are no subscriptions. ``PolicyProcess.run`` therefore pulls the leader's
  notification log itself, from its tracked position, in windows of ``window``
  notifications: a process started after records were imported catches up on its own.
- Each window groups its notifications by family and evaluates each family once, on the
  family's *current* records (so a family whose import straddles two windows is never
  judged on half its records; the second window finds nothing changed and records
  nothing). The previous decisions are the ``FamilyOutcomes`` aggregate's state.
- Same database as the store: on PostgreSQL the library names tables after the
  application (``familyoutcomes_events``); the built-in SQLite module would share
  ``stored_events`` with ``FamilyRecords``, so a recorder subclass names its own table.
- After the events are stored, the status and claims read models catch up from the
  ``FamilyOutcomes`` log (readmodels/status.py), with their own position. On a SQLite
  file whose tables exist, the settings, the read models and their position are read and
  written with ``sqlite3`` (readmodels/sqlite.py): SQLAlchemy is imported only where it
  is needed (PostgreSQL, the first run that creates the tables), as its import was
  ≈ 0.15 s of every late record's process run.

This module is the process's wiring, the one place below ``commands/`` where the store,
the policies (``policies/process.py`` decides what to record) and the read models meet:
running, recording and projecting. How it reads a family is in ``family_reads.py``, how
it decides one in ``family_decisions.py``, how it shares the deciding among worker
processes in ``decide.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import (
    IntegrityError,
    PersistenceError,
    Tracking,
)

from sftimeline.adapters.decide import catch_up_on_workers, decided
from sftimeline.adapters.family_decisions import FamilyDecisions, load_framework
from sftimeline.adapters.outcomes_app import FamilyOutcomesApp, outcomes_env
from sftimeline.adapters.process_settings import EnabledFramework, Settings
from sftimeline.adapters.store import FamilyRecords, RecordStore
from sftimeline.adapters.store_errors import StoreError, StoreUnavailable
from sftimeline.adapters.store_url import file_of, is_shared
from sftimeline.aggregates.outcomes import OUTCOME_TOPICS, FamilyOutcomes
from sftimeline.calendar import today_uk
from sftimeline.readmodels import sqlite as sqlite_rm

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    # The evaluator, the policy compiler, the record models and the Family aggregate are
    # imported where a process evaluates: `sftimeline status` reads this module's
    # settings and positions only, and should not pay their start-up.
    from sftimeline.policies.loader import Framework


LEADER = FamilyRecords.name
WINDOW = 2000
#: families per transaction when every family is re-evaluated
ALL_CHUNK = 200
#: conflicts with a concurrent run tolerated before giving up
MAX_CONFLICTS = 5


# -- the process --------------------------------------------------------------------


@dataclass
class RunSummary:
    notifications: int = 0
    families: int = 0
    windows: int = 0
    events: dict[str, int] = field(default_factory=dict)
    position: int = 0
    projected: int = 0

    def lines(self) -> list[str]:
        out = [
            f"notifications: {self.notifications}",
            f"families:      {self.families} evaluated",
            f"position:      {self.position}",
        ]
        for kind in sorted(self.events):
            out.append(f"{kind + ':':<24}{self.events[kind]}")
        return out


class ProcessFailure(StoreError):
    """The process could not run (store unreachable, concurrent run, bad framework)."""


class PolicyProcess(FamilyDecisions):
    """Re-evaluates changed families under the enabled frameworks; records outcome events.

    ``known_at`` (default: the moment of each window) and ``on`` (default: the ``on``
    setting, else the UK date of the run) are the basis every outcome records.
    ``after_family`` is called after each family is evaluated (tests use it to crash a
    run mid-batch). ``workers`` processes evaluate the families; this one records.
    """

    def __init__(
        self,
        store: RecordStore,
        frameworks: Sequence[Framework],
        *,
        on: date | None = None,
        known_at: datetime | None = None,
        window: int = WINDOW,
        engine: Engine | None = None,
        after_family: Callable[[str], None] | None = None,
        workers: int = 1,
    ) -> None:
        self.store = store
        #: processes that evaluate families (adapters/decide.py); this one records
        self.workers = workers
        self.frameworks = {fw.id: fw for fw in frameworks}
        self.on = on
        self.known_at = known_at
        self.window = window
        self.after_family = after_family
        self._engine = engine
        try:
            self.app = FamilyOutcomesApp(env=outcomes_env(store.url, store.cipher_env))
        except Exception as exc:
            raise StoreUnavailable(f"cannot open outcomes in {store.url!r}: {exc}") from None
        #: the SQLite file whose read models are kept through sqlite3 (None: SQLAlchemy)
        self._sqlite_file = file_of(store.url)
        try:
            if self._sqlite_file is None or not sqlite_rm.tables_exist(self._sqlite_file):
                from sftimeline.readmodels import status as rm

                rm.create_tables(self.engine)
        except Exception as exc:  # SQLAlchemy wraps driver errors variously
            self.app.close()
            raise StoreUnavailable(f"cannot create read models in {store.url!r}: {exc}") from None
        self._claim_frameworks: dict[str, tuple[Framework | None, str]] = {}
        self._enabled: dict[str, EnabledFramework] | None = None
        self.read_ahead(())

    @classmethod
    def from_settings(
        cls, store: RecordStore, *, frameworks: Iterable[str] = (), **kw: Any
    ) -> PolicyProcess:
        """A process for the frameworks enabled in the database (or those named)."""
        engine: Engine | None = kw.pop("engine", None)

        def made() -> Engine:
            nonlocal engine
            if engine is None:
                from sftimeline.adapters.sql import engine_for_url

                engine = engine_for_url(store.url)
            return engine

        settings = Settings(store, made)
        named = list(frameworks)
        enabled = {f.id: f for f in settings.enabled_frameworks()}
        chosen = [enabled.get(f, EnabledFramework(f)) for f in named] or list(enabled.values())
        fws = [load_framework(f.file or f.id) for f in chosen]
        if kw.get("on") is None:
            kw["on"] = settings.configured_on()
        return cls(store, fws, engine=engine, **kw)

    @property
    def engine(self) -> Engine:
        """SQLAlchemy on the store's database, made on first use (never, for a late
        record on a SQLite file whose read models exist)."""
        if self._engine is None:
            from sftimeline.adapters.sql import engine_for_url

            self._engine = engine_for_url(self.store.url)
        return self._engine

    def settings(self) -> Settings:
        """The process's settings as the store holds them now."""
        return Settings(self.store, lambda: self.engine)

    def close(self) -> None:
        self.app.close()
        if self._engine is not None:
            self._engine.dispose()

    def __enter__(self) -> PolicyProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- positions ------------------------------------------------------------------

    def position(self) -> int:
        return self.app.process_recorder.max_tracking_id(LEADER) or 0

    def head(self) -> int:
        return self.store.app.recorder.max_notification_id() or 0

    # -- running --------------------------------------------------------------------

    def run(self, *, all_families: bool = False) -> RunSummary:
        """Catch up from the tracked position to the head of the families' log.

        ``all_families`` also re-evaluates every family once (e.g. after the on-date or
        a framework changed), with tracking unchanged. On PostgreSQL every run is one
        worker of a shared queue (:mod:`sftimeline.adapters.workqueue`), so several runs
        on one or many machines share the families between them.
        """
        summary = RunSummary()
        if is_shared(self.store.url):
            from sftimeline.adapters.workqueue import run_shared

            return run_shared(self, summary, all_families=all_families)
        if all_families:
            self._reevaluate_all(summary)
        if self.workers > 1:
            catch_up_on_workers(self, summary)  # windows decided ahead on the workers
        conflicts = 0
        while True:
            fids, last, count = self.read_window(self.position())
            if not count:
                break
            if not self._process(fids, Tracking(LEADER, last), summary):
                conflicts = self._conflict(conflicts)
                continue  # another run moved on: redo from the new position
            summary.notifications += count
            summary.windows += 1
            if count < self.window:
                break
        summary.position = self.position()
        summary.projected = self.project()
        return summary

    def read_window(self, pos: int) -> tuple[list[UUID], int, int]:
        """The families of the ``window`` notifications after ``pos`` (first notified
        first), the last notification's id and how many were read."""
        from sftimeline.adapters.scan import notified_families

        try:
            return notified_families(self.store, pos, self.window)
        except PersistenceError as exc:
            raise StoreUnavailable(f"cannot read store {self.store.url!r}: {exc}") from None
        except Exception as exc:  # driver errors below the library (sqlite3)
            raise StoreUnavailable(f"cannot read store {self.store.url!r}: {exc}") from None

    @staticmethod
    def _conflict(conflicts: int) -> int:
        if conflicts >= MAX_CONFLICTS:
            raise ProcessFailure(
                f"gave up after {conflicts} conflicts with another process run at the same time"
            )
        return conflicts + 1

    def _reevaluate_all(self, summary: RunSummary) -> None:
        from sftimeline.aggregates.family import Family

        fids = [Family.create_id(code) for code in self.store.families()]
        conflicts = 0
        i = 0
        while i < len(fids):
            if self._process(fids[i : i + ALL_CHUNK], None, summary):
                i += ALL_CHUNK
            else:
                conflicts = self._conflict(conflicts)

    def _known_at(self) -> datetime:
        return self.known_at or datetime.now(UTC)

    def _process(
        self, fids: Sequence[UUID], tracking: Tracking | None, summary: RunSummary
    ) -> bool:
        """Evaluate families and record their outcome events (and the tracking) atomically.

        False when another run recorded first (a version or tracking conflict): nothing
        of this batch was stored and the caller redoes it from the new position.
        """
        known_at = self._known_at()
        on = self.on or today_uk()
        return self.record_decided(tracking, decided(self, fids, on, known_at), fids, summary)

    def record_decided(
        self,
        tracking: Tracking | None,
        decided: Iterable[tuple[str, FamilyOutcomes]],
        read_ahead: Sequence[UUID],
        summary: RunSummary,
    ) -> bool:
        """Collect the outcome events of ``decided`` (family code, outcomes), in order,
        with ``read_ahead`` families read in one scan while they are decided, and record
        them with ``tracking``: one transaction (:meth:`record`). The one way a batch is
        recorded, whether decided here or on the workers (adapters/decide.py)."""
        pe: ProcessingEvent[UUID] = ProcessingEvent(tracking)
        evaluated = 0
        self.read_ahead(read_ahead)
        try:
            for code, agg in decided:
                pe.collect_events(agg)
                evaluated += 1
                if self.after_family is not None:
                    self.after_family(code)
        finally:
            self.read_ahead(())
        return self.record(pe, evaluated, summary)

    def record(self, pe: ProcessingEvent[UUID], evaluated: int, summary: RunSummary) -> bool:
        """Record the collected outcome events and the tracking in one transaction, and
        count them; False when another run recorded first (nothing stored)."""
        try:
            self.app._record(pe)  # events + tracking in one transaction
        except IntegrityError:
            return False
        except PersistenceError as exc:
            raise StoreUnavailable(f"cannot record outcomes in {self.store.url!r}: {exc}") from None
        summary.families += evaluated
        for ev in pe.events:
            kind = getattr(ev, "kind", "")
            if kind:
                summary.events[kind] = summary.events.get(kind, 0) + 1
        return True

    # -- read models ----------------------------------------------------------------

    def project(self, page: int = 5000) -> int:
        """Bring the status and claims tables up to the outcomes log; returns events applied."""
        path = self._sqlite_file
        if path is not None:
            start = sqlite_rm.position(path)
        else:
            from sftimeline.readmodels.status import position

            with self.engine.connect() as conn:
                start = position(conn)
        recorder = self.app.recorder
        decode = self.app.mapper.to_domain_event
        topics = tuple(OUTCOME_TOPICS)
        applied = 0
        while True:
            notes = recorder.select_notifications(
                start, page, topics=topics, inclusive_of_start=False
            )
            if not notes:
                return applied
            events = []
            for n in notes:
                ev = cast(FamilyOutcomes.OutcomeRecorded, decode(n))
                events.append((n.id, ev.kind, ev.payload))
            if path is not None:
                sqlite_rm.apply_page(path, events, notes[-1].id)
            else:
                from sftimeline.readmodels.status import apply_page

                apply_page(self.engine, events, notes[-1].id)
            applied += len(events)
            start = notes[-1].id
            if len(notes) < page:
                return applied

    # -- reading outcomes -----------------------------------------------------------

    def outcome_events(self, family: str | None = None) -> list[dict[str, Any]]:
        """Every outcome event (optionally of one family), in log order, as JSON."""
        decode = self.app.mapper.to_domain_event
        out: list[dict[str, Any]] = []
        start: int | None = None
        while True:
            notes = self.app.recorder.select_notifications(
                start, 5000, topics=tuple(OUTCOME_TOPICS), inclusive_of_start=start is None
            )
            for n in notes:
                ev = cast(FamilyOutcomes.OutcomeRecorded, decode(n))
                if family is None or ev.payload.get("family") == family:
                    out.append({"id": n.id, "kind": ev.kind, **ev.payload})
            if len(notes) < 5000:
                return out
            start = notes[-1].id


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)
