"""The ASGI app: the JSON API under ``/api``, the pages, OpenAPI documentation at ``/docs``.

One :class:`~sftimeline.service.Store` serves every request (its connections open on first
use and are closed when the server stops); calls into it are serialised by a lock, because
the event store's connection and cache are not meant to be shared by threads, and a
council's analysts are a handful of people, not a crowd.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sftimeline.web import api, errors, pages
from sftimeline.web.render import HERE
from sftimeline.web.settings import Settings

if TYPE_CHECKING:
    from sftimeline.service import Store

DESCRIPTION = """\
Decisions of the Supporting Families frameworks on any date, as known at any time: the same
answers as the `sftimeline` command line, as JSON. Every `GET` is read-only and needs no
token; `POST /api/records` needs `Authorization: Bearer <SFTIMELINE_API_TOKEN>`, and a
server started without that variable refuses every write. Errors are
`{"error": message, "parameter": name?}` with the CLI's message.
"""


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The app for ``settings``; ``store`` defaults to ``open_store(settings.store_url)``."""
    from sftimeline import __version__
    from sftimeline.service import open_store

    the_store = store if store is not None else open_store(settings.store_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        the_store.close()

    # FastAPIOffline: /docs serves Swagger UI from the package, not a CDN (a council's
    # network may have no way out, and the docs must still open).
    app = FastAPIOffline(
        title="sftimeline",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        static_url="/static/docs",
    )
    app.state.settings = settings
    app.state.store = the_store
    app.state.lock = threading.Lock()
    app.state.frameworks = {}
    errors.install(app)
    app.mount("/static/site", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    return app


class HeadAsGet:
    """``HEAD`` on any ``GET`` URL (every page, export, the JSON API, the docs) answers as
    ``GET`` would, headers only. FastAPI's routes accept only the methods they are
    declared with, so without this a link checker or a proxy's health check asking
    ``HEAD /`` got 405; declaring ``HEAD`` on each route would also list it in the OpenAPI
    document as a second operation. A URL that takes no ``GET`` (``POST /api/records``)
    still answers 405. The handler runs as for ``GET`` (its headers, ``Content-Length``
    included, are the ones ``GET`` sends) and the body is dropped on the way out.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


#: Pages run no script; the audit pack and the SVG use inline styles; nothing is framed.
_CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


class SecurityHeaders:
    """Headers that keep hostile record content inert even if it escaped the templates:
    no script runs on a page (``/docs`` excepted: Swagger UI is a script), no MIME
    sniffing, no framing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(("/docs", "/redoc", "/static/docs"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"same-origin"))
                if not docs:
                    headers.append((b"content-security-policy", _CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
