"""What a decision is: the family's status on D as known at T, each criterion's result with
its entry verdict, and the family-level rules (docs/semantics.md §5, §8). Built by
:mod:`sftimeline.policies.evaluator`; read by the reports, the process and the read models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sftimeline.policies import entry as entry_rules
from sftimeline.policies.family_rules import FamilyRule
from sftimeline.projections.results import Result, Status

FAMILY_STATUS = {
    Status.MET: "eligible",
    Status.PENDING: "pending",
    Status.NOT_MET: "not_eligible",
    Status.INSUFFICIENT_DATA: "insufficient_data",
    Status.EVIDENCE_REQUIRED: "evidence_required",
}


@dataclass
class CriterionDecision:
    criterion: str
    person: str | None
    result: Result
    identified: date
    evidence_kinds: list[str] = field(default_factory=list)
    cite: str = ""
    #: FL-HT-6: a met stand-alone criterion makes the claim on its own (model.Criterion)
    stand_alone: bool = False
    #: FL-HT-3 / AMB-K05: the discretionary override that replaced the computed result
    override: dict[str, Any] | None = None
    #: the entry condition's verdict (policies/entry.py); None: the criterion states none
    entry: entry_rules.Entry | None = None

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        out: dict[str, Any] = {
            "criterion": self.criterion,
            "person": self.person,
            "status": r.status.value,
            "expected_on": r.expected_on.isoformat()
            if r.status is Status.PENDING and r.expected_on
            else None,
            "explanation": r.explanation,
            "facts": list(r.all_facts()),
            "identified_on": self.identified.isoformat(),
            "met_since": r.met_since.isoformat()
            if r.met_since and r.status is Status.MET
            else None,
            "evidence_kinds": self.evidence_kinds,
            "entry": self.entry.verdict if self.entry else None,
            "entry_explanation": self.entry.explanation if self.entry else None,
        }
        if self.stand_alone:
            out["stand_alone"] = True
        if self.override is not None:
            out["override"] = self.override
        return out


@dataclass
class Decision:
    family: str
    framework: str
    on: date
    known_at: datetime
    status: str
    eligible_from: date | None
    criteria: list[CriterionDecision]
    family_rules: list[FamilyRule]
    fingerprint: str
    eligible_from_reason: str | None = None
    #: FL-HT-3 / AMB-K05: a family-level discretionary override (criterion ``<id>:family``)
    override: dict[str, Any] | None = None
    #: what the decision asks a reviewer to look at: under ``entry_not_shown: flag_only``
    #: (AMB-A07) every criterion whose entry the records do not show (policies/entry.py)
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "family": self.family,
            "framework": self.framework,
            "on": self.on.isoformat(),
            "known_at": self.known_at.isoformat(),
            "status": self.status,
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "criteria": [c.to_dict() for c in self.criteria],
            "eligible_from_reason": self.eligible_from_reason,
            "family_rules": [r.to_dict() for r in self.family_rules],
            "fingerprint": self.fingerprint,
        }
        if self.override is not None:
            out["override"] = self.override
        out["flags"] = list(self.flags)
        return out
