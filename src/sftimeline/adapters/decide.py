"""The policy process on every core: families' outcomes decided in worker processes.

:meth:`PolicyProcess._process` evaluates a window's (or a claim's) families and records
their outcome events in one transaction. With ``workers`` > 1 the evaluating is shared:
each worker process opens its own store and outcomes application (same URL, same key),
reads a chunk of families, decides them exactly as the calling process would
(``PolicyProcess._decide``) and sends back each family's ``FamilyOutcomes`` aggregate
with its new events pending. The calling process alone records them — with the
tracking, in one transaction, as before — so exactly-once recording is unchanged.

A catch-up (:func:`catch_up_on_workers`) holds a window of 2,000 notifications, about
20 families: too few to share, one window at a time. So the windows are decided ahead,
one pool for the whole catch-up: while the calling process records window *k* (its
events and its tracking, one transaction, as before) the workers decide the windows
after it. A family of a later window that is also in a window not yet recorded (an
import straddling two windows) is not sent: the calling process decides it when its
window's turn comes, after the earlier window is recorded, on the outcomes that window
left — as one process deciding window after window would. So the events recorded, and
their order, are those of ``--workers 1``.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sftimeline.pool import chunks, ordered_map, small_pools

if TYPE_CHECKING:
    from sftimeline.adapters.outcomes import PolicyProcess, RunSummary
    from sftimeline.aggregates.outcomes import FamilyOutcomes

Decided = tuple[str, "FamilyOutcomes"]

#: families per task (a claim or window holds a few dozen; a re-evaluation many)
FAMILIES_PER_TASK = 10
#: fewer families than this per worker are decided here: a pool is started for each
#: batch (fork, then each worker opens the store, the outcomes and the read models), and
#: a catch-up window of 2,000 notifications holds only ≈ 20 families, so workers cost
#: more CPU than they save (1,000 families: 6.1 s of CPU with 2 workers, 3.1 s without)
MIN_FAMILIES_PER_WORKER = 50


class DecideJob:
    """Decide a chunk of families in a worker, with a process of its own."""

    def __init__(self, parent: PolicyProcess, on: date, known_at: datetime) -> None:
        self.url = parent.store.url
        self.key = parent.store.cipher_env.get("CIPHER_KEY", "")
        self.frameworks = list(parent.frameworks.values())
        self.on = on
        self.known_at = known_at
        self._proc: PolicyProcess | None = None

    def _process(self) -> PolicyProcess:
        if self._proc is None:
            from sftimeline.adapters.outcomes import PolicyProcess
            from sftimeline.adapters.store import RecordStore

            small_pools()
            store = RecordStore.open(self.url, key=self.key, create=False)
            self._proc = PolicyProcess(store, self.frameworks, on=self.on)
        return self._proc

    def __call__(self, fids: list[UUID]) -> list[tuple[str, FamilyOutcomes]]:
        proc = self._process()
        out = []
        proc.read_ahead(fids)  # the chunk's families in one scan
        try:
            for fid in fids:
                decided = proc._decide(fid, self.on, self.known_at)
                if decided is not None:
                    out.append(decided)
        finally:
            proc.read_ahead(())
        return out

    def close(self) -> None:
        if self._proc is not None:
            self._proc.close()
            self._proc.store.close()
            self._proc = None


def decided(
    proc: PolicyProcess, fids: Sequence[UUID], on: date, known_at: datetime
) -> Iterator[tuple[str, FamilyOutcomes]]:
    """(code, outcomes aggregate with its new events pending) of each family, in order."""
    if proc.workers <= 1 or len(fids) < MIN_FAMILIES_PER_WORKER * proc.workers:
        for fid in fids:
            one = proc._decide(fid, on, known_at)
            if one is not None:
                yield one
        return
    job = DecideJob(proc, on, known_at)
    for part in ordered_map(job, chunks(list(fids), FAMILIES_PER_TASK), proc.workers):
        yield from part


class WindowJob(DecideJob):
    """Decide a chunk of one window's families on that window's date and knowledge time;
    the results are aligned with the chunk (None: no such family)."""

    def __call__(self, task: Any) -> Any:
        fids, on, known_at = task
        proc = self._process()
        proc.read_ahead(fids)
        try:
            return [proc._decide(fid, on, known_at) for fid in fids]
        finally:
            proc.read_ahead(())


@dataclass
class _Window:
    """A window of notifications: its families in first-notified order, its last
    notification, how many it held, and (once sent) its date, knowledge time, the
    families kept back for the calling process and the workers' results so far."""

    fids: list[UUID]
    last: int
    count: int
    on: date | None = None
    known_at: datetime | None = None
    held: set[UUID] = field(default_factory=set)
    tasks: int = 0
    received: int = 0
    results: dict[UUID, Decided | None] = field(default_factory=dict)


