"""Record types of work and money: employment, benefits, earnings, NEET status, progress to
work, debt, finances."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import (
    Field,
    model_validator,
)

from sftimeline.records.base import RecordModel
from sftimeline.records.codes import (
    Benefit,
    DebtKind,
    ProgressKind,
)
from sftimeline.records.fields import (
    IsoDate,
    NonNegativeInt,
    RuleError,
    Text,
)


class EmploymentStarted(RecordModel):
    """A spell of paid work starts; a spell with no end is open."""

    TYPE = "employment_started"
    type: Literal["employment_started"]
    person: Text
    #: catalogue §7 R20; the AET rule does not apply to the self-employed (FL-TF-7)
    kind: Literal["employed", "self_employed", "apprentice", "temporary", "seasonal"] | None = None
    hours_per_week: Annotated[float, Field(gt=0, le=168)] | None = None


class EmploymentEnded(RecordModel):
    """A spell of paid work ends; ``occurred_on`` is its last day."""

    TYPE = "employment_ended"
    type: Literal["employment_ended"]
    person: Text


class BenefitStarted(RecordModel):
    """An out-of-work benefit (or a Universal Credit regime) starts."""

    TYPE = "benefit_started"
    type: Literal["benefit_started"]
    person: Text
    benefit: Benefit


class BenefitEnded(RecordModel):
    """A benefit ends; ``occurred_on`` is the last day on it."""

    TYPE = "benefit_ended"
    type: Literal["benefit_ended"]
    person: Text
    benefit: Benefit


class EarningsReported(RecordModel):
    """Earnings for a period, for the Administrative Earnings Threshold;
    ``occurred_on`` is the start of the period, ``gross_pay`` is in pence."""

    TYPE = "earnings_reported"
    type: Literal["earnings_reported"]
    person: Text
    period_end: IsoDate
    gross_pay: NonNegativeInt
    household: Literal["single", "couple", "under_25"]
    TOLD_RULES: ClassVar[dict[str, str]] = {
        "_period_ends_after_it_starts": "values['period_end'] >= values['occurred_on']"
    }

    @model_validator(mode="after")
    def _period_ends_after_it_starts(self) -> EarningsReported:
        if self.period_end < self.occurred_on:
            raise RuleError(
                "period_end is before occurred_on (the start of the period)",
                "period_end",
                "occurred_on",
            )
        return self


class NeetStatusRecorded(RecordModel):
    """A young person is recorded as NEET or in education, employment or training."""

    TYPE = "neet_status_recorded"
    type: Literal["neet_status_recorded"]
    person: Text
    status: Literal["neet", "eet"]


class ProgressToWorkRecorded(RecordModel):
    """R23: a step towards work; ``until`` ends a spell (a course, volunteering)."""

    TYPE = "progress_to_work_recorded"
    type: Literal["progress_to_work_recorded"]
    person: Text
    kind: ProgressKind
    until: IsoDate | None = None
    TOLD_RULES: ClassVar[dict[str, str]] = {
        "_ends_after_it_starts": (
            "(values.get('until') is None or values['until'] >= values['occurred_on'])"
        )
    }

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> ProgressToWorkRecorded:
        if self.until is not None and self.until < self.occurred_on:
            raise RuleError("until is before occurred_on", "until", "occurred_on")
        return self


class DebtRecorded(RecordModel):
    """R31: a debt's balance on ``occurred_on`` (pence); a balance of 0 means cleared."""

    TYPE = "debt_recorded"
    PERSON_REQUIRED = False
    type: Literal["debt_recorded"]
    debt: Text
    kind: DebtKind
    balance: NonNegativeInt
    person: Text | None = None


class DebtPlanStarted(RecordModel):
    """R31: a debt-management or repayment plan (Hampshire EMP viii (d))."""

    TYPE = "debt_plan_started"
    PERSON_REQUIRED = False
    type: Literal["debt_plan_started"]
    plan: Text


class DebtPlanEnded(RecordModel):
    """R31: ``occurred_on`` is the plan's last day."""

    TYPE = "debt_plan_ended"
    PERSON_REQUIRED = False
    type: Literal["debt_plan_ended"]
    plan: Text
    outcome: Literal["completed", "broken", "closed"]


class DebtPaymentMissed(RecordModel):
    """R31: a missed payment under a plan (the plan is not adhered to)."""

    TYPE = "debt_payment_missed"
    PERSON_REQUIRED = False
    type: Literal["debt_payment_missed"]
    plan: Text


class FinancesRecorded(RecordModel):
    """R31: a household income and expenditure reading (pence per month)."""

    TYPE = "finances_recorded"
    PERSON_REQUIRED = False
    type: Literal["finances_recorded"]
    monthly_income: NonNegativeInt
    monthly_expenditure: NonNegativeInt
