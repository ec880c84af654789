"""A result's facts gathered over its tree: each once, in first-seen order, depth first."""

from __future__ import annotations

from sftimeline.projections.results import Result, Status


def _reference(r: Result) -> tuple[str, ...]:
    """The definition, node by node (what all_facts gathered before it used one dict)."""
    seen: dict[str, None] = dict.fromkeys(r.facts)
    for part in r.parts:
        seen.update(dict.fromkeys(_reference(part)))
    return tuple(seen)


def test_all_facts_are_the_tree_depth_first_each_once() -> None:
    leaf = lambda *facts: Result(Status.MET, facts=facts)  # noqa: E731
    inner = Result(Status.MET, facts=("b", "a"), parts=(leaf("c", "b"), leaf("d")))
    tree = Result(
        Status.PENDING,
        facts=("a", "a"),
        parts=(inner, leaf("e", "c"), Result(Status.MET, parts=(leaf("f"), inner))),
    )
    assert tree.all_facts() == ("a", "b", "c", "d", "e", "f")
    assert tree.all_facts() == _reference(tree)
    assert inner.all_facts() == _reference(inner) == ("b", "a", "c", "d")
    assert leaf("x", "x").all_facts() == ("x",)
    assert Result(Status.MET).all_facts() == ()
