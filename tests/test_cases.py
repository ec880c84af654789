"""The case-file oracle: tests/cases/<framework>/*.yaml (format: docs/design.md, "Case files").

Each case file is a small family history in the interchange format plus the decisions an
auditor worked out by hand. This runner

* checks, always, that every case file parses and every record in it is valid interchange
  (``test_case_file_is_valid``);
* evaluates every check with the framework's evaluator and compares only the keys the check
  pins (``test_case_check``). Until ``sftimeline.policies.loader`` / ``.evaluator`` exist the
  evaluation tests are skipped, not errors.

Defaults the runner fills in, so that case files stay short and reproducible:

* ``family``: the file's ``family`` (default ``F1``) on every record that omits it;
* ``recorded_at``: the start (UTC) of the record's ``occurred_on`` day when omitted
  ("known on the day it occurred");
* ``known_at`` of a check: one day after the latest knowledge time of any record in the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sftimeline.records import Record, record_from_model, validate_record

CASES_DIR = Path(__file__).parent / "cases"
UTC = dt.UTC

CRITERION_KEYS = (
    "criterion",
    "person",
    "status",
    "expected_on",
    "met_since",
    "explanation",
    "facts",
    "override",
    "entry",
)
FAMILY_KEYS = ("status", "eligible_from", "flags")


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def _case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("**/*.yaml"))


def _rel(path: Path) -> str:
    return path.relative_to(CASES_DIR).as_posix()


def _iso(value: Any) -> Any:
    """YAML turns unquoted dates and date-times into Python values; the interchange
    format is JSON, so hand the validator the ISO strings a JSON file would carry."""
    if isinstance(value, dt.date):  # dates and date-times (an offset-less one stays visible
        return value.isoformat()  # to the validator, which refuses it)
    if isinstance(value, list):
        return [_iso(v) for v in value]
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    return value


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date, got a date-time {value!r}")
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time(0), tzinfo=UTC)
    else:
        text = str(value)
        if len(text) == 10:
            parsed = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0), tzinfo=UTC)
        else:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"known_at {value!r} needs a UTC offset")
    return parsed.astimezone(UTC)


def load_case(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        case = yaml.safe_load(fh)
    if not isinstance(case, dict):
        raise ValueError(f"{_rel(path)}: a case file is a mapping")
    for key in ("title", "framework", "rule", "records", "checks"):
        if key not in case:
            raise ValueError(f"{_rel(path)}: missing top-level key {key!r}")
    if not isinstance(case.get("parameters", {}), dict):
        raise ValueError(f"{_rel(path)}: parameters is a mapping of reading → value")
    for check in case["checks"] or []:
        # YAML 1.1 reads a bare `on:` key as the boolean True; case files say `on:`.
        if isinstance(check, dict) and True in check:
            check["on"] = check.pop(True)
    return case


def case_records(path: Path, case: dict[str, Any]) -> list[Record]:
    """Validate and convert every record of a case file, filling the runner's defaults."""
    family = str(case.get("family", "F1"))
    records: list[Record] = []
    for index, raw in enumerate(case["records"]):
        if not isinstance(raw, dict):
            raise ValueError(f"{_rel(path)}: record #{index + 1} is not a mapping")
        item = _iso(dict(raw))
        item.setdefault("family", family)
        if "recorded_at" not in item and "occurred_on" in item:
            item["recorded_at"] = f"{item['occurred_on']}T00:00:00+00:00"
        try:
            model = validate_record(item)
        except Exception as exc:
            raise AssertionError(
                f"{_rel(path)}: record #{index + 1} ({item.get('type')}) is not valid "
                f"interchange: {exc}"
            ) from exc
        default = dt.datetime.combine(model.occurred_on, dt.time(0), tzinfo=UTC)
        records.append(record_from_model(model, default_recorded_at=default))
    return records


def _check_id(index: int, check: dict[str, Any]) -> str:
    label = check.get("name") or f"on {_iso(check.get('on'))}"
    if "known_at" in check:
        label += f" known {_iso(check['known_at'])}"
    return f"check{index + 1}: {label}"


def _collect() -> Iterator[Any]:
    for path in _case_files():
        try:
            case = load_case(path)
            checks = case["checks"]
        except Exception:  # reported by test_case_file_is_valid
            continue
        for index, check in enumerate(checks):
            yield pytest.param(path, index, id=f"{_rel(path)}::{_check_id(index, check)}")


