"""Every record type by its ``type`` value, and validation of one decoded JSON object
against its type: a bad record is rejected naming the type and every bad field."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import (
    ValidationError,
)

from sftimeline.limits import DEFAULT_LIMITS, InputLimits, printable, value_problems
from sftimeline.records.base import RecordModel
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
    RuleError,
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
from sftimeline.records.record import DATE_FIELDS, RECORD_TYPES

#: Every record type of the interchange format, by its ``type`` value.
RECORD_MODELS: dict[str, type[RecordModel]] = {
    model.TYPE: model
    for model in (
        FamilyNominated,
        PersonJoined,
        PersonLeft,
        NeedIdentified,
        IncidentRecorded,
        TermAttendancePosted,
        ExclusionRecorded,
        PlanOpened,
        PlanSteppedDown,
        PlanSteppedUp,
        PlanClosed,
        ReferralAccepted,
        CaseClosed,
        CaseReopened,
        NoticeServed,
        NoticeWithdrawn,
        PossessionOrderSuspended,
        HousingStatusRecorded,
        EmploymentStarted,
        EmploymentEnded,
        BenefitStarted,
        BenefitEnded,
        EarningsReported,
        NeetStatusRecorded,
        AssessmentScored,
        EvidenceRecorded,
        ClaimSubmitted,
        RecordRetracted,
        JusticeOutcomeRecorded,
        JusticeSpellStarted,
        JusticeSpellEnded,
        JusticeBreachRecorded,
        EnrolmentStarted,
        EnrolmentEnded,
        BehaviourRecorded,
        TenancyStarted,
        TenancyEnded,
        HomelessnessDutyRecorded,
        ProgressToWorkRecorded,
        SupportNeedFlagged,
        EarlyYearsPlaceStarted,
        EarlyYearsPlaceEnded,
        HealthEventRecorded,
        ProgrammeStarted,
        ProgrammeEnded,
        SendStatusRecorded,
        PregnancyRecorded,
        DebtRecorded,
        DebtPlanStarted,
        DebtPlanEnded,
        DebtPaymentMissed,
        FinancesRecorded,
        ApprovalRecorded,
        OverrideRecorded,
    )
}


def register_record_model(model: type[RecordModel], date_fields: tuple[str, ...] = ()) -> None:
    """Add a record type (used by the framework-era extensions of the format)."""
    if model.TYPE in RECORD_MODELS and RECORD_MODELS[model.TYPE] is not model:
        raise ValueError(f"record type {model.TYPE!r} is already registered")
    RECORD_MODELS[model.TYPE] = model
    RECORD_TYPES.add(model.TYPE)
    if date_fields:
        DATE_FIELDS[model.TYPE] = date_fields


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field of a record."""

    field: str
    message: str
    #: other fields the problem involves (a rule across fields names them all)
    related: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{', '.join((self.field, *self.related))}: {self.message}"


class RecordError(ValueError):
    """A record that cannot be accepted; names the record type and every bad field."""

    def __init__(self, record_type: str | None, problems: list[FieldProblem]):
        self.record_type = record_type
        self.problems = problems
        what = f"{record_type} record" if record_type else "record"
        super().__init__(f"{what}: " + "; ".join(str(p) for p in problems))

    @property
    def fields(self) -> list[str]:
        return [name for p in self.problems for name in (p.field, *p.related)]


def _shown(value: Any) -> str:
    """A value quoted in an error message, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problems_from(exc: ValidationError) -> list[FieldProblem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = printable(".".join(str(part) for part in err["loc"])) or "record"
        message = str(err["msg"])
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, RuleError):
            problems.append(FieldProblem(cause.field, str(cause), cause.related))
            continue
        if err["type"] == "missing":
            message = "is required"
        elif err["type"] == "extra_forbidden":
            message = "is not a field of this record type"
        elif err["type"] == "literal_error":
            message = f"{err['msg'][0].lower()}{err['msg'][1:]}, got {_shown(err['input'])}"
        elif message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        problems.append(FieldProblem(loc, message))
    return problems


def validate_record(
    raw: Any,
    *,
    limits: InputLimits = DEFAULT_LIMITS,
    frameworks: Collection[str] | None = None,
    within_limits: bool = False,
) -> RecordModel:
    """Validate one decoded JSON object against its record type.

    Every value is first held to ``limits`` (string length, NUL, nesting, integer
    size, dates) unless ``within_limits`` says the caller has proved that none can
    break them (a JSON Lines line, :func:`sftimeline.limits.line_within_limits`);
    ``frameworks``, when given, are the framework ids a ``claim_submitted`` record may
    name. Raises :class:`RecordError` naming the type and the offending fields.
    """
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise RecordError(None, [FieldProblem("record", "must be a JSON object")])
    record_type = raw.get("type")
    if record_type is None:
        raise RecordError(None, [FieldProblem("type", "is required")])
    model = RECORD_MODELS.get(record_type) if isinstance(record_type, str) else None
    if model is None:
        bad_type = value_problems({"type": record_type}, limits)
        shown = bad_type[0][1] if bad_type else f"unknown record type {_shown(record_type)}"
        raise RecordError(None, [FieldProblem("type", shown)])
    if not within_limits:
        problems = [FieldProblem(n, message) for n, message in value_problems(raw, limits)]
        if problems:
            raise RecordError(record_type, problems)
    try:
        return model.model_validate(
            raw if type(raw) is dict else dict(raw),
            context={"limits": limits, "frameworks": frameworks},
        )
    except ValidationError as exc:
        raise RecordError(record_type, _problems_from(exc)) from None
