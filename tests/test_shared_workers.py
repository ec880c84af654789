"""Three policy-process workers on one PostgreSQL database share the work; one is killed
mid-run; the outcome events equal a single worker's, none lost, none duplicated."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sftimeline.adapters.store import RecordStore
from sftimeline.adapters.workqueue import queued_families
from sftimeline.readmodels.status import query_status
from test_policy_process import KNOWN, comparable, generated, june_process

pytestmark = pytest.mark.postgres
FAMILIES = 30


WORKER = """
import os, signal, sys, time
from datetime import date, datetime
from sftimeline.adapters.outcomes import PolicyProcess
from sftimeline.adapters.store import RecordStore
from sftimeline.policies.loader import load_framework
url, ready, kill_after = sys.argv[1], sys.argv[2], int(sys.argv[3])
seen = []
def hook(family):
    seen.append(family)
    if len(seen) == kill_after:
        os.kill(os.getpid(), signal.SIGKILL)  # dies holding a claim, mid-batch
    time.sleep(0.05)  # a slow family, so that the three overlap
store = RecordStore.open(url)
proc = PolicyProcess(store, [load_framework("national-2022")], on=date(2025, 6, 1),
                     known_at=datetime.fromisoformat(KNOWN), window=300, after_family=hook)
# all three start together, however long each took to import the package and open the
# store on a loaded machine: a barrier of files, one per worker
open(os.path.join(ready, str(os.getpid())), "w").close()
deadline = time.time() + 240
while len(os.listdir(ready)) < 3 and time.time() < deadline:
    time.sleep(0.01)
summary = proc.run()
print(summary.families)
"""


def test_three_workers_one_killed_record_what_one_worker_records(
    pg_url: str, second_pg_url: str, tmp_path: Path
) -> None:
    shared, single = pg_url, second_pg_url
    with RecordStore.open(single) as store:
        generated(store, FAMILIES)
        with june_process(store) as p:
            p.run()
            expected = sorted(comparable(p))
            expected_status = sorted(json.dumps(r.to_dict()) for r in query_status(p.engine))
    with RecordStore.open(shared) as store:
        generated(store, FAMILIES)
    script = textwrap.dedent(WORKER).replace("KNOWN", repr(KNOWN))
    ready = tmp_path / "ready"
    ready.mkdir()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, shared, str(ready), str(kill_after)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for kill_after in (4, 0, 0)
    ]
    results = [w.communicate(timeout=300) for w in workers]
    killed, *survivors = workers
    assert killed.returncode == -signal.SIGKILL, results[0][1].decode()
    for w, (out, err) in zip(survivors, results[1:], strict=True):
        assert w.returncode == 0, err.decode()
        assert int(out) > 0  # each survivor evaluated a share of the families
    with (
        RecordStore.open(shared) as store,
        june_process(store) as p,
    ):
        assert queued_families(p) == 0  # the killed worker's claim was taken over
        assert p.position() == p.head()
        assert sorted(comparable(p)) == expected  # none lost, none duplicated
        assert sorted(json.dumps(r.to_dict()) for r in query_status(p.engine)) == expected_status
        p.run()  # nothing left to do
        assert sorted(comparable(p)) == expected


@pytest.mark.parametrize("all_families", [False, True])
def test_one_run_with_two_workers_forks_two_queue_workers_that_record_what_one_records(
    pg_url: str, second_pg_url: str, all_families: bool
) -> None:
    """``process run --workers 2`` on PostgreSQL: two forked queue workers share the
    families, and the outcome events, status table and the summary's counts of events
    equal a single worker's; a second run (or a re-evaluation of every family) after it
    records nothing new."""
    runs, here = {}, {1: [], 2: []}  # the families evaluated in this very process
    for url, workers in ((second_pg_url, 1), (pg_url, 2)):
        with RecordStore.open(url) as store:
            generated(store, FAMILIES)
            with june_process(store, workers=workers, after_family=here[workers].append) as p:
                first = p.run()
                again = p.run(all_families=all_families)
                runs[workers] = (
                    first,
                    again,
                    sorted(comparable(p)),
                    sorted(json.dumps(r.to_dict()) for r in query_status(p.engine)),
                    queued_families(p),
                    p.position() == p.head(),
                )
    (one, one_again, *one_rest), (two, two_again, *two_rest) = runs[1], runs[2]
    assert two_rest == one_rest and two_rest[2:] == [0, True]
    # every family evaluated; with two, a family whose later records were dispatched
    # while it was claimed stays queued and is evaluated again (recording nothing new)
    assert one.families == FAMILIES <= two.families
    assert len(here[1]) == one.families + one_again.families and here[2] == []  # forked
    assert (two.notifications, two.events) == (one.notifications, one.events)
    assert two_again.families == one_again.families == (FAMILIES if all_families else 0)
    assert not two_again.events and not one_again.events


def test_a_late_record_is_decided_by_the_run_itself_not_by_forked_workers(
    pg_url: str,
) -> None:
    """Less new work than a claim for each worker (one late notification) is decided in
    the calling process: starting workers would cost more than it."""
    with RecordStore.open(pg_url) as store:
        generated(store, 3)
        here: list[str] = []
        with june_process(store, workers=2) as p:
            assert p.run().families == 3
            p.after_family = here.append
            generated(store, 4)  # a fourth family's records: about 100 notifications
            assert p.head() - p.position() < 300 * 2
            summary = p.run()
            assert summary.families >= 1 and here  # decided here, not in forked workers
