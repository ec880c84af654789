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
in the process that ran it when its tasks are done. Where processes cannot be forked
(not Linux or macOS) every job runs in the calling process. Jobs over families live
with their callers (``service/parallel.py``, ``adapters/decide.py``).

The pool is a few forked processes, each with a pipe of tasks in and a pipe of results
out (a length-prefixed pickle each), driven from the calling process by one selector
loop: no ``multiprocessing`` (importing it, its pool's three threads and its start
cost ≈ 50 ms of CPU, a tenth of a two-worker evaluation of 1,000 families). A worker
is sent its next task before it finishes the one it holds, so it never waits for the
caller; an idle worker gets the next task, so a slow one holds up at most the tasks
already sent to it. A task that raises raises the same exception here, at its turn;
a worker that dies is an error here; either way the other workers are stopped.

Memory stays bounded: at most ``4 × workers`` tasks are sent and not yet yielded, so a
slow writer (a pipe, a terminal) never lets finished results pile up.

The objects the calling process holds when it forks (modules, models, the compiled
framework) are moved out of the garbage collector's reach first (``gc.freeze``, as the
``gc`` documentation advises before a fork): a worker's collections then never walk
them, nor write their headers — which would copy every page they sit on into the
worker — and the calling process gets them back when the pool is done.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import selectors
import signal
import struct
import sys
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: a message's length, before its pickle
_HEAD = struct.Struct("!Q")
#: tasks sent ahead to one worker (the one it works on and the next)
_AHEAD = 2
#: True in a worker process of :func:`ordered_map`
_in_worker = False
#: bytes a pipe between the caller and a worker holds (Linux; the default is 64 KiB)
PIPE_SIZE = 1 << 20


def in_worker() -> bool:
    """Whether this process is one of :func:`ordered_map`'s workers."""
    return _in_worker


def small_pools() -> None:
    """In a worker process, make the library's PostgreSQL pools one connection each.

    The library opens ``POSTGRES_POOL_SIZE`` (default 5) connections per application
    eagerly; a worker reads one chunk at a time, so one connection per application is
    enough, and N workers would otherwise hold 10 × N connections. Does nothing in the
    calling process, nor where the council has set the sizes itself. Here rather than
    beside the jobs that call it (``adapters/decide.py``, ``service/parallel.py``), so
    that a worker does not import the policy process's module to call it.
    """
    if _in_worker:
        os.environ.setdefault("POSTGRES_POOL_SIZE", "1")
        os.environ.setdefault("POSTGRES_MAX_OVERFLOW", "1")


