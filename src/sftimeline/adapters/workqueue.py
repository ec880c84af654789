"""Many policy-process workers on one PostgreSQL database, sharing the work safely.

One ``sftimeline process run`` (on one machine or many) is a worker; every worker runs
the same loop, and no worker is special:

1. **Dispatch** (one worker at a time: a session advisory lock, tried, never waited
   for): read the families' notification log after the process's tracked position,
   upsert each family changed there into ``sftimeline_process_work`` (its id and the
   latest notification that changed it, ``seq``), commit, *then* advance the tracking
   position. A worker dying between the two commits leaves the position behind, so the
   next dispatcher re-reads the window; the upsert makes that harmless.
2. **Claim and evaluate**: ``SELECT … FOR UPDATE SKIP LOCKED`` takes up to ``batch``
   queued families no other worker holds, in a transaction kept open while they are
   evaluated, so each family is evaluated by exactly one worker at a time. Their
   outcome events are recorded in one transaction of their own (the aggregates'
   versions make a second writer fail, never duplicate), then the claimed rows are
   deleted — only where ``seq`` is unchanged, so a family changed meanwhile stays
   queued — and the claim commits.
3. A worker that dies mid-family loses its connection, PostgreSQL rolls its claim
   back, and the rows are visible to the others again. If its outcome events were
   already committed, the family's re-evaluation finds nothing new and records nothing
   (the process records only changes against the ``FamilyOutcomes`` state), so no
   outcome event is lost or duplicated.
4. A worker stops when there is nothing to dispatch and the queue is empty. Rows another
   worker holds are waited for (up to :data:`PATIENCE` seconds without progress), so a
   dying worker's share is taken over; rows left after that wait for the next run.

The read models are projected under an advisory lock of their own, one worker at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import PersistenceError, Tracking
from sqlalchemy import text
from sqlalchemy.engine import Connection

from sftimeline.adapters.store_url import is_shared

if TYPE_CHECKING:
    from sftimeline.adapters.outcomes import PolicyProcess, RunSummary

WORK_TABLE = "sftimeline_process_work"
#: advisory lock keys (any fixed 64-bit numbers unique to this use)
DISPATCH_LOCK = 0x5F7100_01
PROJECT_LOCK = 0x5F7100_02
DDL_LOCK = 0x5F7100_03
#: the most families claimed (and recorded) per transaction
BATCH = 50
#: records per family in a typical county: a claim holds about a window's records
RECORDS_PER_FAMILY = 100
#: seconds between looks at a queue whose rows other workers hold
POLL = 0.2
#: seconds a worker waits, without any progress, for rows other workers hold before it
#: leaves them (to those workers, or to the next run)
PATIENCE = 60.0

#: families claimed by this process right now (a nested run in the same process must
#: not wait for its own caller's claim)
_held: set[UUID] = set()


def create_table(conn: Connection) -> None:
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": DDL_LOCK})
    conn.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS {WORK_TABLE} ("
            " family_id uuid PRIMARY KEY, seq bigint NOT NULL)"
        )
    )


def claim_size(proc: PolicyProcess) -> int:
    """Families per claim: as many as the serial process's window holds records (≈ 100
    each), at most :data:`BATCH`."""
    return max(1, min(BATCH, proc.window // RECORDS_PER_FAMILY))


class SharedWork:
    """The shared loop of one worker over ``proc`` (a :class:`PolicyProcess`)."""

    def __init__(
        self,
        proc: PolicyProcess,
        *,
        batch: int | None = None,
        after_claim: Callable[[Sequence[UUID]], None] | None = None,
    ) -> None:
        self.proc = proc
        self.engine = proc.engine
        self.batch = batch or claim_size(proc)
        self.after_claim = after_claim
        with self.engine.begin() as conn:
            create_table(conn)

    # -- dispatching ----------------------------------------------------------------

    def enqueue(self, fids: Sequence[UUID], seq: int) -> None:
        """Queue families (every family, for ``--all``) at notification ``seq``."""
        if not fids:
            return
        with self.engine.begin() as conn:
            self._upsert(conn, {fid: seq for fid in fids})

    @staticmethod
    def _upsert(conn: Connection, seqs: dict[UUID, int]) -> None:
        conn.execute(
            text(
                f"INSERT INTO {WORK_TABLE} (family_id, seq) VALUES (:f, :s)"
                " ON CONFLICT (family_id) DO UPDATE SET seq = GREATEST("
                f"{WORK_TABLE}.seq, EXCLUDED.seq)"
            ),
            [{"f": f, "s": s} for f, s in seqs.items()],
        )

    def dispatch(self) -> int | None:
        """Move new notifications into the queue; how many (None: another worker is)."""
        from sftimeline.adapters.scan import notification_page

        proc = self.proc
        with self.engine.connect() as lock:
            got = lock.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": DISPATCH_LOCK})
            if not got.scalar():
                lock.rollback()
                return None
            lock.commit()
            try:
                moved = 0
                while True:
                    runs, last, count = notification_page(proc.store, proc.position(), proc.window)
                    if not count:
                        return moved
                    with self.engine.begin() as conn:
                        self._upsert(conn, dict(runs))  # each family's last notification
                    proc.app.process_recorder.insert_tracking(Tracking(_leader(), last))
                    moved += count
                    if count < proc.window:
                        return moved
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": DISPATCH_LOCK})
                lock.commit()

    # -- claiming -------------------------------------------------------------------

    def claim_and_process(self, summary: RunSummary) -> int:
        """Evaluate one batch of queued families no other worker holds; how many."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    f"SELECT family_id, seq FROM {WORK_TABLE} ORDER BY seq, family_id"
                    " LIMIT :n FOR UPDATE SKIP LOCKED"
                ),
                {"n": self.batch},
            ).all()
            if not rows:
                conn.rollback()
                return 0
            fids = [UUID(str(r[0])) for r in rows]
            _held.update(fids)
            try:
                if self.after_claim is not None:
                    self.after_claim(fids)
                if not self.proc._process(fids, None, summary):
                    conn.rollback()  # another writer recorded first: evaluate them again
                    return 0
                conn.execute(
                    text(f"DELETE FROM {WORK_TABLE} WHERE family_id = :f AND seq = :s"),
                    [{"f": r[0], "s": r[1]} for r in rows],
                )
                conn.commit()
            finally:
                _held.difference_update(fids)
            return len(rows)

    def queued(self) -> int:
        """Families queued, not counting those this process itself holds."""
        with self.engine.connect() as conn:
            count = conn.execute(
                text(f"SELECT count(*) FROM {WORK_TABLE} WHERE NOT (family_id = ANY(:held))"),
                {"held": list(_held)},
            ).scalar()
            return int(count or 0)

    # -- the loop -------------------------------------------------------------------

    def run(self, summary: RunSummary, *, all_families: bool = False) -> RunSummary:
        """Work until nothing is left to dispatch and the queue is empty."""
        from sftimeline.aggregates.family import Family

        proc = self.proc
        if all_families:
            head = proc.head()
            self.enqueue([Family.create_id(c) for c in proc.store.families()], head)
        progress = time.monotonic()
        while True:
            moved = self.dispatch()
            if moved:
                summary.notifications += moved
            done = self.claim_and_process(summary)
            if done or moved:
                progress = time.monotonic()
                continue
            if moved is None:  # another worker is dispatching: look again
                time.sleep(POLL)
            elif self.queued() == 0 or time.monotonic() - progress > PATIENCE:
                break
            else:
                time.sleep(POLL)  # rows held by other workers: wait, they may die
        summary.position = proc.position()
        summary.projected = self.project()
        return summary

    def project(self) -> int:
        """Project the read models, one worker at a time."""
        with self.engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PROJECT_LOCK})
            lock.commit()
            try:
                return self.proc.project()
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PROJECT_LOCK})
                lock.commit()


