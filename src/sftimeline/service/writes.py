"""Writes of records: import files or dicts, submit a claim; the process runs after each.

A write's result never depends on the policy process: the records are stored and counted
first, then :meth:`~sftimeline.service.process.ProcessService.catch_up` runs the process
when a framework is enabled, and a process that cannot run now (a concurrent run, a store
hiccup) is a warning in the result, not a failed write: its next run catches up from its
tracked position.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import IO, TYPE_CHECKING, Any, TextIO

from sftimeline.service.base import load_framework, translated
from sftimeline.service.errors import InvalidInput, NotFound, UsageProblem
from sftimeline.service.inputs import parse_date, parse_limits
from sftimeline.service.process import ProcessService
from sftimeline.service.results import ClaimSubmission, ImportResult

if TYPE_CHECKING:
    from sftimeline.adapters.store import RecordStore
    from sftimeline.importer import ImportSummary, Progress, SourceRow


def _jsonable(value: Any) -> Any:
    """Dates and date-times in a dict handed to ``import_records`` become ISO strings."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _source_row(source: str, n: int, record: Mapping[str, Any]) -> SourceRow:
    """One dict as the importer's row: JSON values only, as a line of a file would hold."""
    from sftimeline.importer import Rejection, SourceRow

    try:
        raw = json.loads(json.dumps(dict(record), default=_jsonable))
    except (TypeError, ValueError) as exc:
        return SourceRow(
            source, n, rejection=Rejection(source, n, ["record"], str(exc), repr(record)[:200])
        )
    return SourceRow(source, n, records=(raw,))


