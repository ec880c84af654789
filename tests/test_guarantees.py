"""Crash and concurrency guarantees, kept under test (issue 12, "keep the guarantees").

SIGKILL at random points of imports and policy runs, parallel importers and parallel
process workers, on SQLite and PostgreSQL: nothing lost, nothing duplicated, no
traceback. Sized for CI; ``bench/soak.py`` runs the same probes (tests/guarantees.py)
for longer.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import pg_problem
from guarantees import (
    Tally,
    import_here,
    import_kill_points,
    parallel_importers,
    parallel_workers,
    pg_schemas,
    process_kill_points,
    write_county,
)

SEED = random.Random().randrange(1 << 30)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A store under test and a clean one to compare with, of the same kind."""
    if request.param == "sqlite":
        yield str(tmp_path / "probe.sqlite"), str(tmp_path / "clean.sqlite")
        return
    problem = pg_problem()
    if problem:
        pytest.skip(problem)
    with pg_schemas(2) as (url, clean):
        yield url, clean


def assert_sound(t: Tally, seed: int) -> None:
    assert (t.tracebacks, t.lost, t.duplicated) == (0, 0, 0), (seed, t.notes)


def test_imports_killed_at_random_points_lose_and_duplicate_nothing(
    two_stores: tuple[str, str], tmp_path: Path
) -> None:
    url, clean = two_stores
    county = tmp_path / "county.jsonl"
    write_county(county, 6, seed=3)
    t = import_kill_points(url, clean, county, points=2, rng=random.Random(SEED), batch=40)
    assert_sound(t, SEED)
    assert t.records > 500 and t.kill_points == 2


def test_policy_runs_killed_at_random_points_record_each_outcome_once(
    two_stores: tuple[str, str], tmp_path: Path
) -> None:
    url, clean = two_stores
    county = tmp_path / "county.jsonl"
    write_county(county, 6, seed=5)
    for u in (url, clean):
        import_here(u, county)
    t = process_kill_points(url, clean, points=2, rng=random.Random(SEED), window=100)
    assert_sound(t, SEED)
    assert t.outcome_events >= 6


def test_parallel_importers_of_overlapping_files_store_each_record_once(
    two_stores: tuple[str, str], tmp_path: Path
) -> None:
    url, clean = two_stores
    files = []
    for i in range(3):  # file i holds families 2i..2i+3: most families in two files
        f = tmp_path / f"part{i}.jsonl"
        write_county(f, 4, seed=2, start=2 * i)
        files.append(f)
    t = parallel_importers(url, clean, files)
    assert_sound(t, 0)
    assert t.concurrent_runs == 3 and t.records > 500


def test_parallel_process_workers_record_each_outcome_once(
    two_stores: tuple[str, str], tmp_path: Path
) -> None:
    url, clean = two_stores
    county = tmp_path / "county.jsonl"
    write_county(county, 6, seed=8)
    for u in (url, clean):
        import_here(u, county)
    t = parallel_workers(url, clean, workers=2, window=100)
    assert_sound(t, 0)
    assert t.outcome_events >= 6
