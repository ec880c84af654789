"""How the policy process decides one family: every enabled framework and every claim,
the outcome events a change calls for (``policies/process.py`` says which) pending on the
family's ``FamilyOutcomes`` aggregate; whatever raises becomes that family's
``evaluation_failed`` outcome. Records nothing. A mixin of
:class:`~sftimeline.adapters.outcomes.PolicyProcess`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.persistence import StoredEvent

from sftimeline.adapters.family_reads import FamilyReads, StoredFamily, reason
from sftimeline.adapters.outcomes_app import FamilyOutcomesApp
from sftimeline.adapters.process_settings import EnabledFramework, Settings
from sftimeline.adapters.scan import select_rows
from sftimeline.aggregates.outcomes import FamilyOutcomes
from sftimeline.policies import process as pp

if TYPE_CHECKING:
    # The evaluator, the policy compiler and the record models are imported where a
    # process evaluates: `sftimeline status` should not pay their start-up.
    from sftimeline.policies.evaluator import Decision
    from sftimeline.policies.loader import Framework
    from sftimeline.records import Record


def load_framework(id_or_path: str) -> Framework:
    """``policies.loader.load_framework``, imported on first use (tests spy on it here)."""
    from sftimeline.policies.loader import load_framework as load

    return load(id_or_path)


def evaluate_family(
    framework: Framework, family: str, records: Sequence[Record], on: date, known_at: datetime
) -> Decision:
    """``policies.evaluator.evaluate_family``, imported on first use (tests replace it
    here to make one family's evaluation fail)."""
    from sftimeline.policies.evaluator import evaluate_family as evaluate

    return evaluate(framework, family, records, on, known_at)


def rebuilds_plainly(app: Application[UUID]) -> bool:
    """Whether the library's ``repository.get`` rebuilds an aggregate from its stored
    events alone (no cache, no snapshots): what :func:`read_outcomes` does for many."""
    return app.repository.cache is None and app.repository.snapshot_store is None


def read_outcomes(app: Application[UUID], ids: Sequence[UUID]) -> dict[UUID, FamilyOutcomes]:
    """The outcomes aggregates of ``ids`` that have stored events, from one ordered scan
    of the application's events table, each rebuilt as ``repository.get`` rebuilds it
    when :func:`rebuilds_plainly`: its stored events, in version order, made domain
    events by the application's mapper (decrypted, decompressed, decoded) and projected
    by the library's ``project_aggregate``. Raises what the driver or the mapper raises."""
    recorder = app.recorder
    convert = getattr(recorder, "convert_originator_id", None)  # SQLite keeps hex text
    grouped: dict[UUID, list[StoredEvent]] = {}
    for raw_id, version, topic, state in select_rows(recorder, ids):
        oid = convert(raw_id) if convert is not None else raw_id
        grouped.setdefault(oid, []).append(StoredEvent(oid, version, topic, bytes(state)))
    to_event = app.mapper.to_domain_event
    out: dict[UUID, FamilyOutcomes] = {}
    for oid, events in grouped.items():
        agg = project_aggregate(None, map(to_event, events))
        if agg is not None:
            out[oid] = cast(FamilyOutcomes, agg)
    return out


class FamilyDecisions(FamilyReads):
    """Deciding one family under the process's frameworks and its claims."""

    app: FamilyOutcomesApp
    settings: Callable[[], Settings]
    frameworks: dict[str, Framework]
    _claim_frameworks: dict[str, tuple[Framework | None, str]]
    _enabled: dict[str, EnabledFramework] | None

    def _decide(self, fid: UUID, on: date, known_at: datetime) -> tuple[str, FamilyOutcomes] | None:
        """One family's code and outcomes aggregate with this evaluation's events pending
        (None: no such family). Records nothing."""
        fam = self._stored_family(fid)
        if fam is None:
            return None
        agg = self._outcomes(fam)
        problem = fam.problem or pp.family_code_problem(fam.code)
        if problem is not None:
            self._failed(agg, fam, "*", problem, on, known_at)
        else:
            self._evaluate(fam, agg, on, known_at)
        return fam.code, agg

    def _read_chunk(self, fids: Sequence[UUID]) -> dict[UUID, StoredFamily | None]:
        """The families read ahead (:meth:`FamilyReads._read_chunk`), each with its
        outcomes aggregate, read for them all in one ordered scan (:func:`read_outcomes`).

        The process asked the library for each family's outcomes in turn, a query per
        family (and on a first run every one found nothing: at 1,000 families on
        PostgreSQL ≈ 0.3 s of a 4 s catch-up). Another writer that records the same
        family's outcomes meanwhile conflicts on their next version when this run
        records, as it did when the library had read them a moment later; the claims of
        families on a shared queue keep that from happening (``adapters/workqueue.py``).
        If the scan fails (or the outcomes application caches or snapshots its
        aggregates), each family's outcomes are read the library's way, which says why.
        """
        out = super()._read_chunk(fids)
        ids = {FamilyOutcomes.create_id(f.code): fid for fid, f in out.items() if f is not None}
        if not ids or not rebuilds_plainly(self.app):
            return out
        try:
            found = read_outcomes(self.app, list(ids))
        except Exception:
            return out
        for oid, fid in ids.items():
            fam = out[fid]
            assert fam is not None
            agg = found.get(oid)
            out[fid] = replace(fam, outcomes_stored=agg is not None, outcomes=agg)
        return out

    def _outcomes(self, fam: StoredFamily) -> FamilyOutcomes:
        """The family's outcomes aggregate: as read ahead with it, else the library's."""
        if fam.outcomes_stored is not None:
            return fam.outcomes or FamilyOutcomes(fam.code)
        try:
            return cast(FamilyOutcomes, self.app.repository.get(FamilyOutcomes.create_id(fam.code)))
        except AggregateNotFoundError:
            return FamilyOutcomes(fam.code)

    def _claim_framework(self, fw_id: str) -> tuple[Framework | None, str]:
        """The definition a claim is decided under, and why there is none.

        Data never names a file: a claim's ``framework`` is only ever looked up among
        the frameworks of this run, those the council has enabled (``process enable``,
        which may point at the council's own file) and the packaged ids. Anything else
        — a path, a 1 MB string — leaves the claim ``not_assessable`` with the reason.
        """
        if fw_id in self.frameworks:
            return self.frameworks[fw_id], ""
        if fw_id not in self._claim_frameworks:
            self._claim_frameworks[fw_id] = self._resolve_claim_framework(fw_id)
        return self._claim_frameworks[fw_id]

    def _resolve_claim_framework(self, fw_id: str) -> tuple[Framework | None, str]:
        from sftimeline.policies.loader import FrameworkError, list_frameworks

        if self._enabled is None:
            self._enabled = {f.id: f for f in self.settings().enabled_frameworks()}
        chosen = self._enabled.get(fw_id)
        if chosen is None and fw_id in list_frameworks():
            chosen = EnabledFramework(fw_id)
        if chosen is None:
            return None, (
                f"framework {pp.shown(fw_id, 60)!r} is neither a packaged framework nor one "
                "the council has enabled"
            )
        try:
            return load_framework(chosen.file or chosen.id), ""
        except FrameworkError as exc:
            return None, f"framework {fw_id!r} cannot be loaded: {pp.shown(str(exc), 300)}"

    def _failed(
        self,
        agg: FamilyOutcomes,
        fam: StoredFamily,
        framework: str,
        reason: str,
        on: date,
        known_at: datetime,
        claim: Record | None = None,
    ) -> None:
        """Record that evaluating ``fam`` under ``framework`` (or one claim) failed."""
        key = claim.key if claim is not None else framework
        basis = {"on": on.isoformat(), "known_at": known_at.isoformat(), "framework": framework}
        for o in pp.failure_outcome(
            fam.code, agg.failures.get(key), framework, reason, basis, fam.version, claim
        ):
            agg.record(o.kind, o.payload)

    def _evaluate(
        self, fam: StoredFamily, agg: FamilyOutcomes, on: date, known_at: datetime
    ) -> None:
        """Evaluate one family under every framework and assess its claims.

        Whatever raises while evaluating one framework or one claim becomes that
        family's ``evaluation_failed`` outcome (with the reason) and the run moves on:
        one bad family never stops the process for every family. A failed family is
        evaluated again when its records change (or with ``process run --all``).
        """
        records = [r for _, r in fam.records]
        version = fam.version
        for fw in self.frameworks.values():
            prev = agg.decisions.get(fw.id)
            seen = prev["seen_version"] if prev else 0
            try:
                decision = evaluate_family(fw, fam.code, records, on, known_at)
                new = pp.summary(decision, fw, version)
                outcomes = pp.decision_outcomes(
                    fam.code, prev, new, fam.since(seen), after_failure=fw.id in agg.failures
                )
            except Exception as exc:  # any defect in one family's data or rules
                self._failed(agg, fam, fw.id, reason(exc), on, known_at)
                continue
            for o in outcomes:
                agg.record(o.kind, o.payload)
        for claim in pp.claims_of(records):
            prev = agg.claims.get(claim.key)
            seen = prev["seen_version"] if prev else 0
            try:
                fw_c, why = self._claim_framework(str(claim.get("framework")))
                assessment = pp.assess_claim(claim, records, fw_c, known_at, why)
                outcomes = pp.claim_outcomes(
                    fam.code,
                    prev,
                    assessment,
                    known_at,
                    version,
                    fam.since(seen),
                    after_failure=claim.key in agg.failures,
                )
            except Exception as exc:
                fw_id = pp.claim_framework_id(claim)
                self._failed(agg, fam, fw_id, reason(exc), claim.occurred_on, known_at, claim)
                continue
            for o in outcomes:
                agg.record(o.kind, o.payload)
