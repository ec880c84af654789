"""Fixtures of the web tests: a store loaded with the examples, the app on it, a live
server on a loopback port, and Debian's headless Chromium driven through chromedriver.

The HTTP-level tests (``client``, ``store_url``, ``writer``) run twice: on a SQLite file and
on PostgreSQL (127.0.0.1:5432, a fresh schema per test module, or per test for a store
that is written to), skipped with the reason where no server is reachable. The browser
tests run on the SQLite store only: they test the pages a browser draws, which the HTTP
tests have shown are the same on both stores.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import fresh_pg_schema
from sftimeline.web import Settings, create_app
from sftimeline.web.server import serving

from .web_store import ROOT, TOKEN, build

STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def built_pg_store() -> Iterator[str]:
    """The example store (web_store.py) in a fresh PostgreSQL schema, dropped after;
    skips the test where no server is reachable.

    While it is in use, every store opened in this process (the app's, the CLI's) keeps
    one pooled connection per application (plus one on demand) instead of the library's
    default five: an app lives for a whole test module, the server's connections are
    shared by every suite running on the machine, and a request is served one at a time.
    """
    with fresh_pg_schema("web_") as url, pytest.MonkeyPatch.context() as env:
        env.setenv("POSTGRES_POOL_SIZE", "1")
        env.setenv("POSTGRES_MAX_OVERFLOW", "1")
        build(url).close()
        yield url


@pytest.fixture(scope="session")
def county_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example store in a SQLite file, built once per test process."""
    path = tmp_path_factory.mktemp("web") / "county.sqlite"
    build(str(path)).close()
    return str(path)


@pytest.fixture(scope="module", params=STORES)
def store_url(request: pytest.FixtureRequest, county_sqlite: str) -> Iterator[str]:
    """The example store: the SQLite file, or the same records in PostgreSQL."""
    if request.param == "sqlite":
        yield county_sqlite
        return
    with built_pg_store() as url:
        yield url


@pytest.fixture(scope="module")
def client(store_url: str) -> Iterator[TestClient]:
    """Read-only app (no token), errors answered as a client sees them."""
    with TestClient(create_app(Settings(store_url)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(params=STORES)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store of its own for a test that writes (SQLite, or a PostgreSQL schema)."""
    if request.param == "sqlite":
        path = tmp_path / "county.sqlite"
        build(str(path)).close()
        yield str(path)
        return
    with built_pg_store() as url:
        yield url


@pytest.fixture()
def writer(fresh_url: str) -> Iterator[TestClient]:
    """An app that accepts writes with :data:`TOKEN`, on a store of its own."""
    app = create_app(Settings(fresh_url, api_token=TOKEN))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


# ---------------------------------------------------------------------------
# A real server and a real browser
# ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = Path(os.environ.get("SFTIMELINE_SCREENSHOTS", ROOT / "out" / "screenshots"))


@pytest.fixture(scope="session")
def live_url(county_sqlite: str) -> Iterator[str]:
    with serving(create_app(Settings(county_sqlite))) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "no chromium/chromedriver on PATH (apt-get install chromium chromium-driver; "
            ".ci/run installs them)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=en-GB",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
