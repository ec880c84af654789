"""Typed results of the service layer; each ``to_dict()`` is the CLI's JSON for it.

Decisions (:class:`~sftimeline.policies.evaluator.Decision`), comparisons
(:class:`~sftimeline.policies.compare.Comparison`) and the status rows
(:mod:`sftimeline.readmodels.queries`) are the domain's own typed objects and are returned
as they are; the classes here wrap what the CLI used to assemble itself. A claim of the
register (:class:`Claim`) is the claims table's row with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sftimeline.readmodels.claim_fields import ClaimFields

if TYPE_CHECKING:
    from sftimeline.adapters.outcomes import RunSummary
    from sftimeline.importer import ImportSummary
    from sftimeline.policies.evaluator import Decision
    from sftimeline.policies.loader import Framework
    from sftimeline.records import Record
    from sftimeline.reports.pack_common import ReportInput
    from sftimeline.reports.replay import KnownAtDiff, Replay


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def record_row(r: Record) -> dict[str, Any]:
    """A record as the CLI's JSON shows it (``timeline --format json``)."""
    return {
        "key": r.key,
        "type": r.type,
        "person": r.person,
        "occurred_on": r.occurred_on.isoformat(),
        "recorded_at": r.recorded_at.isoformat(),
        "fields": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.data.items()},
    }


@dataclass(frozen=True)
class ProcessRun:
    """One run of the policy process: what it read, evaluated and recorded."""

    summary: RunSummary

    def lines(self) -> list[str]:
        """The summary the CLI prints."""
        return self.summary.lines()

    def to_dict(self) -> dict[str, Any]:
        s = self.summary
        return {
            "notifications": s.notifications,
            "families": s.families,
            "windows": s.windows,
            "events": dict(sorted(s.events.items())),
            "position": s.position,
            "projected": s.projected,
        }


@dataclass(frozen=True)
class CatchUp:
    """The policy process after a write: its run, or why it will catch up later.

    A write (an import, a claim) succeeds whatever the process does afterwards: a conflict
    with a concurrent run or a store hiccup leaves the records stored and the process
    behind, and ``warning`` says so; the next run catches up from its tracked position.
    """

    run: ProcessRun | None = None
    warning: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run.to_dict() if self.run else None, "warning": self.warning}


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the importer's summary and, when it ran, the policy process."""

    summary: ImportSummary
    process: CatchUp | None = None

    @property
    def ok(self) -> bool:
        """Nothing rejected and nothing conflicting."""
        return self.summary.ok

    def lines(self) -> list[str]:
        return self.summary.lines()

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary.to_dict(),
            "process": self.process.to_dict() if self.process else None,
        }


@dataclass(frozen=True)
class TimelineView:
    """A family's records as of D, as known at T, in timeline order, and the retractions."""

    family: str
    on: date
    known_at: datetime
    records: Sequence[Record]
    #: (target key, retracting record, reason)
    retractions: Sequence[tuple[str, Record, str]]

    @classmethod
    def build(
        cls, family: str, records: Sequence[Record], on: date, known_at: datetime
    ) -> TimelineView:
        """The view of ``records`` (all the family's, as stored) on ``on`` as known at
        ``known_at``: the one place a timeline view is made, from records already read."""
        from sftimeline.projections.timeline import Timeline

        tl = Timeline.build(family, records, on, known_at)
        return cls(
            family,
            on,
            known_at,
            list(tl),
            [(k, v.by, v.reason) for k, v in sorted(tl.retractions.items())],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "on": self.on.isoformat(),
            "known_at": self.known_at.isoformat(),
            "records": [record_row(r) for r in self.records],
            "retractions": [
                {
                    "target": target,
                    "by": by.key,
                    "reason": reason,
                    "recorded_at": by.recorded_at.isoformat(),
                }
                for target, by, reason in self.retractions
            ],
        }


@dataclass(frozen=True)
class Reading:
    """A framework parameter's value as used by a decision, with its AMB id and why."""

    name: str
    value: Any
    amb: str
    doc: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "amb": self.amb, "doc": self.doc}


def readings_of(fw: Framework) -> list[Reading]:
    return [
        Reading(n, v, fw.model.parameters[n].amb, fw.model.parameters[n].doc)
        for n, v in fw.parameters.items()
        if n in fw.model.parameters
    ]


@dataclass(frozen=True)
class Explanation:
    """One family's decision with what explains it: readings, rules, records used."""

    framework: Framework
    decision: Decision
    records: dict[str, Record]

    @property
    def text(self) -> str:
        """The explanation as ``sftimeline explain`` prints it."""
        from sftimeline.reports.explain import explain_text

        return explain_text(self.framework, self.decision, self.records)

    @property
    def readings(self) -> list[Reading]:
        return readings_of(self.framework)

    def to_dict(self) -> dict[str, Any]:
        used: list[str] = []
        for c in self.decision.criteria:
            used += [k for k in c.result.all_facts() if k not in used]
        return {
            **self.decision.to_dict(),
            "title": self.framework.model.title,
            "readings": [r.to_dict() for r in self.readings],
            "records_used": [record_row(self.records[k]) for k in used if k in self.records],
        }


