"""Justice spells for Hampshire Crime and ASB (catalogue R08, P17, P34, P05).

- CRIME iii entry "An adult prisoner who is less than 12 weeks from release date"
  (P34 with L = 12 weeks): ``release_within_weeks``.
- CRIME ii&vii "Successful completion of YCP intervention" and CRIME v "has complied with
  Restorative Justice requirements": ``spell_ended_with`` (the spell ended after
  identification with one of the given outcomes).
- CRIME iv / vi&vii "complying with their supervision/licence/community order",
  "adhered to ASBI/ASB Contract ... conditions": ``spell_complied`` (no breach recorded
  for the spell, held ``months`` from no earlier than identification, FL-HA-3).
- CRIME iii "has not reoffended in the last 6 months post release": ``no_reoffence_after_release``
  (no offence record in [R, R + months), R = the custody spell's release; P05).
"""

from __future__ import annotations

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.leaves._common import Anchor, as_date, open_since, sustain
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.days import day_after
from sftimeline.projections.months import add_months, within_months_before
from sftimeline.projections.results import Result, Window, insufficient, met, not_met, pending
from sftimeline.projections.weeks import add_weeks
from sftimeline.records import Record


def _spells(ctx: Context, kinds: list[str]) -> tuple[list[Record], list[Record]]:
    starts = [
        r
        for r in ctx.timeline.of_type("justice_spell_started")
        if r.person == ctx.person and r.get("kind") in kinds and r.occurred_on <= ctx.on
    ]
    ends = [
        r
        for r in ctx.timeline.of_type("justice_spell_ended")
        if r.person == ctx.person and r.occurred_on <= ctx.on
    ]
    return starts, ends


def _end_of(spell: Record, ends: list[Record]) -> Record | None:
    for e in ends:
        if e.get("spell") == spell.get("spell") and e.occurred_on >= spell.occurred_on:
            return e
    return None


class ReleaseWithinWeeksArgs(Args):
    kinds: list[str] = Field(default=["custody"], min_length=1)
    weeks: PositiveInt = 12
    at: Anchor = "identified"


