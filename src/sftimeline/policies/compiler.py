"""Compile an outcome expression (a YAML tree) into one closure ``Context -> Result``.

Combinators:

- ``all: [e, …]``          AND: every part (docs/semantics.md §5, worst status).
- ``any: [e, …]``          OR and AND/OR: one part suffices (best status).
- ``at_least: {k: n, of: [e, …]}``  k of n parts.
- ``optional: [e, …]``     OPTIONAL/AND and "(Supplementary)": evaluated and shown, never
  required, never enough alone (only allowed inside ``all``/``any``/``at_least`` beside a
  required part).
- ``choose: {count: {…records_in_lookback args…}, bands: [{max: 7, then: e}, {min: 8, then: e}]}``
  baseline bands (P08).
- ``switch: {parameter: name, cases: {value: e, …}}``  an alternative reading chosen by a
  framework parameter.
- ``sustained: {months: n, of: e}``  ``e`` must have held without a break for ``n`` months
  (from its ``met_since``, no earlier than identification): a default sustainment stacked on
  a row's own window (Herefordshire TF 2020 FL-TF-3 with AMB-A06), or a reduction that must
  hold in every window of the last ``n`` months (AMB-B02 (b)).

Every other key is a leaf primitive (see :mod:`sftimeline.policies.primitives`).
Values ``$name`` are replaced with the framework parameter ``name`` before validation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sftimeline.policies.context import Context
from sftimeline.policies.lazy_models import LazyModel, validated
from sftimeline.policies.leaves.incidents import baseline_records
from sftimeline.policies.leaves.lookback import LookbackArgs
from sftimeline.policies.primitives import Rule, primitive
from sftimeline.projections.months import add_months
from sftimeline.projections.results import ANY_OF, Result, Status, all_of, any_of

COMBINATORS = ("all", "any", "at_least", "optional", "choose", "switch", "sustained")


class FrameworkError(ValueError):
    """A framework definition that cannot be used; lists every problem with its location."""

    def __init__(
        self, problems: list[str], source: str = "", lines: list[int | None] | None = None
    ) -> None:
        self.problems = problems
        self.source = source
        #: the YAML line each problem points at (1-based), where it can be found
        self.lines: list[int | None] = lines if lines is not None else [None] * len(problems)
        where = f"{source}: " if source else ""
        super().__init__(where + "; ".join(problems))

    def located(self) -> list[str]:
        """Each problem as ``source:line: path: message`` (the line where known)."""
        out = []
        for problem, line in zip(self.problems, self.lines, strict=True):
            where = self.source + (f":{line}" if line else "")
            out.append(f"{where}: {problem}" if where else problem)
        return out


@dataclass
class Compiled:
    rule: Rule
    evidence_kinds: list[str] = field(default_factory=list)
    optional_kinds: list[str] = field(default_factory=list)


def loc_str(base: str, loc: tuple[Any, ...]) -> str:
    out = base
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class Compiler:
    """Compiles expressions under ``parameters``, collecting every problem.

    ``known``: each leaf's arguments already validated under these very parameters, by
    path (a packaged framework's kept form, :mod:`sftimeline.policies.validated`), taken
    instead of validating again; ``kept``: where each leaf's validated arguments are put,
    by path (to make that form)."""

    def __init__(
        self,
        parameters: Mapping[str, Any],
        known: Mapping[str, LazyModel] | None = None,
        kept: dict[str, LazyModel] | None = None,
    ) -> None:
        self.parameters = parameters
        self.problems: list[str] = []
        self.known = known
        self.kept = kept

    def arguments(self, model: type[LazyModel], args: Any, path: str) -> LazyModel | None:
        """``args`` (at ``path``) validated as ``model``, or None with the problems noted."""
        parsed = None if self.known is None else self.known.get(path)
        if parsed is None or type(parsed) is not model:
            parsed, errors = validated(model, args)
            for err in errors:
                self.problems.append(f"{loc_str(path, tuple(err['loc']))}: {err['msg']}")
        if parsed is not None and self.kept is not None:
            self.kept[path] = parsed
        return parsed

    def resolve(self, value: Any, path: str) -> Any:
        if isinstance(value, str) and value.startswith("$"):
            name = value[1:]
            if name not in self.parameters:
                self.problems.append(f"{path}: unknown parameter {value!r}")
                return None
            return self.parameters[name]
        if isinstance(value, dict):
            return {k: self.resolve(v, f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return value

    def compile(self, expr: Any, path: str, out: Compiled, optional: bool = False) -> Rule:
        if not isinstance(expr, dict) or len(expr) != 1:
            self.problems.append(
                f"{path}: must be a mapping with exactly one key (a combinator "
                f"{'/'.join(COMBINATORS)} or a primitive)"
            )
            return _broken
        ((key, body),) = expr.items()
        here = f"{path}.{key}"
        if key in ("all", "any", "optional"):
            if not isinstance(body, list) or not body:
                self.problems.append(f"{here}: must be a non-empty list")
                return _broken
            if key == "optional":
                parts = [self.compile(e, f"{here}[{i}]", out, True) for i, e in enumerate(body)]
                return _optional(parts)
            return self._nary(key, body, here, out, optional, 1)
        if key == "at_least":
            if not isinstance(body, dict) or set(body) != {"k", "of"}:
                self.problems.append(f"{here}: needs exactly `k` and `of`")
                return _broken
            k = self.resolve(body["k"], f"{here}.k")
            if (
                not isinstance(k, int)
                or k < 1
                or not isinstance(body["of"], list)
                or k > len(body["of"])
            ):
                self.problems.append(f"{here}.k: must be a whole number from 1 to len(of)")
                return _broken
            return self._nary(key, body["of"], f"{here}.of", out, optional, k)
        if key == "choose":
            return self._choose(body, here, out, optional)
        if key == "switch":
            return self._switch(body, here, out, optional)
        if key == "sustained":
            return self._sustained(body, here, out, optional)
        found = primitive(key)
        if found is None:
            self.problems.append(f"{path}: unknown combinator or primitive {key!r}")
            return _broken
        model, build, _doc = found
        args = self.resolve(body if body is not None else {}, here)
        parsed = self.arguments(model, args, here)
        if parsed is None:
            return _broken
        if key == "evidence" or getattr(model, "LISTS_EVIDENCE", False):
            kinds = list(getattr(parsed, "kinds", []))
            target = out.optional_kinds if optional else out.evidence_kinds
            target.extend(k for k in kinds if k not in target)
        rule = build(parsed)
        return _labelled(rule, key)

    def _nary(
        self, key: str, body: list[Any], here: str, out: Compiled, optional: bool, k: int
    ) -> Rule:
        required: list[Rule] = []
        extras: list[Rule] = []
        for i, e in enumerate(body):
            is_opt = isinstance(e, dict) and list(e) == ["optional"]
            rule = self.compile(e, f"{here}[{i}]", out, optional or is_opt)
            (extras if is_opt else required).append(rule)
        if not required:
            self.problems.append(
                f"{here}: optional/supplementary items are never enough alone; add a required item"
            )
            return _broken
        if key == "all":
            return _combine(all_of, required, extras)
        if key == "any":
            return _combine(any_of, required, extras)
        return _at_least(k, required, extras)

    def _choose(self, body: Any, here: str, out: Compiled, optional: bool) -> Rule:
        if not isinstance(body, dict) or "bands" not in body:
            self.problems.append(f"{here}: needs `count` and `bands`")
            return _broken
        count = self.arguments(
            LookbackArgs, self.resolve(body.get("count", {}), f"{here}.count"), f"{here}.count"
        )
        if not isinstance(count, LookbackArgs):
            return _broken
        bands: list[tuple[int | None, int | None, str, Rule]] = []
        for i, band in enumerate(body["bands"] or []):
            bp = f"{here}.bands[{i}]"
            if (
                not isinstance(band, dict)
                or "then" not in band
                or not set(band) <= {"min", "max", "then", "label"}
            ):
                self.problems.append(f"{bp}: needs `then` and `min` and/or `max` (and `label`)")
                continue
            lo, hi = (
                self.resolve(band.get("min"), bp + ".min"),
                self.resolve(band.get("max"), bp + ".max"),
            )
            for name, v in (("min", lo), ("max", hi)):
                if v is not None and not isinstance(v, int):
                    self.problems.append(f"{bp}.{name}: must be a whole number")
            bands.append(
                (
                    lo,
                    hi,
                    str(band.get("label", f"band {i + 1}")),
                    self.compile(band["then"], f"{bp}.then", out, optional),
                )
            )

        def rule(ctx: Context) -> Result:
            c = ctx.anchor(count.anchor) or ctx.identified
            kinds = ctx.measure if count.kinds == "need_measure" else count.kinds
            person = ctx.person if count.who == "person" else None
            recs = baseline_records(ctx, kinds, c, count.months, person)
            b = len(recs)
            for lo, hi, label, then in bands:
                if (lo is None or b >= lo) and (hi is None or b <= hi):
                    r = then(ctx)
                    text = (
                        f"{b} incident(s) in the {count.months} months to {c.isoformat()}: "
                        f"{label}; {r.explanation}"
                    )
                    return Result(
                        r.status,
                        text,
                        r.windows,
                        {**r.values, "baseline": b},
                        tuple(dict.fromkeys((*(x.key for x in recs), *r.facts))),
                        r.expected_on,
                        r.met_since,
                        (r,),
                        label,
                    )
            return Result(Status.INSUFFICIENT_DATA, f"baseline count {b} fits no band")

        return rule

    def _sustained(self, body: Any, here: str, out: Compiled, optional: bool) -> Rule:
        if not isinstance(body, dict) or set(body) != {"months", "of"}:
            self.problems.append(f"{here}: needs exactly `months` and `of`")
            return _broken
        months = self.resolve(body["months"], f"{here}.months")
        if not isinstance(months, int) or isinstance(months, bool) or months < 0:
            self.problems.append(f"{here}.months: must be a whole number of months (0 or more)")
            return _broken
        return _sustained_rule(months, self.compile(body["of"], f"{here}.of", out, optional))

    def _switch(self, body: Any, here: str, out: Compiled, optional: bool) -> Rule:
        if not isinstance(body, dict) or set(body) != {"parameter", "cases"}:
            self.problems.append(f"{here}: needs exactly `parameter` and `cases`")
            return _broken
        name = body["parameter"]
        if not isinstance(name, str):
            self.problems.append(f"{here}.parameter: must be a parameter's name, not {name!r}")
            return _broken
        if name not in self.parameters:
            self.problems.append(f"{here}.parameter: unknown parameter {name!r}")
            return _broken
        value = self.parameters[name]
        cases = body["cases"] if isinstance(body["cases"], dict) else {}
        if str(value) not in {str(k) for k in cases}:
            self.problems.append(f"{here}.cases: no case for {name} = {value!r}")
            return _broken
        # Every case is compiled, so a mistake in a reading not chosen today is reported
        # when the file is checked, not when a council later switches to that reading.
        chosen: Rule = _broken
        for k, v in cases.items():
            if str(k) == str(value):
                chosen = self.compile(v, f"{here}.cases.{k}", out, optional)
            else:
                self.compile(v, f"{here}.cases.{k}", Compiled(rule=_broken), optional)
        return chosen


def _sustained_rule(months: int, inner: Rule) -> Rule:
    def rule(ctx: Context) -> Result:
        r = inner(ctx)
        if months == 0:
            return r
        if r.status is Status.MET and r.met_since is not None:
            due = add_months(max(r.met_since, ctx.identified), months)
            if due <= ctx.on:
                return replace(
                    r, explanation=f"{r.explanation}; held {months} months", met_since=due
                )
            return replace(
                r,
                status=Status.PENDING,
                explanation=f"{r.explanation}; held {months} months on {due.isoformat()}",
                expected_on=due,
                met_since=None,
            )
        if r.status is Status.PENDING and r.expected_on is not None:
            due = add_months(max(r.expected_on, ctx.identified), months)
            return replace(
                r,
                explanation=f"{r.explanation}; then held {months} months",
                expected_on=due,
            )
        return r

    return rule


def _broken(ctx: Context) -> Result:  # pragma: no cover - never run: compile errors raise
    raise RuntimeError("a framework with errors was evaluated")


def _labelled(rule: Rule, label: str) -> Rule:
    return rule


def _optional(parts: list[Rule]) -> Rule:
    def rule(ctx: Context) -> Result:
        rs = [p(ctx) for p in parts]
        r = any_of(rs)
        return Result(
            r.status,
            "(supplementary, not required) " + r.explanation,
            parts=tuple(rs),
            label="optional",
        )

    return rule


def _combine(how: Callable[..., Result], required: list[Rule], extras: list[Rule]) -> Rule:
    if len(required) == 1 and not extras:
        return required[0]

    def rule(ctx: Context) -> Result:
        rs = [p(ctx) for p in required]
        r = how(rs, label=ANY_OF) if how is any_of else how(rs)
        if how is any_of and r.status is not Status.NOT_MET:
            # OR: explain by the parts that decided it (the best ones)
            text = " or ".join(x.explanation for x in rs if x.status is r.status)
            r = _with(r, text, r.parts)
        if extras:
            r = _with(r, r.explanation, r.parts + tuple(e(ctx) for e in extras))
        return r

    return rule


def _with(r: Result, explanation: str, parts: tuple[Result, ...]) -> Result:
    """``r`` with another explanation and parts (``dataclasses.replace`` re-reads every
    field by name: a combinator of every need of every family calls this)."""
    return Result(
        r.status,
        explanation,
        r.windows,
        r.values,
        r.facts,
        r.expected_on,
        r.met_since,
        parts,
        r.label,
        r.contradicted,
    )


def _at_least(k: int, required: list[Rule], extras: list[Rule]) -> Rule:
    def rule(ctx: Context) -> Result:
        rs = sorted((p(ctx) for p in required), key=lambda r: -r.status.rank)
        # the k-th best part decides: the whole is as good as its k-th best part
        r = all_of(rs[:k]) if k > 1 else any_of(rs)
        text = f"at least {k} of {len(rs)}: " + "; ".join(x.explanation for x in rs)
        shown = tuple(e(ctx) for e in extras)
        return Result(
            r.status, text, (), {}, (), r.expected_on, r.met_since, tuple(rs) + shown, "at_least"
        )

    return rule
