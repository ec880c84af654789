"""The import's fast path (records/fast.py) gives exactly what the full path gives, or
declines: ``fast_record(raw, ...)`` is None or equals ``record_from_model(
validate_record(raw, ...), default_recorded_at=...)`` in every slot, the data's order and
spelling included, and the full path accepts whatever the fast path accepts.

Checked on hypothesis records of every type (valid, near-valid and hostile values,
missing and extra fields, custom limits, frameworks), on the examples, the generated
county and the test cases' records; and end to end, an import with the fast path stores
what one without it stores.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import orjson
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import StringConstraints, TypeAdapter, model_validator

from conftest import sample
from sftimeline import importer, jsonl
from sftimeline.adapters.eventstate import prepared_record
from sftimeline.adapters.store import RecordStore
from sftimeline.aggregates.family import EVENT_CLASSES
from sftimeline.generate import write_county
from sftimeline.limits import (
    DEFAULT_LIMITS,
    InputLimits,
    line_within_limits,
    strings_within_limits,
    text_within_limits,
)
from sftimeline.records import (
    RECORD_MODELS,
    Record,
    RecordError,
    RecordModel,
    Text,
    fast,
    record_from_model,
    validate_record,
)
from sftimeline.records.fast import fast_prepared, fast_preparer, fast_record, plan_for
from sftimeline.records.fast_checks import json_time
from sftimeline.records.record import RECORD_TYPES

ROOT = Path(__file__).resolve().parent.parent
MOMENT = datetime(2025, 1, 1, 12, 30, tzinfo=UTC)
KNOWN = frozenset({"national-2022", "hertfordshire-2018"})
TYPES = sorted(RECORD_MODELS)


def _slots(record: Record) -> tuple[Any, ...]:
    """Everything a Record holds, spelled so that 5 and 5.0, or a data order, differ."""
    return (
        record.key,
        record.type,
        record.family,
        repr(record.occurred_on),
        repr(record.recorded_at),
        record.source,
        record.source_id,
        record.person,
        repr(record.data),
        type(record.data),
        record.fingerprint,
        record.recorded_at_supplied,
        record.recorded_at_basis,
    )


def _full(raw: Any, limits: InputLimits, frameworks: Any, within: bool) -> Record | RecordError:
    try:
        model = validate_record(raw, limits=limits, frameworks=frameworks, within_limits=within)
    except RecordError as exc:
        return exc
    return record_from_model(model, default_recorded_at=MOMENT)


def _agree(
    raw: Any,
    limits: InputLimits = DEFAULT_LIMITS,
    frameworks: Any = KNOWN,
    within: bool = False,
) -> bool:
    """Assert the fast path declines or gives the full path's record; whether it answered.
    And the block path's (:func:`fast_prepared`, on what orjson reads of the record's
    line when its text is within the limits): declines, or gives what the writer is
    handed of the full path's record."""
    _agree_prepared(raw, limits, frameworks)
    got = fast_record(raw, limits, frameworks, MOMENT, within)
    if got is None:
        return False
    want = _full(raw, limits, frameworks, within)
    assert not isinstance(want, RecordError), (raw, str(want))
    assert _slots(got) == _slots(want), raw
    return True


def _agree_prepared(raw: Any, limits: InputLimits, frameworks: Any) -> None:
    try:
        text = json.dumps(raw, ensure_ascii=False)
        value = orjson.loads(text)
    except (TypeError, ValueError):
        return
    if type(value) is not dict or not strings_within_limits(text, limits):
        return
    kind = value.get("type")
    if type(kind) is str and kind in RECORD_MODELS and kind not in EVENT_CLASSES:
        return  # a test's own type: it has no event class
    # the block path's form: its nesting not counted from the text, but bounded by the type
    block = fast_preparer(limits, frameworks, MOMENT)(value)
    got = fast_prepared(value, limits, frameworks, MOMENT)
    if text_within_limits(text, limits):
        assert block == got
    for answer in (block, got):
        if answer is not None:
            want = _full(json.loads(text), limits, frameworks, False)
            assert not isinstance(want, RecordError), (text, str(want))
            assert answer == prepared_record(want), text


# --- hypothesis: records of every type, valid, near-valid and hostile -------------------