@dataclass(frozen=True)
class ReplayResult:
    """A family's history walked date by date as known at T (and what T2 changed)."""

    framework: Framework
    replay: Replay
    diff: KnownAtDiff | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self.replay.to_dict()
        if self.diff is not None:
            out["diff_known_at"] = self.diff.to_dict()
        return out


@dataclass(frozen=True)
class AuditPack:
    """A family's audit pack on D as known at T: one self-contained HTML page."""

    decision: Decision
    html: str
    #: what the page shows; the web view's family page draws the same picture from it
    input: ReportInput | None = None

    @property
    def figure(self) -> str:
        """The pack's timeline picture (SVG) and its legend, on their own."""
        from sftimeline.reports.timeline_svg import timeline_figure

        return timeline_figure(self.input) if self.input is not None else ""

    def timeline(self) -> TimelineView:
        """The family's timeline on the pack's date as known at the pack's moment, from
        the records the pack already holds (the web view's family page shows both: one
        read of the family, not two)."""
        if self.input is None:
            raise ValueError("a pack without its input holds no records")
        return TimelineView.build(
            self.decision.family, self.input.records, self.decision.on, self.decision.known_at
        )

    def explanation(self, framework: Framework) -> Explanation:
        """The pack's decision explained, as :meth:`Store.explain` would give it for the
        same question, without evaluating the family again (``framework`` is the one the
        pack was built with; a pack without its input explains no record)."""
        records = {r.key: r for r in self.input.records} if self.input is not None else {}
        return Explanation(framework, self.decision, records)

    def save(self, path: str) -> None:
        """Write the page (UTF-8), readable by its owner only (adapters/files.py)."""
        from sftimeline.adapters.files import open_private

        with open_private(path) as fh:
            fh.write(self.html)

    def to_dict(self) -> dict[str, Any]:
        return {"decision": self.decision.to_dict(), "html": self.html}


@dataclass(frozen=True)
class EnabledFramework:
    """A framework the council enabled for the process (a packaged id, or its file)."""

    id: str
    file: str | None = None
    fingerprint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "fingerprint": self.fingerprint}


@dataclass(frozen=True)
class ProcessState:
    """``process show``: enabled frameworks, on-date, and how far the process has read."""

    frameworks: list[EnabledFramework]
    on: date | None
    position: int
    head: int
    #: the store was created with a key (records and outcome events encrypted)
    encrypted: bool = False
    #: families (per framework) and claims whose last evaluation failed, with why
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def behind(self) -> int:
        return max(0, self.head - self.position)

    def to_dict(self) -> dict[str, Any]:
        return {
            "frameworks": [f.to_dict() for f in self.frameworks],
            "on": _iso(self.on),
            "position": self.position,
            "head": self.head,
            "encrypted": self.encrypted,
            "failures": self.failures,
        }


@dataclass(frozen=True)
class ClaimSubmission:
    """A claim stored (or found already stored, unchanged) and the process after it."""

    claim: str
    family: str
    framework: str
    on: date
    criteria: list[str]
    recorded_at: datetime
    already_recorded: bool
    process: CatchUp | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "family": self.family,
            "framework": self.framework,
            "claim_date": self.on.isoformat(),
            "criteria": self.criteria,
            "recorded_at": self.recorded_at.isoformat(),
            "already_recorded": self.already_recorded,
            "process": self.process.to_dict() if self.process else None,
        }


@dataclass(frozen=True)
class FrameworkSummary:
    """A framework's line in ``frameworks list``."""

    id: str
    title: str
    criteria: int
    data: int
    evidence: int
    mixed: int
    parameters: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "criteria": self.criteria,
            "DATA": self.data,
            "EVID": self.evidence,
            "MIXED": self.mixed,
            "parameters": self.parameters,
        }


@dataclass(frozen=True)
class FrameworkCheck:
    """A valid framework file: its counts and how it differs from the packaged one."""

    file: str
    summary: FrameworkSummary
    fingerprint: str
    #: None when the id is not a packaged framework's
    identical_to_packaged: bool | None
    #: (parameter, packaged value, this file's value)
    changed: list[tuple[str, Any, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            **self.summary.to_dict(),
            "fingerprint": self.fingerprint,
            "identical_to_packaged": self.identical_to_packaged,
            "changed": [{"name": n, "packaged": a, "file": b} for n, a, b in self.changed],
        }


@dataclass(frozen=True)
class Claim(ClaimFields):
    """A claim in the register: its state now, and ``note`` saying why when it matters —
    what put it at risk, or that it is not assessed and how to have it assessed.

    Its fields are the claims table's row (``readmodels/claim_fields.py``, which loads no
    SQLAlchemy), then ``note``, then the criteria whose entry is not shown.
    """

    note: str | None = None
    #: criteria whose entry condition the records do not show (AMB-A07)
    entry_not_shown: tuple[str, ...] = ()
