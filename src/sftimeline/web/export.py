"""Every list page's rows as JSON and as CSV, as Datasette offers for every table.

The JSON export is exactly the rows the API gives for the same question (a list of the
service results' ``to_dict()``); the CSV flattens each row: lists are joined with ``; ``
and nested objects written as JSON text, so a spreadsheet gets one row per item and loses
nothing. A cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` and
control characters first) is prefixed with ``'``: the records are outside input, and a
family code like ``=HYPERLINK(…)`` must arrive as text (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from fastapi.responses import JSONResponse, Response

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """One CSV cell: text, flattened and defused."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        text = "; ".join("" if v is None else str(v) for v in value)
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """The rows as CSV text with a header (columns: the given ones, else every key seen)."""
    if columns is None:
        seen: dict[str, None] = {}
        for row in rows:
            seen.update(dict.fromkeys(row))
        columns = list(seen)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buf.getvalue()


def respond(rows: Sequence[dict[str, Any]], fmt: str, name: str) -> Response:
    """``fmt`` is ``json`` or ``csv``; ``name`` the file name offered for a CSV download."""
    if fmt == "csv":
        return Response(
            to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return JSONResponse(list(rows))
