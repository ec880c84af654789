"""`sftimeline frameworks list | show | check` and `sftimeline compare`.

A council reads a built-in framework (`show`), copies its YAML (`show --yaml > ours.yaml`),
changes a reading (a parameter: the AMB readings of docs/semantics.md §7), an evidence
kind or a threshold, checks the copy (`check ours.yaml`: every problem with its line)
and uses it with `--framework-file` or compares it with the original (`compare`).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import click

from sftimeline.commands._common import (
    KNOWN_AT,
    WORKERS,
    command,
    date_option,
    group,
    started,
    store_options,
    store_session,
)
from sftimeline.commands._output import format_option, listing, write_json
from sftimeline.service.errors import InvalidInput

if TYPE_CHECKING:
    from sftimeline.policies.compare import Comparison
    from sftimeline.policies.loader import Framework


def _parse_sets(_ctx: Any, _param: Any, values: tuple[str, ...]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs; VALUE is read as YAML (so ``true``, ``6``, ``[a, b]`` work)."""
    import yaml

    out: dict[str, Any] = {}
    for item in values:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE")
        try:
            out[name.strip()] = yaml.safe_load(raw)
        except yaml.YAMLError:
            raise click.BadParameter(f"{item!r}: VALUE is not a YAML value") from None
    return out


def _is_file(value: str) -> bool:
    from sftimeline.service import packaged_ids

    return value not in packaged_ids()


def _load(value: str, overrides: dict[str, Any] | None = None) -> Framework:
    """A packaged id, or (anything else) a framework file the user names."""
    from sftimeline.service import framework

    return framework(value, overrides or None, file=_is_file(value))


@group("frameworks")
def frameworks() -> None:
    """The outcome frameworks: list, show, check a council's copy."""


@frameworks.command("list")
@format_option(["table", "json", "csv"])
def list_command(fmt: str) -> None:
    """Every packaged framework with its criteria counts (computed / evidence / mixed)."""
    from sftimeline.service import frameworks as all_frameworks

    found = all_frameworks()
    listing(
        fmt,
        [f.to_dict() for f in found],
        ["id", "criteria", "DATA", "EVID", "MIXED", "params", "title"],
        ((f.id, f.criteria, f.data, f.evidence, f.mixed, f.parameters, f.title) for f in found),
    )


