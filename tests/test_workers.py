"""--workers N: the families shared among processes, the output byte-identical whatever N."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sftimeline import pool
from sftimeline.adapters.store import RecordStore
from sftimeline.cli import main
from sftimeline.generate import family_records
from sftimeline.records import validate_record
from sftimeline.service import parallel
from test_policy_process import FW, at

FAMILIES = 23


def _cli(db: str, *args: str) -> bytes:
    result = CliRunner().invoke(main, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _fill(url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    rows = [r for i in range(FAMILIES) for r in family_records(3, i)]
    with RecordStore.open(url) as store:
        store.save_records([validate_record(r) for r in rows], at("2026-01-01T00:00:00+00:00"))
    monkeypatch.setattr(parallel, "FAMILIES_PER_TASK", 4)  # six tasks of four families
    return url


@pytest.fixture
def county(store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    return _fill(store_url, monkeypatch)


@pytest.fixture
def sqlite_county(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    return _fill(sqlite_url, monkeypatch)


@pytest.mark.parametrize("fmt", ["jsonl", "table", "csv"])
def test_evaluate_output_is_the_same_whatever_the_workers(county: str, fmt: str) -> None:
    args = ["evaluate", "--on", "2025-06-01", "--known-at", "2026-01-01", "--format", fmt]
    one = _cli(county, *args, "--workers", "1")
    assert one.count(b"F0000") >= FAMILIES
    for n in ("2", "3"):
        assert _cli(county, *args, "--workers", n) == one


def test_compare_output_is_the_same_whatever_the_workers(county: str) -> None:
    args = ["compare", "--on", "2025-06-01", "--known-at", "2026-01-01", "--all"]
    args += ["--framework", "national-2022", "--framework", "herefordshire-2022"]
    one = _cli(county, *args, "--format", "jsonl", "--workers", "1")
    assert one.count(b"\n") == FAMILIES
    assert _cli(county, *args, "--format", "jsonl", "--workers", "3") == one


def test_deciding_families_leaves_no_cyclic_garbage(sqlite_county: str) -> None:
    """A task pauses the garbage collector while it reads and decides its families
    (FamilyJob): sound only while reading and deciding make no reference cycles, which
    reference counting alone would never free. On SQLite: on PostgreSQL the driver
    (psycopg's libpq through ctypes) makes cycles of its own, which the collector frees
    once the task (at most 100 families) gives it back."""
    import gc

    from sftimeline import open_store
    from sftimeline.policies.loader import load_framework

    a, b = load_framework("national-2022"), load_framework("herefordshire-2022")
    with open_store(sqlite_county) as store:
        for _ in range(2):  # the first pass makes what is made once (classes, caches)
            gc.collect()
            was = gc.isenabled()
            gc.disable()
            try:
                decided = list(store.iter_evaluate("2025-06-01", a, "2026-01-01", workers=1))
                compared = list(store.iter_compare("2025-06-01", a, b, "2026-01-01", workers=1))
                del decided, compared
                found = gc.collect()
            finally:
                if was:
                    gc.enable()
    assert found == 0


def test_a_task_pauses_the_collector_and_gives_it_back_even_when_it_fails(county: str) -> None:
    import gc

    seen: list[bool] = []

    def fail(code: str, records: object) -> None:
        seen.append(gc.isenabled())
        raise ValueError(code)

    with RecordStore.open(county, create=False) as store:
        job = parallel.FamilyJob(store.url, "", fail, store)
        with pytest.raises(ValueError):
            job(store.family_index()[:2])
    assert seen == [False]
    assert gc.isenabled()


def test_tasks_run_in_other_processes_and_come_back_in_order() -> None:
    results = list(pool.ordered_map(_pid_and_square, range(20), 2))
    assert [sq for _, sq in results] == [i * i for i in range(20)]
    assert {pid for pid, _ in results} != {os.getpid()}


def _niceness(_: int) -> int:
    return os.nice(0)


def test_workers_run_as_much_nicer_as_asked_and_the_caller_keeps_its_priority() -> None:
    """An import's workers yield their core to its single writer (importer.WORKER_NICENESS)."""
    own = os.nice(0)
    assert set(pool.ordered_map(_niceness, range(4), 2, niceness=5)) == {min(19, own + 5)}
    assert set(pool.ordered_map(_niceness, range(4), 2)) == {own}
    assert os.nice(0) == own


def test_a_task_that_fails_fails_the_map_in_the_caller() -> None:
    with pytest.raises(ZeroDivisionError):
        list(pool.ordered_map(_inverse, [1, 2, 0, 4], 2))


def test_tasks_and_results_larger_than_a_pipe_cross_whole() -> None:
    """A pipe holds 64 KiB, or ``pool.PIPE_SIZE`` where it can be widened: a task and a
    result of four times that still arrive whole, in order, while other workers' results
    are being read."""
    tasks = [bytes([i]) * (4 * pool.PIPE_SIZE) for i in range(6)]
    assert list(pool.ordered_map(_reversed, tasks, 2)) == [t[::-1] for t in tasks]


def test_a_worker_that_dies_fails_the_map_in_the_caller() -> None:
    with pytest.raises(RuntimeError, match="ended with"):
        list(pool.ordered_map(_exit_on_three, range(8), 2))


def test_a_map_left_early_stops_its_workers() -> None:
    results = pool.ordered_map(_pid_and_square, range(50), 2)
    pids = {next(results)[0] for _ in range(3)}
    results.close()
    for pid in pids:  # reaped: no such child any more
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_shrinking_tasks_keep_every_item_once_in_order() -> None:
    items = list(range(1000))
    parts = pool.shrinking_chunks(items, 2, 100)
    assert [i for part in parts for i in part] == items
    sizes = [len(p) for p in parts]
    assert max(sizes) == 100
    assert sizes == sorted(sizes, reverse=True)  # the last tasks are the smallest


def test_workers_keep_one_postgresql_connection_per_application() -> None:
    """A worker reads one chunk at a time: small_pools makes the library's pools one
    connection each there (N workers would otherwise hold 10 × N), never in the caller."""
    assert not pool.in_worker()
    assert set(pool.ordered_map(_pool_size_after_small_pools, range(4), 2)) == {"1"}


def _pool_size_after_small_pools(_: int) -> str | None:
    from sftimeline.pool import small_pools

    small_pools()
    return os.environ.get("POSTGRES_POOL_SIZE")


def _reversed(b: bytes) -> bytes:
    return b[::-1]


def _exit_on_three(i: int) -> int:
    if i == 3:
        os._exit(3)
    return i


def test_default_is_every_core_this_process_may_use() -> None:
    assert pool.default_workers() == len(os.sched_getaffinity(0))


def _pid_and_square(i: int) -> tuple[int, int]:
    return os.getpid(), i * i


def _inverse(i: int) -> float:
    return 1 / i


def test_process_run_records_the_same_outcome_events_whatever_the_workers(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers share the families (SQLite: they evaluate each window's families and
    the caller records; PostgreSQL: two forked queue workers each evaluate and record
    what they claim): same events, same read models as one worker."""
    from datetime import date

    from sftimeline.adapters import decide
    from sftimeline.adapters.outcomes import PolicyProcess

    # a batch this small is decided in the caller unless told otherwise: use the pool
    monkeypatch.setattr(decide, "MIN_FAMILIES_PER_WORKER", 1)
    used: list[int] = []
    real_map = decide.ordered_map
    monkeypatch.setattr(
        decide,
        "ordered_map",
        lambda *a: used.append(a[2]) or real_map(*a),
    )
    # on PostgreSQL the run forks queue workers instead (adapters/workqueue.py)
    monkeypatch.setattr(pool, "ordered_map", lambda *a: used.append(a[2]) or real_map(*a))
    from sftimeline.readmodels.status import query_status
    from test_policy_process import FW, KNOWN, comparable, generated

    results = []
    for workers, url in ((1, str(tmp_path / "one.sqlite")), (2, store_url)):
        with RecordStore.open(url) as store:
            generated(store, 25)
            with PolicyProcess(
                store, [FW], on=date(2025, 6, 1), known_at=at(KNOWN), workers=workers
            ) as p:
                summary = p.run()
                assert summary.families >= 25  # a family may straddle two windows
                status = [r.to_dict() for r in query_status(p.engine)]
                results.append((sorted(comparable(p)), status))
    assert results[0] == results[1]
    assert results[0][0]  # outcome events were recorded
    assert 2 in used  # the second run did share its families among two workers (SQLite:
    # evaluators under the caller, which records; PostgreSQL: two queue workers)


def test_a_catch_up_on_workers_records_what_one_process_records_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows of 150 notifications (families straddle them) decided ahead on two
    workers, recorded here window by window: the same outcome events in the same order,
    the same read models and the same summary as one process deciding each window in
    turn."""
    from datetime import date

    from sftimeline.adapters import decide
    from sftimeline.adapters.outcomes import PolicyProcess
    from sftimeline.readmodels.status import query_claims, query_status
    from test_policy_process import KNOWN, comparable, generated

    monkeypatch.setattr(decide, "MIN_FAMILIES_PER_WORKER", 1)
    monkeypatch.setattr(decide, "FAMILIES_PER_TASK", 2)
    used: list[int] = []
    real_map = decide.ordered_map
    monkeypatch.setattr(decide, "ordered_map", lambda *a: used.append(a[2]) or real_map(*a))
    results = []
    for workers in (1, 2):
        with RecordStore.open(str(tmp_path / f"w{workers}.sqlite")) as store:
            generated(store, 12)
            with PolicyProcess(
                store, [FW], on=date(2025, 6, 1), known_at=at(KNOWN), window=150, workers=workers
            ) as p:
                s = p.run()
                results.append(
                    (
                        comparable(p),
                        [r.to_dict() for r in query_status(p.engine)],
                        [r.to_dict() for r in query_claims(p.engine)],
                        (s.notifications, s.families, s.windows, s.events, s.position),
                    )
                )
    assert results[0] == results[1]
    assert results[0][0] and results[0][3][2] > 5  # events recorded, many windows
    assert used == [2]  # one pool for the whole catch-up
