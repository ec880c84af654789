"""Fixtures of the web tests: a store loaded with the examples, the app on it, a live
server on a loopback port, and Debian's headless Chromium driven through chromedriver."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sftimeline.web import Settings, create_app
from sftimeline.web.server import serving

from .web_store import ROOT, TOKEN, build


@pytest.fixture(scope="session")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("web") / "county.sqlite"
    build(str(path)).close()
    return str(path)


@pytest.fixture(scope="session")
def client(store_url: str) -> Iterator[TestClient]:
    """Read-only app (no token), errors answered as a client sees them."""
    with TestClient(create_app(Settings(store_url)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture()
def fresh_url(tmp_path: Path) -> str:
    """A store of its own for a test that writes."""
    path = tmp_path / "county.sqlite"
    build(str(path)).close()
    return str(path)


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
def live_url(store_url: str) -> Iterator[str]:
    with serving(create_app(Settings(store_url))) as url:
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
