"""Every reading a council can choose for herefordshire-tf-2020 evaluates every case family
without error and with a well-formed decision (a council switching a default must never meet a
crash), and the decision does not depend on the order records arrive in."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from policy_helpers import LATE, rec

from sftimeline.policies.evaluator import evaluate_family
from sftimeline.policies.loader import load_framework
from sftimeline.records import Record

FW = "herefordshire-tf-2020"
CASES = sorted((Path(__file__).parents[1] / "cases" / FW).glob("*.yaml"))
STATUSES = {"met", "pending", "not_met", "insufficient_data", "evidence_required"}
FAMILY = {"eligible", "pending", "not_eligible", "insufficient_data", "evidence_required"}


def _records(case: dict[str, Any]) -> list[Record]:
    out = []
    for raw in case["records"]:
        r = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in raw.items()}
        kind, on = r.pop("type"), r.pop("occurred_on")
        out.append(rec(kind, on, **r))
    return out


def _on(check: dict[Any, Any]) -> dt.date:
    """A check's date (YAML 1.1 reads the bare key ``on`` as True)."""
    value = check["on"] if "on" in check else check[True]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _alternatives() -> list[tuple[str, Any]]:
    fw = load_framework(FW)
    out: list[tuple[str, Any]] = []
    for name, p in fw.model.parameters.items():
        if p.allowed is None:
            continue
        if p.type == "list":
            out += [(name, [v]) for v in p.allowed]
        else:
            out += [(name, v) for v in p.allowed if v != p.default]
    return out


@pytest.mark.parametrize(("name", "value"), _alternatives())
def test_each_alternative_reading_decides_every_case_family(name: str, value: Any) -> None:
    fw = load_framework(FW, {name: value})
    for path in CASES:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        records = _records(case)
        for check in case["checks"]:
            d = evaluate_family(fw, "F1", records, _on(check), LATE)
            assert d.status in FAMILY, path.name
            assert all(c.result.status.value in STATUSES for c in d.criteria), path.name


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_decision_does_not_depend_on_record_order(path: Path) -> None:
    fw = load_framework(FW)
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    records = _records(case)
    shuffled = list(records)
    random.Random(4).shuffle(shuffled)
    for check in case["checks"]:
        a = evaluate_family(fw, "F1", records, _on(check), LATE).to_dict()
        b = evaluate_family(fw, "F1", shuffled, _on(check), LATE).to_dict()
        assert a == b, path.name
