"""The service layer's parallel jobs: a county's families decided on every core.

:func:`map_families` cuts a store's families (in code order) into tasks of
:data:`FAMILIES_PER_TASK` and hands them to :func:`sftimeline.pool.ordered_map`; each
worker reads its chunk in one scan with its own store connection and decides each
family; the results come back in code order, so the output is the same whatever the
number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar
from uuid import UUID

if TYPE_CHECKING:
    from sftimeline.adapters.store import RecordStore
    from sftimeline.records import Record

R = TypeVar("R")

#: families per task: big enough that reading is a few large scans, small enough that
#: two workers share a small county evenly
FAMILIES_PER_TASK = 100


class FamilyJob(Generic[R]):
    """Decide each family of a chunk of ``(code, id)`` with ``decide(code, records)``.

    ``store`` is used as it is when the job runs in the calling process; in a worker
    the job opens its own store on ``url`` with the same ``key``.
    """

    def __init__(
        self,
        url: str,
        key: str,
        decide: Callable[[str, list[Record]], R],
        store: RecordStore | None = None,
    ) -> None:
        self.url = url
        self.key = key
        self.decide = decide
        self._store = store
        self._opened: RecordStore | None = None

    def __call__(self, chunk: list[tuple[str, UUID]]) -> list[R]:
        """The chunk's results, with the garbage collector paused for the whole task: a
        family's reading and deciding make no reference cycles (tests/test_parallel.py
        pins it), so the collector would only walk the chunk's records again and again
        (≈ 5% of an evaluation's CPU); when the task is done they are freed, and the
        collector, running again, has almost nothing young left to walk."""
        from sftimeline.adapters.scan import collector_paused

        with collector_paused():
            return self._run(chunk)

    def _run(self, chunk: list[tuple[str, UUID]]) -> list[R]:
        store = self._store
        if store is None:
            if self._opened is None:
                from sftimeline.adapters.store import RecordStore
                from sftimeline.pool import small_pools

                small_pools()
                self._opened = RecordStore.open(self.url, key=self.key, create=False)
            store = self._opened
        return [self.decide(code, recs) for code, recs in store.iter_family_records(chunk)]

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()
            self._opened = None


def map_families(
    store: RecordStore,
    decide: Callable[[str, list[Record]], R],
    workers: int | None = None,
) -> Iterator[R]:
    """``decide(code, records)`` for every family of ``store``, in family-code order,
    on ``workers`` processes (default: every core); the same results whatever the
    number."""
    from sftimeline.adapters.scan import family_index

    index = family_index(store)
    tasks = [index[i : i + FAMILIES_PER_TASK] for i in range(0, len(index), FAMILIES_PER_TASK)]
    if (workers is not None and workers <= 1) or len(tasks) <= 1:
        # decided here with the open store: no pool (whose workers would each open the
        # store: most of a small evaluation's cost), not even multiprocessing imported
        job = FamilyJob(store.url, "", decide, store)
        for task in tasks:
            yield from job(task)
        return
    from sftimeline.pool import default_workers, ordered_map, shrinking_chunks

    n = min(default_workers() if workers is None else workers, len(tasks))
    tasks = shrinking_chunks(index, n, FAMILIES_PER_TASK)
    # in this process the open store serves; workers open their own
    key = store.cipher_env.get("CIPHER_KEY", "")
    job = FamilyJob(store.url, key, decide, store if n <= 1 else None)
    for results in ordered_map(job, tasks, n):
        yield from results
