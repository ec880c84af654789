"""Hypothesis properties that guard every decision (issue 15 item 6; docs/semantics.md §1).

Over generated families (the county generator's national-2022 families, and the example
Troubled Families-era families under their three frameworks), on any on-date D and knowledge
time T:

- any order or batching of the same records gives byte-identical decisions;
- a record recorded after T never changes the decision as known at T;
- retracting a record and re-importing it (under a new ``source_id``, the way this engine
  undoes a retraction) restores the earlier decision;
- a decision on D never depends on a record dated after D.

Sized for CI: a few dozen examples per property, each one evaluation of one small family.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sftimeline.generate import family_records
from sftimeline.policies.evaluator import Decision, evaluate_family
from sftimeline.policies.loader import Framework, load_framework
from sftimeline.projections.timeline import retracted_keys
from sftimeline.records import Record, record_from_model, validate_record

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "troubled-families.jsonl"
PREFIX_FRAMEWORK = {"HT": "hertfordshire-2018", "HA": "hampshire", "TF": "herefordshire-tf-2020"}
LATE = datetime(2100, 1, 1, tzinfo=UTC)
CI = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def _record(raw: dict[str, Any]) -> Record:
    model = validate_record(raw)
    return record_from_model(model, default_recorded_at=LATE)


@cache
def _framework(fw_id: str) -> Framework:
    return load_framework(fw_id)


@cache
def _examples() -> tuple[tuple[str, tuple[Record, ...]], ...]:
    by_family: dict[str, list[Record]] = defaultdict(list)
    for line in EXAMPLES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = _record(json.loads(line))
            by_family[r.family].append(r)
    return tuple(
        (PREFIX_FRAMEWORK[fam.split("-")[0]], tuple(recs))
        for fam, recs in sorted(by_family.items())
    )


@cache
def _generated(seed: int, index: int) -> tuple[Record, ...]:
    return tuple(_record(raw) for raw in family_records(seed, index))


@st.composite
def families(draw: st.DrawFn) -> tuple[Framework, list[Record]]:
    """A family's records and the framework they are decided under."""
    if draw(st.booleans()):
        fw_id, recs = draw(st.sampled_from(_examples()))
        return _framework(fw_id), list(recs)
    recs = _generated(draw(st.integers(1, 3)), draw(st.integers(0, 40)))
    return _framework("national-2022"), list(recs)


def _dates(recs: list[Record]) -> tuple[date, date]:
    days = [r.occurred_on for r in recs]
    return min(days), max(days) + timedelta(days=400)


@st.composite
def questions(draw: st.DrawFn) -> tuple[Framework, list[Record], date, datetime]:
    """A family, an on-date D inside (or just after) its history, a knowledge time T."""
    fw, recs = draw(families())
    lo, hi = _dates(recs)
    on = lo + timedelta(days=draw(st.integers(0, (hi - lo).days)))
    stamps = sorted({r.recorded_at for r in recs})
    known_at = draw(st.sampled_from([*stamps, LATE]))
    return fw, recs, on, known_at


def _decide(fw: Framework, recs: list[Record], on: date, known_at: datetime) -> Decision:
    return evaluate_family(fw, recs[0].family, recs, on, known_at)


def _bytes(d: Decision) -> str:
    return json.dumps(d.to_dict(), sort_keys=True)


def _shape(d: Decision) -> list[Any]:
    """The decision without record identities: what a re-imported copy must restore."""
    out = d.to_dict()
    return [
        out["status"],
        out["eligible_from"],
        [
            (c["criterion"], c["person"], c["status"], c["expected_on"], c["met_since"], c["entry"])
            for c in out["criteria"]
        ],
    ]


@CI
@given(questions(), st.randoms(use_true_random=False), st.integers(1, 7))
def test_any_order_or_batching_gives_byte_identical_decisions(
    q: tuple[Framework, list[Record], date, datetime], rnd: Any, batches: int
) -> None:
    fw, recs, on, known_at = q
    shuffled = list(recs)
    rnd.shuffle(shuffled)
    # batching: the records arrive in `batches` slices, each slice in its own order
    size = max(1, len(shuffled) // batches)
    sliced = [shuffled[i : i + size] for i in range(0, len(shuffled), size)]
    rebuilt = [r for part in reversed(sliced) for r in part]
    assert _bytes(_decide(fw, rebuilt, on, known_at)) == _bytes(_decide(fw, recs, on, known_at))


@CI
@given(questions(), st.data())
def test_a_record_recorded_after_t_never_changes_the_decision_as_known_at_t(
    q: tuple[Framework, list[Record], date, datetime], data: st.DataObject
) -> None:
    fw, recs, on, known_at = q
    if known_at == LATE:
        return
    late = [r for r in recs if r.recorded_at > known_at]
    known = [r for r in recs if r.recorded_at <= known_at]
    if not known:
        return
    before = _decide(fw, known, on, known_at)
    subset = data.draw(st.lists(st.sampled_from(late), unique_by=lambda r: r.key)) if late else []
    assert _bytes(_decide(fw, [*known, *subset], on, known_at)) == _bytes(before)


@CI
@given(questions(), st.data())
def test_retracting_a_record_and_reimporting_it_restores_the_decision(
    q: tuple[Framework, list[Record], date, datetime], data: st.DataObject
) -> None:
    fw, recs, on, _ = q
    gone = retracted_keys(recs)
    candidates = [
        r
        for r in recs
        if r.source_id is not None and r.type != "record_retracted" and r.key not in gone
    ]
    if not candidates:
        return
    target = data.draw(st.sampled_from(candidates))
    t1 = max(r.recorded_at for r in recs) + timedelta(days=1)
    retraction = _record(
        {
            "type": "record_retracted",
            "family": target.family,
            "occurred_on": target.occurred_on.isoformat(),
            "recorded_at": t1.isoformat(),
            "source": "audit",
            "source_id": "RETRACT-1",
            "target_source": target.source,
            "target_source_id": target.source_id,
            "reason": "entered on the wrong family",
        }
    )
    again = _record(
        {
            "type": target.type,
            "family": target.family,
            "occurred_on": target.occurred_on.isoformat(),
            "recorded_at": (t1 + timedelta(days=1)).isoformat(),
            "source": target.source,
            "source_id": f"{target.source_id}-reimported",
            **({"person": target.person} if target.person else {}),
            **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in target.data.items()},
        }
    )
    earlier = _decide(fw, recs, on, LATE)
    retracted = _decide(fw, [*recs, retraction], on, t1)
    restored = _decide(fw, [*recs, retraction, again], on, LATE)
    assert target.key not in {f for c in retracted.to_dict()["criteria"] for f in c["facts"]}
    assert _shape(restored) == _shape(earlier)


@CI
@given(questions(), st.data())
def test_a_decision_on_d_never_depends_on_a_record_dated_after_d(
    q: tuple[Framework, list[Record], date, datetime], data: st.DataObject
) -> None:
    fw, recs, on, known_at = q
    later = [r for r in recs if r.occurred_on > on and r.type != "record_retracted"]
    upto = [r for r in recs if r not in later]
    if not upto:
        return
    subset = data.draw(st.lists(st.sampled_from(later), unique_by=lambda r: r.key)) if later else []
    assert _bytes(_decide(fw, [*upto, *subset], on, known_at)) == _bytes(
        _decide(fw, upto, on, known_at)
    )
