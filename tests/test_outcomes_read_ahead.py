"""The policy process reads the outcomes of the families it reads ahead in one scan, as
the library would rebuild each, instead of asking the library for each family in turn
(adapters/family_decisions.py, issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sftimeline.adapters import family_decisions
from sftimeline.adapters.outcomes import PolicyProcess
from sftimeline.adapters.store import RecordStore
from sftimeline.aggregates.family import Family
from sftimeline.aggregates.outcomes import FamilyOutcomes
from test_policy_process import FW, ON, at, base_family, claim, events, late_asb, save

CODES = ["A", "B", "C"]


def _county(store: RecordStore) -> None:
    rows: list[dict[str, Any]] = []
    for code in CODES:
        rows += base_family(code)
        rows.append(claim(code, "2024-11-01", "2024-11-01T10:00:00+00:00", f"{code}-C1"))
    save(store, rows)


def _outcome_reads(proc: PolicyProcess, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The ids of the outcomes aggregates ``proc`` asks the library for."""
    asked: list[object] = []
    get = proc.app.repository.get

    def spy(aggregate_id: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(aggregate_id)
        return get(aggregate_id, *args, **kwargs)

    monkeypatch.setattr(proc.app.repository, "get", spy)
    return asked


def _stripped(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The outcome events without their notification ids."""
    return [{k: v for k, v in e.items() if k != "id"} for e in log]


def test_a_first_run_asks_for_no_familys_outcomes_and_records_the_same_events(
    store: RecordStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _county(store)
    with PolicyProcess(store, [FW], on=ON, known_at=at("2024-12-01T00:00:00+00:00")) as proc:
        asked = _outcome_reads(proc, monkeypatch)
        proc.run()
        assert asked == []
        first = _stripped(events(proc))
    assert {e["family"] for e in first} == set(CODES)
    assert "became_eligible" in {e["kind"] for e in first}


def test_without_the_scan_the_library_reads_each_familys_outcomes_to_the_same_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both sides, on two stores of the same county: the scan failing (a query error)
    falls back to a read per family, and the events are those the scan gives."""
    logs = []
    for probe in (True, False):
        with RecordStore.open(str(tmp_path / f"probe-{probe}.sqlite")) as store:
            _county(store)
            with monkeypatch.context() as m:
                if not probe:
                    m.setattr(family_decisions, "read_outcomes", _fail)
                known_at = at("2024-12-01T00:00:00+00:00")
                with PolicyProcess(store, [FW], on=ON, known_at=known_at) as proc:
                    asked = _outcome_reads(proc, m)
                    proc.run()
                    assert len(asked) == (0 if probe else len(CODES))
                    logs.append(_stripped(events(proc)))
    assert logs[0] == logs[1]
    assert len(logs[0]) > len(CODES)


def _fail(*_: Any) -> dict[Any, Any]:
    raise RuntimeError("no scan")


def test_a_family_with_outcomes_has_them_read_and_moves_on_from_them(
    store: RecordStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _county(store)
    fids = [Family.create_id(code) for code in CODES]
    with PolicyProcess(store, [FW], on=ON, known_at=at("2024-12-01T00:00:00+00:00")) as proc:
        assert [f and f.outcomes_stored for f in proc._read_chunk(fids).values()] == [False] * 3
        proc.run()
        before = len(events(proc))
        assert [f and f.outcomes_stored for f in proc._read_chunk(fids).values()] == [True] * 3
    # a late incident for A within its claim's window: A's claim is put at risk
    save(store, [late_asb("A", "2024-09-01", "2024-12-02T09:00:00+00:00")])
    with PolicyProcess(store, [FW], on=ON, known_at=at("2024-12-03T00:00:00+00:00")) as proc:
        asked = _outcome_reads(proc, monkeypatch)
        proc.run()
        assert asked == []  # A's outcomes, which exist, read with A
        after = events(proc)[before:]
    assert {e["family"] for e in after} == {"A"}
    assert "claim_at_risk" in {e["kind"] for e in after}


@pytest.mark.parametrize("key", ["", "encrypted"])
def test_outcomes_read_in_one_scan_are_those_the_library_rebuilds(tmp_path: Path, key: str) -> None:
    from sftimeline.service import generate_key

    with RecordStore.open(str(tmp_path / "s.sqlite"), key=generate_key() if key else "") as store:
        _county(store)
        save(store, [late_asb("A", "2024-09-01", "2024-12-02T09:00:00+00:00")])
        for known_at in ("2024-12-01T00:00:00+00:00", "2024-12-03T00:00:00+00:00"):
            with PolicyProcess(store, [FW], on=ON, known_at=at(known_at)) as proc:
                proc.run()
        with PolicyProcess(store, [FW], on=ON) as proc:
            ids = [FamilyOutcomes.create_id(code) for code in [*CODES, "NOBODY"]]
            scanned = family_decisions.read_outcomes(proc.app, ids)
            assert set(scanned) == set(ids[:3])
            for oid in ids[:3]:
                rebuilt: FamilyOutcomes = proc.app.repository.get(oid)
                assert vars(scanned[oid]) == vars(rebuilt)
                assert scanned[oid].version > 1


@pytest.mark.parametrize("cached", [False, True])
def test_an_application_that_caches_aggregates_has_them_read_its_own_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    """The library's cache would hand out its own copies: then each family's outcomes are
    asked of it, as before."""
    if cached:
        monkeypatch.setenv("AGGREGATE_CACHE_MAXSIZE", "100")
    with RecordStore.open(str(tmp_path / "s.sqlite")) as store:
        _county(store)
        with PolicyProcess(store, [FW], on=ON, known_at=at("2024-12-01T00:00:00+00:00")) as proc:
            assert family_decisions.rebuilds_plainly(proc.app) is not cached
            asked = _outcome_reads(proc, monkeypatch)
            proc.run()
            assert len(asked) == (len(CODES) if cached else 0)
            assert {e["family"] for e in events(proc)} == set(CODES)