# ---------------------------------------------------------------------------
# Always: the files parse and hold valid interchange
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", _case_files(), ids=_rel)
def test_case_file_is_valid(path: Path) -> None:
    case = load_case(path)
    framework = case["framework"]
    assert isinstance(framework, str) and framework, f"{_rel(path)}: framework must be an id"
    records = case_records(path, case)
    assert records, f"{_rel(path)}: no records"
    keys = [r.key for r in records if r.source_id is not None]
    assert len(keys) == len(set(keys)), f"{_rel(path)}: duplicate source + source_id"
    assert case["checks"], f"{_rel(path)}: no checks"
    for index, check in enumerate(case["checks"]):
        where = f"{_rel(path)} {_check_id(index, check)}"
        assert "on" in check, f"{where}: a check needs `on`"
        _as_date(check["on"])
        if "known_at" in check:
            _as_datetime(check["known_at"])
        unknown = set(check) - {"name", "on", "known_at", "criteria", "note", *FAMILY_KEYS}
        assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
        assert check.get("criteria") or any(k in check for k in FAMILY_KEYS), (
            f"{where}: pins nothing"
        )
        for entry in check.get("criteria") or []:
            extra = set(entry) - set(CRITERION_KEYS)
            assert not extra, f"{where}: unknown criterion keys {sorted(extra)}"
            assert "criterion" in entry, f"{where}: criterion entry without `criterion`"
            assert str(entry["criterion"]).startswith(f"{framework}:"), (
                f"{where}: {entry['criterion']} is not a {framework} criterion"
            )
            if entry.get("status") == "pending" and "expected_on" in entry:
                assert entry["expected_on"] is None or _as_date(entry["expected_on"]) > _as_date(
                    check["on"]
                ), f"{where}: expected_on must lie after the on-date"


# ---------------------------------------------------------------------------
# With the evaluator: every check
# ---------------------------------------------------------------------------


def _normal(value: Any) -> Any:
    return _iso(value)


def _match_criterion(
    expected: dict[str, Any], actual: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    same = [
        c
        for c in actual
        if c.get("criterion") == expected["criterion"]
        and ("person" not in expected or c.get("person") == expected["person"])
    ]
    return (same[0] if len(same) == 1 else None), same


@pytest.mark.parametrize(("path", "index"), list(_collect()))
def test_case_check(path: Path, index: int) -> None:
    loader = pytest.importorskip("sftimeline.policies.loader")
    evaluator = pytest.importorskip("sftimeline.policies.evaluator")

    case = load_case(path)
    records = case_records(path, case)
    check = case["checks"][index]
    where = f"{_rel(path)} {_check_id(index, check)} ({case['title']})"

    on = _as_date(check["on"])
    if "known_at" in check:
        known_at = _as_datetime(check["known_at"])
    else:
        known_at = max(r.recorded_at for r in records) + dt.timedelta(days=1)

    try:
        framework = loader.load_framework(case["framework"], case.get("parameters") or None)
    except Exception as exc:  # the framework file has not landed yet
        if "no framework" in str(exc):
            pytest.skip(f"framework {case['framework']!r} not packaged yet: {exc}")
        raise
    family = str(case.get("family", "F1"))
    decision = evaluator.evaluate_family(framework, family, records, on, known_at)
    out = decision.to_dict() if hasattr(decision, "to_dict") else decision
    out = _normal(out)

    problems: list[str] = []
    for key in FAMILY_KEYS:
        if key in check:
            want = _normal(check[key])
            if out.get(key) != want:
                problems.append(f"family {key}: expected {want!r}, got {out.get(key)!r}")
    for entry in check.get("criteria") or []:
        want = _normal(entry)
        got, candidates = _match_criterion(want, out.get("criteria") or [])
        label = want["criterion"] + (f" / {want['person']}" if "person" in want else "")
        if got is None:
            problems.append(
                f"{label}: expected exactly one decision row, found {len(candidates)}"
                + (f": {candidates}" if candidates else "")
            )
            continue
        for key in CRITERION_KEYS:
            if key in want and got.get(key) != want[key]:
                problems.append(
                    f"{label} {key}: expected {want[key]!r}, got {got.get(key)!r}"
                    f" (explanation: {got.get('explanation')!r})"
                )
    assert not problems, f"{where}:\n  " + "\n  ".join(problems)
