"""Earnings at the Administrative Earnings Threshold on D (catalogue P21, R21; FL-TF-7,
AMB-G03).

Herefordshire TF 2020 gives the AET in Appendix 1 (problem 4) but ties it to no outcome
measure. A council that reads measure 13's job as one paying at least the AET (the
``employment_aet`` reading) checks the person's latest ``earnings_reported`` on or before D:
gross monthly pay at least the threshold for the report's household type (single, couple,
under 25 — which also covers apprentices), taken from ``reference/aet.yaml`` at the start of
the earnings period. Self-employed earnings are excluded ("Nor does the AET apply to
self-employed earnings"): a person whose job on D is self-employment cannot show it.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Literal

from sftimeline.policies.context import Context
from sftimeline.policies.leaves._common import as_date
from sftimeline.policies.packaged import parsed
from sftimeline.policies.primitives import Args, Rule, register_primitive
from sftimeline.projections.results import Result, any_of, insufficient, met, pending


@lru_cache(maxsize=1)
def aet_table() -> tuple[tuple[date, dict[str, int]], ...]:
    """The AET rows of ``reference/aet.yaml`` in date order: (effective_from, thresholds)."""
    text = (resources.files("sftimeline.reference") / "aet.yaml").read_text(encoding="utf-8")
    data = parsed("sftimeline.reference", "aet.yaml", text)
    if data is None:  # edited since policies/_packaged_yaml.py was generated
        import yaml

        data = yaml.safe_load(text)
    rows = []
    for row in data["thresholds"]:
        start = as_date(row["effective_from"])
        if start is None:
            raise ValueError("reference/aet.yaml: every row needs an effective_from date")
        rows.append((start, {k: int(row[k]) for k in ("single", "couple", "under_25")}))
    return tuple(sorted(rows, key=lambda r: r[0]))


def aet_on(day: date, household: str) -> int | None:
    """The threshold (pence a month) in force on ``day`` for ``household``, if any."""
    found: int | None = None
    for start, values in aet_table():
        if start <= day:
            found = values[household]
    return found


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


class LatestEarningsArgs(Args):
    who: Literal["person", "household"] = "household"


def build_latest_earnings_at_aet(a: LatestEarningsArgs) -> Rule:
    def one(ctx: Context, person: str) -> Result | None:
        reports = [r for r in ctx.timeline.of_type("earnings_reported") if r.person == person]
        if not reports:
            return None
        jobs = [
            r
            for r in ctx.timeline.of_type("employment_started", "employment_ended")
            if r.person == person
        ]
        if (
            jobs
            and jobs[-1].type == "employment_started"
            and jobs[-1].get("kind") == "self_employed"
        ):
            return insufficient(f"{person}: self-employed; the AET does not apply (FL-TF-7)")
        latest = reports[-1]
        household = str(latest.get("household"))
        threshold = aet_on(latest.occurred_on, household)
        pay = int(latest.get("gross_pay"))
        period = f"{latest.occurred_on.isoformat()}–{latest.get('period_end')}"
        if threshold is None:
            return insufficient(
                f"{person}: no AET in reference/aet.yaml for the period {period}",
                facts=(latest.key,),
            )
        text = (
            f"{person}: {_pounds(pay)} gross for {period} against the {household} AET "
            f"{_pounds(threshold)}"
        )
        if pay >= threshold:
            return met(text, since=latest.occurred_on, facts=(latest.key,))
        return pending(text + " (below)", expected_on=None, facts=(latest.key,))

    def rule(ctx: Context) -> Result:
        people = ctx.members() if a.who == "household" or ctx.person is None else [ctx.person]
        parts = [r for p in people if (r := one(ctx, p)) is not None]
        if not parts:
            return pending("no earnings reported", expected_on=None)
        return any_of(parts)

    return rule


register_primitive(
    "latest_earnings_at_aet",
    LatestEarningsArgs,
    build_latest_earnings_at_aet,
    "the latest earnings reported on or before D reach the AET for the household type "
    "(reference/aet.yaml; self-employed excluded) (FL-TF-7, AMB-G03)",
)
