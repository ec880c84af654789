"""The outcome frameworks: list the packaged ones, show one, check a council's copy.

No store is needed: these are module functions (also reachable as ``Store`` methods and
from the package root, ``sftimeline.frameworks()``).
"""

from __future__ import annotations

from collections import Counter
from importlib import resources
from typing import TYPE_CHECKING, Any

from sftimeline.service.base import load_framework
from sftimeline.service.errors import NotFound
from sftimeline.service.results import FrameworkCheck, FrameworkSummary

if TYPE_CHECKING:
    from sftimeline.policies.loader import Framework


def packaged_ids() -> list[str]:
    """The ids of the frameworks shipped with sftimeline."""
    from sftimeline.policies.loader import list_frameworks

    return list_frameworks()


def framework(
    id_or_file: str, overrides: dict[str, Any] | None = None, *, file: bool = False
) -> Framework:
    """A loaded framework: a packaged id, or (``file=True``) a council's YAML file, with
    ``overrides`` (parameter name → value) applied."""
    if file:
        return load_framework(id_or_file, id_or_file, overrides)
    return load_framework(id_or_file, None, overrides)


def summarise(fw: Framework) -> FrameworkSummary:
    tags = Counter(c.definition.tag for c in fw.criteria.values())
    return FrameworkSummary(
        fw.id,
        fw.model.title,
        len(fw.criteria),
        tags["DATA"],
        tags["EVID"],
        tags["MIXED"],
        len(fw.parameters),
    )


def frameworks() -> list[FrameworkSummary]:
    """Every packaged framework with its criteria counts (computed / evidence / mixed)."""
    return [summarise(framework(fid)) for fid in packaged_ids()]


def framework_definition(fw: Framework) -> dict[str, Any]:
    """A framework in full, as ``frameworks show --format json`` prints it."""
    m = fw.model
    return {
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
    }


def framework_yaml(id_or_file: str, *, file: bool = False) -> str:
    """The definition file itself (to copy and change): packaged, or a validated file."""
    if not file:
        if id_or_file not in packaged_ids():
            framework(id_or_file)  # raises NotFound naming the packaged ids
        path = resources.files("sftimeline.policies") / "frameworks" / f"{id_or_file}.yaml"
        return path.read_text(encoding="utf-8")
    framework(id_or_file, file=True)  # validates the file before it is echoed
    try:
        with open(id_or_file, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise NotFound(f"cannot read {id_or_file}: {exc.strerror}") from None


def check_framework(file: str, overrides: dict[str, Any] | None = None) -> FrameworkCheck:
    """Validate a council's framework file (raises ``InvalidInput`` listing every problem
    with its line) and say how it differs from the packaged framework of its id."""
    fw = framework(file, overrides, file=True)
    if fw.id not in packaged_ids():
        return FrameworkCheck(file, summarise(fw), fw.fingerprint, None)
    base = framework(fw.id)
    changed = [
        (n, base.parameters.get(n), v)
        for n, v in fw.parameters.items()
        if base.parameters.get(n) != v
    ]
    return FrameworkCheck(
        file, summarise(fw), fw.fingerprint, base.fingerprint == fw.fingerprint, changed
    )
