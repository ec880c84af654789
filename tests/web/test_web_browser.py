"""The web view in a real browser: Debian's headless Chromium, driven by Selenium through
Debian's chromedriver (the same package build as the browser, so never a version apart),
against uvicorn on a loopback port. Each test saves screenshots under out/screenshots/
(or $SFTIMELINE_SCREENSHOTS) for a person to look at."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from .web_store import HOSTILE, LATE

pytestmark = pytest.mark.browser

CLAIM_DATE = "2024-10-01"
AT_CLAIM = "2024-10-01T12:00:00+00:00"


def _open(browser: Any, url: str) -> None:
    browser.get(url)
    assert browser.find_element(By.TAG_NAME, "main")


def _click_and_wait(browser: Any, target: Any) -> None:
    """Click a link or submit button and wait until the next page has replaced this one: a
    click returns before the browser navigates, so reading the page at once can read the old
    one (a heavily loaded machine shows it). The new page is also waited for until it has
    loaded: an element found while it is still being parsed can belong to a document the
    browser then replaces ("Node with given id does not belong to the document")."""
    old = browser.find_element(By.TAG_NAME, "main")
    target.click()
    wait = WebDriverWait(browser, 30)
    wait.until(expected_conditions.staleness_of(old))
    wait.until(lambda b: b.execute_script("return document.readyState") == "complete")
    assert browser.find_element(By.TAG_NAME, "main")


def _shot(browser: Any, screenshots: Path, name: str) -> Path:
    """A screenshot of the whole page, beyond the window (Chromium's DevTools capture)."""
    import base64

    metrics = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    path = screenshots / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 10_000, "the screenshot is (nearly) empty"
    return path


def _no_alert(browser: Any) -> None:
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 - raises when no script ran alert()


def test_overview_counts_link_to_their_lists_and_claims_at_risk_come_first(
    browser: Any, live_url: str, screenshots: Path
) -> None:
    _open(browser, f"{live_url}/?framework=national-2022")
    _shot(browser, screenshots, "overview-national-2022")
    cards = {
        a.get_attribute("data-section"): a
        for a in browser.find_elements(By.CSS_SELECTOR, "ul.cards a")
    }
    assert set(cards) == {
        "eligible",
        "pending",
        "regressed",
        "evidence_required",
        "claims_at_risk",
        "evaluation_failed",
    }
    assert cards["claims_at_risk"].find_element(By.CLASS_NAME, "count").text == "1"
    # the hostile family code: the process refuses to evaluate it, and says so
    assert cards["evaluation_failed"].find_element(By.CLASS_NAME, "count").text == "1"
    _click_and_wait(browser, cards["claims_at_risk"])
    assert browser.current_url.startswith(f"{live_url}/claims")
    states = [
        tr.get_attribute("data-state")
        for tr in browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr")
    ]
    assert states == ["at_risk"]
    _open(browser, f"{live_url}/claims")
    states = [
        tr.get_attribute("data-state")
        for tr in browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr")
    ]
    assert states[0] == "at_risk" and "unsupported" in states[1:]
    _shot(browser, screenshots, "claims-register")
    _no_alert(browser)


def test_a_family_page_shows_the_decision_timeline_and_changes_with_known_at(
    browser: Any, live_url: str, screenshots: Path
) -> None:
    _open(browser, f"{live_url}/families/{LATE}?framework=national-2022&on={CLAIM_DATE}")
    decision = browser.find_element(By.ID, "decision")
    assert decision.get_attribute("data-status") == "pending"  # the late arrest, known now
    bars = browser.find_elements(By.CSS_SELECTOR, "svg#timeline g.criterion-bar")
    assert {b.get_attribute("data-criterion") for b in bars} == {
        "national-2022:7.1",
        "national-2022:3.2",
        "national-2022:10.2",
    }
    assert len(browser.find_elements(By.CSS_SELECTOR, "section.criterion")) == 3
    _shot(browser, screenshots, "family-known-now")

    field = browser.find_element(By.ID, "known_at")
    field.clear()
    field.send_keys(AT_CLAIM)
    _click_and_wait(
        browser, browser.find_element(By.CSS_SELECTOR, "#known-at-form button[type=submit]")
    )
    assert "known_at=" in browser.current_url
    decision = browser.find_element(By.ID, "decision")
    assert decision.get_attribute("data-status") == "eligible"
    assert decision.get_attribute("data-eligible-from") == "2024-09-20"
    assert decision.get_attribute("data-known-at") == AT_CLAIM
    _shot(browser, screenshots, "family-known-at-claim")

    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "a[data-link=known-now]"))
    assert browser.find_element(By.ID, "decision").get_attribute("data-status") == "pending"


def test_hostile_family_code_and_note_are_shown_as_text_and_run_nothing(
    browser: Any, live_url: str, screenshots: Path
) -> None:
    _open(browser, f"{live_url}/families?q=EVIL")
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "a.family") if "EVIL" in a.text)
    assert "U+202E" in link.text  # the override is shown, not obeyed
    _click_and_wait(browser, link)
    _no_alert(browser)
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert "<script>alert('family')</script>" in heading and "U+202E" in heading
    notes = browser.find_elements(By.XPATH, "//*[contains(text(), \"onerror=alert('note')\")]")
    assert notes, "the hostile note is shown as text"
    assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img")
    _shot(browser, screenshots, "family-hostile")


def test_list_pages_offer_their_rows_as_json_and_csv(browser: Any, live_url: str) -> None:
    for path in ("/claims", "/families", "/status?framework=national-2022&status=pending"):
        _open(browser, live_url + path)
        links = {
            a.get_attribute("data-export"): a.get_attribute("href")
            for a in browser.find_elements(By.CSS_SELECTOR, ".exports a")
        }
        assert set(links) == {"json", "csv"}, path
        rows = browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr[data-family]")
        as_json = httpx.get(links["json"]).json()
        assert len(as_json) == len(rows), path
        csv_lines = httpx.get(links["csv"]).text.splitlines()
        assert len(csv_lines) == len(rows) + 1, path


def test_the_audit_pack_downloads_from_the_family_page(browser: Any, live_url: str) -> None:
    _open(browser, f"{live_url}/families/{quote(HOSTILE, safe='')}?on={CLAIM_DATE}")
    href = browser.find_element(By.CSS_SELECTOR, "a[data-link=audit-pack]").get_attribute("href")
    answer = httpx.get(href)
    assert answer.status_code == 200
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="audit-pack-EVIL_script_alert_family_')
    assert "<svg id='timeline'" in answer.text


def test_api_documentation_opens_without_a_network(
    browser: Any, live_url: str, screenshots: Path
) -> None:
    _open_docs = f"{live_url}/docs"
    browser.get(_open_docs)
    browser.implicitly_wait(10)
    try:
        ops = browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
        paths = {o.text.replace("\u200b", "") for o in ops}
    finally:
        browser.implicitly_wait(0)
    assert "/api/families/{family}/decision" in paths
    _shot(browser, screenshots, "api-docs")


def test_json_and_pages_agree_on_a_family(live_url: str) -> None:
    decision = httpx.get(
        f"{live_url}/api/families/{LATE}/decision",
        params={"on": CLAIM_DATE, "known_at": AT_CLAIM},
    ).json()
    page = httpx.get(
        f"{live_url}/families/{LATE}", params={"on": CLAIM_DATE, "known_at": AT_CLAIM}
    ).text
    assert f'data-status="{decision["status"]}"' in page
    assert json.dumps(decision["eligible_from"]).strip('"') in page