DATE_TEXTS = st.one_of(
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.dates(min_value=date(1890, 1, 1), max_value=date(2110, 1, 1)).map(date.isoformat),
    st.sampled_from(
        [
            "2024-02-30",
            "2024-2-03",
            " 2024-01-01",
            "2024-01-01\n",
            "20240101",
            "2024-W01-1",
            "1899-12-31",
            "2101-01-01",
            "2024-01-01T00:00:00Z",
            "٢٠٢٤-٠١-٠١",
            "",
        ]
    ),
)
ZONES = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=1)),
        timezone(-timedelta(hours=5, minutes=30)),
        timezone(timedelta(hours=14)),
        timezone(-timedelta(hours=12)),
    ]
)
_MOMENTS = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES
)
TIME_TEXTS = st.one_of(
    _MOMENTS.map(lambda d: d.isoformat()),
    _MOMENTS.map(lambda d: d.isoformat().replace("+00:00", "Z")),
    _MOMENTS.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S") + "Z"),
    st.datetimes(min_value=datetime(1890, 1, 1), max_value=datetime(2110, 1, 1)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    ),
    st.datetimes().map(lambda d: d.isoformat()),  # no offset
    DATE_TEXTS,
    st.sampled_from(
        [
            "2024-01-01T10:00Z",
            "2024-01-01 10:00:00Z",
            "2024-01-01T10:00:00.1234567Z",
            "2024-01-01T24:00:00Z",
            "2100-12-31T23:30:00-01:00",
            "1900-01-01T00:30:00+01:00",
            "2024-01-01T10:00:00z",
            "2024-01-01T10:00:00ZZ",
            "2024-13-01T10:00:00Z",
        ]
    ),
)
TEXTS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "\t\n",
            "a\x00b",
            "\ud800",
            "x" * 50,
            "national-2022",
            "national-2022:7.1",
            "2024-spring",
            "2023-autumn",
            "../etc",
            "NATIONAL",
        ]
    ),
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.sampled_from([0, 1, -1, 2**53, 2**53 + 1, 10**15, 10**15 - 1, 2**63, 10**40]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 0.5, 168.0, 168.5, 1e300, 2.0**63]),
    TEXTS,
    DATE_TEXTS,
    TIME_TEXTS,
    st.lists(st.one_of(TEXTS, st.integers()), max_size=3),
    st.dictionaries(TEXTS, st.one_of(st.integers(), st.floats(), TEXTS), max_size=3),
    st.lists(st.lists(st.integers(), max_size=2), max_size=2),
)


