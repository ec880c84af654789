"""Window arithmetic has one home, projections/ (issue 15: "one vocabulary of windows").

The policy layer (primitives, leaves, evaluator, compiler, …) says which records, which window
and which threshold; it never builds a duration itself (no ``timedelta``) nor decides window
membership inline by comparing a date with ``add_months(...)`` — it calls
``projections.months`` / ``weeks`` / ``days`` / ``windows`` for that.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sftimeline.policies

POLICIES = Path(sftimeline.policies.__file__).parent


def window_arithmetic_in(source: str) -> list[str]:
    """Each place in ``source`` that builds a duration or a month window inline."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and node.id == "timedelta":
            found.append(f"line {node.lineno}: timedelta")
        if isinstance(node, ast.ImportFrom) and any(a.name == "timedelta" for a in node.names):
            found.append(f"line {node.lineno}: imports timedelta")
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                if (
                    isinstance(operand, ast.Call)
                    and isinstance(operand.func, ast.Name)
                    and operand.func.id == "add_months"
                ):
                    found.append(f"line {node.lineno}: compares with add_months(...)")
    return found


def test_the_checker_finds_inline_window_arithmetic() -> None:
    source = (
        "from datetime import timedelta\n"
        "inside = [r for r in rs if r.occurred_on <= d < add_months(r.occurred_on, 6)]\n"
        "due = start + timedelta(weeks=2)\n"
    )
    assert window_arithmetic_in(source) == [
        "line 1: imports timedelta",
        "line 2: compares with add_months(...)",
        "line 3: timedelta",
    ]
    assert window_arithmetic_in("inside = in_months_before(rs, d, 6)\n") == []


def test_policies_build_no_window_arithmetic_of_their_own() -> None:
    modules = sorted(POLICIES.rglob("*.py"))
    assert any(m.parent.name == "leaves" for m in modules)
    offences = {
        str(m.relative_to(POLICIES)): found
        for m in modules
        if (found := window_arithmetic_in(m.read_text(encoding="utf-8")))
    }
    assert offences == {}