def build_release_within_weeks(a: ReleaseWithinWeeksArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        at = ctx.anchor(a.at) or ctx.identified
        starts, ends = _spells(ctx, a.kinds)

        def same(s: Record, e: Record) -> bool:
            return bool(s.get("spell") == e.get("spell"))

        spell = open_since(starts, ends, same, at)
        if spell is None:
            return insufficient(f"no {'/'.join(a.kinds)} spell open on {at.isoformat()}")
        release = as_date(spell.get("expected_end"))
        if release is None:
            return insufficient(f"custody spell {spell.get('spell')}: no expected release date")
        limit = add_weeks(at, a.weeks)
        text = (
            f"custody spell {spell.get('spell')} open on {at.isoformat()}, release expected "
            f"{release.isoformat()}"
        )
        if release < limit:
            return met(text + f" (less than {a.weeks} weeks)", since=at, facts=(spell.key,))
        return insufficient(
            text + f", not less than {a.weeks} weeks away", facts=(spell.key,), contradicted=True
        )

    return rule


class SpellEndedArgs(Args):
    kinds: list[str] = Field(min_length=1)
    outcomes: list[str] = Field(default=["completed_successfully"], min_length=1)
    from_: Anchor = Field("identified", alias="from")


def build_spell_ended_with(a: SpellEndedArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        lo = ctx.anchor(a.from_) or ctx.identified
        starts, ends = _spells(ctx, a.kinds)
        if not starts:
            return pending(f"no {'/'.join(a.kinds)} spell recorded", expected_on=None)
        for s in starts:
            e = _end_of(s, ends)
            if e is not None and e.occurred_on >= lo and e.get("outcome") in a.outcomes:
                return met(
                    f"{s.get('kind')} spell {s.get('spell')} ended {e.get('outcome')} on "
                    f"{e.occurred_on.isoformat()}",
                    since=e.occurred_on,
                    facts=(s.key, e.key),
                )
        failed = [
            (s, e) for s in starts if (e := _end_of(s, ends)) is not None and e.occurred_on >= lo
        ]
        if failed and all(_end_of(s, ends) is not None for s in starts):
            s, e = failed[-1]
            return not_met(
                f"{s.get('kind')} spell {s.get('spell')} ended {e.get('outcome')} on "
                f"{e.occurred_on.isoformat()}",
                facts=(s.key, e.key),
            )
        return pending(
            f"{'/'.join(a.kinds)} spell not yet ended with {'/'.join(a.outcomes)}",
            expected_on=None,
        )

    return rule


class SpellCompliedArgs(Args):
    kinds: list[str] = Field(min_length=1)
    months: int = Field(6, ge=0)
    from_: Anchor = Field("identified", alias="from")


def build_spell_complied(a: SpellCompliedArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        starts, ends = _spells(ctx, a.kinds)
        if not starts:
            return insufficient(f"no {'/'.join(a.kinds)} spell recorded for {ctx.person}")
        spell = starts[-1]
        end = _end_of(spell, ends)
        breaches = [
            r
            for r in ctx.timeline.of_type("justice_breach_recorded")
            if r.person == ctx.person
            and r.get("spell") == spell.get("spell")
            and r.occurred_on <= ctx.on
        ]
        facts = [spell.key, *(b.key for b in breaches)]
        if end is not None and end.get("outcome") == "breached":
            return not_met(
                f"spell {spell.get('spell')} ended breached on {end.occurred_on.isoformat()}",
                facts=(*facts, end.key),
            )
        start = spell.occurred_on
        if breaches:
            start = day_after(max(b.occurred_on for b in breaches))
        text = f"{spell.get('kind')} spell {spell.get('spell')} complied with (no breach)"
        if end is not None:
            # a spell completed without breach: compliance held to its end
            held = sustain(ctx, start, a.months, a.from_, text, facts)
            if held.status == "met" or end.occurred_on >= (held.expected_on or ctx.on):
                return met(
                    text + f", completed {end.occurred_on.isoformat()}",
                    since=end.occurred_on,
                    facts=tuple(facts),
                )
            return held
        return sustain(ctx, start, a.months, a.from_, text, facts)

    return rule


class NoReoffenceArgs(Args):
    months: PositiveInt = 6
    kinds: list[str] = Field(default=["offence", "proven_offence"], min_length=1)


def build_no_reoffence_after_release(a: NoReoffenceArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        if ctx.person is None:
            return insufficient("the need names no person")
        starts, ends = _spells(ctx, ["custody"])
        released = [
            e
            for s in starts
            if (e := _end_of(s, ends)) is not None and e.get("outcome") == "released"
        ]
        if not released:
            return pending("not released yet", expected_on=None)
        rel = released[-1].occurred_on
        due = add_months(rel, a.months)
        window = (Window(f"{a.months} months post release", rel, due),)
        offences = [
            r
            for r in ctx.timeline.of_type("incident_recorded")
            if r.person == ctx.person
            and r.get("kind") in a.kinds
            and r.occurred_on <= ctx.on
            and within_months_before(rel, r.occurred_on, a.months)
        ]
        facts = (released[-1].key, *(r.key for r in offences))
        if offences:
            return not_met(
                f"reoffended on {offences[0].occurred_on.isoformat()}, within {a.months} "
                f"months of release on {rel.isoformat()}",
                facts=facts,
                windows=window,
            )
        if due <= ctx.on:
            return met(
                f"no offence in the {a.months} months after release on {rel.isoformat()}",
                since=due,
                facts=facts,
                windows=window,
            )
        return pending(
            f"released {rel.isoformat()}; no offence so far; {a.months} months on "
            f"{due.isoformat()}",
            expected_on=due,
            facts=facts,
            windows=window,
        )

    return rule


register_primitive(
    "release_within_weeks",
    ReleaseWithinWeeksArgs,
    build_release_within_weeks,
    "entry: a custody spell open at `at` with release expected less than `weeks` away (P34)",
)
register_primitive(
    "spell_ended_with",
    SpellEndedArgs,
    build_spell_ended_with,
    "a justice spell of `kinds` ended after `from` with one of `outcomes`",
)
register_primitive(
    "spell_complied",
    SpellCompliedArgs,
    build_spell_complied,
    "the latest spell of `kinds` has no breach, held `months` (or completed without breach)",
)
register_primitive(
    "no_reoffence_after_release",
    NoReoffenceArgs,
    build_no_reoffence_after_release,
    "no offence in the `months` after release from custody (P05)",
)
