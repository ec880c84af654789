"""`sftimeline evaluate` and `sftimeline explain`: decisions of a framework on D as known at T."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

import click

from sftimeline.commands._common import (
    FRAMEWORK,
    FRAMEWORK_FILE,
    KNOWN_AT,
    WORKERS,
    command,
    date_option,
    framework_choice,
    started,
    store_options,
    store_session,
)

if TYPE_CHECKING:
    from sftimeline.policies.evaluator import Decision

T = TypeVar("T")


@command("evaluate")
@click.option("--on", "on", required=True, callback=date_option, help="The on-date D.")
@KNOWN_AT
@FRAMEWORK
@FRAMEWORK_FILE
@click.option("--family", "family", default=None, help="One family only.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@WORKERS
@store_options
@click.pass_context
def evaluate(
    ctx: click.Context,
    on: date,
    known_at: datetime,
    framework: str,
    framework_file: str | None,
    family: str | None,
    fmt: str,
    workers: int | None,
) -> None:
    """Decide every family (or one) on D as known at T."""
    fw_id, fw_file = framework_choice(framework, framework_file)
    with store_session(ctx) as store:
        stream = started(
            store.iter_evaluate(
                on, fw_id, known_at, family, framework_file=fw_file, workers=workers
            )
        )
        if family is None and sys.stderr.isatty():
            stream = _with_progress(stream)
        # A generator end to end: each family is read, decided and written before the
        # next, so a county streams out without its decisions held in memory.
        write_decisions(stream, fmt)


def _with_progress(items: Iterator[T], every: int = 250) -> Iterator[T]:
    """Pass items through, counting them on stderr (only used when it is a terminal)."""
    n = 0
    for item in items:
        yield item
        n += 1
        if n % every == 0:
            sys.stderr.write(f"\revaluated {n} families")
            sys.stderr.flush()
    if n >= every:
        sys.stderr.write(f"\revaluated {n} families\n")
        sys.stderr.flush()


CSV_HEADER = [
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


def write_decisions(decisions: Iterable[Decision], fmt: str) -> None:
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
        w.writerow(CSV_HEADER)
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


@command("explain")
@click.argument("family")
@click.option("--on", "on", required=True, callback=date_option, help="The on-date D.")
@KNOWN_AT
@FRAMEWORK
@FRAMEWORK_FILE
@store_options
@click.pass_context
def explain(
    ctx: click.Context,
    family: str,
    on: date,
    known_at: datetime,
    framework: str,
    framework_file: str | None,
) -> None:
    """Explain one family's decision for a person: every need, rule, window and record."""
    fw_id, fw_file = framework_choice(framework, framework_file)
    with store_session(ctx) as store:
        explanation = store.explain(family, on, fw_id, known_at, framework_file=fw_file)
    click.echo(explanation.text)


COMMANDS = [evaluate, explain]


def register(group: click.Group) -> None:
    for c in COMMANDS:
        group.add_command(c)
