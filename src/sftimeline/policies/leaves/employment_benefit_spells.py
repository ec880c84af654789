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

from datetime import date, timedelta
from typing import Literal

from pydantic import Field, PositiveInt

from sftimeline.calendar import add_months
from sftimeline.policies.context import Context
from sftimeline.policies.leaves._common import Anchor
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, any_of, insufficient, met, pending
from sftimeline.records import Record

#: out-of-work benefits, and Universal Credit with work-related conditions (App1-P4-1)
OUT_OF_WORK = (
    "jsa",
    "esa",
    "income_support",
    "incapacity_benefit",
    "carers_allowance",
    "disablement_allowance",
    "uc_work_related",
    "uc_work_preparation",
    "uc_work_focused_interview",
)
ONE_DAY = timedelta(days=1)


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
    #: (26 / 13 continuous weeks from the start)
    unit: Literal["months", "weeks"] = "months"
    jsa_weeks: PositiveInt = 26
    other_weeks: PositiveInt = 13
    benefit_at: Literal["identified", "before_job"] = "identified"
    off_benefits: bool = True
    who: Literal["person", "household"] = "household"
    from_: Anchor = Field("identified", alias="from")


def build_job_sustained_by_benefit(a: JobByBenefitArgs) -> Rule:
    def one(ctx: Context, person: str) -> list[Result]:
        lo = ctx.anchor(a.from_) or ctx.identified
        bens = benefit_spells(ctx, person)
        out: list[Result] = []
        for job, job_end in spells(ctx, person, "employment_started", "employment_ended", "", None):
            if job_end is not None and job_end < lo:
                continue
            if a.benefit_at == "identified":
                claimed = [b for b in bens if _open_on(b, ctx.identified)]
            else:
                before = [b for b in bens if b[0].occurred_on < job.occurred_on]
                claimed = before[-1:]
            if not claimed:
                out.append(
                    insufficient(
                        f"{person}: no out-of-work benefit claimed "
                        + (
                            f"at identification ({ctx.identified.isoformat()})"
                            if a.benefit_at == "identified"
                            else f"before the job started {job.occurred_on.isoformat()}"
                        ),
                        facts=(job.key,),
                    )
                )
                continue
            jsa = any(b[0].get("benefit") == "jsa" for b in claimed)
            if a.unit == "weeks":
                length = a.jsa_weeks if jsa else a.other_weeks
                span = f"{length} weeks"
            else:
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
                    begin = max(begin, b_end + ONE_DAY)
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
            due = (
                begin + timedelta(weeks=length) if a.unit == "weeks" else add_months(begin, length)
            )
            lasted = job_end is None or job_end + ONE_DAY >= due
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
        open_ = [
            b
            for b in spells(
                ctx, ctx.person, "benefit_started", "benefit_ended", "benefit", tuple(a.benefits)
            )
            if _open_on(b, at)
        ]
        if open_:
            return met(
                f"{ctx.person} claiming {open_[0][0].get('benefit')} on {at.isoformat()}",
                since=open_[0][0].occurred_on,
                facts=tuple(b[0].key for b in open_),
            )
        return insufficient(
            f"no out-of-work benefit claim open for {ctx.person} on {at.isoformat()}"
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
            return insufficient(f"{ctx.person} not recorded as NEET on {at.isoformat()}")
        run = [recs[-1]]
        for r in reversed(recs[:-1]):
            if r.get("status") != "neet":
                break
            run.insert(0, r)
        since = run[0].occurred_on
        text = f"{ctx.person} NEET since {since.isoformat()}"
        facts = tuple(r.key for r in run)
        if a.weeks is not None and since > at - timedelta(weeks=a.weeks):
            return insufficient(
                f"{text}: fewer than {a.weeks} weeks by {at.isoformat()}", facts=facts
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
