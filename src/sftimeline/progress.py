"""A progress display for long imports: rows read, stored, rejected and the rate.

Shown with ``rich`` on standard error when it is a terminal; when output is piped
or redirected (a scheduled job, a log file) nothing is shown, so logs hold only the
summary. The CLI layer opens it around an import and passes the callback on::

    with import_progress() as progress:
        summary = import_files(store, files, progress=progress)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from sftimeline.import_summary import ImportSummary
from sftimeline.importer import Progress as ProgressCallback


@contextmanager
def import_progress(
    stream: TextIO | None = None, *, total: int | None = None, label: str = "importing"
) -> Iterator[ProgressCallback | None]:
    """A progress callback for :func:`sftimeline.importer.import_items`, or None when
    ``stream`` (default standard error) is not a terminal. ``total`` is the expected
    number of rows, when known, for a bar."""
    console = Console(file=stream or sys.stderr)
    if not console.is_terminal:
        yield None
        return
    columns = [
        SpinnerColumn(),
        TextColumn(f"{label}"),
        *([BarColumn()] if total else []),
        TextColumn("{task.completed:,} rows read"),
        TextColumn("{task.fields[stored]:,} stored"),
        TextColumn("{task.fields[rejected]:,} rejected"),
        TextColumn("{task.fields[rate]:,.0f} rows/s"),
        TimeElapsedColumn(),
    ]
    started = time.monotonic()
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total, stored=0, rejected=0, rate=0.0)

        def update(summary: ImportSummary) -> None:
            totals = summary.totals
            elapsed = max(time.monotonic() - started, 1e-6)
            bar.update(
                task,
                completed=totals.rows,
                stored=totals.stored,
                rejected=totals.rejected,
                rate=totals.rows / elapsed,
            )

        yield update
