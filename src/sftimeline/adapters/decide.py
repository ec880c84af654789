"""The policy process on every core: families' outcomes decided in worker processes.

:meth:`PolicyProcess._process` evaluates a window's (or a claim's) families and records
their outcome events in one transaction. With ``workers`` > 1 the evaluating is shared:
each worker process opens its own store and outcomes application (same URL, same key),
reads a chunk of families, decides them exactly as the calling process would
(``PolicyProcess._decide``) and sends back each family's ``FamilyOutcomes`` aggregate
with its new events pending. The calling process alone records them — with the
tracking, in one transaction, as before — so exactly-once recording is unchanged.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from sftimeline.pool import chunks, ordered_map

if TYPE_CHECKING:
    from sftimeline.adapters.outcomes import PolicyProcess
    from sftimeline.aggregates.outcomes import FamilyOutcomes

#: families per task (a claim or window holds a few dozen; a re-evaluation many)
FAMILIES_PER_TASK = 10
#: fewer families than this per worker are decided here: a pool is started for each
#: batch (fork, then each worker opens the store, the outcomes and the read models), and
#: a catch-up window of 2,000 notifications holds only ≈ 20 families, so workers cost
#: more CPU than they save (1,000 families: 6.1 s of CPU with 2 workers, 3.1 s without)
MIN_FAMILIES_PER_WORKER = 50


def small_pools() -> None:
    """In a worker process, make the library's PostgreSQL pools one connection each.

    The library opens ``POSTGRES_POOL_SIZE`` (default 5) connections per application
    eagerly; a worker reads one chunk at a time, so one connection per application is
    enough, and N workers would otherwise hold 10 × N connections. Does nothing in the
    calling process, nor where the council has set the sizes itself.
    """
    if multiprocessing.parent_process() is not None:
        os.environ.setdefault("POSTGRES_POOL_SIZE", "1")
        os.environ.setdefault("POSTGRES_MAX_OVERFLOW", "1")


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
