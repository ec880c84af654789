"""`sftimeline evaluate` and `sftimeline explain`: decisions of a framework on D as known at T."""

from __future__ import annotations

import atexit
import gc
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

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
from sftimeline.commands._output import (
    format_option,
    safe_text,
    table,
    write_csv,
    write_json,
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
    "--all",
    "all_families",
    is_flag=True,
    help="Also list the families with no need identified under the framework, with why.",
)
@WORKERS
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="STATUS",
    help="Only families with this status (repeatable): eligible, pending, not_eligible, ...",
)
@format_option()
@store_options
@click.pass_context
def evaluate(
    ctx: click.Context,
    on: date,
    known_at: datetime,
    framework: str,
    framework_file: str | None,
    family: str | None,
    all_families: bool,
    statuses: tuple[str, ...],
    fmt: str,
    workers: int | None,
) -> None:
    """Decide every family (or one) on D as known at T.

    Lists the families with a need identified under the framework; --all adds the others
    with the reason (a family named with --family is always shown).
    """
    fw_id, fw_file = framework_choice(framework, framework_file)
    hidden: Counter[str] = Counter()
    _no_collection_at_exit()
    with store_session(ctx) as store:
        stream = started(
            store.iter_evaluate_as(
                shaper(fmt),
                on,
                fw_id,
                known_at,
                family,
                framework_file=fw_file,
                workers=workers,
            )
        )
        if family is None and sys.stderr.isatty():
            stream = _with_progress(stream)
        if not (all_families or family):
            stream = _with_needs(stream, hidden)
        if statuses:
            stream = (d for d in stream if d.status in statuses)
        # A generator end to end: each family is read, decided and written before the
        # next (tables aside), so a county streams out without its decisions in memory.
        write_shown(stream, fmt)
    if hidden["count"]:
        n = hidden["count"]
        click.echo(
            f"note: {n} famil{'y' if n == 1 else 'ies'} with no need identified under "
            f"{fw_file or fw_id} not listed; --all lists them",
            err=True,
        )


def _no_collection_at_exit() -> None:
    """At exit, leave what the process holds to be freed without the cyclic collector.

    The interpreter's shutdown runs a full collection over everything still alive (the
    modules, the pydantic models, the framework): ≈ 0.03 s of CPU after a county's
    output is written, 3% of evaluating 1,000 families, with nothing to find (deciding
    makes no cycles: tests/test_workers.py). ``gc.freeze`` as the first exit handler (they
    run last registered first) moves it all out of that collection's reach; the
    standard streams are still flushed and the store was closed by the command. Once
    per process."""
    global _EXIT_FREEZE
    if not _EXIT_FREEZE:
        _EXIT_FREEZE = True
        atexit.register(gc.freeze)


_EXIT_FREEZE = False


class Shown(NamedTuple):
    """What ``evaluate`` keeps of a decision: made where the family was decided (a worker
    process sends this back, not the decision and its results tree)."""

    status: str
    #: a need identified under the framework (a criterion was decided)
    needs: bool
    #: what is written for it: the JSON text (json, jsonl), the CSV rows, the table row
    out: Any


def shaper(fmt: str) -> Callable[[Decision], Shown]:
    """The decision as ``fmt`` writes it: JSON text, CSV rows or a table row."""
    if fmt in ("json", "jsonl"):
        return lambda d: Shown(
            d.status, bool(d.criteria), json.dumps(d.to_dict(), ensure_ascii=False)
        )
    if fmt == "csv":
        return lambda d: Shown(d.status, bool(d.criteria), list(_csv_rows(d)))
    return lambda d: Shown(
        d.status, bool(d.criteria), (d.family, d.status, d.eligible_from, _criteria_cell(d))
    )


def _with_needs(decisions: Iterator[Shown], hidden: Counter[str]) -> Iterator[Shown]:
    """The decisions with a need identified; the others counted in ``hidden``."""
    for d in decisions:
        if d.needs:
            yield d
        else:
            hidden["count"] += 1


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


def write_shown(decisions: Iterable[Shown], fmt: str) -> None:
    """JSON and JSON Lines stream; CSV has a row per criterion; the table is aligned."""
    out = sys.stdout
    if fmt == "json":
        out.write("[")
        for i, d in enumerate(decisions):
            out.write(("," if i else "") + "\n" + d.out)
        out.write("\n]\n")
    elif fmt == "jsonl":
        for d in decisions:
            out.write(d.out + "\n")
    elif fmt == "csv":
        write_csv(CSV_HEADER, (row for d in decisions for row in d.out))
    else:
        counts: Counter[str] = Counter()

        def rows() -> Iterator[tuple[object, ...]]:
            for d in decisions:
                counts[d.status] += 1
                yield d.out

        table(["family", "status", "eligible_from", "criteria"], rows())
        click.echo("\n" + "  ".join(f"{k}: {v}" for k, v in sorted(counts.items())))


def _criteria_cell(d: Decision) -> str:
    if not d.criteria:
        return d.eligible_from_reason or ""
    return ", ".join(
        f"{c.criterion.split(':', 1)[1]}{'/' + c.person if c.person else ''}={c.result.status}"
        for c in d.criteria
    )


def _csv_rows(d: Decision) -> Iterator[list[object]]:
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
        yield [*head, "", "", "", "", row.get("eligible_from_reason") or ""]
    for c in row["criteria"]:
        yield [
            *head,
            c["criterion"],
            c["person"] or "",
            c["status"],
            c["expected_on"] or "",
            c["explanation"],
        ]


@command("explain")
@click.argument("family")
@click.option("--on", "on", required=True, callback=date_option, help="The on-date D.")
@KNOWN_AT
@FRAMEWORK
@FRAMEWORK_FILE
@format_option(["text", "table", "json", "csv"], default="text")
@store_options
@click.pass_context
def explain(
    ctx: click.Context,
    family: str,
    on: date,
    known_at: datetime,
    framework: str,
    framework_file: str | None,
    fmt: str,
) -> None:
    """Explain one family's decision: every need, rule, window and record, then the
    readings (framework parameters) it was decided under. ``table`` is the text;
    ``csv`` has a row per criterion."""
    fw_id, fw_file = framework_choice(framework, framework_file)
    with store_session(ctx) as store:
        explanation = store.explain(family, on, fw_id, known_at, framework_file=fw_file)
    if fmt == "json":
        write_json(explanation.to_dict())
    elif fmt == "csv":
        d = explanation.decision
        write_csv(
            [
                "family",
                "criterion",
                "person",
                "identified",
                "status",
                "met_since",
                "expected_on",
                "explanation",
            ],
            (
                (
                    d.family,
                    c.criterion,
                    c.person,
                    c.identified,
                    c.result.status,
                    c.result.met_since,
                    c.result.expected_on,
                    c.result.explanation,
                )
                for c in d.criteria
            ),
        )
    else:
        click.echo(safe_text(explanation.text))


COMMANDS = [evaluate, explain]


def register(group: click.Group) -> None:
    for c in COMMANDS:
        group.add_command(c)
