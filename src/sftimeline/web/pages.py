"""The pages: county overview, status and claims lists, families, a family, its audit pack.

Server-rendered (Jinja2), no script: every control is a GET form, so each view has a URL
an analyst can bookmark or paste into a case note. Every list page offers its rows as
JSON and CSV at the same path with ``.json`` / ``.csv`` (Datasette's convention); the JSON
rows are the API's. Handlers ask the service layer and hand its ``to_dict()`` data (and
the audit pack's picture) to the templates; nothing here decides anything.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from sftimeline.calendar import today_uk
from sftimeline.web import export
from sftimeline.web.deps import framework_of, store_of
from sftimeline.web.errors import ApiError
from sftimeline.web.params import parse_date, parse_flag, parse_known_at
from sftimeline.web.render import page

router = APIRouter(include_in_schema=False)

DEFAULT_FRAMEWORK = "national-2022"
#: Rows shown per section of the overview (the section's list page has them all).
OVERVIEW_ROWS = 15
#: Rows shown on the families page (its exports have them all).
FAMILIES_ROWS = 500
STATUSES = [
    "eligible",
    "pending",
    "not_eligible",
    "insufficient_data",
    "evidence_required",
    "evaluation_failed",
]
#: The status table's framework for a failure that concerns the family under every one.
EVERY_FRAMEWORK = "*"


def _frameworks(request: Request, also: str | None = None, *, packaged: bool = False) -> list[str]:
    """The frameworks to offer: those the council enabled (the status table has them),
    then, with ``packaged``, every other packaged one (a family page can show any)."""
    from sftimeline.service import packaged_ids

    with store_of(request) as store:
        out = [f.id for f in store.enabled_frameworks()]
    extra = [also] if also else []
    if packaged:
        extra += packaged_ids()
    return out + [f for f in dict.fromkeys(extra) if f not in out]


# ---------------------------------------------------------------------------
# County overview
# ---------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, framework: str | None = None) -> HTMLResponse:
    frameworks = _frameworks(request, framework or None)
    chosen = framework or (frameworks[0] if frameworks else None)
    context: dict[str, Any] = {"nav": "overview", "frameworks": frameworks, "framework": chosen}
    if chosen is None:
        return page(request, "overview.html", context)
    with store_of(request) as store:
        rows = [r.to_dict() for r in store.status(chosen)]
        rows += [r.to_dict() for r in store.status(EVERY_FRAMEWORK)]
        at_risk = [c.to_dict() for c in store.claims(at_risk=True, framework=chosen)]
    context["total"] = sum(r["framework"] == chosen for r in rows)
    context["sections"] = _sections(chosen, rows, at_risk)
    return page(request, "overview.html", context)


def _sections(fw: str, rows: list[dict[str, Any]], at_risk: list[dict[str, Any]]) -> list[Any]:
    """Eligible, pending (soonest first), regressed (latest first), evidence required, the
    claims at risk, and the families the process could not evaluate (with the reason):
    each with its count, first rows, and the list page with them all."""

    def of(status: str) -> list[dict[str, Any]]:
        return [r for r in rows if r["status"] == status]

    def status_href(**filters: str) -> str:
        from sftimeline.web.render import query

        return "/status" + query({"framework": fw, **filters})

    pending = sorted(of("pending"), key=lambda r: (r["earliest_pending"] or "9999", r["family"]))
    regressed = sorted(
        (r for r in rows if r["last_regression"]),
        key=lambda r: (r["last_regression"], r["family"]),
        reverse=True,
    )
    eligible = sorted(of("eligible"), key=lambda r: (r["eligible_from"] or "", r["family"]))
    sections = [
        ("eligible", "eligible", eligible, status_href(status="eligible")),
        ("pending", "pending", pending, status_href(status="pending")),
        ("regressed", "regressed", regressed, status_href(regressed="true")),
        (
            "evidence_required",
            "evidence required",
            of("evidence_required"),
            status_href(status="evidence_required"),
        ),
        ("claims_at_risk", "claims at risk", at_risk, "/claims?at_risk=true"),
        (
            "evaluation_failed",
            "evaluation failed",
            of("evaluation_failed"),
            "/status?status=evaluation_failed",
        ),
    ]
    return [
        {"key": k, "title": t, "count": len(rs), "rows": rs[:OVERVIEW_ROWS], "href": href}
        for k, t, rs, href in sections
    ]


# ---------------------------------------------------------------------------
# List pages (each also as .json and .csv)
# ---------------------------------------------------------------------------


def _status_rows(request: Request) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    q = request.query_params
    framework = q.get("framework") or None
    status = q.get("status") or None
    regressed = parse_flag("regressed", q.get("regressed"))
    if status is not None and status not in STATUSES:
        raise ApiError(
            400, f"status: {status!r} is not one of {', '.join(STATUSES)}", parameter="status"
        )
    with store_of(request) as store:
        rows = [r.to_dict() for r in store.status(framework)]
    if status:
        rows = [r for r in rows if r["status"] == status]
    if regressed:
        rows = [r for r in rows if r["last_regression"]]
    return {"framework": framework, "status": status, "regressed": regressed}, rows


@router.get("/status", response_class=HTMLResponse)
def status_page(request: Request) -> HTMLResponse:
    params, rows = _status_rows(request)
    what = (params["status"] or "").replace("_", " ") or (
        "regressed" if params["regressed"] else "every status"
    )
    if params["status"] and params["regressed"]:
        what += ", regressed"
    heading = f"Families: {what}" + (f" — {params['framework']}" if params["framework"] else "")
    return page(
        request,
        "status.html",
        {
            "nav": "overview",
            "params": params,
            "rows": rows,
            "statuses": STATUSES,
            "heading": heading,
        },
    )


@router.get("/status.{fmt}")
def status_export(request: Request, fmt: str) -> Response:
    _params, rows = _status_rows(request)
    return export.respond(rows, _fmt(fmt), "status")


def _claim_rows(request: Request) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    params = {"at_risk": parse_flag("at_risk", request.query_params.get("at_risk"))}
    with store_of(request) as store:
        rows = [c.to_dict() for c in store.claims(at_risk=params["at_risk"])]
    # at-risk claims first; otherwise the register's own order (family, claim date)
    rows.sort(key=lambda c: c["state"] != "at_risk")
    return params, rows


@router.get("/claims", response_class=HTMLResponse)
def claims_page(request: Request) -> HTMLResponse:
    params, rows = _claim_rows(request)
    return page(request, "claims.html", {"nav": "claims", "params": params, "rows": rows})


@router.get("/claims.{fmt}")
def claims_export(request: Request, fmt: str) -> Response:
    _params, rows = _claim_rows(request)
    return export.respond(rows, _fmt(fmt), "claims")


def _family_rows(request: Request) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    needle = (request.query_params.get("q") or "").strip()
    with store_of(request) as store:
        codes = store.families()
    rows = [{"family": c} for c in codes if needle.casefold() in c.casefold()]
    return {"q": needle or None}, rows, len(codes)


@router.get("/families", response_class=HTMLResponse)
def families_page(request: Request) -> HTMLResponse:
    params, rows, total = _family_rows(request)
    shown = rows[:FAMILIES_ROWS]
    return page(
        request,
        "families.html",
        {
            "nav": "families",
            "params": params,
            "rows": shown,
            "total": total,
            "shown_limit": FAMILIES_ROWS if len(rows) > len(shown) else None,
        },
    )


@router.get("/families.{fmt}")
def families_export(request: Request, fmt: str) -> Response:
    _params, rows, _total = _family_rows(request)
    return export.respond(rows, _fmt(fmt), "families")


def _fmt(fmt: str) -> str:
    if fmt not in ("json", "csv"):
        raise ApiError(404, f"no export as {fmt!r}: use .json or .csv")
    return fmt


# ---------------------------------------------------------------------------
# A family
# ---------------------------------------------------------------------------


def _family_question(request: Request, family: str) -> dict[str, Any]:
    """framework, on, known_at of a family page: given, else the family's own framework
    (its nomination's), the UK date today, now."""
    q = request.query_params
    on = parse_date("on", q.get("on")) or today_uk()
    known_at = parse_known_at("known_at", q.get("known_at"))
    framework = q.get("framework") or None
    if framework is None:
        with store_of(request) as store:
            nominated = [
                r["fields"].get("framework")
                for r in store.timeline(family, on).to_dict()["records"]
                if r["type"] == "family_nominated"
            ]
        framework = next((f for f in nominated if f), None) or DEFAULT_FRAMEWORK
    return {
        "framework": framework,
        "on": on,
        "known_at": known_at,
        "known_at_param": (q.get("known_at") or "").strip(),
    }


@router.get("/families/{family:path}/audit-pack")
def audit_pack(request: Request, family: str) -> Response:
    question = _family_question(request, family)
    with store_of(request) as store:
        fw = framework_of(request, question["framework"])
        pack = store.audit_pack(family, question["on"], fw, question["known_at"])
    name = _safe_name(f"audit-pack-{family}-{question['framework']}-{question['on']}")
    return Response(
        pack.html,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.html"'},
    )


@router.get("/families/{family:path}", response_class=HTMLResponse)
def family_page(request: Request, family: str) -> HTMLResponse:
    question = _family_question(request, family)
    fw, on, known_at = question["framework"], question["on"], question["known_at"]
    with store_of(request) as store:
        framework = framework_of(request, fw)
        # one read and one evaluation: the pack's decision is also the page's explanation,
        # its records the page's timeline
        pack = store.audit_pack(family, on, framework, known_at)
        explained = pack.explanation(framework)
        view = pack.timeline().to_dict()
        claims = [c.to_dict() for c in store.claims(family=family)]
    decision = explained.to_dict()
    records = {r["key"]: r for r in view["records"]}
    used = {r["key"]: r for r in decision["records_used"]}
    criteria = [
        {
            **c,
            "records": [records.get(k) or used[k] for k in c["facts"] if k in records or k in used],
        }
        for c in decision["criteria"]
    ]
    return page(
        request,
        "family.html",
        {
            "nav": "families",
            "family": family,
            "framework_title": decision.get("title", fw),
            "frameworks": _frameworks(request, fw, packaged=True),
            **question,
            "params": {
                "framework": fw,
                "on": on.isoformat(),
                "known_at": question["known_at_param"],
            },
            "decision": decision,
            "criteria": criteria,
            "figure": Markup(pack.figure),
            "explain_text": explained.text,
            "records": view["records"],
            "retractions": view["retractions"],
            "claim_times": [c for c in claims if c["framework"] == fw],
        },
    )


def _safe_name(text: str) -> str:
    """A download's file name: letters, digits, ``.-_`` only (a family code is outside input
    and must not reach a header as it is)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:120]
