"""Bearer-token check for the write endpoints.

A single shared token (``SFTIMELINE_API_TOKEN``) is enough for a case-management system
pushing late records to a council's own server; it is compared in constant time so its
length and prefix cannot be probed by timing. Reads need no token: the pages and the JSON
are for the council's analysts on a loopback or internal address. The scheme is declared
to OpenAPI (``HTTPBearer``), so /docs offers "Authorize".
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sftimeline.web.errors import ApiError
from sftimeline.web.settings import TOKEN_ENV, Settings

bearer = HTTPBearer(auto_error=False, description=f"The server's {TOKEN_ENV}.")


def require_writer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """A FastAPI dependency: refuse the request unless it carries the configured token."""
    settings: Settings = request.app.state.settings
    if settings.api_token is None:
        raise ApiError(
            403,
            f"this server is read-only: start it with {TOKEN_ENV} set to accept writes",
        )
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or not credentials.credentials.strip():
        raise ApiError(
            401, "writes need an Authorization: Bearer <token> header", headers=challenge
        )
    given = credentials.credentials.strip().encode()
    if not secrets.compare_digest(given, settings.api_token.encode()):
        raise ApiError(401, "the bearer token is not valid", headers=challenge)
