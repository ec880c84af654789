"""Practitioner evidence that an outcome has been sustained (catalogue P26; FL-TF-3,
AMB-A05).

"Unless otherwise stated all outcomes must be sustained for a minimum of 6 months"
(Herefordshire TF 2020). An evidence-only outcome is sustained for ``months`` from the
period the evidence covers: ``evidence_recorded.period_from`` where given (the practitioner
attests the state held from then), otherwise the record's own date; counted from no earlier
than the anchor (AMB-A03). Until then it is ``pending`` on that date; a later record of the
same kind with ``outcome_achieved: false`` withdraws it (docs/semantics.md: the latest of each
kind decides), as in the core ``evidence`` primitive.
"""

from __future__ import annotations

from typing import ClassVar

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field
from sftimeline.policies.leaves._common import Anchor, as_date, sustain
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, evidence_required
from sftimeline.records import Record


class SustainedEvidenceArgs(Args):
    #: the compiler lists these kinds as the criterion's evidence kinds
    LISTS_EVIDENCE: ClassVar[bool] = True

    kinds: list[str] = Field(min_length=1)
    months: int = Field(0, ge=0)
    from_: Anchor = Field("identified", alias="from")
    criterion: str | None = None


def build_evidence_sustained(a: SustainedEvidenceArgs) -> Rule:
    kinds = tuple(a.kinds)

    def rule(ctx: Context) -> Result:
        criterion = a.criterion or ctx.criterion
        latest: dict[str, Record] = {}
        for r in ctx.timeline.of_type("evidence_recorded"):
            if r.get("criterion") != criterion or r.get("evidence") not in kinds:
                continue
            if ctx.person is not None and r.person not in (None, ctx.person):
                continue
            if r.occurred_on < ctx.identified:
                continue
            latest[str(r.get("evidence"))] = r
        good = [r for r in latest.values() if r.get("outcome_achieved") is True]
        if not good:
            said_no = [r for r in latest.values() if r.get("outcome_achieved") is not True]
            return evidence_required(
                f"needs evidence for {criterion}: one of {', '.join(kinds)}"
                + (" (recorded as not achieved)" if said_no else ""),
                facts=tuple(r.key for r in said_no),
                values={"accepted_kinds": list(kinds)},
            )

        def start(r: Record) -> object:
            return as_date(r.get("period_from")) or r.occurred_on

        first = min(good, key=lambda r: (start(r), r.occurred_on))
        begun = as_date(first.get("period_from")) or first.occurred_on
        text = f"evidence {first.get('evidence')} recorded {first.occurred_on.isoformat()}" + (
            f" covering from {begun.isoformat()}" if begun != first.occurred_on else ""
        )
        return sustain(ctx, begun, a.months, a.from_, text, [r.key for r in good])

    return rule


register_primitive(
    "evidence_sustained",
    SustainedEvidenceArgs,
    build_evidence_sustained,
    "evidence of one of `kinds` (outcome achieved), sustained `months` from its "
    "`period_from` (or date) (FL-TF-3, AMB-A05)",
)
