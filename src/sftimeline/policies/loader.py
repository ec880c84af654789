"""Load, validate and compile a framework definition.

``load_framework("national-2022")`` reads the packaged YAML; ``load_framework(path)``
reads a council's own copy (the caller hands in the path); ``load_framework_text``
takes the YAML itself. Errors name the place in the file:
``criteria[3].outcome.all[1].no_records_for.months: Input should be greater than 0``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sftimeline.calendar import DEFAULT_TERM_CALENDAR, TermCalendar, TermDates
from sftimeline.policies.compiler import Compiled, Compiler, FrameworkError, loc_str
from sftimeline.policies.lazy_models import LazyModel, validated
from sftimeline.policies.model import Criterion, FrameworkModel
from sftimeline.policies.packaged import parsed
from sftimeline.policies.validated import Kept, kept

if TYPE_CHECKING:
    import yaml

__all__ = [
    "CompiledCriterion",
    "Framework",
    "FrameworkError",
    "list_frameworks",
    "load_framework",
    "load_framework_text",
]


@dataclass
class CompiledCriterion:
    definition: Criterion
    outcome: Compiled
    entry: Compiled | None

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def evidence_kinds(self) -> list[str]:
        """Every evidence kind this criterion accepts (required ones, then supplementary)."""
        kinds = list(self.outcome.evidence_kinds)
        kinds += [k for k in self.outcome.optional_kinds if k not in kinds]
        return kinds


@dataclass
class Framework:
    model: FrameworkModel
    parameters: dict[str, Any]
    criteria: dict[str, CompiledCriterion]
    fingerprint: str
    severe_offences: frozenset[str] = field(default_factory=frozenset)
    #: family-level DSL rules (``family_rules.outcomes``), by id
    family_outcomes: dict[str, Compiled] = field(default_factory=dict)
    #: the council's term dates (``family_rules.term_calendar``), or the default
    term_calendar: TermCalendar = DEFAULT_TERM_CALENDAR

    @property
    def id(self) -> str:
        return self.model.id

    def rule(self, name: str) -> Any:
        """A family rule with ``$parameter`` references resolved."""
        value = getattr(self.model.family_rules, name)
        if isinstance(value, str) and value.startswith("$"):
            return self.parameters[value[1:]]
        return value


def list_frameworks() -> list[str]:
    folder = resources.files("sftimeline.policies") / "frameworks"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _yaml_loader() -> Any:
    """PyYAML's C loader where it was built with libyaml, else its Python one. PyYAML is
    imported here, when a file is parsed: the packaged files are parsed already
    (policies/packaged.py), and importing it costs ≈ 13 ms of every command's start-up."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_framework(id_or_path: str, overrides: dict[str, Any] | None = None) -> Framework:
    """A packaged framework by id, or a framework file by path."""
    if id_or_path in list_frameworks():
        name = f"frameworks/{id_or_path}.yaml"
        text = (resources.files("sftimeline.policies") / name).read_text(encoding="utf-8")
        raw = parsed("sftimeline.policies", name, text)
        if raw is not None:
            form = None if overrides else kept(id_or_path, text)
            return _framework(raw, text, id_or_path, overrides, form)
        return load_framework_text(text, id_or_path, overrides)
    path = Path(id_or_path)
    if not path.is_file():
        raise FrameworkError(
            [f"no framework {id_or_path!r} (packaged: {', '.join(list_frameworks())})"]
        )
    return load_framework_text(path.read_text(encoding="utf-8"), str(path), overrides)


def _severe_list(name: str) -> frozenset[str]:
    try:
        text = (resources.files("sftimeline.reference") / name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return frozenset()
    data = parsed("sftimeline.reference", name, text)
    if data is None:
        import yaml

        data = yaml.safe_load(text)
    data = data or {}
    return frozenset(str(x) for x in (data.get("offences") or []))


_PATH_PART = re.compile(r"\.?([^.\[\]:]+)|\[(\d+)\]")


def _line_of(root: yaml.Node | None, problem: str) -> int | None:
    """The 1-based line of the deepest YAML node a problem's path (``a[1].b: msg``) reaches."""
    if root is None:
        return None
    import yaml

    path = problem.split(": ", 1)[0]
    node: yaml.Node = root
    line: int | None = node.start_mark.line + 1
    for m in _PATH_PART.finditer(path):
        key, index = m.group(1), m.group(2)
        nxt: yaml.Node | None = None
        if index is not None and isinstance(node, yaml.SequenceNode):
            i = int(index)
            nxt = node.value[i] if i < len(node.value) else None
        elif key is not None and isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if str(k.value) == key), None)
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line


def _error(problems: list[str], source: str, text: str) -> FrameworkError:
    import yaml

    try:
        root = yaml.compose(text, Loader=_yaml_loader())
    except yaml.YAMLError:
        root = None
    return FrameworkError(problems, source, [_line_of(root, p) for p in problems])


