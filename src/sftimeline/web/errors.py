"""One shape for every error the server gives, and never a traceback.

The JSON API answers ``{"error": message}`` (plus ``"parameter"`` when one query
parameter or field is at fault) with the status that says what kind of error it is; the
pages show the same message on an error page. Messages are the CLI's own, because they come
from the same service layer (or, for a query parameter, from the same parsing rules).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sftimeline.service.errors import ServiceError

log = logging.getLogger("sftimeline.web")

#: The HTTP status of each kind of service error (the CLI's exit codes, README).
STATUS_OF_KIND = {"usage": 400, "not_found": 404, "invalid": 422, "store": 503}


class ApiError(Exception):
    """An error the client can act on: its HTTP status, message and the parameter at fault."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        parameter: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter
        self.headers = headers

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.message}
        if self.parameter is not None:
            out["parameter"] = self.parameter
        return out


def wants_html(request: Request) -> bool:
    """Pages get an error page; ``/api/…`` and the ``.json``/``.csv`` exports get JSON."""
    path = request.url.path
    return not (path.startswith("/api") or path.endswith((".json", ".csv")))


def _respond(request: Request, err: ApiError) -> Response:
    if wants_html(request):
        from sftimeline.web.render import error_page

        return error_page(request, err)
    return JSONResponse(err.body(), status_code=err.status, headers=err.headers)


def _validation_error(exc: RequestValidationError) -> ApiError:
    """FastAPI's own checks (a missing parameter, a body that is not JSON): name the field."""
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body")]
    name = ".".join(loc) or None
    msg = str(first.get("msg", "invalid request"))
    if first.get("type") == "missing":
        msg = "is required"
    return ApiError(400, f"{name}: {msg}" if name else msg, parameter=name)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return _respond(request, exc)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> Response:
        return _respond(request, ApiError(STATUS_OF_KIND.get(exc.kind, 400), str(exc)))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return _respond(request, _validation_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.status_code != 404 else f"no page at {request.url.path}"
        return _respond(request, ApiError(exc.status_code, message))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error answering %s", request.url.path)
        return _respond(
            request, ApiError(500, f"internal error ({type(exc).__name__}); see the server log")
        )