def _codes(annotation: Any) -> list[Any]:
    """Every literal value anywhere in a field's annotation."""
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    return [code for arg in get_args(annotation) for code in _codes(arg)]


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A sample record of any type with up to three fields changed, added or removed."""
    record_type = draw(st.sampled_from(TYPES))
    raw: dict[str, Any] = sample(record_type)
    if draw(st.booleans()):
        raw["recorded_at"] = draw(TIME_TEXTS)
    fields = RECORD_MODELS[record_type].model_fields
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=3)):
        choice = draw(st.integers(0, 5))
        codes = _codes(fields[name].annotation)
        if choice == 0:
            raw.pop(name, None)
        elif choice == 1 and codes:
            raw[name] = draw(st.sampled_from(codes))
        elif choice == 2:
            raw[name] = draw(DATE_TEXTS if name != "recorded_at" else TIME_TEXTS)
        elif choice == 3 and name in raw and isinstance(raw[name], int | float):
            raw[name] = draw(st.integers(-2, 200) | st.floats(-1, 200))
        elif choice == 4:
            raw[name] = draw(TEXTS)
        else:
            raw[name] = draw(JUNK)
    if draw(st.integers(0, 9)) == 0:
        raw[draw(st.sampled_from(["extra", "Type", "person", "note", ""]))] = draw(JUNK)
    return raw


_IN_RANGE = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2100, 12, 30), timezones=ZONES
)
GOOD_TIMES = st.one_of(
    _IN_RANGE.map(lambda d: d.isoformat()),
    _IN_RANGE.map(lambda d: d.astimezone(UTC).isoformat().replace("+00:00", "Z")),
    _IN_RANGE.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S") + "Z"),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
)
GOOD_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat)


@st.composite
def good_records(draw: st.DrawFn) -> dict[str, Any]:
    """A sample record of any type with values changed to other valid-looking ones (the
    rules across fields may still break)."""
    record_type = draw(st.sampled_from(TYPES))
    raw: dict[str, Any] = sample(record_type)
    fields = RECORD_MODELS[record_type].model_fields
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=4)):
        codes = _codes(fields[name].annotation)
        value = raw.get(name)
        if codes:
            raw[name] = draw(st.sampled_from(codes))
        elif name == "recorded_at":
            raw[name] = draw(GOOD_TIMES | st.none())
        elif isinstance(value, bool):
            raw[name] = draw(st.booleans())
        elif isinstance(value, int):
            raw[name] = draw(st.integers(0, 10**15 - 1) | st.integers(0, 200))
        elif isinstance(value, float):
            raw[name] = draw(st.floats(0.01, 168) | st.integers(1, 168))
        elif isinstance(value, dict):
            raw[name] = draw(
                st.dictionaries(
                    st.text(min_size=1).filter(str.strip),
                    st.integers(0, 10) | st.floats(0, 10),
                    min_size=1,
                    max_size=3,
                )
            )
        elif name in (
            "occurred_on",
            "born_on",
            "period_end",
            "period_from",
            "until",
            "due_on",
            "expected_end",
            "previous_support_closed_on",
        ):
            raw[name] = draw(GOOD_DATES)
        elif isinstance(value, str) and name not in ("type", "framework", "criterion", "term"):
            raw[name] = draw(st.text(min_size=1, max_size=30).filter(str.strip))
        elif fields[name].is_required():
            continue
        else:
            raw.pop(name, None)
    return raw


@settings(max_examples=2000, suppress_health_check=[HealthCheck.too_slow])
@given(good_records(), st.booleans())
def test_valid_records_in_every_form_take_the_fast_path_alike(
    raw: dict[str, Any], prove: bool
) -> None:
    within = False
    if prove:
        text = json.dumps(raw, ensure_ascii=False)
        within = line_within_limits(text, json.loads(text), DEFAULT_LIMITS)
    _agree(raw, DEFAULT_LIMITS, KNOWN, within)


LIMITS = st.one_of(
    st.just(DEFAULT_LIMITS),
    st.builds(
        InputLimits,
        max_string_chars=st.integers(1, 40) | st.integers(20, 60),
        max_depth=st.integers(0, 3) | st.just(2),
        max_integer_digits=st.integers(1, 17),
        earliest=st.dates(min_value=date(1, 1, 1), max_value=date(2024, 6, 1)),
        latest=st.dates(min_value=date(2023, 1, 1)),
    ),
)


@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
@given(
    records(),
    LIMITS,
    st.sampled_from([None, KNOWN, frozenset()]),
    st.booleans(),
    st.booleans(),
)
def test_the_fast_path_gives_the_full_paths_record_or_declines(
    raw: dict[str, Any], limits: InputLimits, frameworks: Any, prove: bool, ascii_: bool
) -> None:
    within = False
    if prove:  # as a JSON Lines line would: the text proves the values within the limits
        text = json.dumps(raw, ensure_ascii=ascii_)
        within = line_within_limits(text, json.loads(text), limits)
    _agree(raw, limits, frameworks, within)


# --- every type, and the files we have ---------------------------------------------------


@pytest.mark.parametrize("record_type", TYPES)
def test_every_record_type_has_a_fast_path(record_type: str) -> None:
    assert plan_for(record_type, DEFAULT_LIMITS) is not None
    for recorded_at in ("2024-05-02T10:00:00Z", "2024-05-02T11:00:00+01:00", None):
        assert _agree(sample(record_type, recorded_at=recorded_at))


def _file_records() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted((ROOT / "examples").glob("*.jsonl")):
        out.extend(json.loads(line) for line in path.read_text().splitlines() if line.strip())
    county = io.StringIO()
    write_county(county, families=40, seed=7)
    out.extend(json.loads(line) for line in county.getvalue().splitlines())
    for case in sorted((ROOT / "tests" / "cases").rglob("*.yaml")):
        loaded = yaml.safe_load(case.read_text())
        if isinstance(loaded, dict) and isinstance(loaded.get("records"), list):
            out.extend(json.loads(json.dumps(r, default=str)) for r in loaded["records"])
    return out


def test_the_examples_the_county_and_the_cases_take_the_fast_path_alike() -> None:
    raws = _file_records()
    answered = sum(_agree(raw) for raw in raws)
    valid = sum(
        not isinstance(_full(raw, DEFAULT_LIMITS, KNOWN, False), RecordError) for raw in raws
    )
    assert len(raws) > 3000
    assert answered == valid  # every valid record of ours is of the usual form


def test_json_time_spells_a_knowledge_time_as_the_models_dump() -> None:
    adapter = TypeAdapter(datetime)

    @given(_MOMENTS.map(lambda d: d.astimezone(UTC)))
    def check(moment: datetime) -> None:
        assert json_time(moment) == adapter.dump_python(moment, mode="json")

    check()


# --- what the fast path does not know, it leaves to the full path -----------------------


class _Capped(RecordModel):
    TYPE = "x_capped"
    type: Literal["x_capped"]
    code: Annotated[str, StringConstraints(max_length=3)]


class _Picky(RecordModel):
    TYPE = "x_picky"
    PERSON_REQUIRED = False
    type: Literal["x_picky"]
    tenancy: Text

    @model_validator(mode="after")
    def _never_t9(self) -> _Picky:
        if self.tenancy == "T9":
            raise ValueError("not T9")
        return self


@pytest.fixture
def extra_types(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Two more types, registered as ``register_record_model`` registers one."""
    for model in (_Capped, _Picky):
        monkeypatch.setitem(RECORD_MODELS, model.TYPE, model)
    monkeypatch.setattr(fast, "_PLANS", {})
    monkeypatch.setattr(fast, "_last", None)
    RECORD_TYPES.update((_Capped.TYPE, _Picky.TYPE))
    yield
    RECORD_TYPES.difference_update((_Capped.TYPE, _Picky.TYPE))


