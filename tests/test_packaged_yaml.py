"""The packaged YAML files' parsed literals (policies/_packaged_yaml.py) are what PyYAML
gives for the files as they are, and an edited file is parsed as YAML, never answered
from a stale literal."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from sftimeline.policies import packaged
from sftimeline.policies.loader import list_frameworks, load_framework, load_framework_text

GENERATED = Path(packaged.__file__).with_name("_packaged_yaml.py")


def test_the_generated_module_is_current() -> None:
    """Fails after a packaged YAML file changes: run ``python -m sftimeline.policies.packaged``."""
    assert GENERATED.read_text(encoding="utf-8") == packaged.generated_source()


def test_every_packaged_file_is_kept_and_equals_its_yaml() -> None:
    frameworks = {f"frameworks/{name}.yaml" for name in list_frameworks()}
    assert frameworks <= set(packaged.FILES["sftimeline.policies"])
    for package, names in packaged.FILES.items():
        for name in names:
            text = (resources.files(package) / name).read_text(encoding="utf-8")
            value = packaged.parsed(package, name, text)
            assert value is not None, name
            assert packaged._same(value, yaml.safe_load(text)), name
            # a fresh object each call: a caller changing it changes no other's
            assert packaged.parsed(package, name, text) is not value


def test_an_edited_text_is_not_answered_from_the_literal() -> None:
    name = "frameworks/national-2022.yaml"
    text = (resources.files("sftimeline.policies") / name).read_text(encoding="utf-8")
    assert packaged.parsed("sftimeline.policies", name, text + "\n# edited\n") is None
    assert packaged.parsed("sftimeline.policies", "frameworks/nope.yaml", text) is None


def test_a_packaged_framework_loads_the_same_from_its_literal_as_from_yaml() -> None:
    for fw_id in list_frameworks():
        text = (resources.files("sftimeline.policies") / f"frameworks/{fw_id}.yaml").read_text(
            encoding="utf-8"
        )
        fast, slow = load_framework(fw_id), load_framework_text(text, fw_id)
        assert fast.fingerprint == slow.fingerprint
        assert fast.model == slow.model
        assert fast.severe_offences == slow.severe_offences
        assert fast.term_calendar == slow.term_calendar
