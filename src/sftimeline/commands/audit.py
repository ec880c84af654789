"""`sftimeline replay` and `sftimeline report`: the auditor's replay and the HTML audit pack.

The domain work is in ``sftimeline.reports.replay`` and ``sftimeline.reports.html``,
reached through the service layer; this module parses, calls it and writes the output.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from sftimeline.commands._common import (
    FRAMEWORK,
    FRAMEWORK_FILE,
    KNOWN_AT,
    command,
    date_option,
    framework_choice,
    store_options,
    store_session,
)
from sftimeline.commands._output import format_option, safe_text, write_csv

if TYPE_CHECKING:
    from sftimeline.policies.loader import Framework
    from sftimeline.reports.replay import KnownAtDiff, Replay


@command("replay")
@click.argument("family")
@click.option("--to", "to", required=True, callback=date_option, help="The claim date.")
@KNOWN_AT
@click.option(
    "--diff-known-at",
    "known_at_2",
    default=None,
    help="A later knowledge time T2 (or `now`): show what the records known between T and "
    "T2 changed.",
)
@FRAMEWORK
@FRAMEWORK_FILE
@format_option(["text", "table", "json", "csv"], default="text")
@store_options
@click.pass_context
def replay_command(
    ctx: click.Context,
    family: str,
    to: date,
    known_at: datetime,
    known_at_2: str | None,
    framework: str,
    framework_file: str | None,
    fmt: str,
) -> None:
    """Walk FAMILY's history in valid-date order as known at T, up to the claim date.

    After each date with records (and each date a forecast fell due) it shows the
    decision on that date as known at T and what changed since the previous step.
    """
    fw_id, fw_file = framework_choice(framework, framework_file)
    with store_session(ctx) as store:
        result = store.replay(
            family, to, fw_id, known_at, diff_known_at=known_at_2, framework_file=fw_file
        )
    if fmt == "json":
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n")
        return
    if fmt == "csv":
        write_csv(
            ["family", "on", "step", "records", "change", "status", "eligible_from"],
            (
                (
                    result.replay.family,
                    s.on,
                    s.reason,
                    " ".join(r.key for r in s.records),
                    text,
                    s.decision.status,
                    s.decision.eligible_from,
                )
                for s in result.replay.steps
                for text in ([ch.text for ch in s.changes] or ["no change"])
            ),
        )
        return
    text = replay_text(result.framework, result.replay)
    if result.diff is not None:
        text += diff_text(result.diff)
    sys.stdout.write(safe_text(text))


_STEP_NOTE = {
    "records": "",
    "forecast_due": "  (a forecast fell due: no record that day)",
    "claim_date": "  (claim date)",
}


def replay_text(fw: Framework, rp: Replay) -> str:
    lines = [
        f"Replay of family {rp.family} — {fw.model.title} ({fw.id})",
        f"to {rp.to.isoformat()}, as known at {rp.known_at.isoformat()}",
        "Each step is the decision on that date as known at T, using the records dated up to it.",
    ]
    for gone in rp.retractions:
        lines.append(f"Retracted as known at T: {gone.target} (by {gone.by.key}: {gone.reason})")
    for s in rp.steps:
        lines.append("")
        lines.append(f"{s.on.isoformat()}{_STEP_NOTE[s.reason]}")
        for r in s.records:
            lines.append(
                f"  + {r.type}{' ' + r.person if r.person else ''} [{r.key}] "
                f"recorded {r.recorded_at.isoformat()}"
                + (f" ({r.knowledge_note})" if r.knowledge_note else "")
            )
        for ch in s.changes:
            lines.append(f"    → {ch.text}")
        if not s.changes:
            lines.append("    → no change")
    d = rp.final
    lines += [
        "",
        f"Decision on {rp.to.isoformat()}: {d.status.upper()}"
        + (f", eligible from {d.eligible_from.isoformat()}" if d.eligible_from else ""),
    ]
    for c in d.criteria:
        lines.append(f"  {c.criterion} {c.person or 'family'}: {c.result.status.value}")
    return "\n".join(lines) + "\n"


def diff_text(diff: KnownAtDiff) -> str:
    lines = [
        "",
        f"What became known between {diff.known_at.isoformat()} and "
        f"{diff.known_at_2.isoformat()} (decision on {diff.to.isoformat()}):",
    ]
    if not diff.arrivals:
        lines.append("  no record of this family arrived in that time")
    for a in diff.arrivals:
        lines.append(f"  known at {a.recorded_at.isoformat()}:")
        for r in a.records:
            what = "late record" if r.occurred_on <= diff.to else "dated after the claim date"
            if r.type == "record_retracted":
                what = (
                    f"retraction of {r.get('target_source')}:{r.get('target_source_id')} "
                    f"({r.get('reason')})"
                )
            lines.append(
                f"    + {r.type}{' ' + r.person if r.person else ''} [{r.key}] "
                f"occurred {r.occurred_on.isoformat()} — {what}"
            )
        for ch in a.changes:
            lines.append(f"      → {ch.text}")
        if not a.changes:
            lines.append("      → no change to the decision")
    b, a2 = diff.before, diff.after
    lines.append(
        f"  As known at T:  {b.status}"
        + (f", eligible from {b.eligible_from.isoformat()}" if b.eligible_from else "")
    )
    lines.append(
        f"  As known at T2: {a2.status}"
        + (f", eligible from {a2.eligible_from.isoformat()}" if a2.eligible_from else "")
    )
    before = {(cd.criterion, cd.person): cd for cd in b.criteria}
    for cd in a2.criteria:
        old = before.pop((cd.criterion, cd.person), None)
        was = old.result.status.value if old else "not identified"
        mark = "" if old and old.result.status is cd.result.status else "  *"
        lines.append(
            f"    {cd.criterion} {cd.person or 'family'}: {was} → {cd.result.status.value}{mark}"
        )
    for (crit, person), old in before.items():
        lines.append(f"    {crit} {person or 'family'}: {old.result.status.value} → withdrawn  *")
    return "\n".join(lines) + "\n"


@command("report")
@click.argument("family")
@click.option("--on", "on", required=True, callback=date_option, help="The on-date D.")
@KNOWN_AT
@FRAMEWORK
@FRAMEWORK_FILE
@click.option(
    "--html",
    "html_path",
    required=True,
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    help="The HTML file to write (`-`: standard output).",
)
@click.option(
    "--late-after",
    "late_after",
    default=None,
    type=click.IntRange(min=0),
    help="Mark a record late when recorded more than this many days after it occurred "
    "(default 30).",
)
@store_options
@click.pass_context
def report(
    ctx: click.Context,
    family: str,
    on: date,
    known_at: datetime,
    framework: str,
    framework_file: str | None,
    html_path: str,
    late_after: int | None,
) -> None:
    """Write FAMILY's audit pack on D as known at T: one self-contained HTML file."""
    fw_id, fw_file = framework_choice(framework, framework_file)
    with store_session(ctx) as store:
        pack = store.audit_pack(
            family, on, fw_id, known_at, late_after=late_after, framework_file=fw_file
        )
    if html_path == "-":
        click.echo(pack.html, nl=False)
        return
    try:
        pack.save(html_path)
    except OSError as exc:
        raise click.ClickException(f"cannot write {html_path}: {exc.strerror}") from None
    click.echo(f"wrote {html_path}", err=True)


COMMANDS = [replay_command, report]


def register(group: click.Group) -> None:
    for c in COMMANDS:
        group.add_command(c)
