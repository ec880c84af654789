"""Hypothesis properties of import and the timeline projection over stored records."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sftimeline.adapters.store import RecordStore
from sftimeline.importer import import_files
from sftimeline.projections.timeline import Timeline
from sftimeline.records import Record

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ON = date(2025, 12, 31)
BASE = date(2024, 1, 1)


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few families' incidents and case events, some late, some retracted."""
    out: list[dict[str, Any]] = []
    n = draw(st.integers(1, 14))
    for i in range(n):
        family = draw(st.sampled_from(["F1", "F2", "F3"]))
        occurred = BASE + timedelta(days=draw(st.integers(0, 500)))
        late = draw(st.integers(0, 200))
        rec: dict[str, Any] = {
            "type": draw(st.sampled_from(["incident_recorded", "case_closed"])),
            "family": family,
            "occurred_on": occurred.isoformat(),
            "recorded_at": f"{(occurred + timedelta(days=late)).isoformat()}T10:00:00Z",
            "source": "s",
            "source_id": f"R{i}",
        }
        if rec["type"] == "incident_recorded":
            rec.update(person="P1", kind="asb")
        out.append(rec)
    for j, target in enumerate(draw(st.lists(st.sampled_from(out), max_size=3))):
        at = date.fromisoformat(target["recorded_at"][:10]) + timedelta(
            days=draw(st.integers(0, 100))
        )
        out.append(
            {
                "type": "record_retracted",
                "family": target["family"],
                "occurred_on": target["occurred_on"],
                "recorded_at": f"{at.isoformat()}T11:00:00Z",
                "source": "s",
                "source_id": f"X{j}",
                "target_source": "s",
                "target_source_id": target["source_id"],
                "reason": "wrong family",
            }
        )
    return out


def store_all(tmp: Path, lines: list[dict[str, Any]], batch: int) -> dict[str, list[Record]]:
    path = tmp / "in.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    db = tmp / f"s{len(list(tmp.iterdir()))}.sqlite"
    with RecordStore.open(str(db)) as store:
        import_files(store, [str(path)], batch_size=batch, imported_at=NOW)
        return dict(store.iter_family_records())


def keys(tl: Timeline) -> list[str]:
    return [r.key for r in tl]


SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(histories(), st.randoms(use_true_random=False), st.integers(1, 7))
def test_order_and_batch_size_never_change_a_timeline(
    tmp_path_factory: Any, lines: list[dict[str, Any]], rnd: Any, batch: int
) -> None:
    tmp = tmp_path_factory.mktemp("p")
    a = store_all(tmp, lines, 500)
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    b = store_all(tmp, shuffled, batch)
    assert a.keys() == b.keys()
    for fam in a:
        for t in (NOW, datetime(2024, 9, 1, tzinfo=UTC)):
            assert keys(Timeline.build(fam, a[fam], ON, t)) == keys(
                Timeline.build(fam, b[fam], ON, t)
            )


@SETTINGS
@given(histories())
def test_reimport_is_a_no_op(tmp_path_factory: Any, lines: list[dict[str, Any]]) -> None:
    tmp = tmp_path_factory.mktemp("p")
    path = tmp / "in.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    with RecordStore.open(str(tmp / "s.sqlite")) as store:
        import_files(store, [str(path)], imported_at=NOW)
        before = dict(store.iter_family_records())
        again = import_files(store, [str(path)], imported_at=NOW)
        assert (again.stored, again.duplicates, again.conflicts) == (0, len(lines), [])
        assert dict(store.iter_family_records()) == before


@SETTINGS
@given(histories(), st.integers(0, 800), st.integers(0, 800))
def test_known_at_grows_except_for_retractions(
    tmp_path_factory: Any, lines: list[dict[str, Any]], d1: int, d2: int
) -> None:
    t1, t2 = sorted(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=d) for d in (d1, d2))
    stored = store_all(tmp_path_factory.mktemp("p"), lines, 3)
    for fam, recs in stored.items():
        early = Timeline.build(fam, recs, ON, t1)
        late = Timeline.build(fam, recs, ON, t2)
        missing = set(keys(early)) - set(keys(late))
        assert missing <= set(late.retractions)


@SETTINGS
@given(histories())
def test_a_retraction_removes_exactly_its_target_from_its_time_on(
    tmp_path_factory: Any, lines: list[dict[str, Any]]
) -> None:
    stored = store_all(tmp_path_factory.mktemp("p"), lines, 4)
    for fam, recs in stored.items():
        for r in recs:
            if r.type != "record_retracted":
                continue
            at = r.recorded_at
            before = Timeline.build(fam, [x for x in recs if x is not r], ON, at)
            after = Timeline.build(fam, recs, ON, at)
            target = f"s:{r.get('target_source_id')}"
            removed = set(keys(before)) - set(keys(after))
            assert removed <= {target}
            assert set(keys(after)) - set(keys(before)) == set()
            assert target not in keys(after)
