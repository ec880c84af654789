"""Fuzzing the framework loader: no YAML, however malformed, gives a traceback.

``load_framework_text`` must either return a framework or raise ``FrameworkError``
(which the commands print with file and line). Three kinds of input: arbitrary text,
packaged frameworks with random edits (lines dropped, duplicated, re-indented, values
swapped for hostile ones), and YAML trees built from the DSL's own vocabulary.
``bench/soak.py`` runs the same targets for longer (FUZZ_TARGETS).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sftimeline.policies.loader import FrameworkError, list_frameworks, load_framework_text

PACKAGED = [
    (resources.files("sftimeline.policies") / "frameworks" / f"{fid}.yaml").read_text("utf-8")
    for fid in list_frameworks()
]
HOSTILE = [
    "", "~", "null", "[]", "{}", "-1", "0", "1e308", "-1e400", "9" * 5000, ".nan", ".inf",
    "'x'", "\"\\ud800\"", "&a [*a]", "*nope", "!!python/object:os.system", "!!binary AAAA",
    "[1, [2, [3]]]", "{a: {b: {c: d}}}", "2024-02-30", "'$nope'", "$min_headlines", "yes",
    "'national-2022:99.9'", "\x00", "\u202e", "|\n  text", ">-\n  x", "? complex\n: key",
]  # fmt: skip
VOCAB = [
    "id", "title", "source", "parameters", "criteria", "family_rules", "code", "outcome",
    "entry", "all", "any", "at_least", "optional", "choose", "switch", "evidence", "k",
    "of", "default", "allowed", "min_headlines", "outcomes", "expression", "kinds",
    "no_records_for", "months", "reduction", "attendance", "term_calendar", "headline",
]  # fmt: skip


def loads_or_refuses(text: str) -> None:
    try:
        load_framework_text(text, "fuzz.yaml")
    except FrameworkError as exc:
        str(exc)  # the message itself must render


@st.composite
def edited_framework(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(PACKAGED)).splitlines()
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "indent", "dedent", "value", "key"]))
        line = lines[i]
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, line)
        elif op == "indent":
            lines[i] = "  " + line
        elif op == "dedent":
            lines[i] = line.lstrip()
        elif op == "value" and ":" in line:
            head = line.split(":", 1)[0]
            lines[i] = f"{head}: {draw(st.sampled_from(HOSTILE))}"
        elif op == "key" and ":" in line:
            indent = line[: len(line) - len(line.lstrip())]
            lines[i] = f"{indent}{draw(st.sampled_from(VOCAB))}:{line.split(':', 1)[1]}"
        if not lines:
            lines = [""]
    return "\n".join(lines)


leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.sampled_from([*VOCAB, "$min_headlines", "national-2022:7.1", "arrest", "P1"]),
    st.text(max_size=20),
)
tree: st.SearchStrategy[Any] = st.recursive(
    leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(VOCAB), children, max_size=5),
    ),
    max_leaves=30,
)

#: (name, strategy) for bench/soak.py
FUZZ_TARGETS: list[tuple[str, st.SearchStrategy[str]]] = [
    ("text", st.text(max_size=400)),
    ("edited framework", edited_framework()),
    ("DSL tree", tree.map(lambda t: yaml.safe_dump(t, allow_unicode=True))),
]

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@FAST
@given(st.text(max_size=400))
def test_arbitrary_text_loads_or_is_refused(text: str) -> None:
    loads_or_refuses(text)


@FAST
@given(edited_framework())
def test_edited_packaged_frameworks_load_or_are_refused(text: str) -> None:
    loads_or_refuses(text)


@FAST
@given(tree)
def test_yaml_trees_of_the_dsl_vocabulary_load_or_are_refused(data: Any) -> None:
    loads_or_refuses(yaml.safe_dump(data, allow_unicode=True))


def test_known_hostile_documents_are_refused() -> None:
    for text in [*HOSTILE, "a: &x [*x]", "a: " + "[" * 5000, "- " * 3000, "\ufeffid: x"]:
        loads_or_refuses(text)
