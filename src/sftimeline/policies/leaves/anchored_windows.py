"""Windows anchored on a day: none in the month(s) before an anchor, none in the months
after it (closure, step-down), records since an anchor, none since it (docs/semantics.md §2)."""

from __future__ import annotations

from typing import Literal

from sftimeline.policies.context import Context, select
from sftimeline.policies.lazy_models import Field, PositiveInt
from sftimeline.policies.primitives import (
    Anchor,
    Args,
    Rule,
    _kinds,
    _who,
    register_primitive,
)
from sftimeline.projections.months import add_months
from sftimeline.projections.results import (
    Result,
    Window,
    met,
    not_met,
    pending,
)
from sftimeline.projections.windows import in_months_after, in_months_before
from sftimeline.records import IncidentKind, Record


class AnchoredRecordsArgs(Args):
    """What a window anchored on a day looks at: the ``anchor`` day, and the records of
    ``types`` (with ``kinds`` — a list, or the need's ``need_measure`` — and field values
    ``where``) of the need's person or of the whole household (``who``)."""

    anchor: Anchor = "identified"
    types: list[str] = Field(default=["incident_recorded"])
    kinds: list[IncidentKind] | Literal["need_measure"] | None = None
    who: Literal["person", "household"] = "person"
    where: dict[str, list[str]] = Field(default_factory=dict)

    def records(self, ctx: Context) -> list[Record]:
        """The records this window looks at, in timeline order (any date up to D)."""
        return select(
            ctx.timeline.of_type(*self.types),
            kinds=_kinds(ctx, self.kinds),
            person=_who(ctx, self.who),
            where=self.where,
        )


class NoneBeforeArgs(AnchoredRecordsArgs):
    """None in the ``months`` month(s) before the anchor (by default the case closure)."""

    anchor: Anchor = "case_closed"
    months: PositiveInt = 1


