"""The import's shortcuts give exactly what the long ways give.

- a line whose text proves it within the input limits has no value that breaks one;
- the fingerprint written with orjson is the standard library's canonical JSON digest;
- the enabled frameworks are read under the setting the policy process writes.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from conftest import sample
from sftimeline.import_summary import Rejection
from sftimeline.importer import SourceRow
from sftimeline.jsonl import PendingLine, parse_line
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


def _row_the_standard_librarys_way(text: str, limits: InputLimits) -> SourceRow:
    """A line's row as it was made before orjson parsed first: json.loads (parse_line),
    then line_within_limits."""
    parsed = parse_line(text, "f.jsonl", 1, limits)
    if isinstance(parsed, Rejection):
        return SourceRow("f.jsonl", 1, rejection=parsed, text=text)
    within = line_within_limits(text, parsed, limits)
    return SourceRow("f.jsonl", 1, records=(parsed,), text=text, within_limits=within)


def _same_row(text: str) -> None:
    for limits in (SMALL, DEFAULT_LIMITS):
        fast = PendingLine("f.jsonl", 1, text).row(limits)
        # repr: NaN is not equal to itself, and -0.0 equals 0
        assert repr(fast) == repr(_row_the_standard_librarys_way(text, limits))


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6), st.booleans())
def test_a_line_parsed_by_orjson_is_the_line_json_loads_parses(
    raw: dict[str, Any], ascii_only: bool
) -> None:
    _same_row(json.dumps(raw, ensure_ascii=ascii_only))


NUMBER_LITERALS = st.from_regex(
    r"-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,25})?([eE][+-]?[0-9]{1,3})?", fullmatch=True
)


@given(st.lists(NUMBER_LITERALS, min_size=1, max_size=3))
def test_a_number_parsed_by_orjson_is_the_number_json_loads_parses(literals: list[str]) -> None:
    """Integers past 64 bits (orjson reads them as floats), long mantissas, exponents."""
    _same_row('{"a": ' + literals[0] + ', "b": [' + ", ".join(literals) + "]}")


@given(st.text(alphabet='{}[]":,0123456789.eE-+ \\tfnrulasNIy\ud800\x00\u00e9', max_size=40))
def test_a_malformed_line_gets_the_standard_librarys_rejection(text: str) -> None:
    _same_row(text)


def test_orjson_and_json_loads_agree_on_the_known_differences() -> None:
    for text in (
        '{"a": 18446744073709551616}',  # orjson: a float
        '{"a": -9223372036854775809}',
        '{"a": 1e400}',  # json: inf
        '{"a": NaN}',
        '{"a": "\\ud800"}',  # a lone surrogate escape
        '{"a": 1, "b": 2, "a": 3}',
        '{"a": "\\u0000"}',
        '\ufeff{"a": 1}',
        "[1, 2]",
        '{"a": 12345678901234567}',  # past the integer limit: within_limits is False
    ):
        _same_row(text)


json_with_floats = st.recursive(
    st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.text(max_size=5)
    | st.none(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)


@given(json_with_floats)
def test_a_record_holding_floats_fingerprints_as_the_standard_library_writes_it(
    value: Any,
) -> None:
    from sftimeline.records.value import _digest

    model = validate_record(sample("earnings_reported"))
    payload = {**model.model_dump(mode="json", exclude_none=True), "x": value}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert _digest(model, payload) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _reference_iso_date(value: Any, limits: InputLimits) -> Any:
    """records/fields.py's _parse_iso_date as first written (the usual case now first)."""
    if isinstance(value, datetime):
        raise ValueError("must be a date (YYYY-MM-DD), not a date-time")
    if isinstance(value, date):
        day = value
    elif not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        raise ValueError("must be an ISO date, YYYY-MM-DD")
    else:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a calendar date") from None
    if not limits.earliest <= day <= limits.latest:
        raise ValueError("outside")
    return day


def _outcome(parse: Any, *args: Any) -> Any:
    try:
        return repr(parse(*args))
    except ValueError as exc:
        return str(exc)


class _Info:
    def __init__(self, limits: InputLimits) -> None:
        self.context = {"limits": limits}


DATE_LIKE = st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True) | st.text(
    alphabet="0123456789-T:Z+ \n٢", max_size=12
)


@given(DATE_LIKE | st.dates().map(date.isoformat) | st.dates() | st.integers())
def test_a_date_is_parsed_as_it_was_first_written(value: Any) -> None:
    from sftimeline.records.fields import _parse_iso_date

    limits = InputLimits()
    mine = _outcome(_parse_iso_date, value, _Info(limits))
    reference = _outcome(_reference_iso_date, value, limits)
    assert mine == reference or ("outside" in reference and "outside the accepted" in mine)


def _reference_knowledge_time(value: Any, limits: InputLimits) -> Any:
    """records/fields.py's _parse_knowledge_time as first written."""
    from datetime import UTC, time

    def in_range(day: date) -> None:
        if not limits.earliest <= day <= limits.latest:
            raise ValueError("outside")

    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        return datetime.combine(_reference_iso_date(value, limits), time(0), tzinfo=UTC)
    elif isinstance(value, str):
        if re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            return datetime.combine(_reference_iso_date(value, limits), time(0), tzinfo=UTC)
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("must be an ISO date-time with offset") from None
    else:
        raise ValueError("must be an ISO date-time with offset or a date")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("needs a UTC offset, e.g. 2024-04-02T09:30:00+00:00")
    in_range(parsed.date())
    utc = parsed.astimezone(UTC)
    in_range(utc.date())
    return utc


TIME_LIKE = st.from_regex(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?\n?",
    fullmatch=True,
)


@given(TIME_LIKE | DATE_LIKE | st.datetimes() | st.dates() | st.integers())
def test_a_knowledge_time_is_parsed_as_it_was_first_written(value: Any) -> None:
    from sftimeline.records.fields import _parse_knowledge_time

    mine = _outcome(_parse_knowledge_time, value, _Info(InputLimits()))
    reference = _outcome(_reference_knowledge_time, value, InputLimits())
    if reference == "outside":
        assert "is outside the accepted range" in mine
    else:  # the same value, or the same message (the reference's shortened)
        assert mine.startswith(reference)


def test_only_types_without_a_float_field_skip_the_walk_for_floats() -> None:
    from sftimeline.records.value import floatless as _floatless

    holding = {t for t, model in RECORD_MODELS.items() if not _floatless(model)}
    assert holding == {
        "assessment_scored",  # scores
        "employment_started",  # hours_per_week
        "exclusion_recorded",  # days
        "health_event_recorded",  # value
    }


def test_every_float_a_record_can_hold_is_fingerprinted_as_the_standard_library_writes_it() -> None:
    from conftest import SAMPLES

    extra = {
        "assessment_scored": {"scores": {"a": 1e16, "b": 0.1, "c": 3}},
        "employment_started": {"hours_per_week": 1e-05},
        "exclusion_recorded": {"days": 2.5},
        "health_event_recorded": {"value": 123456789.123},
    }
    from datetime import UTC

    from sftimeline.records import record_from_model

    for record_type, fields in extra.items():
        raw = {**sample(record_type), **fields}
        record = record_from_model(validate_record(raw), default_recorded_at=datetime.now(UTC))
        assert record.fingerprint == _standard_digest(raw)
    assert set(extra) <= set(SAMPLES)
