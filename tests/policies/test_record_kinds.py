"""Every record kind a framework file names is one the record format can produce, and a
criterion's entry counts the same incidents as its outcome (issue 15 item 2).

The rule files name record values in primitive arguments (incident kinds, plan levels,
justice spells, …). A value the record format (``sftimeline.records``) does not document can
never be recorded, so a criterion naming it could never be entered or met: the test walks
every expression of every packaged framework, under every reading (each ``switch`` case and
each parameter's allowed values), and checks each named value against the format's own
vocabulary. Evidence kinds and assessment tools are free text in the format and not checked.

Entry and outcome: where a criterion's entry counts incidents and its outcome counts
incidents too, the entry's kinds must be among the outcome's, or the criterion's ``notes``
must say why they differ (``entry kinds: …``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

import pytest

from sftimeline import records as R
from sftimeline.policies.loader import list_frameworks, load_framework

INCIDENTS = frozenset(get_args(R.IncidentKind))


def _values(literal: Any) -> frozenset[str]:
    return frozenset(get_args(literal))


#: (primitive, argument) → the values the record format documents for it
VOCABULARY: dict[tuple[str, str], frozenset[str]] = {
    **{
        (p, "kinds"): INCIDENTS
        for p in (
            "records_in_lookback",
            "no_records_for",
            "none_before",
            "none_since",
            "none_after",
            "perpetrated_in_lookback",
            "reduction_vs_previous",
        )
    },
    **{
        (p, "types"): frozenset(R.RECORD_MODELS)
        for p in (
            "records_in_lookback",
            "no_records_for",
            "none_after",
            "records_since",
            "voided_by",
        )
    },
    **{
        (p, "kinds"): _values(R.JusticeSpellKind)
        for p in (
            "justice_spell_open",
            "release_within_weeks",
            "spell_complied",
            "spell_ended_with",
        )
    },
    ("justice_outcome_in_lookback", "outcomes"): _values(R.JusticeOutcome),
    ("plan_at", "levels"): _values(R.PlanLevel),
    ("plan_step_down_no_rereferral", "from_levels"): _values(R.PlanLevel),
    ("enrolled", "provider_types"): _values(R.ProviderType),
    ("enrolled_at", "provider_types"): _values(R.ProviderType),
    ("benefit_claimed_at", "benefits"): _values(R.Benefit),
    ("employment_weeks_by_benefit", "long_benefits"): _values(R.Benefit),
    ("programme_engaged", "kinds"): _values(R.ProgrammeKind),
    ("programme_completed", "kinds"): _values(R.ProgrammeKind),
    ("progress_achieved", "kinds"): _values(R.ProgressKind),
    ("progress_sustained", "kinds"): _values(R.ProgressKind),
    ("pregnancy_care", "requires"): _values(R.HealthEvent),
    ("arrears_reduced", "kinds"): _values(R.DebtKind),
    ("where", "need"): _values(R.SupportNeed),
    ("where", "kind"): _values(R.ProgressKind),
}


def _readings(fw_id: str) -> Iterator[dict[str, Any]]:
    """The framework's parameters at their defaults, then each allowed alternative alone."""
    model = load_framework(fw_id).model
    defaults = {n: p.default for n, p in model.parameters.items()}
    yield defaults
    for name, p in model.parameters.items():
        for value in p.allowed or []:
            if value != p.default and not isinstance(value, list):
                yield {**defaults, name: value}


def _resolve(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return params.get(value[1:], value)
    return value


def _named(
    expr: Any, params: dict[str, Any], primitive: str = ""
) -> Iterator[tuple[str, str, str]]:
    """(primitive, argument, value) for every listed value in an expression, every
    ``switch`` case included."""
    if isinstance(expr, dict):
        for key, body in expr.items():
            body = _resolve(body, params)
            if isinstance(body, list) and primitive:
                for item in body:
                    item = _resolve(item, params)
                    if isinstance(item, str):
                        yield primitive, key, item
            if isinstance(body, dict | list):
                yield from _named(body, params, key if isinstance(body, dict) else primitive)
    elif isinstance(expr, list):
        for item in expr:
            yield from _named(item, params, primitive)


def _expressions(fw_id: str) -> Iterator[tuple[str, str, Any]]:
    model = load_framework(fw_id).model
    for c in model.criteria:
        if c.entry:
            yield c.code, "entry", c.entry
        yield c.code, "outcome", c.outcome
    for o in model.family_rules.outcomes:
        yield f"family/{o.id}", "outcome", o.expression


@pytest.mark.parametrize("fw_id", list_frameworks())
def test_every_named_record_value_is_one_the_record_format_documents(fw_id: str) -> None:
    unknown = set()
    for params in _readings(fw_id):
        for code, part, expr in _expressions(fw_id):
            for primitive, arg, value in _named(expr, params):
                allowed = VOCABULARY.get((primitive, arg))
                if allowed is not None and value not in allowed:
                    unknown.add(f"{fw_id}:{code} {part}: {primitive}.{arg} = {value!r}")
    assert not unknown, "values no record can carry:\n  " + "\n  ".join(sorted(unknown))


def _incidents(expr: Any, params: dict[str, Any]) -> set[str]:
    return {
        v
        for p, a, v in _named(expr, params)
        if (p, a) in VOCABULARY and VOCABULARY[(p, a)] is INCIDENTS and a == "kinds"
    }


@pytest.mark.parametrize("fw_id", list_frameworks())
def test_entry_counts_the_outcomes_incidents_or_says_why(fw_id: str) -> None:
    model = load_framework(fw_id).model
    params = {n: p.default for n, p in model.parameters.items()}
    odd = []
    for c in model.criteria:
        if not c.entry:
            continue
        entry, outcome = _incidents(c.entry, params), _incidents(c.outcome, params)
        if entry and outcome and not entry <= outcome and "entry kinds:" not in (c.notes or ""):
            odd.append(
                f"{fw_id}:{c.code}: entry {sorted(entry - outcome)} not in {sorted(outcome)}"
            )
    assert not odd, "entry kinds differ from the outcome's without a reason:\n  " + "\n  ".join(odd)


def test_the_checks_can_fail() -> None:
    """The walk finds a value the format lacks and an entry kind the outcome does not count."""
    bad = {"records_in_lookback": {"kinds": ["domestic_call_out"], "months": 12}}
    found = list(_named(bad, {}))
    assert found == [("records_in_lookback", "kinds", "domestic_call_out")]
    assert "domestic_call_out" not in VOCABULARY[("records_in_lookback", "kinds")]
    entry = {"records_in_lookback": {"kinds": ["domestic_callout"]}}
    outcome = {"reduction_vs_previous": {"kinds": ["domestic_abuse"]}}
    assert not _incidents(entry, {}) <= _incidents(outcome, {})