def _bare(record_type: str, **fields: Any) -> dict[str, Any]:
    return {"type": record_type, "family": "F1", "occurred_on": "2024-05-01", **fields}


@pytest.mark.usefixtures("extra_types")
def test_a_type_with_a_schema_element_it_does_not_know_always_takes_the_full_path() -> None:
    assert plan_for("x_capped", DEFAULT_LIMITS) is None
    assert fast_record(_bare("x_capped", code="abc"), DEFAULT_LIMITS, None, MOMENT) is None


@pytest.mark.usefixtures("extra_types")
def test_a_models_own_rule_is_asked_and_a_broken_one_declines() -> None:
    assert _agree(_bare("x_picky", tenancy="T1"))
    assert fast_record(_bare("x_picky", tenancy="T9"), DEFAULT_LIMITS, None, MOMENT) is None
    assert isinstance(
        _full(_bare("x_picky", tenancy="T9"), DEFAULT_LIMITS, None, False), RecordError
    )


def test_records_the_full_path_rejects_are_declined() -> None:
    bad = [
        sample("case_closed", recorded_at="2024-04-30T23:59:59Z"),  # known before it happened
        sample("case_closed", recorded_at_basis="extract_date", recorded_at=None),
        sample("term_attendance_posted", attended_sessions=121),
        sample("claim_submitted", framework="hampshire-2099"),
        sample("case_closed", extra=1),
        sample("case_closed", family=" "),
        sample("case_closed", occurred_on="1899-12-31"),
        sample("exclusion_recorded", days=None),
    ]
    for raw in bad:
        assert fast_record(raw, DEFAULT_LIMITS, KNOWN, MOMENT) is None
        assert isinstance(_full(raw, DEFAULT_LIMITS, KNOWN, False), RecordError)


# --- end to end ---------------------------------------------------------------------------


def _stored(db: str) -> list[tuple[Any, ...]]:
    with RecordStore.open(db, create=False) as store:
        return [_slots(r) for _, recs in store.iter_family_records() for r in recs]


def test_an_import_stores_the_same_with_the_fast_path_and_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "county.jsonl"
    with source.open("w") as out:
        write_county(out, families=15, seed=3)
    lines = source.read_text().splitlines()
    lines[3:3] = [json.dumps({**json.loads(lines[5]), "occurred_on": "2024-02-30"}), "{bad"]
    source.write_text("\n".join(lines) + "\n")

    def run(name: str) -> tuple[Any, ...]:
        rejects = io.StringIO()
        db = str(tmp_path / f"{name}.sqlite")
        with RecordStore.open(db) as store:
            summary = importer.import_files(
                store, [str(source)], imported_at=MOMENT, rejects=rejects
            )
        return summary.to_dict(), rejects.getvalue(), _stored(db)

    with_fast = run("fast")
    monkeypatch.setattr(importer, "fast_record", lambda *args: None)
    monkeypatch.setattr(jsonl, "fast_preparer", lambda *args: lambda raw: None)
    assert run("full") == with_fast
    assert with_fast[1].count("\n") == 2


