"""The policy process and what it keeps: settings, runs, the status table, the claims register.

The process itself lives in ``adapters/outcomes.py``; this module is how every front door
enables frameworks, sets the on-date, runs it, and reads the status and claims tables it
maintains. Writes of records run it afterwards through :meth:`ProcessService.catch_up`
(see :mod:`sftimeline.service.writes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from sftimeline.service.base import load_framework, translated
from sftimeline.service.decisions import DecisionsService
from sftimeline.service.errors import NotFound, ServiceError, UsageProblem
from sftimeline.service.inputs import parse_date
from sftimeline.service.results import (
    CatchUp,
    Claim,
    EnabledFramework,
    ProcessRun,
    ProcessState,
)

if TYPE_CHECKING:
    from sftimeline.readmodels.status import ClaimRow, StatusRow

NOT_ASSESSED = "not_assessed"


def _not_assessed(framework: str, enabled: set[str]) -> str:
    if framework not in enabled:
        return f"not assessed: run `sftimeline process enable {framework}`"
    return "not assessed yet: run `sftimeline process run`"


def _claim(r: ClaimRow, enabled: set[str]) -> Claim:
    """A row of the claims table as the register shows it."""
    note = None
    state = r.state
    then, now = r.status_at_submission, r.status_now
    if r.framework not in enabled:
        state, then, now, note = NOT_ASSESSED, None, None, _not_assessed(r.framework, enabled)
    elif r.state == "at_risk" and r.caused_by:
        note = "at risk by " + "; ".join(
            f"{c['type']} {c['key']} (dated {c['occurred_on']}, recorded {c['recorded_at']})"
            for c in r.caused_by
        )
    return Claim(
        r.family,
        r.claim,
        r.framework,
        r.claim_date,
        r.claimed_at,
        r.criteria,
        state,
        then,
        now,
        r.caused_by,
        r.last_event,
        r.known_at,
        note,
        tuple(r.entry_not_shown),
    )


class ProcessService(DecisionsService):
    """The policy process's settings and runs, and the read models it keeps."""

    # -- settings -------------------------------------------------------------------

    def enabled_frameworks(self) -> list[EnabledFramework]:
        """The frameworks the council enabled for the process (kept in the store; read on
        its own connection, without SQLAlchemy: adapters/process_settings.py)."""
        from sftimeline.adapters.process_settings import Settings

        store = self.record_store()  # a missing store fails here, before any file is opened
        with translated():
            enabled = Settings(store, self.engine).enabled_frameworks()
            return [EnabledFramework(f.id, f.file) for f in enabled]

    def process_enable(self, framework: str, file: str | None = None) -> EnabledFramework:
        """Enable a framework for the process: a packaged id, or the council's ``file``
        defining that id (kept by path; loading it first proves it valid)."""
        from sftimeline.adapters.process_settings import enable_framework

        fw = load_framework(framework, file)
        if fw.id != framework:
            raise UsageProblem(f"{file} defines framework {fw.id!r}, not {framework!r}")
        engine = self.engine(create=True)
        with translated():
            enable_framework(engine, fw, file)
        return EnabledFramework(fw.id, file, fw.fingerprint)

    def process_disable(self, framework: str) -> None:
        """Disable a framework (the outcomes recorded under it stay)."""
        from sftimeline.adapters.process_settings import disable_framework

        engine = self.engine()
        with translated():
            if not disable_framework(engine, framework):
                raise NotFound(f"{framework} is not enabled")

    def process_on(self, on: date | str | None) -> date | None:
        """Set the process's on-date: a date, or None / ``"today"`` for the UK date of
        each run (the default). Returns the setting."""
        from sftimeline.adapters.process_settings import set_on

        value = None if on is None or on == "today" else parse_date(on, "on")
        engine = self.engine(create=True)
        with translated():
            set_on(engine, value)
        return value

    # -- running --------------------------------------------------------------------

    def process_run(
        self,
        frameworks: Iterable[str] = (),
        on: date | str | None = None,
        all_families: bool = False,
        *,
        workers: int | None = None,
    ) -> ProcessRun:
        """Catch the process up from its tracked position (every family whose records
        changed), under ``frameworks`` or those enabled; ``all_families`` re-evaluates
        every family once (after the on-date or a framework changed). ``workers``
        processes evaluate (default: every core); on PostgreSQL several runs, on one
        machine or many, share the families (docs/deployment.md)."""
        from sftimeline.adapters.outcomes import PolicyProcess
        from sftimeline.pool import default_workers

        store = self.record_store()
        day = parse_date(on, "on") if on is not None else None
        n = default_workers() if workers is None else workers
        with (
            translated(),
            PolicyProcess.from_settings(
                store, frameworks=list(frameworks), on=day, workers=n
            ) as proc,
        ):
            if not proc.frameworks:
                raise UsageProblem(
                    "no framework enabled: `sftimeline process enable ID` or give --framework"
                )
            return ProcessRun(proc.run(all_families=all_families))

    def catch_up(self) -> CatchUp:
        """Run the process after a write when a framework is enabled; never raises for
        the process's own trouble (a concurrent run, a store hiccup): the write stands
        and the warning says the process will catch up later."""
        if not self.enabled_frameworks():
            return CatchUp()
        try:
            return CatchUp(run=self.process_run())
        except ServiceError as exc:
            return CatchUp(
                warning=f"the policy process did not run now ({exc}); the records are "
                "stored and `sftimeline process run` (or the next import) catches up"
            )

    def pending_events(self) -> int:
        """Record events the process has not read yet (its answers are behind by these)."""
        return self.process_show().behind

    def process_show(self) -> ProcessState:
        """Enabled frameworks, the on-date, and how far the process has read the log."""
        from sftimeline.adapters.outcomes import LEADER
        from sftimeline.adapters.outcomes_app import FamilyOutcomesApp, outcomes_env
        from sftimeline.adapters.process_settings import configured_on
        from sftimeline.readmodels.status import query_failures

        fws = self.enabled_frameworks()
        store = self.record_store()
        with translated():
            on = configured_on(self.engine())
            app = FamilyOutcomesApp(env=outcomes_env(store.url))
            try:
                pos = app.process_recorder.max_tracking_id(LEADER) or 0
            finally:
                app.close()
            head = store.app.recorder.max_notification_id() or 0
            failures = query_failures(self.engine())
        return ProcessState(fws, on, pos, head, store.encrypted, failures)

    def encrypted(self) -> bool:
        """Whether the store was created with a key (its events are encrypted)."""
        return self.record_store().encrypted

    # -- read models ----------------------------------------------------------------

    def status(
        self,
        framework: str | None = None,
        family: str | None = None,
        *,
        eligible_by: date | str | None = None,
        pending: bool = False,
        regressed_since: date | str | None = None,
    ) -> list[StatusRow]:
        """Families' status as the process last recorded it (no re-evaluation).

        ``eligible_by`` keeps families eligible on or before that date if nothing else is
        recorded; ``pending`` those pending; ``regressed_since`` those with a regression
        learnt on or after that date. See :meth:`pending_events` for how current it is.
        """
        from sftimeline.readmodels.status import query_status

        engine = self.engine()
        with translated():
            return list(
                query_status(
                    engine,
                    framework=framework,
                    family=family,
                    eligible_by=parse_date(eligible_by, "eligible_by") if eligible_by else None,
                    pending=pending,
                    regressed_since=parse_date(regressed_since, "regressed_since")
                    if regressed_since
                    else None,
                )
            )

    def claims(
        self,
        at_risk: bool = False,
        framework: str | None = None,
        family: str | None = None,
        entry_not_shown: bool = False,
    ) -> list[Claim]:
        """The claims register: every submitted claim with its state now (``sound``,
        ``at_risk`` with what put it at risk, ``unsupported``, ``withdrawn``,
        ``not_assessable``), by family, claim date and claim; ``entry_not_shown`` keeps those
        resting on an entry condition the records do not show (AMB-A07).

        A claim under a framework the process does not follow (not enabled) is listed as
        ``not_assessed`` with the command that has it assessed; so is a claim the process
        has not read yet (it is behind, or no framework is enabled).
        """
        from sftimeline.readmodels.status import query_claims

        engine = self.engine()
        enabled = {f.id for f in self.enabled_frameworks()}
        with translated():
            rows = [
                _claim(r, enabled)
                for r in query_claims(
                    engine,
                    framework=framework,
                    at_risk=at_risk,
                    entry_not_shown=entry_not_shown,
                    family=family,
                )
            ]
        if not (at_risk or entry_not_shown) and (not enabled or self.pending_events()):
            listed = {(c.family, c.claim) for c in rows}
            rows += [
                c
                for c in self._unread_claims(enabled, family)
                if (c.family, c.claim) not in listed
                and (framework is None or c.framework == framework)
            ]
            rows.sort(key=lambda c: (c.family, c.claim_date, c.claim))
        return rows

    def _unread_claims(self, enabled: set[str], family: str | None) -> list[Claim]:
        """Claims in the records that the claims table does not hold (a scan of the
        records: only when the process is behind or follows no framework)."""
        from sftimeline.policies.process import claims_of

        out = []
        for code, recs in self.iter_families(family):
            for r in claims_of(recs):
                fw = str(r.get("framework"))
                out.append(
                    Claim(
                        code,
                        r.key,
                        fw,
                        r.occurred_on,
                        r.recorded_at.isoformat(),
                        list(r.get("criteria") or []),
                        NOT_ASSESSED,
                        None,
                        None,
                        [],
                        None,
                        None,
                        _not_assessed(fw, enabled),
                    )
                )
        return out