def catch_up_on_workers(proc: PolicyProcess, summary: RunSummary) -> None:
    """Decide the windows after the tracked position on ``proc.workers`` processes and
    record them here, window by window, each with its tracking, in order.

    Does nothing when the windows up to the head hold fewer than
    :data:`MIN_FAMILIES_PER_WORKER` families per worker (one late record: no pool);
    stops at the first conflict with another run (nothing of that window recorded).
    Either way the caller's loop, one window at a time, does what is left.
    """
    from sftimeline.calendar import today_uk

    ahead: deque[_Window] = deque()
    pos = proc.position()
    families = 0
    more = True

    def read() -> _Window | None:
        nonlocal pos, more
        if not more:
            return None
        fids, last, count = proc.read_window(pos)
        if not count:
            more = False
            return None
        more = count >= proc.window
        pos = last
        return _Window(fids, last, count)

    while families < MIN_FAMILIES_PER_WORKER * proc.workers:
        w = read()
        if w is None:
            return
        ahead.append(w)
        families += len(w.fids)

    pending: deque[_Window] = deque()  # sent, not yet recorded, in order
    unrecorded: Counter[UUID] = Counter()  # families of the windows in `pending`

    def tasks() -> Iterator[tuple[list[UUID], date, datetime]]:
        while True:
            w = ahead.popleft() if ahead else read()
            if w is None:
                return
            w.on = proc.on or today_uk()
            w.known_at = proc._known_at()
            w.held = {fid for fid in w.fids if unrecorded[fid]}
            unrecorded.update(w.fids)
            sent = [fid for fid in w.fids if fid not in w.held]
            parts = chunks(sent, FAMILIES_PER_TASK)
            w.tasks = len(parts)
            pending.append(w)
            for part in parts:
                yield part, w.on, w.known_at

    def record_ready() -> bool:
        """Record every window at the head whose results are all in; False: conflict."""
        while pending and pending[0].received == pending[0].tasks:
            w = pending.popleft()
            if not _record_window(proc, w, summary):
                return False
            unrecorded.subtract(w.fids)
        return True

    results = ordered_map(WindowJob(proc, date.min, datetime.min), tasks(), proc.workers)
    try:
        for part in results:
            w = next(x for x in pending if x.received < x.tasks)
            w.results.update((fid, one) for fid, one in zip(_sent(w), part, strict=False))
            w.received += 1
            if not record_ready():
                return
        record_ready()
    finally:
        results.close()


def _sent(w: _Window) -> Iterator[UUID]:
    """The families of ``w`` sent to the workers whose results have not come back yet."""
    return (fid for fid in w.fids if fid not in w.held and fid not in w.results)


def _record_window(proc: PolicyProcess, w: _Window, summary: RunSummary) -> bool:
    """Window ``w``'s outcome events and tracking in one transaction, its families in
    first-notified order; those kept back decided now. False: another run recorded
    first (nothing of ``w`` stored)."""
    from eventsourcing.persistence import Tracking

    from sftimeline.adapters.outcomes import LEADER

    assert w.on is not None and w.known_at is not None
    on, known_at = w.on, w.known_at

    def in_order() -> Iterator[Decided]:
        for fid in w.fids:
            one = proc._decide(fid, on, known_at) if fid in w.held else w.results.get(fid)
            if one is not None:
                yield one

    held = [fid for fid in w.fids if fid in w.held]
    if not proc.record_decided(Tracking(LEADER, w.last), in_order(), held, summary):
        return False
    summary.notifications += w.count
    summary.windows += 1
    return True
