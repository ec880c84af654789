"""Every core: a job's tasks run in worker processes, results come back in task order.


Families are independent, so a county's work (evaluate, compare, the policy process,
mapped imports) is cut into tasks — chunks of families, batches of rows — that a pool
of processes works through. :func:`ordered_map` yields the results strictly in the
order of the tasks, so whatever the number of workers the caller writes the same bytes.

:func:`ordered_map` knows nothing of families: a *job* is any callable ``task ->
result`` holding what every task needs (a framework, a store URL, a date). The workers
are forked, so the job reaches them without being pickled (frameworks hold compiled
rules, which do not pickle); only the tasks and the results cross between processes.
A job that opens connections opens them lazily in the process that uses them (a
connection forked from the parent is never used), and may define ``close()``, called
in the calling process when ``workers`` is 1. Where processes cannot be forked (not
Linux or macOS) every job runs in the calling process. Jobs over families live with
their callers (``service/parallel.py``, ``adapters/decide.py``).

Memory stays bounded: at most ``2 × workers`` tasks are in flight, so a slow writer
(a pipe, a terminal) never lets finished results pile up.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: the job of a worker process (set once, when the process starts)
_job: Callable[[Any], Any] | None = None


def default_workers() -> int:
    """The number of cores this process may run on (the ``--workers`` default)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _start(job: Callable[[Any], Any]) -> None:
    global _job
    _job = job


def _run(task: Any) -> Any:
    assert _job is not None, "worker started without a job"
    return _job(task)


def ordered_map(job: Callable[[T], R], tasks: Iterable[T], workers: int) -> Iterator[R]:
    """``job(task)`` for every task, in task order, on ``workers`` processes.

    ``workers`` ≤ 1 runs every task here, in this process, with no pool at all. An
    exception raised by a task is raised here, in order, and the pool is stopped.
    """
    methods = multiprocessing.get_all_start_methods()
    if workers <= 1 or "fork" not in methods:
        try:
            yield from map(job, tasks)
        finally:
            close = getattr(job, "close", None)
            if callable(close):
                close()
        return
    ctx = multiprocessing.get_context("fork")
    pending: deque[AsyncResult[R]] = deque()
    with ctx.Pool(workers, initializer=_start, initargs=(job,)) as pool:
        for task in tasks:
            pending.append(pool.apply_async(_run, (task,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def chunks(items: list[T], size: int) -> list[list[T]]:
    """``items`` cut into consecutive lists of at most ``size``."""
    return [items[i : i + size] for i in range(0, len(items), size)]
