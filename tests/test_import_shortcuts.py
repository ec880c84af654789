"""The import's shortcuts give exactly what the long ways give.

- a line whose text proves it within the input limits has no value that breaks one;
- the fingerprint written with orjson is the standard library's canonical JSON digest;
- the enabled frameworks are read under the setting the policy process writes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from conftest import sample
from sftimeline.limits import DEFAULT_LIMITS, InputLimits, line_within_limits, value_problems
from sftimeline.records import RECORD_MODELS, fingerprint, validate_record

SMALL = InputLimits(max_string_chars=40, max_depth=3, max_integer_digits=4)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**6), max_value=10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_a_line_within_limits_has_no_value_breaking_one(raw: dict[str, Any]) -> None:
    for text in (json.dumps(raw), json.dumps(raw, ensure_ascii=False)):
        for limits in (SMALL, DEFAULT_LIMITS):
            if line_within_limits(text, json.loads(text), limits):
                assert value_problems(json.loads(text), limits) == []


def test_an_ordinary_line_is_within_the_limits() -> None:
    text = json.dumps(sample("case_closed"), ensure_ascii=False)
    assert line_within_limits(text, json.loads(text), DEFAULT_LIMITS)


FRAMEWORKS = {"national-2022"}


def _standard_digest(raw: dict[str, Any]) -> str:
    """The digest as it was first written: ``json.dumps`` of the model's dump."""
    model = validate_record(raw, frameworks=FRAMEWORKS)
    stated = {"recorded_at", "recorded_at_basis"} if model.recorded_at_basis else None
    payload = model.model_dump(mode="json", exclude_none=True, exclude=stated)
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip() and "\x00" not in s))
def test_the_fingerprint_is_the_standard_librarys_canonical_digest(text: str) -> None:
    for record_type in ("case_closed", "earnings_reported", "person_joined"):
        raw = sample(record_type, family=text, source_id=text[::-1])
        try:
            assert fingerprint(validate_record(raw)) == _standard_digest(raw)
        except ValueError:  # a lone surrogate: rejected before any fingerprint
            continue


def test_every_sample_type_fingerprints_as_before() -> None:
    from conftest import SAMPLES

    for record_type in sorted(set(SAMPLES) & set(RECORD_MODELS)):
        raw = sample(record_type)
        assert fingerprint(validate_record(raw, frameworks=FRAMEWORKS)) == _standard_digest(raw)


def test_a_float_fingerprints_as_the_standard_library_writes_it() -> None:
    raw = sample("earnings_reported")
    model = validate_record(raw)
    payload = {**model.model_dump(mode="json", exclude_none=True), "x": 1e16}
    from sftimeline.records.value import _digest

    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert _digest(model, payload) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_a_record_comes_back_from_a_worker_equal_to_itself() -> None:
    """Record.__reduce__ rebuilds through the slots' setters, not ``__init__``."""
    import pickle
    from dataclasses import fields
    from datetime import UTC, date, datetime

    from sftimeline.records import Record

    full = Record(
        "police:1", "case_closed", "F1", date(2024, 5, 1), datetime(2024, 5, 2, tzinfo=UTC),
        "police", "1", "P1", {"note": "x", "scores": {"a": 1.5}}, "ab" * 32, False, "extract_date",
    )  # fmt: skip
    bare = Record("#ab", "case_closed", "F1", date(2024, 5, 1), datetime(2024, 5, 2, tzinfo=UTC))
    for record in (full, bare):
        back = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is Record and back == record
        assert [getattr(back, f.name) for f in fields(Record)] == [
            getattr(record, f.name) for f in fields(Record)
        ]


def test_a_pending_line_goes_to_a_worker_as_its_fields() -> None:
    import pickle

    from sftimeline.jsonl import PendingLine

    line = PendingLine("a.jsonl", 7, '{"type": "case_closed"}')
    assert pickle.loads(pickle.dumps(line)) == line
