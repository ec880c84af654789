"""Jinja2 set-up for the pages: autoescaping, and filters that keep hostile text inert.

Every value shown comes from imported records (family codes, notes, sources), so it is
outside input. Autoescaping stops markup; the ``show`` filter also stops text that looks
like something else: Unicode bidirectional overrides and other invisible format or control
characters are drawn as visible ``U+202E`` tags, and the value is isolated in ``<bdi>`` so
that nothing in it can reorder the text around it (a family code must read the same to the
auditor as to the engine).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from sftimeline.reports.visible import code_point, is_invisible, make_visible
from sftimeline.web.errors import ApiError

HERE = Path(__file__).parent

STATUS_LABEL = {
    "eligible": "eligible",
    "pending": "pending",
    "not_eligible": "not eligible",
    "insufficient_data": "insufficient data",
    "evidence_required": "evidence required",
    "met": "met",
    "not_met": "not met",
    "sound": "sound",
    "at_risk": "at risk",
    "unsupported": "unsupported",
    "withdrawn": "withdrawn",
    "not_assessable": "not assessable",
    "evaluation_failed": "evaluation failed",
}


def show(value: Any) -> Markup:
    """Escape ``value``, show invisible characters as tags, isolate its direction."""
    if value is None:
        return Markup("")
    text = str(value)
    if not any(is_invisible(ch) for ch in text):
        return Markup("<bdi>%s</bdi>") % text
    parts: list[Markup] = []
    for ch in text:
        if is_invisible(ch):
            name = unicodedata.name(ch, "control character")
            parts.append(Markup('<span class="ctl" title="%s">%s</span>') % (name, code_point(ch)))
        else:
            parts.append(escape(ch))
    return Markup("<bdi>%s</bdi>") % Markup("").join(parts)


def plain(value: Any) -> str:
    """For where markup cannot go (``<title>``): invisible characters as ``[U+202E]``."""
    return make_visible("" if value is None else str(value))


def path_part(value: Any) -> str:
    """A value as one URL path segment (``/``, ``?``, ``#`` and all else percent-encoded)."""
    return quote(str(value), safe="")


def query(params: Mapping[str, Any]) -> str:
    """``?a=1&b=2`` from the params that are set (None and empty values are left out)."""
    kept = {k: v for k, v in params.items() if v not in (None, "", False)}
    return ("?" + urlencode(kept)) if kept else ""


def label(status: Any) -> str:
    return STATUS_LABEL.get(str(status), str(status).replace("_", " "))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["show"] = show
    env.filters["plain"] = plain
    env.filters["path_part"] = path_part
    env.filters["label"] = label
    env.globals["query"] = query
    return env


templates = Jinja2Templates(env=_environment())


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render template ``name`` with the settings every page shows (read-only notice)."""
    settings = request.app.state.settings
    full = {
        "nav": None,
        "read_only": settings.read_only,
        "store_label": store_label(settings.store_url),
    }
    full.update(context)
    return templates.TemplateResponse(request, name, full, status_code=status)


def error_page(request: Request, err: ApiError) -> HTMLResponse:
    return page(request, "error.html", {"error": err}, status=err.status)


def store_label(url: str | None) -> str:
    """The store as shown in the footer: a password in a PostgreSQL URL is never shown."""
    if not url:
        return "the default store"
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url