def load_framework_text(
    text: str, source: str = "<text>", overrides: dict[str, Any] | None = None
) -> Framework:
    import yaml

    try:
        raw = yaml.load(text, Loader=_yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise FrameworkError([f"not valid YAML: {exc}"], source, [line]) from None
    except (ValueError, RecursionError, OverflowError) as exc:
        # PyYAML's own limits: an integer of more than 4,300 digits, nesting too deep
        raise FrameworkError([f"not a usable YAML document: {exc}"], source) from None
    cycle = _contains_itself(raw)
    if cycle is not None:
        problem = f"{cycle or 'framework'}: contains itself (an alias inside the anchor it names)"
        raise _error([problem], source, text)
    return _framework(raw, text, source, overrides)


def _contains_itself(value: Any) -> str | None:
    """The path of a mapping or list that contains itself, or None. YAML lets an alias
    name the anchor it sits in (``a: &x [*x]``); such a value has no end, and the compiler,
    which walks it, would never finish. One walk, without recursion (the document may
    nest as deep as PyYAML allows); an anchor used in several places is walked once."""
    on_path: set[int] = set()
    done: set[int] = set()
    stack: list[tuple[Any, str, bool]] = [(value, "", False)]
    while stack:
        node, path, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            done.add(id(node))
            continue
        if not isinstance(node, dict | list) or id(node) in done:
            continue
        if id(node) in on_path:
            return path
        on_path.add(id(node))
        stack.append((node, path, True))
        if isinstance(node, dict):
            stack += [(v, f"{path}.{k}".lstrip("."), False) for k, v in node.items()]
        else:
            stack += [(v, f"{path}[{i}]", False) for i, v in enumerate(node)]
    return None


def _framework(
    raw: Any,
    text: str,
    source: str,
    overrides: dict[str, Any] | None = None,
    form: Kept | None = None,
    kept_arguments: dict[str, LazyModel] | None = None,
) -> Framework:
    """The framework a parsed definition describes (``text`` is its YAML, for the lines
    of any problem). ``form``: its kept validated form (:mod:`.validated`), used instead
    of validating; ``kept_arguments`` receives each leaf's validated arguments by path."""
    if not isinstance(raw, dict):
        raise FrameworkError(["the file must be a mapping"], source)
    model = form.model if form is not None else _validated_model(raw, text, source)
    params = {name: p.default for name, p in model.parameters.items()}
    problems: list[str] = []
    for name, value in (overrides or {}).items():
        if name not in params:
            problems.append(f"parameters.{name}: unknown parameter")
            continue
        allowed = model.parameters[name].allowed
        if allowed is not None and any(
            v not in allowed for v in (value if isinstance(value, list) else [value])
        ):
            problems.append(f"parameters.{name}: {value!r} is not one of {allowed!r}")
        params[name] = value
    compiler = Compiler(params, None if form is None else form.arguments, kept_arguments)
    criteria: dict[str, CompiledCriterion] = {}
    for i, c in enumerate(model.criteria):
        out = Compiled(rule=_none)
        out.rule = compiler.compile(c.outcome, f"criteria[{i}].outcome", out)
        entry = None
        if c.entry is not None:
            entry = Compiled(rule=_none)
            entry.rule = compiler.compile(c.entry, f"criteria[{i}].entry", entry)
        criteria[c.code] = CompiledCriterion(c, out, entry)
    family_outcomes: dict[str, Compiled] = {}
    for i, o in enumerate(model.family_rules.outcomes):
        if o.id in family_outcomes:
            problems.append(f"family_rules.outcomes[{i}].id: {o.id!r} appears twice")
        out = Compiled(rule=_none)
        out.rule = compiler.compile(o.expression, f"family_rules.outcomes[{i}].expression", out)
        family_outcomes[o.id] = out
    for name in ("min_headlines", "dependent_children_or_expectant"):
        value = getattr(model.family_rules, name)
        if isinstance(value, str) and (not value.startswith("$") or value[1:] not in params):
            problems.append(f"family_rules.{name}: unknown parameter {value!r}")
    problems += compiler.problems
    if problems:
        raise _error(problems, source, text)
    digest = form.fingerprint if form is not None else _fingerprint(model, params)
    return Framework(
        model,
        params,
        criteria,
        digest,
        _severe_list(model.family_rules.severe_offences),
        family_outcomes,
        _term_calendar(model),
    )


def _validated_model(raw: dict[str, Any], text: str, source: str) -> FrameworkModel:
    """``raw`` validated as a framework, or every problem with its place in ``text``."""
    model, errors = validated(FrameworkModel, raw)
    if model is None:
        problems = [
            f"{loc_str('', tuple(e['loc'])).lstrip('.') or 'framework'}: {e['msg']}"
            for e in errors
        ]
        raise _error(problems, source, text)
    return model


def _fingerprint(model: FrameworkModel, params: dict[str, Any]) -> str:
    """The framework's fingerprint: its definition and its readings' values."""
    return hashlib.sha256(
        json.dumps(
            {"definition": model.model_dump(mode="json"), "parameters": params},
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()


def _term_calendar(model: FrameworkModel) -> TermCalendar:
    dates = model.family_rules.term_calendar
    if dates == "default" or not isinstance(dates, dict):
        return DEFAULT_TERM_CALENDAR
    return TermCalendar({k: TermDates(v.start, v.end) for k, v in dates.items()})


def _none(ctx: Any) -> Any:  # placeholder replaced immediately
    raise RuntimeError("not compiled")
