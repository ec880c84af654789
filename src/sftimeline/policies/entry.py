"""A criterion's entry condition, judged as a verdict of its own (docs/semantics.md, "Entry").

A need is identified by a practitioner (``need_identified``); many criteria also state what
the records should show about the family at identification — an age band, an attendance
rate in the terms before, a police call-out in the 12 months before. The records can

- ``confirmed``: show it;
- ``not_shown``: show nothing either way (no qualifying record: police or school data not
  shared, a flag never recorded). The practitioner's identification stands, as in the
  councils' own practice;
- ``contradicted``: show the opposite (attendance above the entry threshold, the person
  outside the age band, every member registered with a GP). The need cannot be claimed:
  ``insufficient_data`` with the reason.

The verdict never hides the outcome: with ``confirmed`` or ``not_shown`` the criterion's
status is its outcome's. A council may be stricter with the framework parameter
``entry_not_shown`` (AMB-A07):

- ``accept`` (default): not shown is treated as the identification standing;
- ``flag_only``: the status is still the outcome's, and the decision lists the criterion
  among its flags for review;
- ``block``: not shown is ``insufficient_data``, as for a contradiction.

Which failures are contradictions is said by the primitives (``Result.contradicted``):
a count of records below an entry threshold only fails to show the need; a recorded state
or measurement on the day can contradict it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from sftimeline.calendar import age_on
from sftimeline.policies.context import Context
from sftimeline.projections.results import Result, Status, all_of, insufficient, met

Verdict = Literal["confirmed", "not_shown", "contradicted"]
Mode = Literal["accept", "flag_only", "block"]
MODES: tuple[Mode, ...] = ("accept", "flag_only", "block")
#: the parameter that sets the mode, and its AMB id
PARAMETER = "entry_not_shown"
AMB = "AMB-A07"


@dataclass(frozen=True)
class Entry:
    """The entry condition's verdict, with the result it was read from."""

    verdict: Verdict
    result: Result

    @property
    def explanation(self) -> str:
        return self.result.explanation


def verdict_of(r: Result) -> Verdict:
    """``met`` is confirmed; a failure the records show is contradicted; any other failure
    is not shown."""
    if r.status is Status.MET:
        return "confirmed"
    return "contradicted" if r.contradicted else "not_shown"


def age_band(definition: Any, ctx: Context) -> Result | None:
    """The criterion's age band (AMB-I01: the age on the day the need was identified), as
    an entry part; None when the criterion has none or the need names no person."""
    band = definition.age_band
    if band is None or ctx.person is None:
        return None
    born = ctx.born_on(ctx.person)
    if born is None:
        return insufficient(
            f"no date of birth for {ctx.person}: the need has an age band (AMB-I01)"
        )
    age = age_on(born, ctx.identified)
    lo, hi = band.min, band.max
    text = (
        f"{ctx.person} was {age} when the need was identified on "
        f"{ctx.identified.isoformat()}; {ctx.criterion} is for ages "
        f"{lo if lo is not None else 0}–{hi if hi is not None else '…'} (AMB-I01)"
    )
    if (lo is not None and age < lo) or (hi is not None and age > hi):
        return insufficient(text, contradicted=True)
    return met(text, since=ctx.identified)


def judge(compiled: Any, ctx: Context) -> Entry | None:
    """The entry verdict of a criterion for this need, or None when it states no entry
    condition (no age band, no ``entry`` expression)."""
    parts = [r for r in (age_band(compiled.definition, ctx),) if r is not None]
    if compiled.entry is not None:
        parts.append(compiled.entry.rule(ctx))
    if not parts:
        return None
    if len(parts) == 1:
        return Entry(verdict_of(parts[0]), parts[0])
    failing = [p for p in parts if p.status is not Status.MET]
    # a failing entry is explained by what fails (an age inside its band is no reason)
    whole = all_of(parts, explanation="; ".join(p.explanation for p in failing))
    return Entry(verdict_of(whole), whole)


def mode_of(parameters: dict[str, Any]) -> Mode:
    value = parameters.get(PARAMETER, "accept")
    return value if value in MODES else "accept"


def flags(
    entries: list[tuple[str, str | None, Entry | None]], parameters: dict[str, Any]
) -> list[str]:
    """Under ``flag_only``, one line per criterion whose entry the records do not show."""
    if mode_of(parameters) != "flag_only":
        return []
    return [
        f"{criterion} ({person or 'family'}): entry not shown — {e.explanation} "
        f"({PARAMETER} flag_only, {AMB})"
        for criterion, person, e in entries
        if e is not None and e.verdict == "not_shown"
    ]


def apply(entry: Entry | None, outcome: Result, mode: Mode) -> Result:
    """The criterion's result: the outcome's, unless the entry is contradicted (or not
    shown under ``block``); a not-shown entry is said in the explanation."""
    if entry is None or entry.verdict == "confirmed":
        return outcome
    if entry.verdict == "contradicted" or mode == "block":
        why = (
            "the records contradict the need"
            if entry.verdict == "contradicted"
            else f"the records do not show the need ({PARAMETER} block, {AMB})"
        )
        return Result(
            Status.INSUFFICIENT_DATA,
            f"{why}: {entry.explanation}",
            facts=entry.result.all_facts(),
            parts=(entry.result,),
        )
    said = "accepted" if mode == "accept" else "flagged for review"
    return replace(
        outcome,
        explanation=(
            f"{outcome.explanation} (entry not shown: {entry.explanation}; the practitioner's "
            f"identification stands, {said}, {PARAMETER} {mode}, {AMB})"
        ),
    )
