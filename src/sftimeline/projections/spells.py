"""States, spells and weeks (docs/policies-dsl.md P17–P21; docs/semantics.md §2).

Functions:

- :func:`plan_level_at` — P17: highest open plan level on D (early_help < cin < cp).
- :func:`plan_reduced` — P17: a plan open at the anchor closed or stepped down by D.
- :func:`latest_status` / :func:`status_changed` — P17: state at a date from status
  records (NEET→EET, housing), and a transition from one value to another.
- :func:`notice_withdrawn` — P17: a served notice withdrawn by D.
- :func:`spells` — P18–P20: (start, end) spells from ``<kind>_started`` /
  ``<kind>_ended`` (the ended record's date is the spell's last day; open → None).
- :func:`continuous_spell` — P18: in one spell for ≥ N months on D.
- :func:`weeks_in_spell` — P19/P20: ≥ k of the last n whole weeks (Mon–Sun, ending
  on the last Sunday ≤ D, AMB-G01) covered every day; ``consecutive`` for P20.
- :func:`earnings_at_least` — P21: latest reported monthly earnings ≥ a threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from sftimeline.projections.change_points import held_since
from sftimeline.projections.months import add_months
from sftimeline.projections.results import Result, Window, met, not_met, pending
from sftimeline.projections.weeks import whole_weeks_ending
from sftimeline.records import Record

LEVELS = {"early_help": 1, "cin": 2, "cp": 3}


def _upto(records: Sequence[Record], on: date) -> list[Record]:
    return sorted((r for r in records if r.occurred_on <= on), key=Record.sort_key)


def _plans(records: Sequence[Record], on: date, person: str | None) -> dict[str, str]:
    open_: dict[str, str] = {}
    for r in _upto(records, on):
        plan = str(r.get("plan"))
        if (r.type == "plan_opened" and (person is None or r.person in (None, person))) or (
            r.type in ("plan_stepped_down", "plan_stepped_up") and plan in open_
        ):
            open_[plan] = str(r.get("level"))
        elif r.type == "plan_closed":
            open_.pop(plan, None)
    return open_


def plan_level_at(records: Sequence[Record], on: date, person: str | None = None) -> str | None:
    """P17: the highest level among plans open on ``on`` (None when none is open)."""
    levels = _plans(records, on, person).values()
    return max(levels, key=lambda lv: LEVELS.get(lv, 0), default=None)


def plan_reduced(
    records: Sequence[Record], on: date, anchor: date, person: str | None = None
) -> Result:
    """P17 (catalogue §8): the plan level on D is lower than on ``anchor`` (closed
    or stepped down, early_help < cin < cp). Met since the latest day the level
    dropped below the anchor level and stayed there."""
    before = plan_level_at(records, anchor, person)
    now = plan_level_at(records, on, person)
    rank = LEVELS.get(before or "", 0)

    def ok(d: date) -> bool:
        return LEVELS.get(plan_level_at(records, d, person) or "", 0) < rank

    text = (
        f"Plan level {before or 'none'} on {anchor.isoformat()}, "
        f"{now or 'none'} on {on.isoformat()}"
    )
    if before is None:
        return not_met(text + "; no plan was open to step down.")
    if ok(on):
        points = {r.occurred_on for r in records if anchor < r.occurred_on}
        since = held_since(ok, on, points)
        return met(
            text + f"; lower since {since.isoformat()}.",
            since=since,
            values={"from": before, "to": now},
        )
    return not_met(text + ".", values={"from": before, "to": now})


def latest_status(
    records: Sequence[Record],
    on: date,
    type_: str,
    person: str | None = None,
    field: str = "status",
) -> Record | None:
    """P17: the latest ``type_`` record dated ≤ ``on`` (for ``person`` if given)."""
    rs = [
        r for r in _upto(records, on) if r.type == type_ and (person is None or r.person == person)
    ]
    return rs[-1] if rs else None


def status_changed(
    records: Sequence[Record],
    on: date,
    *,
    type_: str,
    to: str,
    from_: str | None = None,
    anchor: date | None = None,
    person: str | None = None,
    field: str = "status",
) -> Result:
    """P17 transition (e.g. ``neet_status_recorded`` neet→eet): the status on D is
    ``to`` and (if ``from_``) it was ``from_`` on ``anchor``. Met since the record
    that started the current run of ``to``."""
    start = latest_status(records, anchor, type_, person) if anchor else None
    if from_ is not None and (start is None or start.get(field) != from_):
        return not_met(f"The {field} was not {from_} on {anchor}.")
    rs = [
        r
        for r in _upto(records, on)
        if r.type == type_
        and (person is None or r.person == person)
        and (anchor is None or r.occurred_on > anchor)
    ]
    if not rs or rs[-1].get(field) != to:
        return not_met(f"The {field} on {on.isoformat()} is not {to}.")
    since = rs[-1]
    for r in reversed(rs):
        if r.get(field) != to:
            break
        since = r
    return met(
        f"The {field} has been {to} since {since.occurred_on.isoformat()}.",
        since=since.occurred_on,
        facts=(since.key,),
    )


def notice_withdrawn(records: Sequence[Record], on: date, notice: str | None = None) -> Result:
    """P17: every notice served (of kind ``notice``) by D has been withdrawn by D."""
    live: dict[tuple[str, str], Record] = {}
    last: Record | None = None
    for r in _upto(records, on):
        if notice is not None and r.get("notice") != notice:
            continue
        k = (str(r.get("notice")), str(r.get("tenancy")))
        if r.type == "notice_served":
            live[k] = r
        elif r.type == "notice_withdrawn" and k in live:
            live.pop(k)
            last = r
    if live:
        return not_met(
            f"{len(live)} notice(s) still in force on {on.isoformat()}.",
            facts=tuple(r.key for r in live.values()),
        )
    if last is None:
        return not_met(f"No notice was withdrawn by {on.isoformat()}.")
    return met(
        f"The notice was withdrawn on {last.occurred_on.isoformat()}.",
        since=last.occurred_on,
        facts=(last.key,),
    )


def spells(
    records: Sequence[Record], on: date, person: str, kind: str
) -> list[tuple[date, date | None]]:
    """Spells of ``kind`` (``employment``/``benefit``) for ``person`` dated ≤ ``on``."""
    out: list[tuple[date, date | None]] = []
    open_: date | None = None
    for r in _upto(records, on):
        if r.person != person:
            continue
        if r.type == f"{kind}_started" and open_ is None:
            open_ = r.occurred_on
        elif r.type == f"{kind}_ended" and open_ is not None:
            out.append((open_, r.occurred_on))
            open_ = None
    if open_ is not None:
        out.append((open_, None))
    return out


def _covered(sp: list[tuple[date, date | None]], a: date, b: date) -> bool:
    return any(s <= a and (e is None or e >= b) for s, e in sp)


def continuous_spell(
    records: Sequence[Record], on: date, person: str, kind: str, months: int
) -> Result:
    """P18: ``person`` has been in one ``kind`` spell for ≥ ``months`` months on D
    (``add_months(start, N) <= D``); pending (expected then) while a shorter spell
    is open."""
    sp = spells(records, on, person, kind)
    cur = [(s, e) for s, e in sp if e is None or e >= on]
    if not cur:
        return not_met(f"{person} is not in a {kind} spell on {on.isoformat()}.")
    s = cur[-1][0]
    done = add_months(s, months)
    win = (Window(f"{kind} spell", s, on),)
    if done <= on:
        return met(
            f"{person} has been in {kind} since {s.isoformat()}, {months} months on "
            f"{done.isoformat()}.",
            since=done,
            windows=win,
        )
    if cur[-1][1] is None:
        return pending(
            f"{person} has been in {kind} since {s.isoformat()}; {months} months "
            f"on {done.isoformat()}.",
            expected_on=done,
            windows=win,
        )
    return not_met(f"{person}'s {kind} spell from {s.isoformat()} ends before {months} months.")


def weeks_in_spell(
    records: Sequence[Record],
    on: date,
    person: str,
    kind: str,
    *,
    k: int,
    n: int,
    consecutive: bool = False,
) -> Result:
    """P19/P20: at least ``k`` of the last ``n`` whole weeks (Mon–Sun ending on the
    last Sunday ≤ D, semantics §2, AMB-G01) are covered every day by a ``kind``
    spell; ``consecutive`` needs ``k`` consecutive ones. Exact ``expected_on`` /
    ``met_since`` by scanning Sundays."""
    sp = spells(records, on, person, kind)

    def ok(d: date) -> bool:
        weeks = [_covered(sp, a, b) for a, b in whole_weeks_ending(d, n)]
        if not consecutive:
            return sum(weeks) >= k
        run = best = 0
        for w in weeks:
            run = run + 1 if w else 0
            best = max(best, run)
        return best >= k

    weeks = whole_weeks_ending(on, n)
    got = sum(_covered(sp, a, b) for a, b in weeks)
    win = (Window(f"last {n} weeks", weeks[0][0], weeks[-1][1]),)
    text = f"{got} of the last {n} whole weeks to {weeks[-1][1].isoformat()} in {kind}"
    if ok(on):
        d = weeks[-1][1]
        for _ in range(520):
            if not ok(d - timedelta(days=1)):
                break
            d -= timedelta(days=7)
        return met(
            text + f" (need {k}); holds since {d.isoformat()}.",
            since=d,
            windows=win,
            values={"weeks": got, "k": k, "n": n},
        )
    if sp and sp[-1][1] is None:
        d = weeks[-1][1] + timedelta(days=7)
        for _ in range(n + 2):
            if ok(d):
                return pending(
                    text + f" (need {k}); met on {d.isoformat()} if it continues.",
                    expected_on=d,
                    windows=win,
                    values={"weeks": got, "k": k, "n": n},
                )
            d += timedelta(days=7)
    return not_met(text + f" (need {k}).", windows=win, values={"weeks": got, "k": k, "n": n})


def earnings_at_least(
    records: Sequence[Record], on: date, person: str, threshold_pence: int | Callable[[str], int]
) -> Result:
    """P21: the latest ``earnings_reported`` for ``person`` dated ≤ D has gross_pay ≥
    the threshold (pence; or a function of the ``household`` field)."""
    r = latest_status(records, on, "earnings_reported", person)
    if r is None:
        return not_met(f"No earnings reported for {person} by {on.isoformat()}.")
    t = threshold_pence(str(r.get("household"))) if callable(threshold_pence) else threshold_pence
    pay = int(r.get("gross_pay"))
    text = (
        f"{person} earned {pay}p in the period from {r.occurred_on.isoformat()} (threshold {t}p)."
    )
    if pay >= t:
        return met(
            text, since=r.occurred_on, facts=(r.key,), values={"gross_pay": pay, "threshold": t}
        )
    return not_met(text, facts=(r.key,), values={"gross_pay": pay, "threshold": t})
