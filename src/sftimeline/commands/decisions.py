"""`sftimeline evaluate` and `sftimeline explain`: decisions of a framework on D as known at T.

The store is opened with ``RecordStore.open(url)`` (adapters/store.py); the URL comes
from ``--store``, the parent group's context (``ctx.obj["store"]`` / ``["store_url"]``)
or the ``SFTIMELINE_STORE`` environment variable.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import click

from sftimeline.policies.evaluator import Decision, evaluate_family
from sftimeline.policies.loader import Framework, FrameworkError, load_framework
from sftimeline.projections.results import Result, Status
from sftimeline.records import Record


def _parse_date(_ctx: Any, _param: Any, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("must be an ISO date, YYYY-MM-DD") from None


def _parse_known_at(_ctx: Any, _param: Any, value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time.max, tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("must be an ISO date-time with offset, or a date") from None
    if parsed.tzinfo is None:
        raise click.BadParameter("needs a UTC offset, e.g. 2024-07-20T00:00:00+00:00")
    return parsed.astimezone(UTC)


def _store_url(ctx: click.Context, store: str | None) -> str:
    if store:
        return store
    obj = ctx.find_root().obj
    if isinstance(obj, dict):
        for key in ("store", "store_url", "url"):
            if obj.get(key):
                return str(obj[key])
    env = os.environ.get("SFTIMELINE_STORE")
    if env:
        return env
    raise click.UsageError("no store: give --store URL or set SFTIMELINE_STORE")


def _framework(framework: str, framework_file: str | None) -> Framework:
    try:
        return load_framework(framework_file or framework)
    except FrameworkError as exc:
        raise click.ClickException(str(exc)) from None


class StoreProblem(click.ClickException):
    """A store error shown without a traceback; exit code 2 (as in commands/records.py)."""

    exit_code = 2


def _families(url: str, family: str | None) -> Iterator[tuple[str, Sequence[Record]]]:
    """One family, or every family read in bulk (``RecordStore.iter_family_records``)."""
    from sftimeline.adapters.store import RecordStore, StoreError

    try:
        store = RecordStore.open(url)
    except StoreError as exc:
        raise StoreProblem(str(exc)) from None
    try:
        if family is not None:
            yield family, list(store.family_records(family))
        else:
            yield from store.iter_family_records()
    except StoreError as exc:
        raise StoreProblem(str(exc)) from None
    finally:
        store.close()


STORE = click.option("--store", "store", default=None, help="Store URL (default SFTIMELINE_STORE).")


@click.command("evaluate")
@click.option("--on", "on", required=True, callback=_parse_date, help="The on-date D.")
@click.option(
    "--known-at",
    "known_at",
    default=None,
    callback=_parse_known_at,
    help="Knowledge time T (default now; a date means the end of that day).",
)
@click.option("--framework", "framework", default="national-2022", show_default=True)
@click.option(
    "--framework-file",
    "framework_file",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="A council's framework YAML.",
)
@click.option("--family", "family", default=None, help="One family only.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@STORE
@click.pass_context
def evaluate(
    ctx: click.Context,
    on: date,
    known_at: datetime,
    framework: str,
    framework_file: str | None,
    family: str | None,
    fmt: str,
    store: str | None,
) -> None:
    """Decide every family (or one) on D as known at T."""
    fw = _framework(framework, framework_file)
    url = _store_url(ctx, store)
    families = _families(url, family)
    if family is None and sys.stderr.isatty():
        families = _with_progress(families)
    # A generator end to end: each family is read, decided and written before the next,
    # so a county streams out without its decisions (or records) held in memory.
    decisions = (evaluate_family(fw, fam, recs, on, known_at) for fam, recs in families)
    write_decisions(decisions, fmt)


def _with_progress(
    families: Iterator[tuple[str, Sequence[Record]]], every: int = 250
) -> Iterator[tuple[str, Sequence[Record]]]:
    """Pass families through, counting them on stderr (only used when it is a terminal)."""
    n = 0
    for item in families:
        yield item
        n += 1
        if n % every == 0:
            sys.stderr.write(f"\revaluated {n} families")
            sys.stderr.flush()
    if n >= every:
        sys.stderr.write(f"\revaluated {n} families\n")
        sys.stderr.flush()


def write_decisions(decisions: Iterator[Decision], fmt: str) -> None:
    out = sys.stdout
    if fmt == "json":
        out.write("[")
        for i, d in enumerate(decisions):
            out.write(("," if i else "") + "\n" + json.dumps(d.to_dict(), ensure_ascii=False))
        out.write("\n]\n")
    elif fmt == "jsonl":
        for d in decisions:
            out.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        w = csv.writer(out)
        w.writerow(
            [
                "family",
                "framework",
                "on",
                "known_at",
                "status",
                "eligible_from",
                "criterion",
                "person",
                "criterion_status",
                "expected_on",
                "explanation",
            ]
        )
        for d in decisions:
            row = d.to_dict()
            head = [
                row["family"],
                row["framework"],
                row["on"],
                row["known_at"],
                row["status"],
                row["eligible_from"] or "",
            ]
            if not row["criteria"]:
                w.writerow([*head, "", "", "", "", row.get("eligible_from_reason") or ""])
            for c in row["criteria"]:
                w.writerow(
                    [
                        *head,
                        c["criterion"],
                        c["person"] or "",
                        c["status"],
                        c["expected_on"] or "",
                        c["explanation"],
                    ]
                )
    else:
        counts: dict[str, int] = {}
        out.write(f"{'family':<16} {'status':<18} {'eligible_from':<13} criteria\n")
        for d in decisions:
            counts[d.status] = counts.get(d.status, 0) + 1
            crit = ", ".join(
                f"{c.criterion.split(':', 1)[1]}"
                f"{'/' + c.person if c.person else ''}={c.result.status.value}"
                for c in d.criteria
            )
            ef = d.eligible_from.isoformat() if d.eligible_from else "-"
            out.write(f"{d.family:<16} {d.status:<18} {ef:<13} {crit}\n")
        out.write("\n" + "  ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + "\n")


@click.command("explain")
@click.argument("family")
@click.option("--on", "on", required=True, callback=_parse_date, help="The on-date D.")
@click.option("--known-at", "known_at", default=None, callback=_parse_known_at)
@click.option("--framework", "framework", default="national-2022", show_default=True)
@click.option(
    "--framework-file", "framework_file", default=None, type=click.Path(exists=True, dir_okay=False)
)
@STORE
@click.pass_context
def explain(
    ctx: click.Context,
    family: str,
    on: date,
    known_at: datetime,
    framework: str,
    framework_file: str | None,
    store: str | None,
) -> None:
    """Explain one family's decision for a person: every need, rule, window and record."""
    fw = _framework(framework, framework_file)
    url = _store_url(ctx, store)
    for fam, recs in _families(url, family):
        decision = evaluate_family(fw, fam, recs, on, known_at)
        by_key = {r.key: r for r in recs}
        click.echo(explain_text(fw, decision, by_key))


