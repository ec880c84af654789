"""Decisions: evaluate, explain, compare, replay and the audit pack, on D as known at T.

Every method reads the families' records from the store and hands them to the pure
domain functions (``policies.evaluator``, ``policies.compare``, ``reports.*``); nothing
here decides anything itself.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sftimeline.service.base import load_framework
from sftimeline.service.errors import NotFound, UsageProblem
from sftimeline.service.inputs import parse_date, parse_known_at
from sftimeline.service.records import RecordsService
from sftimeline.service.results import AuditPack, Explanation, ReplayResult, readings_of

if TYPE_CHECKING:
    from sftimeline.policies.compare import Comparison
    from sftimeline.policies.evaluator import Decision
    from sftimeline.policies.loader import Framework
    from sftimeline.records import Record
    from sftimeline.reports.html import ReportInput

DEFAULT_FRAMEWORK = "national-2022"

T = TypeVar("T")


def _same(item: T) -> T:
    return item


class DecisionsService(RecordsService):
    """Decisions of a framework on a date as known at a time, and what explains them."""

    def iter_evaluate(
        self,
        on: date | str,
        framework: str | Framework = DEFAULT_FRAMEWORK,
        known_at: datetime | date | str | None = None,
        family: str | None = None,
        *,
        framework_file: str | None = None,
        workers: int | None = None,
    ) -> Iterator[Decision]:
        """Like :meth:`evaluate`, streamed: families read, decided and yielded in code
        order, on ``workers`` processes (default: every core; the same decisions
        whatever the number)."""
        yield from self.iter_evaluate_as(
            _same, on, framework, known_at, family, framework_file=framework_file, workers=workers
        )

    def iter_evaluate_as(
        self,
        shape: Callable[[Decision], T],
        on: date | str,
        framework: str | Framework = DEFAULT_FRAMEWORK,
        known_at: datetime | date | str | None = None,
        family: str | None = None,
        *,
        framework_file: str | None = None,
        workers: int | None = None,
    ) -> Iterator[T]:
        """:meth:`iter_evaluate` with each decision made into ``shape(decision)`` in the
        process that decided it. A worker then sends back what the caller keeps (the
        CLI: the decision's output line) instead of the decision, whose results tree
        costs more to pickle and unpickle than to format: with the whole decisions, the
        calling process spent a fifth of a one-worker evaluation unpickling them."""
        from sftimeline.policies.evaluator import evaluate_family

        fw = load_framework(framework, framework_file)
        day = parse_date(on, "on")
        t = parse_known_at(known_at, "known_at")
        self.record_store()  # a missing store fails here, before any output

        def decide(code: str, recs: list[Record]) -> T:
            return shape(evaluate_family(fw, code, recs, day, t))

        with _start_up_frozen():
            yield from self.map_families(decide, family, workers)

    def evaluate(
        self,
        on: date | str,
        framework: str | Framework = DEFAULT_FRAMEWORK,
        known_at: datetime | date | str | None = None,
        family: str | None = None,
        *,
        framework_file: str | None = None,
    ) -> list[Decision]:
        """Decide every family (or ``family``) on ``on`` as known at ``known_at``.

        ``framework`` is a packaged id (``sftimeline.frameworks()``) or a loaded framework;
        a council's own definition is given as ``framework_file``. ``known_at`` defaults
        to now; a date means the end of that day (UTC). Each decision's ``to_dict()`` is
        a row of ``sftimeline evaluate --format json``.
        """
        return list(
            self.iter_evaluate(on, framework, known_at, family, framework_file=framework_file)
        )

    def _family_records(self, family: str) -> list[Record]:
        recs = self.records(family)
        if not recs:
            raise NotFound(f"family {family} has no records in the store")
        return recs

    def explain(
        self,
        family: str,
        on: date | str,
        framework: str | Framework = DEFAULT_FRAMEWORK,
        known_at: datetime | date | str | None = None,
        *,
        framework_file: str | None = None,
    ) -> Explanation:
        """One family's decision with every need, rule, window, reading and record used.

        ``.text`` is what ``sftimeline explain`` prints; ``.to_dict()`` its JSON.
        """
        from sftimeline.policies.evaluator import evaluate_family

        fw = load_framework(framework, framework_file)
        recs = self._family_records(family)
        decision = evaluate_family(
            fw, family, recs, parse_date(on, "on"), parse_known_at(known_at, "known_at")
        )
        return Explanation(fw, decision, {r.key: r for r in recs})

    def iter_compare(
        self,
        on: date | str,
        a: Framework,
        b: Framework,
        known_at: datetime | date | str | None = None,
        family: str | None = None,
        *,
        workers: int | None = None,
    ) -> Iterator[Comparison]:
        """Like :meth:`compare`, streamed, for loaded frameworks (:func:`framework`), on
        ``workers`` processes (default: every core)."""
        yield from self.iter_compare_as(_same, on, a, b, known_at, family, workers=workers)

    def iter_compare_as(
        self,
        shape: Callable[[Comparison], T],
        on: date | str,
        a: Framework,
        b: Framework,
        known_at: datetime | date | str | None = None,
        family: str | None = None,
        *,
        workers: int | None = None,
    ) -> Iterator[T]:
        """:meth:`iter_compare` with each comparison made into ``shape(comparison)`` in
        the process that decided it (see :meth:`iter_evaluate_as`)."""
        from sftimeline.policies.compare import compare
        from sftimeline.policies.evaluator import evaluate_family

        day = parse_date(on, "on")
        t = parse_known_at(known_at, "known_at")
        self.record_store()

        def decide(code: str, recs: list[Record]) -> T:
            return shape(
                compare(
                    evaluate_family(a, code, recs, day, t),
                    evaluate_family(b, code, recs, day, t),
                )
            )

        with _start_up_frozen():
            yield from self.map_families(decide, family, workers)

    def compare(
        self,
        on: date | str,
        a: str | Framework,
        b: str | Framework | None = None,
        *,
        set_b: dict[str, Any] | None = None,
        known_at: datetime | date | str | None = None,
        family: str | None = None,
    ) -> list[Comparison]:
        """Every family decided under framework ``a`` and ``b`` (or ``a`` with the readings
        ``set_b``), each :class:`~sftimeline.policies.compare.Comparison` saying whether
        and why they differ."""
        if b is None and not set_b:
            raise UsageProblem("compare needs framework b, or readings set_b for a")
        fa = load_framework(a)
        fb = load_framework(b if b is not None else a, overrides=set_b)
        return list(self.iter_compare(on, fa, fb, known_at, family))

    def replay(
        self,
        family: str,
        to: date | str,
        framework: str | Framework = DEFAULT_FRAMEWORK,
        known_at: datetime | date | str | None = None,
        *,
        diff_known_at: datetime | date | str | None = None,
        framework_file: str | None = None,
    ) -> ReplayResult:
        """Walk a family's history in valid-date order as known at T, up to ``to``.

        With ``diff_known_at`` (a later knowledge time T2, ``"now"`` allowed) it also
        shows what the records that arrived between T and T2 changed.
        """
        from sftimeline.reports.replay import diff_known_at as diff
        from sftimeline.reports.replay import replay

        fw = load_framework(framework, framework_file)
        day = parse_date(to, "to")
        t = parse_known_at(known_at, "known_at")
        t2 = None
        if diff_known_at is not None:
            t2 = parse_known_at(diff_known_at, "diff_known_at")
            if t2 < t:
                raise UsageProblem("diff_known_at: must not be earlier than known_at")
        recs = self._family_records(family)
        rp = replay(fw, family, recs, day, t)
        return ReplayResult(fw, rp, diff(fw, family, recs, day, t, t2) if t2 else None)

    def audit_pack(
        self,
        family: str,
        on: date | str,
        framework: str | Framework = DEFAULT_FRAMEWORK,
        known_at: datetime | date | str | None = None,
        *,
        late_after: int | None = None,
        framework_file: str | None = None,
    ) -> AuditPack:
        """A family's audit pack on ``on`` as known at ``known_at``: one HTML page with
        the decision, the SVG timeline, each criterion's explanation and records.
        ``late_after`` marks records recorded more than that many days after they
        occurred (default 30)."""
        from sftimeline.reports.html import render_report

        fw = load_framework(framework, framework_file)
        recs = self._family_records(family)
        inp = report_input(
            fw,
            family,
            recs,
            parse_date(on, "on"),
            parse_known_at(known_at, "known_at"),
            late_after,
        )
        return AuditPack(inp.decision, render_report(inp), inp)


@contextmanager
def _start_up_frozen() -> Iterator[None]:
    """While a county is decided, the collector leaves alone what was loaded before it
    (modules, the record models, the compiled framework): a county's records and results
    trigger thousands of collections, and each full one re-scanned all of that, ≈ 10% of
    an evaluation's CPU. Forked workers inherit the frozen objects; at the end they are
    handed back to the collector, so a long-running caller (the web view) keeps its
    ordinary collection."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def report_input(
    fw: Framework,
    family: str,
    recs: Sequence[Record],
    on: date,
    known_at: datetime,
    late_after: int | None = None,
) -> ReportInput:
    """What the audit pack shows: the decision, its explanation and readings, the records.

    ``late_after`` (days; default ``reports.html.LATE_AFTER_DAYS``) marks late records.
    """
    from sftimeline.policies.evaluator import evaluate_family
    from sftimeline.reports.explain import explain_text
    from sftimeline.reports.html import LATE_AFTER_DAYS, ReportInput

    decision = evaluate_family(fw, family, recs, on, known_at)
    return ReportInput(
        decision,
        fw.model.title,
        recs,
        explain_text(fw, decision, {r.key: r for r in recs}),
        [(r.name, str(r.value), f"{r.amb}: {r.doc}") for r in readings_of(fw)],
        LATE_AFTER_DAYS if late_after is None else late_after,
    )