def test_a_block_of_lines_prepares_what_its_rows_prepare() -> None:
    """A block's own fast way (``PendingBlock.prepared``) gives the writer, row for row
    (its runs of fast lines taken apart), what preparing each of its rows gives: good and
    hostile lines, a dry run."""
    import random

    from fuzz_lines import fuzz_file
    from sftimeline.importer import _each_row, _Prepare
    from sftimeline.jsonl import file_blocks

    data, _ = fuzz_file(random.Random(5), 400)
    county = io.StringIO()
    write_county(county, families=3, seed=2)
    data += county.getvalue().encode()
    for build in (True, False):
        job = _Prepare(DEFAULT_LIMITS, KNOWN, MOMENT, build)
        blocks = list(file_blocks("f.jsonl", io.BytesIO(data)))
        entries = [entry for block in blocks for entry in block.prepared(job)]
        rows = [tuple(job.one(row)) for block in blocks for row in block.items()]
        assert list(_each_row(entries)) == rows
        assert len(rows) > 700
        runs = [entry for entry in entries if len(entry) == 3]
        assert bool(runs) == build  # a dry run prepares no records: no runs


def test_a_parsed_line_is_the_row_the_dataclass_would_make() -> None:
    from dataclasses import fields

    from sftimeline.importer import SourceRow
    from sftimeline.jsonl import PendingLine

    text = json.dumps(sample("case_closed"))
    row = PendingLine("f.jsonl", 7, text).row(DEFAULT_LIMITS)
    made = SourceRow("f.jsonl", 7, records=(json.loads(text),), text=text, within_limits=True)
    assert row == made
    assert list(vars(row)) == [f.name for f in fields(SourceRow)]


def _nesting(value: Any) -> int:
    """How deep a decoded JSON value nests, counted as ``InputLimits.max_depth`` is."""
    if type(value) is dict:
        return 1 + max(map(_nesting, value.values()), default=0)
    if type(value) is list:
        return 1 + max(map(_nesting, value), default=0)
    return 0


def _deepest_samples() -> list[dict[str, Any]]:
    """A record of every type with a list or dict field, that field filled."""
    out = []
    for record_type in TYPES:
        raw = sample(record_type)
        if _nesting(raw) > 1 and record_type in EVENT_CLASSES:
            out.append(raw)
    return out


def test_the_block_path_takes_a_nested_record_only_within_the_depth_limit() -> None:
    """The block path counts no brackets (``strings_within_limits``): a record the full
    path would refuse as nested too deep it declines, by its type's depth, and one just
    within the limit it takes as the full path does."""
    raws = _deepest_samples()
    assert raws  # some types nest: the boundary is tried
    for raw in raws:
        text = json.dumps(raw)
        deepest = _nesting(raw)
        for most in (deepest - 1, deepest, deepest + 1):
            limits = InputLimits(max_depth=most)
            got = fast_preparer(limits, KNOWN, MOMENT)(orjson.loads(text))
            want = _full(json.loads(text), limits, KNOWN, False)
            if most < deepest:
                assert isinstance(want, RecordError) and got is None, (most, text)
            elif most >= plan_for(raw["type"], limits).depth:  # type: ignore[union-attr]
                assert not isinstance(want, RecordError) and got == prepared_record(want)


def test_an_unknown_type_is_declined_and_not_remembered() -> None:
    raw = sample("case_closed", type="alien_landed")
    assert fast_record(raw, DEFAULT_LIMITS, KNOWN, MOMENT) is None
    prepare = fast_preparer(DEFAULT_LIMITS, KNOWN, MOMENT)
    assert prepare(raw) is None
    assert prepare({**raw, "type": ["case_closed"]}) is None
    assert "alien_landed" not in fast._PLANS[DEFAULT_LIMITS].by_type


_PLAIN_FLOATS = st.floats(min_value=1e-4, max_value=1e15, exclude_max=True)


@given(_PLAIN_FLOATS | _PLAIN_FLOATS.map(lambda f: -f) | st.sampled_from([0.0, -0.0]))
def test_orjson_spells_a_float_of_moderate_size_as_repr_does(number: float) -> None:
    """What lets the fingerprint hand such floats to orjson unspelled (records/value.py)."""
    import orjson

    assert orjson.dumps(number).decode() == repr(number) == json.dumps(number)