class WritesService(ProcessService):
    """Records in: imports and claims."""

    def import_files(
        self,
        paths: Iterable[str],
        mapping: str | None = None,
        dry_run: bool = False,
        *,
        batch_size: int | None = None,
        rejects: IO[str] | None = None,
        progress: Progress | None = None,
        stdin: TextIO | IO[bytes] | Iterable[str] | None = None,
        encoding: str | None = None,
        imported_at: datetime | None = None,
        run_process: bool = True,
        sheet: str | None = None,
        delimiter: str | None = None,
        extract_date: date | None = None,
        workers: int | None = None,
        limits: Mapping[str, Any] | Iterable[str] | None = None,
    ) -> ImportResult:
        """Import interchange JSON Lines files (``"-"`` reads ``stdin``).

        Every line is validated; a bad one is rejected (``result.summary.rejected`` names
        its file, line and field; ``rejects`` receives every one as JSON) and every other
        line is still stored, in batches of ``batch_size`` records per transaction.
        Re-importing a record with the same ``source`` and ``source_id`` changes nothing.
        ``imported_at`` is the knowledge time of records without ``recorded_at`` (default:
        now). ``encoding`` is ``utf-8`` (default), ``cp1252`` or ``auto``. ``dry_run``
        validates and stores nothing (and creates no store).

        When the council has enabled a framework and ``run_process`` is true, the policy
        process then catches up (``result.process``); its failure never fails the import.
        ``mapping`` is the path of a mapping file (docs/legacy.md): the files are then
        CSV, TSV or XLSX exports, read through it; ``encoding``, ``sheet``, ``delimiter``
        and ``extract_date`` override the mapping's own (a bad mapping raises
        :class:`UsageProblem` naming the line of each problem). ``workers`` processes
        validate (default: every core); the store, summary and rejects are the same
        whatever their number. ``limits`` changes the input limits by name
        (``{"max_string_chars": 20000}``; docs/records.md, "Limits"); a name that is not
        a limit, or a value it cannot take, raises :class:`UsageProblem`.
        """
        from sftimeline.pool import default_workers

        chosen_limits = parse_limits(limits)
        n = default_workers() if workers is None else workers
        files = list(paths)
        for f in files:
            if f != "-":
                try:
                    open(f, "rb").close()
                except OSError as exc:
                    raise NotFound(f"cannot read {f}: {exc.strerror}") from None
        from sftimeline.importer import DEFAULT_BATCH, import_files

        if mapping is not None:
            from sftimeline.legacy import import_mapped
            from sftimeline.service.mappings import load_checked, overrides

            loaded = load_checked(mapping)
            chosen = overrides(encoding, sheet, delimiter, extract_date)
            store = self._existing_store() if dry_run else self.record_store(create=True)
            with translated():
                summary = import_mapped(
                    store,
                    loaded,
                    files,
                    overrides=chosen,
                    dry_run=dry_run,
                    batch_size=batch_size or DEFAULT_BATCH,
                    imported_at=imported_at,
                    rejects=rejects,
                    progress=progress,
                    workers=n,
                    limits=chosen_limits,
                )
            return self._after_import(summary, run_process)
        store = self._existing_store() if dry_run else self.record_store(create=True)
        with translated():
            summary = import_files(
                store,
                files,
                batch_size=batch_size or DEFAULT_BATCH,
                imported_at=imported_at,
                rejects=rejects,
                progress=progress,
                stdin=stdin,
                encoding=encoding or "utf-8",
                dry_run=dry_run,
                workers=n,
                limits=chosen_limits,
            )
        return self._after_import(summary, run_process)

    def import_records(
        self,
        records: Iterable[Mapping[str, Any]],
        *,
        dry_run: bool = False,
        batch_size: int | None = None,
        imported_at: datetime | None = None,
        run_process: bool = True,
        source: str = "records",
        limits: Mapping[str, Any] | Iterable[str] | None = None,
    ) -> ImportResult:
        """Import interchange records given as dicts (one per record), streamed.

        The same validation (under ``limits``, as :meth:`import_files` takes them),
        de-duplication and summary as :meth:`import_files`; a rejection names ``source``
        as its file and the record's position (1-based) as its line. Dates may be
        ``date``/``datetime`` objects or ISO strings.
        """
        from sftimeline.importer import DEFAULT_BATCH, import_items

        chosen_limits = parse_limits(limits)
        store = self._existing_store() if dry_run else self.record_store(create=True)
        with translated():
            summary = import_items(
                store,
                (_source_row(source, n, r) for n, r in enumerate(records, 1)),
                dry_run=dry_run,
                batch_size=batch_size or DEFAULT_BATCH,
                imported_at=imported_at,
                limits=chosen_limits,
            )
        return self._after_import(summary, run_process)

    def _existing_store(self) -> RecordStore | None:
        """The store if there is one (a dry run reads its enabled frameworks), else None."""
        try:
            return self.record_store()
        except NotFound:
            return None

    def _after_import(self, summary: ImportSummary, run_process: bool) -> ImportResult:
        if summary.stored and not summary.dry_run:
            from sftimeline.adapters.pgstats import analyze_if_grown

            # the records are stored: a failure here leaves the statistics to autovacuum
            # or the next import, and failing the import would mislead
            with contextlib.suppress(Exception):
                analyze_if_grown(self.record_store(), summary.stored)
        ran = run_process and summary.stored and not summary.dry_run
        return ImportResult(summary, self.catch_up() if ran else None)

    def submit_claim(
        self,
        family: str,
        framework: str,
        on: date | str,
        criteria: Iterable[str] = (),
        source_id: str | None = None,
        *,
        run_process: bool = True,
    ) -> ClaimSubmission:
        """Record a claim for ``family`` under ``framework`` on ``on`` (recorded now).

        The claim's id is ``source_id`` (default ``claim:<framework>:<date>``): submitting
        the same claim again changes nothing; a different claim under the same id is
        refused. The process then assesses it when a framework is enabled.
        """
        from sftimeline.importer import import_files

        load_framework(framework)
        day = parse_date(on, "on")
        claimed = list(criteria)
        bad = [c for c in claimed if not c.startswith(framework + ":")]
        if bad:
            raise UsageProblem(f"criteria must be of {framework}: {', '.join(bad)}")
        now = datetime.now(UTC)
        line: dict[str, object] = {
            "type": "claim_submitted",
            "family": family,
            "occurred_on": day.isoformat(),
            "source": "sftimeline-claims",
            "source_id": source_id or f"claim:{framework}:{day.isoformat()}",
            "framework": framework,
        }
        if claimed:
            line["criteria"] = claimed
        self.records(family)  # an unknown family is refused, not created
        store = self.record_store()
        with translated():
            # recorded_at is the import's moment, not a supplied field: an identical
            # re-submission is then a duplicate (the fingerprint leaves it out), not a
            # conflict, and changes nothing
            summary = import_files(
                store, ["-"], stdin=io.StringIO(json.dumps(line) + "\n"), imported_at=now
            )
        for r in summary.rejected:
            raise InvalidInput(f"claim rejected: {r.message}")
        for c in summary.conflicts:
            raise InvalidInput(
                f"a different claim {c.key} is already stored; give another source id"
            )
        return ClaimSubmission(
            f"{line['source']}:{line['source_id']}",
            family,
            framework,
            day,
            claimed,
            now,
            already_recorded=bool(summary.duplicates),
            process=self.catch_up() if run_process else None,
        )
