"""Programme participation (catalogue §7 R29; TF 2020 measures 10, 18, 19, 23–25).

``programme_started`` / ``programme_ended`` (outcome completed, dropped, closed). "Has
engaged with a … programme" is a programme of the listed kinds started on or before D and
either open on D or completed; it is sustained (FL-TF-3) from its start, counted from no
earlier than the need's identification. "Successfully completes" is an ended record with
outcome ``completed`` dated on or after identification.
"""

from __future__ import annotations

from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import Field
from sftimeline.policies.leaves._common import Anchor, sustain
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, any_of, met, pending
from sftimeline.records import Record


class ProgrammeArgs(Args):
    kinds: list[str] = Field(min_length=1)
    months: int = Field(0, ge=0)
    #: person: the need's person's programmes (or family programmes with no person);
    #: household: any member's
    who: Literal["person", "household"] = "person"
    from_: Anchor = Field("identified", alias="from")


def _programmes(ctx: Context, a: ProgrammeArgs) -> list[tuple[Record, Record | None]]:
    starts = [
        r
        for r in ctx.timeline.of_type("programme_started")
        if r.get("kind") in a.kinds
        and (a.who == "household" or ctx.person is None or r.person in (None, ctx.person))
    ]
    ends = list(ctx.timeline.of_type("programme_ended"))
    out = []
    for s in starts:
        e = next(
            (
                x
                for x in ends
                if x.get("programme") == s.get("programme") and x.occurred_on >= s.occurred_on
            ),
            None,
        )
        out.append((s, e))
    return out


def build_programme_engaged(a: ProgrammeArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        what = "/".join(a.kinds)
        progs = _programmes(ctx, a)
        parts = []
        for s, e in progs:
            name = f"{s.get('kind')} programme {s.get('programme')}"
            if e is not None and e.get("outcome") != "completed" and e.occurred_on < ctx.on:
                parts.append(
                    pending(
                        f"{name} ended {e.get('outcome')} on {e.occurred_on.isoformat()}",
                        expected_on=None,
                        facts=(s.key, e.key),
                    )
                )
                continue
            state = "completed " + e.occurred_on.isoformat() if e is not None else "open"
            text = f"engaged with {name} from {s.occurred_on.isoformat()} ({state})"
            facts = [s.key] + ([e.key] if e is not None else [])
            parts.append(sustain(ctx, s.occurred_on, a.months, a.from_, text, facts))
        if not parts:
            return pending(f"no {what} programme recorded", expected_on=None)
        return any_of(parts)

    return rule


class CompletedArgs(Args):
    kinds: list[str] = Field(min_length=1)
    who: Literal["person", "household"] = "person"
    from_: Anchor = Field("identified", alias="from")


def build_programme_completed(a: CompletedArgs) -> Rule:
    view = ProgrammeArgs.model_construct(kinds=a.kinds, who=a.who)

    def rule(ctx: Context) -> Result:
        lo = ctx.anchor(a.from_) or ctx.identified
        what = "/".join(a.kinds)
        done = [
            (s, e)
            for s, e in _programmes(ctx, view)
            if e is not None and e.get("outcome") == "completed" and e.occurred_on >= lo
        ]
        if done:
            s, e = done[0]
            return met(
                f"{s.get('kind')} programme {s.get('programme')} completed "
                f"{e.occurred_on.isoformat()}",
                since=e.occurred_on,
                facts=(s.key, e.key),
            )
        return pending(f"no {what} programme completed since {lo.isoformat()}", expected_on=None)

    return rule


register_primitive(
    "programme_engaged",
    ProgrammeArgs,
    build_programme_engaged,
    "a programme of `kinds` started and open on D (or completed), sustained `months`",
)
register_primitive(
    "programme_completed",
    CompletedArgs,
    build_programme_completed,
    "a programme of `kinds` ended with outcome completed on or after `from`",
)
