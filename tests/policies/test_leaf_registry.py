"""The leaf registry's map (``leaves.MODULE_OF``) says where every primitive lives, and a
framework imports only the topic modules it names."""

from __future__ import annotations

import subprocess
import sys

from sftimeline.policies.leaves import MODULE_OF, load_all
from sftimeline.policies.primitives import PRIMITIVES, primitive


def test_module_of_names_the_module_registering_each_primitive() -> None:
    load_all()
    registered = {
        name: build.__module__.rsplit(".", 1)[1] for name, (_, build, _) in PRIMITIVES.items()
    }
    assert registered == MODULE_OF


def test_an_unknown_name_is_no_primitive() -> None:
    assert primitive("no_such_primitive") is None
    assert primitive("all") is None  # a combinator, not a leaf


def test_loading_a_framework_imports_only_the_topics_it_names() -> None:
    code = (
        "import sys\n"
        "from sftimeline.policies.loader import load_framework\n"
        "load_framework('herefordshire-2022')\n"
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules"
        " if m.startswith('sftimeline.policies.leaves.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    loaded = set(out.strip()[2:-2].split("', '"))
    assert "evidence" in loaded and "attendance" in loaded
    assert not loaded & {"justice", "employment", "health", "debt", "star_readings"}