def build_none_before(a: NoneBeforeArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        c = ctx.anchor(a.anchor)
        what = "/".join(_kinds(ctx, a.kinds) or a.types)
        if c is None:
            return pending(
                f"no {what} in the {a.months} month(s) before {a.anchor}: "
                f"no {a.anchor} recorded yet",
                expected_on=None,
            )
        found = in_months_before(a.records(ctx), c, a.months)
        win = (Window(f"{a.months} month(s) before {a.anchor}", add_months(c, -a.months), c),)
        if found:
            return not_met(
                f"{len(found)} {what} in the {a.months} month(s) before {a.anchor} "
                f"on {c.isoformat()}",
                facts=tuple(r.key for r in found),
                windows=win,
            )
        return met(
            f"no {what} in the {a.months} month(s) before {a.anchor} on {c.isoformat()}",
            since=c,
            windows=win,
        )

    return rule


class NoneAfterArgs(Args):
    months: PositiveInt = 6
    anchor: Anchor = "case_closed"
    types: list[str] = Field(default=["referral_accepted"])
    kinds: list[IncidentKind] | None = None
    services: list[str] | None = None
    who: Literal["person", "household"] = "household"
    #: only referrals that resulted in support count (Hampshire CWNH i & ii: "rereferrals
    #: which have resulted in support"): a ``referral_accepted`` with
    #: ``resulted_in_support: false`` does not; one that does not say still counts
    supported_only: bool = False


def resulted_in_support(r: Record) -> bool:
    """False only for a referral recorded as not resulting in support (catalogue R15): a
    referral that does not say is taken to have, so no claim rests on an assumption."""
    return r.get("resulted_in_support") is not False


def build_none_after(a: NoneAfterArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        c = ctx.anchor(a.anchor)
        what = "/".join(a.services or a.kinds or a.types)
        if c is None:
            return pending(
                f"no {what} in the {a.months} months after {a.anchor}: no {a.anchor} recorded yet",
                expected_on=None,
            )
        end = add_months(c, a.months)
        where = {"service": a.services} if a.services else {}
        found = [
            r
            for r in in_months_after(
                select(
                    ctx.timeline.of_type(*a.types),
                    kinds=a.kinds,
                    person=_who(ctx, a.who),
                    where=where,
                ),
                c,
                a.months,
            )
            if not a.supported_only or resulted_in_support(r)
        ]
        win = (Window(f"{a.months} months after {a.anchor}", c, end),)
        if found:
            return not_met(
                f"{what} on {found[0].occurred_on.isoformat()}, within {a.months} "
                f"months after {a.anchor} on {c.isoformat()}",
                facts=tuple(r.key for r in found),
                windows=win,
            )
        if ctx.on >= end:
            return met(
                f"no {what} in the {a.months} months after {a.anchor} on {c.isoformat()}",
                since=end,
                windows=win,
            )
        return pending(
            f"no {what} so far after {a.anchor} on {c.isoformat()}; the "
            f"{a.months}-month follow-up ends {end.isoformat()}",
            expected_on=end,
            windows=win,
        )

    return rule


class RecordsSinceArgs(Args):
    """At least ``at_least`` records of ``types`` (and ``kinds`` / ``where``) dated on or
    after ``from`` up to D, all of one person — the need's person, or any one member of the
    household. A step taken stays taken: Hertfordshire strand 4 "Starting temporary, seasonal
    or part time work" (an ``employment_started``) and "Securing and attending multiple job
    interviews" (two ``job_interview`` progress records)."""

    types: list[str] = Field(min_length=1)
    kinds: list[IncidentKind] | None = None
    where: dict[str, list[str]] = Field(default_factory=dict)
    who: Literal["person", "household"] = "household"
    at_least: PositiveInt = 1
    from_: Anchor = Field("identified", alias="from")


def build_records_since(a: RecordsSinceArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        lo = ctx.anchor(a.from_) or ctx.identified
        what = "/".join([*a.types, *(v for vs in a.where.values() for v in vs)])
        found = [
            r
            for r in select(
                ctx.timeline.of_type(*a.types),
                kinds=a.kinds,
                person=_who(ctx, a.who),
                where=a.where,
            )
            if r.occurred_on >= lo
        ]
        by_person: dict[str | None, list[Record]] = {}
        for r in found:
            by_person.setdefault(r.person, []).append(r)
        reached = [rs[a.at_least - 1] for rs in by_person.values() if len(rs) >= a.at_least]
        if reached:
            kth = min(reached, key=lambda r: r.occurred_on)
            mine = by_person[kth.person][: a.at_least]
            return met(
                f"{kth.person or 'the family'}: {a.at_least} {what} record(s) since "
                f"{lo.isoformat()}, the last on {kth.occurred_on.isoformat()}",
                since=kth.occurred_on,
                facts=tuple(r.key for r in mine),
            )
        most = max((len(rs) for rs in by_person.values()), default=0)
        return pending(
            f"{most} of {a.at_least} {what} record(s) since {lo.isoformat()}",
            expected_on=None,
            facts=tuple(r.key for r in found),
        )

    return rule


class NoneSinceArgs(AnchoredRecordsArgs):
    """None dated after the anchor (by default the identification), up to D."""


def build_none_since(a: NoneSinceArgs) -> Rule:
    def rule(ctx: Context) -> Result:
        c = ctx.anchor(a.anchor)
        what = "/".join(_kinds(ctx, a.kinds) or a.types)
        if c is None:
            return pending(f"no {a.anchor} recorded yet", expected_on=None)
        found = [r for r in a.records(ctx) if c < r.occurred_on]
        win = (Window(f"since {a.anchor}", c, ctx.on),)
        if found:
            return not_met(
                f"{what} on {found[0].occurred_on.isoformat()}, after {a.anchor} on "
                f"{c.isoformat()}",
                facts=tuple(r.key for r in found),
                windows=win,
            )
        return met(f"no {what} since {a.anchor} on {c.isoformat()}", since=c, windows=win)

    return rule


register_primitive(
    "none_before",
    NoneBeforeArgs,
    build_none_before,
    "no records in the `months` before `anchor` (e <= c < e+months)",
)
register_primitive(
    "none_after",
    NoneAfterArgs,
    build_none_after,
    "no records in the `months` after `anchor`; pending until then",
)
register_primitive(
    "records_since",
    RecordsSinceArgs,
    build_records_since,
    "at least `at_least` records of `types` of one person since `from` (a step taken)",
)
register_primitive(
    "none_since",
    NoneSinceArgs,
    build_none_since,
    'no records dated after `anchor` (up to D): "no more police reports"',
)
