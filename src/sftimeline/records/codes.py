"""The allowed values of coded fields (kinds, levels, roles), as the interchange
format spells them; docs/records.md lists them from here."""

from __future__ import annotations

from typing import Literal

IncidentKind = Literal[
    "offence",
    "arrest",
    "named_suspect",
    "asb",
    "domestic_abuse",
    "missing_episode",
    "police_report",
    "school_report",
    # catalogue §7 R06, kinds the Troubled Families-era frameworks count separately
    "proven_offence",
    "asb_intervention",
    "domestic_callout",
    "police_da_notification",
    "sexual_violence",
    "honour_based_abuse",
    "child_to_parent_violence",
    "gang_concern",
]


#: catalogue §7 R06: who the person was in the incident (optional on incident_recorded).
IncidentRole = Literal["offender", "suspect", "victim", "perpetrator", "subject", "missing_person"]


#: catalogue §7 R14. Ordered lowest to highest in :data:`PLAN_LEVEL_ORDER`.
PlanLevel = Literal["universal", "early_help", "team_around_family", "cin", "section_47", "cp"]


PLAN_LEVEL_ORDER: tuple[str, ...] = (
    "universal",
    "early_help",
    "team_around_family",
    "cin",
    "section_47",
    "cp",
)


NoticeKind = Literal[
    "section_21",
    "nosp",
    "eviction_order",
    "possession_order",
    "tenancy_warning",
    # catalogue §7 R17
    "notice_to_quit",
    "tenancy_breach",
    "eviction_warrant",
]


HousingStatus = Literal[
    "settled",
    "temporary",
    "at_risk_of_losing_temporary",
    "threatened_with_eviction",
    "unsuitable",
    "homeless",
    "excluded_from_home",
]


Benefit = Literal[
    "jsa",
    "esa",
    "income_support",
    "incapacity_benefit",
    "carers_allowance",
    "uc_work_related",
    "uc_other",
    # catalogue §7 R19: the other legacy benefits and UC conditionality regimes
    "disablement_allowance",
    "housing_benefit",
    "uc_work_preparation",
    "uc_work_focused_interview",
    "uc_no_work_requirements",
    "other_legacy",
]


#: Where a record's knowledge time came from when a mapping stated it (docs/legacy.md).
KnowledgeBasis = Literal["extract_date", "mapping_constant", "import_moment"]


KNOWLEDGE_BASIS_TEXT: dict[str, str] = {
    "extract_date": "knowledge time is the file's extract date (mapping default)",
    "mapping_constant": "knowledge time is a date stated in the mapping (mapping default)",
    "import_moment": "knowledge time is the moment of import (mapping default)",
}


JusticeOutcome = Literal[
    "conviction",
    "caution",
    "youth_caution",
    "youth_conditional_caution",
    "community_resolution",
    "erjr",
    "first_time_entrant",
]


JusticeSpellKind = Literal[
    "custody",
    "licence",
    "community_supervision",
    "community_order",
    "suspended_sentence",
    "youth_justice",
    "youth_crime_prevention",
    "targeted_youth_support",
    "asb_contract",
    "asb_injunction",
    "restorative_justice",
    "post_release_plan",
]


ProviderType = Literal[
    "mainstream",
    "primary",
    "secondary",
    "special",
    "alternative_provision",
    "pupil_referral_unit",
    "education_support_centre",
    "hospital",
    "elective_home_education",
    "tutoring",
    "further_education",
    "higher_education",
    "early_years",
]


Tenure = Literal[
    "temporary", "social", "private_rented", "owner_occupied", "supported", "with_family"
]


ProgrammeKind = Literal[
    "parenting",
    "child_to_parent_violence",
    "relationship_support",
    "perpetrator",
    "marac",
    "idva",
    "domestic_abuse_support",
    "therapeutic",
    "young_carers",
    "respite",
    "careers",
    "mediation",
    "drug_treatment",
    "alcohol_treatment",
    "smoking_cessation",
    "healthy_weight",
    "mental_health_treatment",
    "debt_advice",
]


SupportNeed = Literal[
    "young_offender",
    "neet",
    "parent_not_in_work",
    "domestic_abuse_victim",
    "chronic_health_condition",
    "drug_misuse",
    "mental_health",
    "problem_drinking",
]


HealthEvent = Literal[
    "gp_registered",
    "gp_deregistered",
    "dentist_registered",
    "dentist_deregistered",
    "dental_check",
    "immunisations_up_to_date",
    "immunisations_overdue",
    "ae_attendance_injury",
    "midwife_booked",
    "antenatal_assessment",
    "health_visitor_review",
    "asq_completed",
    "bmi_reading",
    "appointment_attended",
    "appointment_missed",
    "diagnosis",
]


ProgressKind = Literal[
    "qualification_achieved",
    "course_enrolled",
    "course_completed",
    "apprenticeship",
    "traineeship",
    "volunteering",
    "work_experience",
    "work_related_training",
    "job_interview",
    "jobcentre_engagement",
    "childcare_used",
]


DebtKind = Literal[
    "rent_arrears",
    "council_tax",
    "credit",
    "school_meals",
    "utilities",
    "benefit_overpayment",
    "other",
]


ApproverRole = Literal["business_manager", "head_of_service", "team_manager", "other"]
