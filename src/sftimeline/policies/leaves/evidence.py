"""Evidence recorded by practitioners (catalogue P26): the latest record of an accepted
kind decides; a later ``outcome_achieved: false`` or a voiding record withdraws it."""

from __future__ import annotations

from datetime import date
from typing import Literal

from sftimeline.policies.context import Context, select
from sftimeline.policies.lazy_models import Field
from sftimeline.policies.primitives import (
    Args,
    Rule,
    _who,
    register_primitive,
)
from sftimeline.projections.results import (
    Result,
    evidence_required,
    met,
)
from sftimeline.projections.timeline import Timeline
from sftimeline.records import Record


class VoidingRecords(Args):
    """Records that end what an evidence record attests (``evidence.voided_by``)."""

    types: list[str] = Field(min_length=1)
    where: dict[str, list[str]] = Field(default_factory=dict)
    who: Literal["person", "household"] = "person"


class EvidenceArgs(Args):
    kinds: list[str] = Field(min_length=1)
    criterion: str | None = None  # default: the criterion being evaluated
    #: evidence dated before the latest such record (up to D) no longer counts: the state it
    #: attested has ended (Hertfordshire 1.3: "no longer receiving support from TYS" is not
    #: shown by a support-ended record older than a reopening to TYS)
    voided_by: VoidingRecords | None = None


def _voided_before(ctx: Context, v: VoidingRecords | None) -> Record | None:
    """The latest record matching ``v`` (dated on or before D), if any."""
    if v is None:
        return None
    found = select(ctx.timeline.of_type(*v.types), person=_who(ctx, v.who), where=v.where)
    return found[-1] if found else None  # of_type keeps timeline order


def evidence_by_criterion(tl: Timeline) -> dict[object, list[Record]]:
    """The family's ``evidence_recorded`` by the criterion each names, in timeline order
    (each need reads only its own criterion's evidence, once per family)."""
    out: dict[object, list[Record]] = {}
    for r in tl.of_type("evidence_recorded"):
        crit = r.data.get("criterion")
        found = out.get(crit)
        if found is None:
            out[crit] = [r]
        else:
            found.append(r)
    return out


def build_evidence(a: EvidenceArgs) -> Rule:
    kinds = tuple(a.kinds)

    def rule(ctx: Context) -> Result:
        criterion = a.criterion or ctx.criterion
        voider = _voided_before(ctx, a.voided_by)
        voided: list[Record] = []
        latest: dict[str, Record] = {}
        #: per kind, the date of the first achieved record of its latest unbroken run of
        #: achieved records: evidence re-confirmed later has held since the first one
        run_from: dict[str, date | None] = {}
        person, identified = ctx.person, ctx.identified
        for r in ctx.timeline.memo("evidence_by_criterion", evidence_by_criterion).get(
            criterion, ()
        ):
            if r.data.get("evidence") not in kinds:
                continue
            if person is not None and r.person not in (None, person):
                continue
            if r.occurred_on < identified:
                continue
            if voider is not None and r.occurred_on < voider.occurred_on:
                voided.append(r)
                continue
            kind = str(r.get("evidence"))
            latest[kind] = r
            achieved = r.get("outcome_achieved") is True
            run_from[kind] = (run_from.get(kind) or r.occurred_on) if achieved else None
        good = [r for r in latest.values() if r.get("outcome_achieved") is True]
        if good:
            first = min(d for d in run_from.values() if d is not None)
            return met(
                f"evidence recorded: {', '.join(sorted(str(r.get('evidence')) for r in good))}"
                f" (from {first.isoformat()})",
                since=first,
                facts=tuple(r.key for r in good),
                values={"accepted_kinds": list(kinds)},
            )
        said_no = [r for r in latest.values() if r.get("outcome_achieved") is not True]
        extra = " (recorded as not achieved)" if said_no else ""
        if voided and voider is not None:
            extra += (
                f" (evidence dated before the {voider.type} of {voider.occurred_on.isoformat()}"
                " no longer counts)"
            )
        return evidence_required(
            f"needs evidence for {criterion}: one of {', '.join(kinds)}{extra}",
            facts=tuple(r.key for r in said_no + voided)
            + ((voider.key,) if voided and voider is not None else ()),
            values={"accepted_kinds": list(kinds)},
        )

    return rule


register_primitive(
    "evidence",
    EvidenceArgs,
    build_evidence,
    "an evidence_recorded for this criterion of one of `kinds`, outcome achieved",
)
