"""The JSON API: each answer equals ``sftimeline … --format json`` for the same question.

Handlers parse the query (``params``), ask the service layer, and return its results'
``to_dict()``; nothing here reads the store or decides anything. ``{family}`` is a path
segment and may hold any family code (percent-encoded: ``/`` as ``%2F``).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from sftimeline.web.auth import require_writer
from sftimeline.web.deps import framework_of, store_of
from sftimeline.web.errors import ApiError
from sftimeline.web.params import parse_date, parse_flag, parse_known_at, require_date


class ErrorBody(BaseModel):
    """Every error: the CLI's message, and the query parameter or field at fault."""

    error: str
    parameter: str | None = None


router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses={
        400: {"model": ErrorBody, "description": "A bad parameter (named)"},
        404: {"model": ErrorBody, "description": "No such family or framework"},
        503: {"model": ErrorBody, "description": "The store cannot be used"},
    },
)

DEFAULT_FRAMEWORK = "national-2022"

Framework = Annotated[
    str,
    Query(description="A packaged framework id (`sftimeline frameworks list`)."),
]
On = Annotated[str | None, Query(description="The on-date D (YYYY-MM-DD).")]
KnownAt = Annotated[
    str | None,
    Query(
        description="Knowledge time T: an ISO date-time with offset, or a date (the end of "
        "that day, UTC); default now."
    ),
]


@router.get("", summary="What this server is and whether it accepts writes")
def about(request: Request) -> dict[str, Any]:
    from sftimeline import __version__

    read_only = request.app.state.settings.read_only
    return {
        "name": "sftimeline",
        "version": __version__,
        "read_only": read_only,
        "writes": "refused: the server was started without SFTIMELINE_API_TOKEN"
        if read_only
        else "POST /api/records with Authorization: Bearer <token>",
        "docs": "/docs",
    }


@router.get("/families", summary="Every family code in the store (`sftimeline families`)")
def families(request: Request) -> list[str]:
    with store_of(request) as store:
        return list(store.families())


@dataclass(frozen=True, slots=True)
class Question:
    """A decision's question: on-date D, framework, knowledge time T (None: now)."""

    on: date
    framework: str
    known_at: datetime | None


def question(
    on: On = None, framework: Framework = DEFAULT_FRAMEWORK, known_at: KnownAt = None
) -> Question:
    """The query of the decision and explain endpoints, parsed (a bad value is named)."""
    return Question(require_date("on", on), framework, parse_known_at("known_at", known_at))


Asked = Annotated[Question, Depends(question)]


@router.get(
    "/families/{family:path}/decision",
    summary="One family's decision on D as known at T (`evaluate --family F --format json`)",
)
def decision(request: Request, family: str, q: Asked) -> dict[str, Any]:
    with store_of(request) as store:
        fw = framework_of(request, q.framework)
        return store.evaluate(q.on, fw, q.known_at, family=family)[0].to_dict()


@router.get(
    "/families/{family:path}/explain",
    summary="Why: every need, rule, window, reading and record (`explain F`, as JSON)",
)
def explain(request: Request, family: str, q: Asked) -> dict[str, Any]:
    with store_of(request) as store:
        fw = framework_of(request, q.framework)
        return store.explain(family, q.on, fw, q.known_at).to_dict()


@router.get(
    "/families/{family:path}/replay",
    summary="The family's history step by step up to a claim date (`replay --format json`)",
)
def replay(
    request: Request,
    family: str,
    to: Annotated[str | None, Query(description="The claim date (YYYY-MM-DD).")] = None,
    framework: Framework = DEFAULT_FRAMEWORK,
    known_at: KnownAt = None,
    diff_known_at: Annotated[
        str | None,
        Query(description="A later knowledge time T2: what the records known since T changed."),
    ] = None,
) -> dict[str, Any]:
    day = require_date("to", to)
    t = parse_known_at("known_at", known_at)
    t2 = parse_known_at("diff_known_at", diff_known_at)
    with store_of(request) as store:
        fw = framework_of(request, framework)
        return store.replay(family, day, fw, t, diff_known_at=t2).to_dict()