def queued_families(proc: PolicyProcess) -> int:
    """Families waiting in the shared queue (0 on a store that has none)."""
    if not is_shared(proc.store.url):
        return 0
    return SharedWork(proc).queued()


def _leader() -> str:
    from sftimeline.adapters.outcomes import LEADER

    return LEADER


def run_shared(proc: PolicyProcess, summary: RunSummary, **kw: Any) -> RunSummary:
    """One worker's share of the process on a shared (PostgreSQL) store; with
    ``proc.workers`` > 1, that many queue workers forked from this one."""
    all_families = bool(kw.pop("all_families", False))
    try:
        if proc.workers > 1 and not kw:
            fids = [fid for _, fid in proc.store.family_index()] if all_families else None
            if _enough_to_share(proc, fids):
                return _run_forked(proc, summary, fids)
        return SharedWork(proc, **kw).run(summary, all_families=all_families)
    except PersistenceError as exc:
        from sftimeline.adapters.store_errors import StoreUnavailable

        raise StoreUnavailable(f"cannot run the process on {proc.store.url!r}: {exc}") from None


class QueueJob:
    """A queue worker in a forked process (``process run --workers N`` on PostgreSQL):
    a process of its own on its own connections, run until the queue is done.

    Each claimed batch is decided where it was claimed (a pool started per batch of 20
    families costs more than it saves), so the cores are used by running N queue
    workers, exactly as N ``process run`` on the machine would: the queue gives each
    family to one of them at a time, whichever order they finish in.
    """

    def __init__(self, parent: PolicyProcess) -> None:
        self.url = parent.store.url
        self.key = parent.store.cipher_env.get("CIPHER_KEY", "")
        self.frameworks = list(parent.frameworks.values())
        self.on, self.known_at, self.window = parent.on, parent.known_at, parent.window
        self._proc: PolicyProcess | None = None

    def __call__(self, _task: int) -> RunSummary:
        from sftimeline.adapters.outcomes import PolicyProcess, RunSummary
        from sftimeline.adapters.store import RecordStore
        from sftimeline.pool import small_pools

        if self._proc is None:
            small_pools()
            store = RecordStore.open(self.url, key=self.key, create=False)
            self._proc = PolicyProcess(
                store, self.frameworks, on=self.on, known_at=self.known_at, window=self.window
            )
        return SharedWork(self._proc).run(RunSummary())

    def close(self) -> None:
        if self._proc is not None:
            self._proc.close()
            self._proc.store.close()
            self._proc = None


