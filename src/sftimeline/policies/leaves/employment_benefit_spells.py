"""Work and out-of-work benefit spells for Herefordshire TF 2020 (catalogue P17, P18;
measure 13, App1-P4-1, App1-P4-3).

Measure 13: "An adult or young person in the family has secured and maintained a job (full
or part time) for 6 months (individuals claiming JSA) and 3 months (individuals claiming
other benefits as per the Troubled Families guidance)", measured by "Individual no longer
claiming out of work benefits, evidenced through DWP automated benefits check".

- The benefit that sets the length is the out-of-work benefit the person claimed at
  identification, or (``before_job``) the last one claimed before the job started (AMB-G02).
- Months are calendar months (AMB-G05); the job is one continuous employment spell
  (``employment_ended``'s date is its last day); counting starts no earlier than the anchor
  (AMB-A03).
- With ``off_benefits`` (AMB-G05) no out-of-work benefit may be open while the months run:
  a claim open in the job restarts the count the day after it ends.

The shared 26-of-30-weeks / 13-consecutive-weeks and AET primitives of
:mod:`sftimeline.policies.leaves.employment` serve the frameworks that use weeks and the
AET; TF 2020 states months and ties no AET to this measure (AMB-G03).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import Anchor
from sftimeline.policies.leaves.employment_state import (
    OUT_OF_WORK,
    PersonState,
    StateArgs,
    weeks_result,
)
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.days import day_after
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, any_of, insufficient, met, pending
from sftimeline.projections.weeks import add_weeks
from sftimeline.records import Record


def spells(
    ctx: Context,
    person: str,
    start_type: str,
    end_type: str,
    key: str,
    values: tuple[str, ...] | None,
) -> list[tuple[Record, date | None]]:
    """(start record, last day or None if open on D) for each spell of the person."""
    ends = [r for r in ctx.timeline.of_type(end_type) if r.person == person]
    out: list[tuple[Record, date | None]] = []
    for s in ctx.timeline.of_type(start_type):
        if s.person != person or (values is not None and s.get(key) not in values):
            continue
        end = next(
            (
                e.occurred_on
                for e in ends
                if e.occurred_on >= s.occurred_on
                and (key == "" or e.get(key) in (None, s.get(key)))
            ),
            None,
        )
        out.append((s, end))
    return out


def benefit_spells(ctx: Context, person: str) -> list[tuple[Record, date | None]]:
    return spells(ctx, person, "benefit_started", "benefit_ended", "benefit", OUT_OF_WORK)


def _open_on(spell: tuple[Record, date | None], day: date) -> bool:
    s, end = spell
    return s.occurred_on <= day and (end is None or end >= day)


class JobByBenefitArgs(Args):
    jsa_months: PositiveInt = 6
    other_months: PositiveInt = 3
    #: AMB-G05: calendar months (the text), or the Troubled Families guidance's weeks
    #: (26 / 13 whole Monday–Sunday weeks, every one qualifying: semantics AMB-G01)
    unit: Literal["months", "weeks"] = "months"
    jsa_weeks: PositiveInt = 26
    other_weeks: PositiveInt = 13
    benefit_at: Literal["identified", "before_job"] = "identified"
    off_benefits: bool = True
    who: Literal["person", "household"] = "household"
    from_: Anchor = Field("identified", alias="from")


def _claimed(
    ctx: Context, a: JobByBenefitArgs, bens: list[tuple[Record, date | None]], job: Record | None
) -> list[tuple[Record, date | None]]:
    """The out-of-work benefit that sets the length (AMB-G02): open at identification, or the
    last one started before the job did."""
    if a.benefit_at == "identified":
        return [b for b in bens if _open_on(b, ctx.identified)]
    if job is None:
        return []
    return [b for b in bens if b[0].occurred_on < job.occurred_on][-1:]


def _no_benefit(ctx: Context, a: JobByBenefitArgs, person: str, job: Record | None) -> Result:
    where = (
        f"at identification ({ctx.identified.isoformat()})"
        if a.benefit_at == "identified"
        else f"before the job started {job.occurred_on.isoformat()}"
        if job is not None
        else "before a job started"
    )
    return insufficient(
        f"{person}: no out-of-work benefit claimed {where}",
        facts=(job.key,) if job is not None else (),
    )


def _in_whole_weeks(ctx: Context, a: JobByBenefitArgs, person: str) -> list[Result]:
    """The weeks reading: whole Monday–Sunday weeks ending on the last Sunday on or before
    D, the same week window as Hertfordshire 4.SA (:func:`employment.weeks_result`): the
    ``jsa_weeks`` / ``other_weeks`` weeks must all qualify, in work and (with
    ``off_benefits``) off every out-of-work benefit on all seven days."""
    jobs = spells(ctx, person, "employment_started", "employment_ended", "", None)
    latest = jobs[-1][0] if jobs else None
    claimed = _claimed(ctx, a, benefit_spells(ctx, person), latest)
    if not claimed:
        return [_no_benefit(ctx, a, person, latest)] if latest is not None else []
    jsa = any(b[0].get("benefit") == "jsa" for b in claimed)
    weeks = a.jsa_weeks if jsa else a.other_weeks
    state = StateArgs.model_construct(
        benefits=list(OUT_OF_WORK) if a.off_benefits else [],
        who="person",
        **{"from": a.from_},
    )
    kind = "JSA" if jsa else "other benefit"
    label = "in work" + (" and off out-of-work benefits" if a.off_benefits else "")
    label += f" ({kind}: {weeks} consecutive weeks)"
    r = weeks_result(PersonState(ctx, person, state), person, label, weeks, weeks, True)
    return [replace(r, facts=tuple(dict.fromkeys((*r.facts, *(b[0].key for b in claimed)))))]


def build_job_sustained_by_benefit(a: JobByBenefitArgs) -> Rule:
    def one(ctx: Context, person: str) -> list[Result]:
        if a.unit == "weeks":
            return _in_whole_weeks(ctx, a, person)
        lo = ctx.anchor(a.from_) or ctx.identified
        bens = benefit_spells(ctx, person)
        out: list[Result] = []
        for job, job_end in spells(ctx, person, "employment_started", "employment_ended", "", None):
            if job_end is not None and job_end < lo:
                continue
            claimed = _claimed(ctx, a, bens, job)
            if not claimed:
                out.append(_no_benefit(ctx, a, person, job))
                continue
            jsa = any(b[0].get("benefit") == "jsa" for b in claimed)
            length = a.jsa_months if jsa else a.other_months
            span = f"{length} months"
            begin = max(job.occurred_on, lo)
            facts = [job.key, *(b[0].key for b in claimed)]
            if a.off_benefits:
                for b, b_end in bens:
                    if b.occurred_on > ctx.on or (b_end is not None and b_end < begin):
                        continue
                    facts.append(b.key)
                    if b_end is None:
                        begin = date.max
                        break
                    begin = max(begin, day_after(b_end))
            kind = "JSA" if jsa else "other benefit"
            label = f"{person}: job from {job.occurred_on.isoformat()} ({kind}: {span})"
            if begin not in (date.max, job.occurred_on):
                label += f", counted from {begin.isoformat()}"
            if begin == date.max:
                out.append(
                    pending(
                        label + "; an out-of-work benefit is still claimed",
                        expected_on=None,
                        facts=tuple(facts),
                    )
                )
                continue
            due = add_months(begin, length)
            lasted = job_end is None or day_after(job_end) >= due
            if not lasted:
                continue  # the job ended before it had lasted the months
            if due <= ctx.on:
                out.append(
                    met(
                        label + f", off benefits, held {span} on {due.isoformat()}",
                        since=due,
                        facts=tuple(facts),
                    )
                )
            else:
                out.append(
                    pending(
                        label + f"; {span} on {due.isoformat()}",
                        expected_on=due,
                        facts=tuple(facts),
                    )
                )
        return out

    def rule(ctx: Context) -> Result:
        people = ctx.members() if a.who == "household" or ctx.person is None else [ctx.person]
        parts = [r for p in people for r in one(ctx, p)]
        if not parts:
            return pending("no job secured since identification", expected_on=None)
        return any_of(parts)

    return rule


class BenefitAtArgs(Args):
    benefits: list[str] = Field(default=list(OUT_OF_WORK), min_length=1)
    at: Anchor = "identified"


def build_benefit_claimed_at(a: BenefitAtArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        at = ctx.anchor(a.at) or ctx.identified
        claims = spells(
            ctx, ctx.person, "benefit_started", "benefit_ended", "benefit", tuple(a.benefits)
        )
        open_ = [b for b in claims if _open_on(b, at)]
        if open_:
            return met(
                f"{ctx.person} claiming {open_[0][0].get('benefit')} on {at.isoformat()}",
                since=open_[0][0].occurred_on,
                facts=tuple(b[0].key for b in open_),
            )
        ended = [b[0] for b in claims if b[1] is not None and b[1] < at]
        # a claim that had ended by the day shows the opposite (policies/entry.py)
        return insufficient(
            f"no out-of-work benefit claim open for {ctx.person} on {at.isoformat()}"
            + (f" ({ended[-1].get('benefit')} ended before)" if ended else ""),
            facts=tuple(r.key for r in ended),
            contradicted=bool(ended),
        )

    return rule


class NeetAtArgs(Args):
    """Entry: the person is NEET at ``at`` (the latest ``neet_status_recorded`` says so) and,
    with ``weeks``, has been without a break for at least that many weeks (Hertfordshire 4.2
    "NEET … for at least 13 weeks": the run of NEET records began on or before
    at − 7 × weeks days, AMB-G08)."""

    at: Anchor = "identified"
    weeks: PositiveInt | None = None


def build_neet_at_identification(a: NeetAtArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        at = ctx.anchor(a.at) or ctx.identified
        recs = [
            r
            for r in ctx.timeline.of_type("neet_status_recorded")
            if r.person == ctx.person and r.occurred_on <= at
        ]
        if not recs or recs[-1].get("status") != "neet":
            # an EET status on the day shows the opposite; no status only fails to show it
            return insufficient(
                f"{ctx.person} not recorded as NEET on {at.isoformat()}"
                + (f" (EET since {recs[-1].occurred_on.isoformat()})" if recs else ""),
                facts=(recs[-1].key,) if recs else (),
                contradicted=bool(recs),
            )
        run = [recs[-1]]
        for r in reversed(recs[:-1]):
            if r.get("status") != "neet":
                break
            run.insert(0, r)
        since = run[0].occurred_on
        text = f"{ctx.person} NEET since {since.isoformat()}"
        facts = tuple(r.key for r in run)
        if a.weeks is not None and since > add_weeks(at, -a.weeks):
            # an EET status ending inside the weeks shows the opposite
            broken = len(run) < len(recs)
            return insufficient(
                f"{text}: fewer than {a.weeks} weeks by {at.isoformat()}",
                facts=facts,
                contradicted=broken,
            )
        return met(text, since=since, facts=facts)

    return rule


register_primitive(
    "job_sustained_by_benefit",
    JobByBenefitArgs,
    build_job_sustained_by_benefit,
    "a job held continuously `jsa_months` (JSA claimants) or `other_months` (other "
    "out-of-work benefits), off benefits (AMB-G02, AMB-G05)",
)
register_primitive(
    "benefit_claimed_at",
    BenefitAtArgs,
    build_benefit_claimed_at,
    "entry: an out-of-work benefit claim open for the person at `at`",
)
register_primitive(
    "neet_at_identification",
    NeetAtArgs,
    build_neet_at_identification,
    "entry: the person's latest NEET status on or before `at` is neet",
)
