"""Fuzz the JSON Lines importer (issue 12): whatever the bytes, no exception escapes,
every line is stored or rejected with its line number, and good lines are never lost.

Sized for CI (a few seconds); ``bench/fuzz_import.py --inputs 100000`` is the long run.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_lines import fuzz_file, hostile_line, import_and_check, is_blank


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False), hostile=st.integers(1, 30))
def test_fuzzed_files_never_raise_lose_or_duplicate(rng: random.Random, hostile: int) -> None:
    data, good = fuzz_file(rng, hostile)
    with tempfile.TemporaryDirectory() as tmp:
        outcome = import_and_check(data, good, hostile, Path(tmp))
    assert outcome.tracebacks == []
    assert (outcome.lost, outcome.duplicated, outcome.unaccounted) == (0, 0, 0)


@settings(max_examples=8, deadline=None)
@given(
    lines=st.lists(
        st.binary(min_size=1, max_size=80).map(lambda b: b.replace(b"\n", b" ")),
        min_size=1,
        max_size=10,
    )
)
def test_arbitrary_bytes_between_good_lines(lines: list[bytes]) -> None:
    rng = random.Random(0)
    good: set[str] = set()
    body: list[bytes] = []
    for n, raw in enumerate(lines):
        body += [hostile_line(rng, 2 * n + 1) if is_blank(raw) else raw]
        body.append(
            b'{"type": "case_closed", "family": "F1", "occurred_on": "2024-05-01", '
            b'"source": "good", "source_id": "G%d"}' % (2 * n + 2)
        )
        good.add(f"G{2 * n + 2}")
    with tempfile.TemporaryDirectory() as tmp:
        outcome = import_and_check(b"\n".join(body) + b"\n", good, len(lines), Path(tmp))
    assert outcome.tracebacks == []
    assert (outcome.lost, outcome.duplicated, outcome.unaccounted) == (0, 0, 0)
