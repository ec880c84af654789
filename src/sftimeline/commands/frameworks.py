"""`sftimeline frameworks list | show | check` and `sftimeline compare`.

A council reads a built-in framework (`show`), copies its YAML (`show --yaml > ours.yaml`),
changes a reading (a parameter: the AMB readings of rules-catalogue.md §9), an evidence
kind or a threshold, checks the copy (`check ours.yaml`: every problem with its line)
and uses it with `--framework-file` or compares it with the original (`compare`).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from importlib import resources
from typing import Any

import click
import yaml

from sftimeline.commands.decisions import (
    STORE,
    _families,
    _parse_date,
    _parse_known_at,
    _store_url,
)
from sftimeline.policies.compare import Comparison, compare
from sftimeline.policies.evaluator import evaluate_family
from sftimeline.policies.loader import (
    Framework,
    FrameworkError,
    list_frameworks,
    load_framework,
)


def _parse_sets(_ctx: Any, _param: Any, values: tuple[str, ...]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs; VALUE is read as YAML (so ``true``, ``6``, ``[a, b]`` work)."""
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


def _load(id_or_path: str, overrides: dict[str, Any] | None = None) -> Framework:
    try:
        return load_framework(id_or_path, overrides or None)
    except FrameworkError as exc:
        raise click.ClickException("\n".join(exc.located()) or str(exc)) from None


def _tags(fw: Framework) -> Counter[str]:
    return Counter(c.definition.tag for c in fw.criteria.values())


@click.group("frameworks")
def frameworks() -> None:
    """The outcome frameworks: list, show, check a council's copy."""


@frameworks.command("list")
def list_command() -> None:
    """Every packaged framework with its criteria counts (computed / evidence / mixed)."""
    click.echo(
        f"{'id':<22} {'criteria':>8} {'DATA':>5} {'EVID':>5} {'MIXED':>6} {'params':>6}  title"
    )
    for fid in list_frameworks():
        fw = _load(fid)
        t = _tags(fw)
        click.echo(
            f"{fid:<22} {len(fw.criteria):>8} {t['DATA']:>5} {t['EVID']:>5} {t['MIXED']:>6} "
            f"{len(fw.parameters):>6}  {fw.model.title}"
        )


@frameworks.command("show")
@click.argument("framework")
@click.option("--yaml", "as_yaml", is_flag=True, help="Print the definition file itself (to copy).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(framework: str, as_yaml: bool, fmt: str) -> None:
    """A framework (id or file): headlines, family rules, parameters, criteria."""
    if as_yaml:
        if framework in list_frameworks():
            path = resources.files("sftimeline.policies") / "frameworks" / f"{framework}.yaml"
            sys.stdout.write(path.read_text(encoding="utf-8"))
            return
        fw = _load(framework)  # validates a file before echoing it
        with open(framework, encoding="utf-8") as fh:
            sys.stdout.write(fh.read())
        return
    fw = _load(framework)
    m = fw.model
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "id": m.id,
                    "title": m.title,
                    "source": m.source,
                    "fingerprint": fw.fingerprint,
                    "headlines": m.headlines,
                    "parameters": {
                        n: {**p.model_dump(mode="json"), "value": fw.parameters[n]}
                        for n, p in m.parameters.items()
                    },
                    "family_rules": m.family_rules.model_dump(mode="json"),
                    "criteria": [
                        {
                            **c.definition.model_dump(mode="json", exclude={"outcome", "entry"}),
                            "evidence_kinds": c.evidence_kinds,
                        }
                        for c in fw.criteria.values()
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    t = _tags(fw)
    w = click.echo
    w(f"{m.title} ({m.id})\nSource: {m.source}\nFingerprint: {fw.fingerprint[:16]}")
    w(
        f"{len(fw.criteria)} criteria: {t['DATA']} computed (DATA), {t['EVID']} evidence-only "
        f"(EVID), {t['MIXED']} mixed"
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
    try:
        fw = load_framework(file, sets or None)
    except FrameworkError as exc:
        for line in exc.located():
            click.echo(line, err=True)
        raise SystemExit(1) from None
    t = _tags(fw)
    click.echo(
        f"{file}: OK — {fw.id}, {len(fw.criteria)} criteria ({t['DATA']} DATA, "
        f"{t['EVID']} EVID, {t['MIXED']} MIXED), {len(fw.parameters)} parameters, "
        f"fingerprint {fw.fingerprint[:16]}"
    )
    if fw.id in list_frameworks():
        base = load_framework(fw.id)
        changed = [
            f"  {n}: {base.parameters.get(n)!r} → {v!r}"
            for n, v in fw.parameters.items()
            if base.parameters.get(n) != v
        ]
        if base.fingerprint == fw.fingerprint:
            click.echo(f"Identical to the packaged {fw.id}.")
        else:
            click.echo(f"Differs from the packaged {fw.id}" + (":" if changed else "."))
            for line in changed:
                click.echo(line)
            if not changed:
                click.echo("  (criteria or family rules changed; parameters are the same)")


@click.command("compare")
@click.option("--on", "on", required=True, callback=_parse_date, help="The on-date D.")
@click.option("--known-at", "known_at", default=None, callback=_parse_known_at)
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
@STORE
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
    store: str | None,
) -> None:
    """Family by family, where framework A and framework B decide differently, and why."""
    if len(frameworks_) == 1 and set_b:
        frameworks_ = (frameworks_[0], frameworks_[0])
    if len(frameworks_) != 2:
        raise click.UsageError(
            "give --framework exactly twice (A and B), or once with --set-b readings"
        )
    fa, fb = _load(frameworks_[0]), _load(frameworks_[1], set_b)
    url = _store_url(ctx, store)
    results = (
        compare(
            evaluate_family(fa, fam, recs, on, known_at),
            evaluate_family(fb, fam, recs, on, known_at),
        )
        for fam, recs in _families(url, family)
    )
    _write(results, fmt, show_all, fa, fb)


def _write(
    results: Iterator[Comparison], fmt: str, show_all: bool, fa: Framework, fb: Framework
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
        transitions[(c.a.status, c.b.status)] += 1
        differ += c.differs
        if not (c.differs or show_all):
            continue
        if fmt == "json":
            out.write(("," if written else "") + "\n" + json.dumps(c.to_dict(), ensure_ascii=False))
        elif fmt == "jsonl":
            out.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        else:
            ea = c.a.eligible_from.isoformat() if c.a.eligible_from else "-"
            eb = c.b.eligible_from.isoformat() if c.b.eligible_from else "-"
            out.write(f"{c.family}: A {c.a.status} ({ea})  B {c.b.status} ({eb})\n")
            for d in c.differences:
                out.write(f"    {d}\n")
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