def test_a_fingerprint_with_moderate_floats_is_the_standard_librarys_digest() -> None:
    import hashlib

    for scores in ({"a": 4.0}, {"a": 0.0001, "b": -0.0}, {"a": 999999999999999.9}, {"a": 1e15}):
        raw = sample("assessment_scored", scores=scores)
        record = fast_record(raw, DEFAULT_LIMITS, KNOWN, MOMENT)
        assert record is not None
        model = validate_record(raw, frameworks=KNOWN)
        dumped = model.model_dump(mode="json", exclude_none=True)
        text = json.dumps(dumped, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert record.fingerprint == hashlib.sha256(text.encode()).hexdigest()


# --- the rules told in line, each at its boundary ---------------------------------------

_NO = object()  # a field left out
#: (type, fields changed from the sample, whether the type's own rule holds)
_RULE_BOUNDARIES = [
    ("term_attendance_posted", {"attended_sessions": 100}, True),  # 100 + 10 + 10 = 120
    ("term_attendance_posted", {"attended_sessions": 101}, False),
    ("term_attendance_posted", {"unauthorised_absence_sessions": 11}, False),
    (
        "term_attendance_posted",
        {"authorised_absence_sessions": _NO, "attended_sessions": 110},
        True,
    ),
    (
        "term_attendance_posted",
        {"authorised_absence_sessions": None, "attended_sessions": 111},
        False,
    ),
    (
        "term_attendance_posted",
        {"authorised_absence_sessions": _NO, "unauthorised_absence_sessions": _NO},
        True,
    ),
    (
        "term_attendance_posted",
        {
            "authorised_absence_sessions": _NO,
            "unauthorised_absence_sessions": _NO,
            "attended_sessions": 121,
        },
        False,
    ),
    ("exclusion_recorded", {"days": 0.5}, True),
    ("exclusion_recorded", {"days": _NO}, False),
    ("exclusion_recorded", {"days": None}, False),
    ("exclusion_recorded", {"kind": "permanent", "days": _NO}, True),
    ("earnings_reported", {"period_end": "2024-05-01"}, True),
    ("earnings_reported", {"period_end": "2024-04-30"}, False),
    ("evidence_recorded", {"period_from": "2024-05-01"}, True),
    ("evidence_recorded", {"period_from": "2024-05-02"}, False),
    ("evidence_recorded", {"period_from": None}, True),
    ("progress_to_work_recorded", {"until": "2024-05-01"}, True),
    ("progress_to_work_recorded", {"until": "2024-04-30"}, False),
    ("progress_to_work_recorded", {"until": _NO}, True),
]


@pytest.mark.parametrize(("record_type", "changes", "holds"), _RULE_BOUNDARIES)
def test_a_types_own_rule_is_told_in_line_on_both_sides_of_its_boundary(
    record_type: str, changes: dict[str, Any], holds: bool
) -> None:
    """A rule a model restates (``TOLD_RULES``) is told from the checked values where it
    holds, with no instance built; where it does not, the validator is asked and the
    record declined, as the full path rejects it."""
    raw = sample(record_type)
    for name, value in changes.items():
        if value is _NO:
            raw.pop(name, None)
        else:
            raw[name] = value
    plan = plan_for(record_type, DEFAULT_LIMITS)
    assert plan is not None
    checked = plan.check(raw)
    assert checked is not None  # every field alone is valid
    assert checked[3] is holds  # told in line exactly when the rule holds
    assert _agree(raw) is holds
    assert isinstance(_full(raw, DEFAULT_LIMITS, KNOWN, False), RecordError) is not holds


def test_a_claims_framework_is_told_from_the_frameworks_it_may_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``claim_submitted``'s rule reads the frameworks an import knows, so it is told by
    the plan (which is given them), not in line: no model instance, no pydantic, for a
    claim under a known framework; under another, the record is declined, and the full
    path rejects it."""
    plan = plan_for("claim_submitted", DEFAULT_LIMITS)
    assert plan is not None
    raw = sample("claim_submitted", framework="national-2022")
    checked = plan.check(raw)
    assert checked is not None and checked[3] is False  # not told in line

    def no_instance(values: dict[str, Any]) -> Any:
        raise AssertionError("asked a validator")

    monkeypatch.setattr(plan, "_instance", no_instance)
    for frameworks in (KNOWN, None):
        assert fast_record(raw, DEFAULT_LIMITS, frameworks, MOMENT) is not None
    monkeypatch.undo()
    for frameworks in (frozenset({"hertfordshire-2018"}), frozenset()):
        assert fast_record(raw, DEFAULT_LIMITS, frameworks, MOMENT) is None
        assert isinstance(_full(raw, DEFAULT_LIMITS, frameworks, False), RecordError)
    assert _agree(raw)