@frameworks.command("show")
@click.argument("framework")
@click.option("--yaml", "as_yaml", is_flag=True, help="Print the definition file itself (to copy).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(framework: str, as_yaml: bool, fmt: str) -> None:
    """A framework (id or file): headlines, family rules, parameters, criteria."""
    from sftimeline.service import framework_definition, framework_yaml

    if as_yaml:
        sys.stdout.write(framework_yaml(framework, file=_is_file(framework)))
        return
    fw = _load(framework)
    if fmt == "json":
        write_json(framework_definition(fw))
        return
    _show_text(fw)


def _show_text(fw: Framework) -> None:
    from sftimeline.service.catalogue import summarise

    m = fw.model
    s = summarise(fw)
    w = click.echo
    w(f"{m.title} ({m.id})\nSource: {m.source}\nFingerprint: {fw.fingerprint[:16]}")
    w(
        f"{s.criteria} criteria: {s.data} computed (DATA), {s.evidence} evidence-only "
        f"(EVID), {s.mixed} mixed"
    )
    w("\nHeadlines:")
    for n, title in sorted(m.headlines.items()):
        w(f"  {n}. {title}")
    fr = m.family_rules
    w("\nFamily rules:")
    w(f"  minimum headlines: {fw.rule('min_headlines')}")
    w(f"  dependent children or expectant parent: {fw.rule('dependent_children_or_expectant')}")
    if fr.family_evidence:
        w(f"  family-level evidence: {', '.join(fr.family_evidence)}")
    for o in fr.outcomes:
        w(f"  {o.id}: {o.rule} ({o.cite})")
    w("\nParameters (readings a council can set):")
    for name, p in m.parameters.items():
        allowed = f"; allowed {p.allowed}" if p.allowed is not None else ""
        w(f"  {name} = {fw.parameters[name]!r}  [{p.amb}] {p.doc}{allowed}")
    w("\nCriteria:")
    for code, c in fw.criteria.items():
        d = c.definition
        w(f"  {code:<10} [{d.tag:<5}] headline {d.headline}: {d.need}")
        w(f"  {'':<10}  {d.cite}")
        if c.evidence_kinds:
            w(f"  {'':<10}  evidence: {', '.join(c.evidence_kinds)}")


@frameworks.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--set", "sets", multiple=True, callback=_parse_sets, help="NAME=VALUE reading.")
def check(file: str, sets: dict[str, Any]) -> None:
    """Validate a framework file; report every problem with its line, or summarise it."""
    from sftimeline.service import check_framework

    try:
        result = check_framework(file, sets or None)
    except InvalidInput as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    s = result.summary
    click.echo(
        f"{file}: OK — {s.id}, {s.criteria} criteria ({s.data} DATA, "
        f"{s.evidence} EVID, {s.mixed} MIXED), {s.parameters} parameters, "
        f"fingerprint {result.fingerprint[:16]}"
    )
    if result.identical_to_packaged is None:
        return
    if result.identical_to_packaged:
        click.echo(f"Identical to the packaged {s.id}.")
        return
    click.echo(f"Differs from the packaged {s.id}" + (":" if result.changed else "."))
    for name, before, after in result.changed:
        click.echo(f"  {name}: {before!r} → {after!r}")
    if not result.changed:
        click.echo("  (criteria or family rules changed; parameters are the same)")


@command("compare")
@click.option("--on", "on", required=True, callback=date_option, help="The on-date D.")
@KNOWN_AT
@click.option(
    "--framework",
    "frameworks_",
    multiple=True,
    required=True,
    help="Twice: framework A and B (a packaged id or a framework file).",
)
@click.option(
    "--set-b",
    "set_b",
    multiple=True,
    callback=_parse_sets,
    help="NAME=VALUE: a reading for B only (compare two readings of one framework).",
)
@click.option("--family", "family", default=None, help="One family only.")
@click.option("--all", "show_all", is_flag=True, help="List families that agree too.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table")
@WORKERS
@store_options
@click.pass_context
def compare_command(
    ctx: click.Context,
    on: date,
    known_at: datetime,
    frameworks_: tuple[str, ...],
    set_b: dict[str, Any],
    family: str | None,
    show_all: bool,
    fmt: str,
    workers: int | None,
) -> None:
    """Family by family, where framework A and framework B decide differently, and why."""
    if len(frameworks_) == 1 and set_b:
        frameworks_ = (frameworks_[0], frameworks_[0])
    if len(frameworks_) != 2:
        raise click.UsageError(
            "give --framework exactly twice (A and B), or once with --set-b readings"
        )
    fa, fb = _load(frameworks_[0]), _load(frameworks_[1], set_b)
    with store_session(ctx) as store:
        results = started(
            store.iter_compare_as(_shaper(fmt), on, fa, fb, known_at, family, workers=workers)
        )
        _write(results, fmt, show_all, fa, fb)


class _Shown(NamedTuple):
    """What ``compare`` keeps of a comparison: made where the family was decided (a
    worker sends this back, not the two decisions)."""

    a: str
    b: str
    differs: bool
    #: the JSON text (json, jsonl) or the table's lines
    out: str


def _shaper(fmt: str) -> Callable[[Comparison], _Shown]:
    def shape(c: Comparison) -> _Shown:
        if fmt in ("json", "jsonl"):
            text = json.dumps(c.to_dict(), ensure_ascii=False)
        else:
            ea = c.a.eligible_from.isoformat() if c.a.eligible_from else "-"
            eb = c.b.eligible_from.isoformat() if c.b.eligible_from else "-"
            text = f"{c.family}: A {c.a.status} ({ea})  B {c.b.status} ({eb})\n"
            text += "".join(f"    {d}\n" for d in c.differences)
        return _Shown(c.a.status, c.b.status, bool(c.differs), text)

    return shape


def _write(
    results: Iterator[_Shown], fmt: str, show_all: bool, fa: Framework, fb: Framework
) -> None:
    out = sys.stdout
    transitions: Counter[tuple[str, str]] = Counter()
    total = differ = written = 0
    if fmt == "table":
        out.write(f"A = {fa.id} ({fa.fingerprint[:12]})\nB = {fb.id} ({fb.fingerprint[:12]})\n\n")
    if fmt == "json":
        out.write("[")
    for c in results:
        total += 1
        transitions[(c.a, c.b)] += 1
        differ += c.differs
        if not (c.differs or show_all):
            continue
        if fmt == "json":
            out.write(("," if written else "") + "\n" + c.out)
        elif fmt == "jsonl":
            out.write(c.out + "\n")
        else:
            out.write(c.out)
        written += 1
    if fmt == "json":
        out.write("\n]\n")
    if fmt == "table":
        out.write(f"\n{total} families, {differ} decided differently\n")
        for (sa, sb), n in sorted(transitions.items()):
            out.write(f"  A {sa:<18} -> B {sb:<18} {n}\n")


def register(group: click.Group) -> None:
    group.add_command(frameworks)
    group.add_command(compare_command)