def explain_text(fw: Framework, d: Decision, records: dict[str, Record]) -> str:
    buf = io.StringIO()
    w = buf.write
    w(f"Family {d.family} — {fw.model.title} ({fw.id})\n")
    w(f"On {d.on.isoformat()}, as known at {d.known_at.isoformat()}: {d.status.upper()}\n")
    if d.eligible_from:
        w(f"Eligible from {d.eligible_from.isoformat()} if nothing else is recorded.\n")
    elif d.eligible_from_reason:
        w(f"No eligible-from date: {d.eligible_from_reason}.\n")
    if d.eligible_from and d.eligible_from_reason:
        w(f"Why: {d.eligible_from_reason}.\n")
    if d.override:
        w(f"DISCRETIONARY OVERRIDE of the family's claim: {_override_line(d.override)}\n")
    w(f"Framework definition fingerprint {d.fingerprint[:16]}; readings used:\n")
    for name, value in fw.parameters.items():
        p = fw.model.parameters[name]
        w(f"  {name} = {value} ({p.amb}: {p.doc})\n")
    w("\nFamily-level rules:\n")
    for rule in d.family_rules:
        w(f"  [{'ok' if rule.holds else 'FAILS'}] {rule.explanation}\n")
    if not d.criteria:
        w("\nNo need of this framework identified on or before this date.\n")
    for c in d.criteria:
        code = c.criterion.split(":", 1)[1]
        comp = fw.criteria.get(code)
        w(
            f"\n{c.criterion}"
            + (f" for {c.person}" if c.person else " (family)")
            + f" — identified {c.identified.isoformat()}\n"
        )
        if comp is not None:
            w(
                f"  Need: {comp.definition.need}\n  Rule: {comp.definition.cite} "
                f"[{comp.definition.tag}]\n"
            )
        r = c.result
        w(f"  Status: {r.status.value}")
        if r.status is Status.PENDING:
            w(
                f" — will be met on {r.expected_on.isoformat()} if nothing else is recorded"
                if r.expected_on
                else " — no date can be forecast (depends on records not yet known)"
            )
        if r.status is Status.MET and r.met_since:
            w(f" (since {r.met_since.isoformat()})")
        w("\n")
        if c.stand_alone:
            w("  Stand-alone criterion: once met it makes the claim on its own (FL-HT-6)\n")
        if c.override:
            w(f"  DISCRETIONARY OVERRIDE: {_override_line(c.override)}\n")
        _explain_result(w, r, 2)
        if r.status is Status.EVIDENCE_REQUIRED or (comp and comp.evidence_kinds):
            w(f"  Evidence accepted: {', '.join(c.evidence_kinds) or 'none (data only)'}\n")
        facts = r.all_facts()
        if facts:
            w("  Records used:\n")
            for key in facts:
                rec = records.get(key)
                if rec is None:
                    w(f"    {key}\n")
                    continue
                extra = ", ".join(f"{k}={v}" for k, v in rec.data.items())
                w(
                    f"    {rec.occurred_on.isoformat()} {rec.type} {rec.person or ''} {extra} "
                    f"[{key}]\n"
                )
    return buf.getvalue()


def _override_line(o: dict[str, Any]) -> str:
    """FL-HT-3 / AMB-K05: an override is printed as such, never as a computed result."""
    return (
        f"discretionary override by {o['approver']} ({o['role']}) on {o['on']}: {o['reason']} "
        f"[{o['record']}]; not a computed result"
    )


def _same_line(r: Result, p: Result) -> bool:
    """A wrapper (a reading's switch, a stand-alone flag) that only repeats its one part."""
    return (
        p.status is r.status
        and p.explanation == r.explanation
        and (not r.windows or r.windows == p.windows)
        and (not r.values or r.values == p.values)
    )


def _explain_result(w: Any, r: Result, depth: int) -> None:
    while len(r.parts) == 1 and _same_line(r, r.parts[0]):
        r = r.parts[0]
    pad = "  " * depth
    if r.explanation:
        w(f"{pad}- {r.status.value}: {r.explanation}\n")
    for win in r.windows:
        w(f"{pad}  window {win.label}: {win.start.isoformat()} to {win.end.isoformat()}\n")
    if r.values:
        w(f"{pad}  values: {', '.join(f'{k}={v}' for k, v in r.values.items())}\n")
    if depth < 6:
        for p in r.parts:
            _explain_result(w, p, depth + 1)


COMMANDS = [evaluate, explain]


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
