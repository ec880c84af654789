"""The pages as HTML (no browser): what they show, that outside text stays text, that every
list offers its rows as JSON (the API's rows) and CSV, and the audit pack's download."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from sftimeline.web.export import cell, to_csv
from sftimeline.web.render import show, store_label

from .web_store import HOSTILE, HOSTILE_NOTE, LATE

ON = "2024-10-01"


def test_the_overview_counts_each_section_and_links_to_its_list(client: TestClient) -> None:
    page = client.get("/", params={"framework": "national-2022"}).text
    assert 'data-section="claims_at_risk"><span class="count">1</span>' in page
    assert 'data-section="evaluation_failed"><span class="count">1</span>' in page
    assert "the family code contains control characters" in page
    assert 'href="/status?framework=national-2022&amp;status=pending"' in page
    assert 'href="/claims?at_risk=true"' in page


def test_the_overview_without_a_framework_enabled_says_what_to_run(tmp_path: object) -> None:
    from sftimeline.service import open_store
    from sftimeline.web import Settings, create_app

    url = str(tmp_path) + "/bare.sqlite"  # type: ignore[operator]
    open_store(url).import_records(
        [{"type": "family_nominated", "family": "X1", "occurred_on": "2024-01-01"}]
    )
    with TestClient(create_app(Settings(url))) as c:
        page = c.get("/").text
    assert 'id="no-status"' in page and "sftimeline process enable" in page


def test_hostile_text_is_escaped_and_its_direction_isolated(client: TestClient) -> None:
    page = client.get(f"/families/{quote(HOSTILE, safe='')}", params={"on": ON}).text
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#39;family&#39;)&lt;/script&gt;" in page
    assert not any("\u202e" in text for text in _texts(page))  # shown, never obeyed
    assert '<span class="ctl" title="RIGHT-TO-LEFT OVERRIDE">U+202E</span>' in page
    assert "&lt;img src=x onerror=alert(&#39;note&#39;)&gt;" in page


def _texts(page: str) -> list[str]:
    """The text a reader sees (element content, not attribute values)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Texts(HTMLParser):
        def handle_data(self, data: str) -> None:
            found.append(data)

    Texts().feed(page)
    return found


def test_every_page_forbids_scripts_and_framing(client: TestClient) -> None:
    for path in ("/", "/claims", "/families", f"/families/{LATE}?on={ON}"):
        headers = client.get(path).headers
        assert "script-src 'none'" in headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff", path


def test_show_makes_invisible_characters_visible() -> None:
    assert str(show("a\u200bb")) == (
        '<bdi>a<span class="ctl" title="ZERO WIDTH SPACE">U+200B</span>b</bdi>'
    )
    assert str(show("<b>")) == "<bdi>&lt;b&gt;</bdi>"
    assert str(show(None)) == ""


@pytest.mark.parametrize(
    ("path", "api"),
    [
        ("/claims", "/api/claims"),
        ("/claims?at_risk=true", "/api/claims?at_risk=true"),
        ("/status?framework=hampshire", "/api/status?framework=hampshire"),
    ],
)
def test_a_list_page_json_export_is_the_api_answer(client: TestClient, path: str, api: str) -> None:
    base, _, query = path.partition("?")
    exported = client.get(f"{base}.json" + (f"?{query}" if query else "")).json()
    expected = client.get(api).json()
    if base == "/claims":  # the register page lists claims at risk first
        expected.sort(key=lambda c: c["state"] != "at_risk")
    assert exported == expected


def test_the_csv_export_has_a_row_per_item_and_defuses_formulas(client: TestClient) -> None:
    text = client.get("/claims.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["family"] for r in rows] == [LATE, "FAM-0001"]  # at risk first
    assert rows[0]["criteria"] == ""
    assert cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert cell("-3") == "-3" and cell(["a", "b"]) == "a; b" and cell(True) == "true"
    assert to_csv([{"a": {"k": 1}}]) == 'a\n"{""k"": 1}"\n'


def test_the_families_page_filters_and_exports(client: TestClient) -> None:
    page = client.get("/families", params={"q": "ht-"}).text
    assert "HT-0001" in page and "FAM-0001" not in page
    assert client.get("/families.json?q=ht-").json() == [
        {"family": "HT-0001"},
        {"family": "HT-0002"},
    ]
    assert client.get("/families.xml").status_code == 404


def test_the_status_page_refuses_an_unknown_status_naming_it(client: TestClient) -> None:
    answer = client.get("/status.json", params={"status": "great"})
    assert answer.status_code == 400 and answer.json()["parameter"] == "status"
    page = client.get("/status", params={"status": "great"})
    assert page.status_code == 400 and "status: &#39;great&#39; is not one of" in page.text


def test_a_family_page_defaults_to_its_nomination_framework(client: TestClient) -> None:
    page = client.get("/families/HT-0001").text
    assert '<option value="hertfordshire-2018" selected>' in page


def test_a_family_page_for_an_unknown_family_is_a_404_page(client: TestClient) -> None:
    answer = client.get("/families/NOPE")
    assert answer.status_code == 404 and 'id="error"' in answer.text


def test_the_audit_pack_downloads_as_a_file_with_a_safe_name(client: TestClient) -> None:
    answer = client.get(f"/families/{quote(HOSTILE, safe='')}/audit-pack", params={"on": ON})
    assert answer.status_code == 200
    name = answer.headers["content-disposition"]
    assert name.startswith('attachment; filename="audit-pack-EVIL_script_alert_family_script_')
    assert name.endswith('-national-2022-2024-10-01.html"')
    assert "<svg id='timeline'" in answer.text
    assert HOSTILE_NOTE not in answer.text  # the pack escapes it too


def test_the_footer_never_shows_a_store_password() -> None:
    assert store_label("postgresql://u:pw@h:5432/db") == "postgresql://u@h:5432/db"
    assert store_label("./x.sqlite") == "./x.sqlite"


def test_the_audit_pack_shows_invisible_characters_instead_of_obeying_them() -> None:
    from sftimeline.reports.visible import make_visible

    assert make_visible("1000-MAF\u202e") == "1000-MAF[U+202E]"
    assert make_visible("plain\ttext\n") == "plain\ttext\n"


def test_the_audit_pack_download_carries_no_raw_override(client: TestClient) -> None:
    pack = client.get(f"/families/{quote(HOSTILE, safe='')}/audit-pack", params={"on": ON}).text
    assert "\u202e" not in pack and "[U+202E]1000-MAF" in pack


def test_a_family_page_evaluates_the_family_once(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decision the page shows and the picture it draws (the audit pack's) come from
    one evaluation: evaluating a large family is the page's whole cost."""
    from sftimeline.policies import evaluator

    calls: list[str] = []
    real = evaluator.evaluate_family

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluator, "evaluate_family", counting)
    page = client.get(f"/families/{LATE}", params={"on": ON, "framework": "national-2022"})
    assert page.status_code == 200 and "<svg id='timeline'" in page.text
    assert calls == [LATE]