@router.get(
    "/families/{family:path}/timeline",
    summary="The family's records as of D as known at T (`timeline --format json`)",
)
def timeline(
    request: Request, family: str, on: On = None, known_at: KnownAt = None
) -> dict[str, Any]:
    day = require_date("on", on)
    t = parse_known_at("known_at", known_at)
    with store_of(request) as store:
        return store.timeline(family, day, t).to_dict()


@router.get("/claims", summary="The claims register (`claims --format json`)")
def claims(
    request: Request,
    at_risk: Annotated[str | None, Query(description="true: only claims at risk.")] = None,
    framework: Annotated[str | None, Query(description="Only claims under this one.")] = None,
) -> list[dict[str, Any]]:
    only_at_risk = parse_flag("at_risk", at_risk)
    with store_of(request) as store:
        rows = store.claims(at_risk=only_at_risk, framework=framework or None)
    return [r.to_dict() for r in rows]


@router.get("/status", summary="The status table kept by the policy process (`status`)")
def status(
    request: Request,
    framework: Annotated[str | None, Query(description="Only this framework.")] = None,
    pending: Annotated[str | None, Query(description="true: only pending families.")] = None,
    family: Annotated[str | None, Query(description="Only this family.")] = None,
    eligible_by: Annotated[
        str | None, Query(description="Eligible on or before this date (YYYY-MM-DD).")
    ] = None,
    regressed_since: Annotated[
        str | None, Query(description="A regression learnt on or after this date.")
    ] = None,
) -> list[dict[str, Any]]:
    only_pending = parse_flag("pending", pending)
    by = parse_date("eligible_by", eligible_by)
    since = parse_date("regressed_since", regressed_since)
    with store_of(request) as store:
        rows = store.status(
            framework or None,
            family or None,
            eligible_by=by,
            pending=only_pending,
            regressed_since=since,
        )
    return [r.to_dict() for r in rows]


@router.post(
    "/records",
    summary="Import records (JSON Lines, or a JSON array), as `sftimeline import` does",
    dependencies=[Depends(require_writer)],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            },
        }
    },
    responses={
        200: {"description": "Every record stored or unchanged"},
        401: {"model": ErrorBody, "description": "No bearer token, or not the server's"},
        403: {"model": ErrorBody, "description": "The server is read-only (no token set)"},
        422: {"description": "Some records rejected or conflicting (the others are stored)"},
    },
)
async def post_records(
    request: Request,
    limit: Annotated[
        list[str] | None,
        Query(
            description="An input limit changed for this import, `NAME=VALUE` (repeatable:"
            " `?limit=max_string_chars=20000&limit=latest=2200-12-31`; docs/records.md,"
            " Limits), as `sftimeline import --limit` takes it."
        ),
    ] = None,
) -> JSONResponse:
    """The body is JSON Lines (one record per line) or one JSON array of records. Every
    record is validated; a bad one is rejected with its line (its position in an array)
    and field, and every other one is stored. The policy process runs afterwards, as
    after ``sftimeline import``. 200 when nothing was rejected or conflicting, else 422
    with the same summary; 400 for a ``limit`` that is not one, or a value it cannot
    take (nothing is read)."""
    from starlette.concurrency import run_in_threadpool

    body = _as_lines(await request.body())

    def work() -> Any:
        with store_of(request) as store:
            return store.import_files(["-"], stdin=io.BytesIO(body), limits=limit or None)

    result = await run_in_threadpool(work)
    return JSONResponse(result.to_dict(), status_code=200 if result.ok else 422)


def _as_lines(body: bytes) -> bytes:
    """The body as JSON Lines bytes (decoded by the importer, as ``import -`` decodes its
    input). A body that starts with ``[`` is one JSON array, each item a line of its own
    (so a rejection's line is the item's position, and an item that is not an object is
    rejected as such a line is); a malformed array is refused whole, since its records
    cannot be told apart."""
    if not body.strip():
        raise ApiError(400, "body: no records (send JSON Lines or a JSON array)", parameter="body")
    if not body.lstrip().lstrip(b"\xef\xbb\xbf").startswith(b"["):
        return body
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        detail = (
            f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
            if isinstance(exc, json.JSONDecodeError)
            else "not UTF-8"
        )
        raise ApiError(400, f"body: malformed JSON array: {detail}", parameter="body") from None
    if not isinstance(value, list):
        raise ApiError(400, "body: a JSON array of records was expected", parameter="body")
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in value).encode()
