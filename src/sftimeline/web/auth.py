"""Bearer-token check for the write endpoints.

A single shared token (``SFTIMELINE_API_TOKEN``) is enough for a case-management system
pushing late records to a council's own server; it is compared in constant time so its
length and prefix cannot be probed by timing. Reads need no token: the pages and the JSON
are for the council's analysts on a loopback or internal address.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from sftimeline.web.errors import ApiError
from sftimeline.web.settings import TOKEN_ENV, Settings


def require_writer(request: Request) -> None:
    """A FastAPI dependency: refuse the request unless it carries the configured token."""
    settings: Settings = request.app.state.settings
    if settings.api_token is None:
        raise ApiError(
            403,
            f"this server is read-only: start it with {TOKEN_ENV} set to accept writes",
        )
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(
            401,
            "writes need an Authorization: Bearer <token> header",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not secrets.compare_digest(given.strip().encode(), settings.api_token.encode()):
        raise ApiError(401, "the bearer token is not valid", headers={"WWW-Authenticate": "Bearer"})