def default_workers() -> int:
    """The number of cores this process may run on (the ``--workers`` default)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def ordered_map(
    job: Callable[[T], R], tasks: Iterable[T], workers: int, *, niceness: int = 0
) -> Generator[R, None, None]:
    """``job(task)`` for every task, in task order, on ``workers`` processes.

    ``workers`` ≤ 1 runs every task here, in this process, with no pool at all. An
    exception raised by a task is raised here, in order, and the pool is stopped.
    ``niceness`` lowers the workers' scheduling priority by that much (``os.nice``), for
    a caller whose own work on the results is the job's serial stage: with the workers
    and the caller sharing too few cores, the caller then gets its core whenever it has
    work, and the workers take the rest (an import's single writer: ``importer.py``).
    """
    if workers <= 1 or not hasattr(os, "fork"):
        try:
            yield from map(job, tasks)
        finally:
            _close(job)
        return
    froze = gc.get_freeze_count() == 0  # a caller that froze keeps its objects frozen
    if froze:
        gc.freeze()
    pool: list[_Worker] = []
    finished = False
    try:
        for _ in range(workers):
            pool.append(_Worker.fork(job, pool, niceness))
        yield from _drive(pool, iter(tasks), workers)
        finished = True
    finally:
        for w in pool:
            w.stop(kill=not finished)
        if froze:
            gc.unfreeze()


def _close(job: Callable[[Any], Any]) -> None:
    close = getattr(job, "close", None)
    if callable(close):
        close()


class _Worker:
    """A forked worker process: its pid, the pipe its tasks go down and the pipe its
    results come back up, what is waiting to be written to it and read from it, and
    the numbers of the tasks it holds, in the order it was sent them."""

    def __init__(self, pid: int, tasks_fd: int, results_fd: int) -> None:
        self.pid = pid
        self.tasks_fd = tasks_fd
        self.results_fd = results_fd
        self.outbox = bytearray()
        self.inbox = bytearray()
        self.holds: deque[int] = deque()
        #: whether the selector is watching for room in the pipe of tasks
        self.watched = False
        #: the worker has left (its pipe of results reached its end), every task done
        self.ended = False

    @classmethod
    def fork(cls, job: Callable[[Any], Any], others: list[_Worker], niceness: int = 0) -> _Worker:
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        _widen(task_w)
        _widen(result_w)
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            stream.flush()
        pid = os.fork()
        if pid == 0:  # the worker: serve, then leave without running the caller's code
            global _in_worker
            _in_worker = True
            code = 1
            try:
                os.close(task_w)
                os.close(result_r)
                for w in others:
                    os.close(w.tasks_fd)
                    os.close(w.results_fd)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                if niceness:
                    with contextlib.suppress(OSError):  # already as low as it goes
                        os.nice(niceness)
                _serve(job, task_r, result_w)
                code = 0
            finally:
                os._exit(code)
        os.close(task_r)
        os.close(result_w)
        os.set_blocking(task_w, False)
        os.set_blocking(result_r, False)
        return cls(pid, task_w, result_r)

    def send(self, number: int, task: Any) -> None:
        data = pickle.dumps(task, pickle.HIGHEST_PROTOCOL)
        self.outbox += _HEAD.pack(len(data)) + data
        self.holds.append(number)
        self.flush()

    def flush(self) -> None:
        """Write what the pipe takes now (never blocks: the worker may be writing)."""
        if self.outbox:
            try:
                n = os.write(self.tasks_fd, self.outbox)
            except BlockingIOError:
                return
            except BrokenPipeError:  # the worker died: the end of its results says so
                self.outbox.clear()
                return
            del self.outbox[:n]

    def receive(self) -> list[tuple[int, Any]]:
        """(task number, (ok, value)) of each result complete so far."""
        try:
            chunk = os.read(self.results_fd, 1 << 20)
        except BlockingIOError:
            return []
        if not chunk:
            if self.holds or self.inbox:
                raise RuntimeError(
                    f"worker process {self.pid} ended with {len(self.holds)} task(s) unfinished"
                )
            self.ended = True  # told it has no more tasks (:meth:`finish`), it left
            return []
        self.inbox += chunk
        out = []
        while len(self.inbox) >= _HEAD.size:
            (size,) = _HEAD.unpack_from(self.inbox)
            end = _HEAD.size + size
            if len(self.inbox) < end:
                break
            with memoryview(self.inbox) as view:  # read in place, not copied first
                result = pickle.loads(view[_HEAD.size : end])
            out.append((self.holds.popleft(), result))
            del self.inbox[:end]
        return out

    def finish(self) -> None:
        """Close the pipe of tasks once every task is in it: the worker leaves as soon as
        it has done them — closing its store, giving back its memory — while its last
        results are still being read here, instead of after (the caller's wait for the
        workers to exit was ≈ 4 ms each at the end of every map)."""
        if self.tasks_fd >= 0:
            os.close(self.tasks_fd)
            self.tasks_fd = -1

    def stop(self, *, kill: bool) -> None:
        """End the worker: its pipe of tasks closed (it leaves when it has read them all),
        killed first when its results are no longer wanted; then reaped."""
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        for fd in (self.tasks_fd, self.results_fd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.tasks_fd = self.results_fd = -1
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _widen(fd: int) -> None:
    """Let the pipe of ``fd`` hold :data:`PIPE_SIZE` bytes, where the system allows it.

    A result is often larger than a pipe's default 64 KiB (a task of 100 families'
    decisions as JSON is ≈ 300 kB): the worker then blocked in its write until the
    calling process had been scheduled to read, several times per task — 20–40 ms of each
    worker's 0.5 s evaluating 1,000 families with 2 workers, more on a busy machine. With
    room for a whole result the worker goes straight on to its next task (which is
    already waiting in its own pipe). Nothing changes but how long a write can wait: at
    most ``4 × workers`` tasks are in flight whatever the pipes hold.
    """
    import fcntl

    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setsize is None:  # not Linux
        return
    with contextlib.suppress(OSError):  # over the user's pipe limits: the default stays
        fcntl.fcntl(fd, setsize, PIPE_SIZE)


def _drive(pool: list[_Worker], tasks: Iterator[Any], workers: int) -> Iterator[Any]:
    """Hand out tasks, gather results, yield them in task order."""
    sel = selectors.DefaultSelector()
    for w in pool:
        sel.register(w.results_fd, selectors.EVENT_READ, w)
    done: dict[int, tuple[bool, Any]] = {}
    sent = wanted = 0  # tasks sent; the number of the next result to yield
    more = True
    try:
        while True:
            while more and sent - wanted < 4 * workers:
                idle = min(pool, key=lambda w: len(w.holds))
                if len(idle.holds) >= _AHEAD:
                    break
                try:
                    task = next(tasks)
                except StopIteration:
                    more = False
                    break
                idle.send(sent, task)
                sent += 1
            if wanted in done:
                ok, value = done.pop(wanted)
                wanted += 1
                if not ok:
                    raise value
                yield value
                continue
            if not more and wanted == sent:
                return
            for w in pool:  # what a full pipe did not take yet: written when it can be
                w.flush()
                if not more and not w.outbox:
                    if w.watched:
                        sel.unregister(w.tasks_fd)
                        w.watched = False
                    w.finish()
                    continue
                if bool(w.outbox) != w.watched:
                    if w.outbox:
                        sel.register(w.tasks_fd, selectors.EVENT_WRITE, w)
                    else:
                        sel.unregister(w.tasks_fd)
                    w.watched = bool(w.outbox)
            for key, _ in sel.select():
                worker: _Worker = key.data
                if key.fd == worker.results_fd:
                    done.update(worker.receive())
                    if worker.ended:
                        sel.unregister(key.fd)
    finally:
        sel.close()


def _serve(job: Callable[[Any], Any], tasks_fd: int, results_fd: int) -> None:
    """A worker's loop: read a task, run it, write back (True, result) or (False, the
    exception); until the caller closes the pipe of tasks."""
    try:
        with os.fdopen(tasks_fd, "rb") as tasks, os.fdopen(results_fd, "wb") as results:
            while head := tasks.read(_HEAD.size):
                task = pickle.loads(tasks.read(_HEAD.unpack(head)[0]))
                try:
                    data = pickle.dumps((True, job(task)), pickle.HIGHEST_PROTOCOL)
                except Exception as exc:
                    data = _failure(exc)
                results.write(_HEAD.pack(len(data)) + data)
                results.flush()
    finally:
        _close(job)


def _failure(exc: Exception) -> bytes:
    """(False, the exception) pickled, with the worker's traceback as a note; an
    exception that does not pickle becomes a RuntimeError saying what it was."""
    text = "".join(traceback.format_exception(exc))
    try:
        exc.add_note(f"raised in worker process {os.getpid()}:\n{text}")
        return pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
    except Exception:
        return pickle.dumps((False, RuntimeError(text)), pickle.HIGHEST_PROTOCOL)


def shrinking_chunks(
    items: list[T], workers: int, largest: int, smallest: int = 10
) -> list[list[T]]:
    """``items`` cut into consecutive tasks that shrink towards the end.

    Each task is a quarter of what is left per worker (at most ``largest``, at least
    ``smallest``): the workers finish together, because the last tasks are small. With
    equal tasks of ``largest`` (1,000 families in ten tasks of 100 on two workers) one
    worker could sit idle for up to a whole task, a tenth of the run, at the end.
    """
    out: list[list[T]] = []
    i = 0
    while i < len(items):
        size = max(smallest, min(largest, -(-(len(items) - i) // (4 * max(1, workers)))))
        out.append(items[i : i + size])
        i += size
    return out


def chunks(items: list[T], size: int) -> list[list[T]]:
    """``items`` cut into consecutive lists of at most ``size``."""
    return [items[i : i + size] for i in range(0, len(items), size)]
