"""``HEAD`` answers as ``GET`` does, headers only, on every URL that takes ``GET``: link
checkers, proxies and monitoring ask ``HEAD`` and must not be told 405."""

from __future__ import annotations

import http.client
from urllib.parse import quote, urlsplit

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from sftimeline.web import api, pages

from .web_store import HOSTILE, LATE

#: A URL of every GET route of the app (route path → a concrete URL), and the docs.
EVERY_GET = {
    "/": "/?framework=national-2022",
    "/status": "/status?status=pending",
    "/status.{fmt}": "/status.csv",
    "/claims": "/claims?at_risk=true",
    "/claims.{fmt}": "/claims.json",
    "/families": "/families?q=FAM",
    "/families.{fmt}": "/families.json",
    "/families/{family:path}/audit-pack": f"/families/{LATE}/audit-pack?on=2024-10-01",
    "/families/{family:path}": f"/families/{quote(HOSTILE, safe='')}?on=2024-10-01",
    "/api": "/api",
    "/api/families": "/api/families",
    "/api/families/{family:path}/decision": f"/api/families/{LATE}/decision?on=2024-10-01",
    "/api/families/{family:path}/explain": f"/api/families/{LATE}/explain?on=2024-10-01",
    "/api/families/{family:path}/replay": f"/api/families/{LATE}/replay?to=2024-10-01",
    "/api/families/{family:path}/timeline": f"/api/families/{LATE}/timeline?on=2024-10-01",
    "/api/claims": "/api/claims",
    "/api/status": "/api/status?framework=national-2022",
}
OTHER_GETS = ["/docs", "/openapi.json", "/static/site/style.css"]
#: Headers that may differ between two answers to the same question.
VARYING = {"date"}


def test_every_get_route_has_a_url_here() -> None:
    routes = {
        r.path
        for router in (pages.router, api.router)
        for r in router.routes
        if isinstance(r, APIRoute) and "GET" in r.methods
    }
    assert routes == set(EVERY_GET)


@pytest.mark.parametrize("url", [*EVERY_GET.values(), *OTHER_GETS])
def test_head_answers_as_get_without_a_body(client: TestClient, url: str) -> None:
    got = client.get(url)
    head = client.head(url)
    assert got.status_code == 200, got.text
    assert head.status_code == 200 and head.content == b""
    assert {k: v for k, v in head.headers.items() if k not in VARYING} == {
        k: v for k, v in got.headers.items() if k not in VARYING
    }


@pytest.mark.parametrize(
    ("url", "status"), [("/families/NOPE", 404), ("/status?status=great", 400)]
)
def test_head_of_an_error_answers_its_status(client: TestClient, url: str, status: int) -> None:
    head = client.head(url)
    assert head.status_code == status and head.content == b""


def test_head_is_refused_where_get_is(client: TestClient) -> None:
    """A URL that takes only POST still refuses HEAD, as it refuses GET."""
    assert client.get("/api/records").status_code == 405
    assert client.head("/api/records").status_code == 405


def test_head_through_a_real_server_sends_the_length_and_no_body(live_url: str) -> None:
    """uvicorn on a socket: the length GET would send, and the connection stays usable
    (no stray body bytes are read as the next answer)."""
    where = urlsplit(live_url)
    conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
    try:
        conn.request("GET", "/families.json")
        got = conn.getresponse()
        body = got.read()
        conn.request("HEAD", "/families.json")
        head = conn.getresponse()
        assert head.status == 200 and head.read() == b""
        assert head.getheader("content-length") == str(len(body))
        conn.request("GET", "/api")
        assert conn.getresponse().status == 200
    finally:
        conn.close()
