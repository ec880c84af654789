"""Leaf primitives by topic, beyond the core set in :mod:`sftimeline.policies.primitives`.

Each module here holds the primitives of one topic (justice, employment, scores, health,
…) and registers them with :func:`sftimeline.policies.primitives.register_primitive` when
imported. A framework uses a few topics (national-2022: 7 of 32), and each module costs
its import (its argument classes are plain, :mod:`sftimeline.policies.lazy_models`; as
pydantic models they took ≈ 1.5 ms each, ≈ 45 ms for all), so a topic module is imported
when a framework first names one of its primitives (:func:`load`), not all of them up
front.
:data:`MODULE_OF` says where each primitive lives (tests/policies/test_leaf_registry.py
pins it against what the modules register); :func:`load_all` imports every module, for
whoever needs the whole catalogue.
"""

from __future__ import annotations

import importlib
import pkgutil

#: primitive name → the topic module (in this package) that registers it
MODULE_OF: dict[str, str] = {
    "age": "states",
    "approval": "approvals",
    "arrears_reduced": "arrears",
    "attendance": "attendance",
    "attendance_before_identification": "education",
    "attendance_improvement": "attendance",
    "benefit_claimed_at": "employment_benefit_spells",
    "check_within": "health",
    "closed_after_support": "support_duration",
    "continuous_state": "employment",
    "debt_cleared": "debt",
    "debt_plan_adhered": "debt",
    "development_review": "health",
    "early_years_not_taken_up": "early_years",
    "early_years_taken_up": "early_years",
    "earnings_at_aet": "employment",
    "employment_weeks_by_benefit": "employment",
    "enrolled": "education",
    "enrolled_at": "education",
    "every_child_exclusions": "education",
    "evidence": "evidence",
    "evidence_sustained": "sustained_evidence",
    "exclusion_days_below": "exclusion_days",
    "exclusion_days_reduced": "exclusion_terms",
    "exclusions_before_identification": "education",
    "exclusions_in_months": "exclusion_counts",
    "exclusions_in_terms": "exclusion_terms",
    "finances_improved": "debt",
    "health_state": "health",
    "in_work": "states",
    "job_sustained_by_benefit": "employment_benefit_spells",
    "justice_outcome_in_lookback": "justice",
    "justice_spell_open": "justice",
    "latest_earnings_at_aet": "employment_aet_latest",
    "neet_at_identification": "employment_benefit_spells",
    "no_new_problem_areas": "regression",
    "no_records_for": "incidents",
    "no_reoffence_after_release": "justice_spells",
    "no_school_age_child": "school_age",
    "no_severe_incident": "incidents",
    "none_after": "anchored_windows",
    "none_before": "anchored_windows",
    "none_since": "anchored_windows",
    "not_registered_at_identification": "health",
    "notices_clear": "states",
    "perpetrated_in_lookback": "justice",
    "plan_at": "social_care",
    "plan_ended": "states",
    "plan_outcomes_selected": "plan_selection",
    "plan_step_down_no_rereferral": "social_care",
    "possession_order_suspended": "states",
    "pregnancy_care": "health",
    "previous_support_no_reescalation": "reescalation",
    "programme_completed": "programmes",
    "programme_engaged": "programmes",
    "progress_achieved": "progress",
    "progress_sustained": "progress",
    "records_in_lookback": "lookback",
    "records_since": "anchored_windows",
    "reduction": "incidents",
    "reduction_vs_previous": "justice",
    "release_within_weeks": "justice_spells",
    "school_age": "school_age",
    "score_improved": "states",
    "siblings_clear": "family_scope",
    "spell_complied": "justice_spells",
    "spell_ended_with": "justice_spells",
    "star_average_improved": "star_readings",
    "star_domains_at_least": "star_readings",
    "star_reading_at": "star_readings",
    "status": "states",
    "weeks_in_work_off_benefits": "employment",
}


def load(name: str) -> bool:
    """Import the topic module registering primitive ``name``; False if none does."""
    module = MODULE_OF.get(name)
    if module is None:
        return False
    importlib.import_module(f"{__name__}.{module}")
    return True


def load_all() -> None:
    """Import every topic module of this package (idempotent)."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
