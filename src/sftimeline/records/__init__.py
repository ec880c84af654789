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
:func:`validate_record`) and ``value`` (:class:`Record`, :func:`record_from_model`, the
fingerprint). Every public name is importable from ``sftimeline.records`` itself.
"""

from __future__ import annotations

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
from sftimeline.records.validation import (
    DATE_FIELDS,
    RECORD_MODELS,
    FieldProblem,
    RecordError,
    register_record_model,
    validate_record,
)
from sftimeline.records.value import (
    Record,
    fingerprint,
    record_from_model,
    source_key,
)

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
