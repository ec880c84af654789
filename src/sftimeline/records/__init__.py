"""Validated records: the interchange format's "Records in" (documented in docs/records.md).

Every line a council exports becomes one of the pydantic models of this package. Validation
happens here, once, at the edge: a bad record is rejected with the record type and
the field that is wrong, and nothing downstream has to re-check it.

Inside the engine a validated record is carried as a :class:`Record`, a small frozen
value that the aggregate stores, the projections fold and the policies read. It keeps
the fields every record has as attributes and the type's own fields in ``data``.

This package knows nothing of files, SQL or the command line.

The package's modules: ``codes`` (the allowed values of coded fields), ``fields`` (the
field types and their checks), ``base`` (:class:`RecordModel`, the fields every record
has), one module per family of record types (``people``, ``justice``, ``education``,
``care``, ``housing``, ``money``, ``claims``), ``validation`` (:data:`RECORD_MODELS`,
:func:`validate_record`), ``record`` (:class:`Record`, what reading a stored record needs,
no pydantic) and ``value`` (:func:`record_from_model`, the fingerprint). Every public name
is importable from ``sftimeline.records`` itself, and is imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sftimeline.records.base import (
        RecordModel,
    )
    from sftimeline.records.care import (
        CaseClosed,
        CaseReopened,
        PlanClosed,
        PlanOpened,
        PlanSteppedDown,
        PlanSteppedUp,
        ProgrammeEnded,
        ProgrammeStarted,
        ReferralAccepted,
    )
    from sftimeline.records.claims import (
        ApprovalRecorded,
        ClaimSubmitted,
        EvidenceRecorded,
        OverrideRecorded,
        RecordRetracted,
    )
    from sftimeline.records.codes import (
        KNOWLEDGE_BASIS_TEXT,
        PLAN_LEVEL_ORDER,
        ApproverRole,
        Benefit,
        DebtKind,
        HealthEvent,
        HousingStatus,
        IncidentKind,
        IncidentRole,
        JusticeOutcome,
        JusticeSpellKind,
        KnowledgeBasis,
        NoticeKind,
        PlanLevel,
        ProgrammeKind,
        ProgressKind,
        ProviderType,
        SupportNeed,
        Tenure,
    )
    from sftimeline.records.education import (
        BehaviourRecorded,
        EarlyYearsPlaceEnded,
        EarlyYearsPlaceStarted,
        EnrolmentEnded,
        EnrolmentStarted,
        ExclusionRecorded,
        SendStatusRecorded,
        TermAttendancePosted,
    )
    from sftimeline.records.fields import (
        MAX_FRAMEWORK_ID,
        CriterionRef,
        FrameworkId,
        IsoDate,
        KnowledgeTime,
        NonNegativeInt,
        RuleError,
        TermId,
        Text,
    )
    from sftimeline.records.housing import (
        HomelessnessDutyRecorded,
        HousingStatusRecorded,
        NoticeServed,
        NoticeWithdrawn,
        PossessionOrderSuspended,
        TenancyEnded,
        TenancyStarted,
    )
    from sftimeline.records.justice import (
        IncidentRecorded,
        JusticeBreachRecorded,
        JusticeOutcomeRecorded,
        JusticeSpellEnded,
        JusticeSpellStarted,
    )
    from sftimeline.records.money import (
        BenefitEnded,
        BenefitStarted,
        DebtPaymentMissed,
        DebtPlanEnded,
        DebtPlanStarted,
        DebtRecorded,
        EarningsReported,
        EmploymentEnded,
        EmploymentStarted,
        FinancesRecorded,
        NeetStatusRecorded,
        ProgressToWorkRecorded,
    )
    from sftimeline.records.people import (
        AssessmentScored,
        FamilyNominated,
        HealthEventRecorded,
        NeedIdentified,
        PersonJoined,
        PersonLeft,
        PregnancyRecorded,
        SupportNeedFlagged,
    )
    from sftimeline.records.record import (
        DATE_FIELDS,
        Record,
        source_key,
    )
    from sftimeline.records.validation import (
        RECORD_MODELS,
        FieldProblem,
        RecordError,
        register_record_model,
        validate_record,
    )
    from sftimeline.records.value import (
        fingerprint,
        record_from_model,
    )

#: where each public name lives. Imported on first use (PEP 562): a command that only reads
#: records (``record.Record``, ``codes``) never builds the pydantic models, a third of its
#: start-up (issue 14 item 1); tests/test_startup.py pins it.
_HOMES: dict[str, str] = {
    "ApprovalRecorded": "claims",
    "ApproverRole": "codes",
    "AssessmentScored": "people",
    "BehaviourRecorded": "education",
    "Benefit": "codes",
    "BenefitEnded": "money",
    "BenefitStarted": "money",
    "CaseClosed": "care",
    "CaseReopened": "care",
    "ClaimSubmitted": "claims",
    "CriterionRef": "fields",
    "DATE_FIELDS": "record",
    "DebtKind": "codes",
    "DebtPaymentMissed": "money",
    "DebtPlanEnded": "money",
    "DebtPlanStarted": "money",
    "DebtRecorded": "money",
    "EarlyYearsPlaceEnded": "education",
    "EarlyYearsPlaceStarted": "education",
    "EarningsReported": "money",
    "EmploymentEnded": "money",
    "EmploymentStarted": "money",
    "EnrolmentEnded": "education",
    "EnrolmentStarted": "education",
    "EvidenceRecorded": "claims",
    "ExclusionRecorded": "education",
    "FamilyNominated": "people",
    "FieldProblem": "validation",
    "FinancesRecorded": "money",
    "FrameworkId": "fields",
    "HealthEvent": "codes",
    "HealthEventRecorded": "people",
    "HomelessnessDutyRecorded": "housing",
    "HousingStatus": "codes",
    "HousingStatusRecorded": "housing",
    "IncidentKind": "codes",
    "IncidentRecorded": "justice",
    "IncidentRole": "codes",
    "IsoDate": "fields",
    "JusticeBreachRecorded": "justice",
    "JusticeOutcome": "codes",
    "JusticeOutcomeRecorded": "justice",
    "JusticeSpellEnded": "justice",
    "JusticeSpellKind": "codes",
    "JusticeSpellStarted": "justice",
    "KNOWLEDGE_BASIS_TEXT": "codes",
    "KnowledgeBasis": "codes",
    "KnowledgeTime": "fields",
    "MAX_FRAMEWORK_ID": "fields",
    "NeedIdentified": "people",
    "NeetStatusRecorded": "money",
    "NonNegativeInt": "fields",
    "NoticeKind": "codes",
    "NoticeServed": "housing",
    "NoticeWithdrawn": "housing",
    "OverrideRecorded": "claims",
    "PLAN_LEVEL_ORDER": "codes",
    "PersonJoined": "people",
    "PersonLeft": "people",
    "PlanClosed": "care",
    "PlanLevel": "codes",
    "PlanOpened": "care",
    "PlanSteppedDown": "care",
    "PlanSteppedUp": "care",
    "PossessionOrderSuspended": "housing",
    "PregnancyRecorded": "people",
    "ProgrammeEnded": "care",
    "ProgrammeKind": "codes",
    "ProgrammeStarted": "care",
    "ProgressKind": "codes",
    "ProgressToWorkRecorded": "money",
    "ProviderType": "codes",
    "RECORD_MODELS": "validation",
    "Record": "record",
    "RecordError": "validation",
    "RecordModel": "base",
    "RecordRetracted": "claims",
    "ReferralAccepted": "care",
    "RuleError": "fields",
    "SendStatusRecorded": "education",
    "SupportNeed": "codes",
    "SupportNeedFlagged": "people",
    "TenancyEnded": "housing",
    "TenancyStarted": "housing",
    "Tenure": "codes",
    "TermAttendancePosted": "education",
    "TermId": "fields",
    "Text": "fields",
    "fingerprint": "value",
    "record_from_model": "value",
    "register_record_model": "validation",
    "source_key": "record",
    "validate_record": "validation",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DATE_FIELDS",
    "KNOWLEDGE_BASIS_TEXT",
    "MAX_FRAMEWORK_ID",
    "PLAN_LEVEL_ORDER",
    "RECORD_MODELS",
    "ApprovalRecorded",
    "ApproverRole",
    "AssessmentScored",
    "BehaviourRecorded",
    "Benefit",
    "BenefitEnded",
    "BenefitStarted",
    "CaseClosed",
    "CaseReopened",
    "ClaimSubmitted",
    "CriterionRef",
    "DebtKind",
    "DebtPaymentMissed",
    "DebtPlanEnded",
    "DebtPlanStarted",
    "DebtRecorded",
    "EarlyYearsPlaceEnded",
    "EarlyYearsPlaceStarted",
    "EarningsReported",
    "EmploymentEnded",
    "EmploymentStarted",
    "EnrolmentEnded",
    "EnrolmentStarted",
    "EvidenceRecorded",
    "ExclusionRecorded",
    "FamilyNominated",
    "FieldProblem",
    "FinancesRecorded",
    "FrameworkId",
    "HealthEvent",
    "HealthEventRecorded",
    "HomelessnessDutyRecorded",
    "HousingStatus",
    "HousingStatusRecorded",
    "IncidentKind",
    "IncidentRecorded",
    "IncidentRole",
    "IsoDate",
    "JusticeBreachRecorded",
    "JusticeOutcome",
    "JusticeOutcomeRecorded",
    "JusticeSpellEnded",
    "JusticeSpellKind",
    "JusticeSpellStarted",
    "KnowledgeBasis",
    "KnowledgeTime",
    "NeedIdentified",
    "NeetStatusRecorded",
    "NonNegativeInt",
    "NoticeKind",
    "NoticeServed",
    "NoticeWithdrawn",
    "OverrideRecorded",
    "PersonJoined",
    "PersonLeft",
    "PlanClosed",
    "PlanLevel",
    "PlanOpened",
    "PlanSteppedDown",
    "PlanSteppedUp",
    "PossessionOrderSuspended",
    "PregnancyRecorded",
    "ProgrammeEnded",
    "ProgrammeKind",
    "ProgrammeStarted",
    "ProgressKind",
    "ProgressToWorkRecorded",
    "ProviderType",
    "Record",
    "RecordError",
    "RecordModel",
    "RecordRetracted",
    "ReferralAccepted",
    "RuleError",
    "SendStatusRecorded",
    "SupportNeed",
    "SupportNeedFlagged",
    "TenancyEnded",
    "TenancyStarted",
    "Tenure",
    "TermAttendancePosted",
    "TermId",
    "Text",
    "fingerprint",
    "record_from_model",
    "register_record_model",
    "source_key",
    "validate_record",
]