def _enough_to_share(proc: PolicyProcess, every_family: list[UUID] | None) -> bool:
    """Whether there is a claim for each of ``proc.workers`` queue workers: the new
    notifications (about a claim per window of them) or, re-evaluating ``every_family``,
    the families. Less (a late record: one notification) is left to this process, as
    starting workers (a fork, then each opens the store and the outcomes: 0.3–0.5 s on
    PostgreSQL) would cost more than deciding it here."""
    if every_family is not None:
        return len(every_family) >= claim_size(proc) * proc.workers
    return proc.head() - proc.position() >= proc.window * proc.workers


def _run_forked(
    proc: PolicyProcess, summary: RunSummary, every_family: list[UUID] | None
) -> RunSummary:
    """``proc.workers`` queue workers (:class:`QueueJob`), their summaries added up;
    ``every_family`` queued first (re-evaluating them all), before any worker can find
    the queue empty."""
    from sftimeline.pool import ordered_map

    if every_family is not None:
        SharedWork(proc).enqueue(every_family, proc.head())
    for part in ordered_map(QueueJob(proc), range(proc.workers), proc.workers):
        summary.notifications += part.notifications
        summary.families += part.families
        summary.windows += part.windows
        summary.projected += part.projected
        for kind, n in part.events.items():
            summary.events[kind] = summary.events.get(kind, 0) + n
    summary.position = proc.position()
    return summary
