"""The HTTP API answers as the CLI does: for each endpoint, the JSON equals
``sftimeline … --format json`` for the same question on the same store; errors carry the
CLI's message and name the parameter at fault; writes need the bearer token."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from sftimeline.cli import main
from sftimeline.service import open_store

from .web_store import HOSTILE, LATE, TOKEN, cli_json

ON = "2024-10-01"
AT_CLAIM = "2024-10-01T12:00:00+00:00"
LATER = "2024-12-01"


def fam(code: str) -> str:
    return quote(code, safe="")


def get(client: TestClient, path: str, **params: str) -> Any:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_families_equal_the_cli(client: TestClient, store_url: str) -> None:
    result = CliRunner().invoke(main, ["--db", store_url, "families", "--format", "json"])
    assert get(client, "/api/families") == json.loads(result.stdout)


@pytest.mark.parametrize("family", [LATE, HOSTILE, "HT-0001"])
def test_a_decision_equals_the_cli_evaluate_of_that_family(
    client: TestClient, store_url: str, family: str
) -> None:
    framework = "hertfordshire-2018" if family.startswith("HT") else "national-2022"
    answer = get(
        client,
        f"/api/families/{fam(family)}/decision",
        on=ON,
        known_at=AT_CLAIM,
        framework=framework,
    )
    cli = cli_json(
        store_url,
        "evaluate",
        "--family",
        family,
        "--on",
        ON,
        "--known-at",
        AT_CLAIM,
        "--framework",
        framework,
        "--format",
        "json",
    )
    assert [answer] == cli


def test_an_explanation_is_the_services_and_the_cli_explains_the_same(
    client: TestClient, store_url: str
) -> None:
    answer = get(client, f"/api/families/{fam(LATE)}/explain", on=ON, known_at=LATER)
    with open_store(store_url) as store:
        explained = store.explain(LATE, ON, known_at=LATER)
    assert answer == explained.to_dict()
    assert answer["status"] == "pending"  # the late arrest, known by December
    cli = CliRunner().invoke(
        main, ["--db", store_url, "explain", LATE, "--on", ON, "--known-at", LATER]
    )
    assert cli.stdout == explained.text + "\n"


def test_a_replay_equals_the_cli_replay_with_its_known_at_diff(
    client: TestClient, store_url: str
) -> None:
    answer = get(
        client,
        f"/api/families/{fam(LATE)}/replay",
        to=ON,
        known_at=AT_CLAIM,
        diff_known_at=LATER,
    )
    cli = cli_json(
        store_url,
        "replay",
        LATE,
        "--to",
        ON,
        "--known-at",
        AT_CLAIM,
        "--diff-known-at",
        LATER,
        "--format",
        "json",
    )
    assert answer == cli
    assert answer["diff_known_at"]["arrivals"], "the late arrest arrived between T and T2"


def test_a_timeline_equals_the_cli_timeline(client: TestClient, store_url: str) -> None:
    answer = get(client, f"/api/families/{fam(HOSTILE)}/timeline", on=ON, known_at=AT_CLAIM)
    cli = cli_json(
        store_url, "timeline", HOSTILE, "--on", ON, "--known-at", AT_CLAIM, "--format", "json"
    )
    assert answer == cli
    assert answer["family"] == HOSTILE


@pytest.mark.parametrize("at_risk", [False, True])
def test_the_claims_register_equals_the_cli(
    client: TestClient, store_url: str, at_risk: bool
) -> None:
    flag = ["--at-risk"] if at_risk else []
    answer = get(client, "/api/claims", **({"at_risk": "true"} if at_risk else {}))
    assert answer == cli_json(store_url, "claims", *flag, "--format", "json")
    assert len(answer) == (1 if at_risk else 2)


@pytest.mark.parametrize(
    ("params", "args"),
    [
        ({}, []),
        ({"framework": "national-2022"}, ["--framework", "national-2022"]),
        (
            {"framework": "hertfordshire-2018", "pending": "true"},
            ["--framework", "hertfordshire-2018", "--pending"],
        ),
    ],
)
def test_the_status_table_equals_the_cli(
    client: TestClient, store_url: str, params: dict[str, str], args: list[str]
) -> None:
    answer = get(client, "/api/status", **params)
    assert answer == cli_json(store_url, "status", *args, "--format", "json")
    assert answer or params.get("pending")


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        (f"/api/families/{LATE}/decision", {"on": "2024-13-01"}, "on"),
        (f"/api/families/{LATE}/decision", {}, "on"),
        (f"/api/families/{LATE}/decision", {"on": ON, "known_at": "2024-10-01T12:00"}, "known_at"),
        (f"/api/families/{LATE}/explain", {"on": ON, "known_at": "yesterday"}, "known_at"),
        (f"/api/families/{LATE}/replay", {}, "to"),
        (f"/api/families/{LATE}/replay", {"to": ON, "diff_known_at": "later"}, "diff_known_at"),
        (f"/api/families/{LATE}/timeline", {"on": "1 Oct"}, "on"),
        ("/api/claims", {"at_risk": "maybe"}, "at_risk"),
        ("/api/status", {"pending": "2"}, "pending"),
        ("/api/status", {"eligible_by": "soon"}, "eligible_by"),
    ],
)
def test_a_bad_parameter_is_named_in_a_json_error(
    client: TestClient, path: str, params: dict[str, str], parameter: str
) -> None:
    answer = client.get(path, params=params)
    assert answer.status_code == 400
    body = answer.json()
    assert body["parameter"] == parameter
    assert body["error"].startswith(f"{parameter}: ")


def _cli_error(store_url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--db", store_url, *args])
    assert result.exit_code != 0
    return result.stderr.strip().removeprefix("Error: ")


def test_an_unknown_family_is_404_with_the_cli_message(client: TestClient, store_url: str) -> None:
    answer = client.get("/api/families/NOPE/decision", params={"on": ON})
    assert answer.status_code == 404
    assert answer.json()["error"] == _cli_error(store_url, "explain", "NOPE", "--on", ON)


def test_an_unknown_framework_is_404_with_the_cli_message(
    client: TestClient, store_url: str
) -> None:
    answer = client.get(f"/api/families/{LATE}/explain", params={"on": ON, "framework": "zz"})
    assert answer.status_code == 404
    cli = _cli_error(store_url, "explain", LATE, "--on", ON, "--framework", "zz")
    assert answer.json()["error"] == cli


def test_a_framework_id_is_never_read_as_a_file(client: TestClient) -> None:
    answer = client.get(
        f"/api/families/{LATE}/decision", params={"on": ON, "framework": "/etc/passwd"}
    )
    assert answer.status_code == 404
    assert "root:" not in answer.text


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    paths = set(get(client, "/openapi.json")["paths"])
    assert {
        "/api/families",
        "/api/families/{family}/decision",
        "/api/families/{family}/explain",
        "/api/families/{family}/replay",
        "/api/families/{family}/timeline",
        "/api/claims",
        "/api/status",
        "/api/records",
    } <= paths
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert "cdn." not in docs.text  # served from the package: opens without a network


# ---------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------

RETRACT = {
    "type": "record_retracted",
    "family": LATE,
    "occurred_on": "2024-11-20",
    "recorded_at": "2024-11-20T12:00:00+00:00",
    "source": "police",
    "source_id": "RET-LATE-1",
    "target_source": "police",
    "target_source_id": f"{LATE}:INC-9",
    "reason": "entered against the wrong person",
}
BAD = {**RETRACT, "source_id": "RET-LATE-2", "occurred_on": "2024-31-01"}


def test_a_server_without_a_token_is_read_only_and_says_so(client: TestClient) -> None:
    assert get(client, "/api")["read_only"] is True
    answer = client.post(
        "/api/records", content=json.dumps(RETRACT), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert answer.status_code == 403
    assert "read-only" in answer.json()["error"]
    assert "SFTIMELINE_API_TOKEN" in answer.json()["error"]


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", "Bearer "])
def test_a_write_without_the_right_token_is_refused(writer: TestClient, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    answer = writer.post("/api/records", content=json.dumps(RETRACT) + "\n", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert len(get(writer, "/api/claims", at_risk="true")) == 1  # nothing was stored


def _post(writer: TestClient, body: str) -> Any:
    return writer.post("/api/records", content=body, headers={"Authorization": f"Bearer {TOKEN}"})


def test_posted_json_lines_are_imported_and_the_process_runs_after(writer: TestClient) -> None:
    answer = _post(writer, json.dumps(RETRACT) + "\n")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["totals"]["rows"], body["totals"]["stored"], body["rejections"]) == (1, 1, [])
    assert body["process"]["run"] is not None
    # the retraction restores the claim: the process cleared it
    assert get(writer, "/api/claims", at_risk="true") == []
    again = _post(writer, json.dumps(RETRACT) + "\n").json()
    assert (again["totals"]["stored"], again["totals"]["unchanged"]) == (0, 1)


def test_a_bad_line_is_rejected_as_import_rejects_it_and_the_rest_is_stored(
    writer: TestClient, fresh_url: str, tmp_path: Any
) -> None:
    body = json.dumps(BAD) + "\n" + "{not json\n" + json.dumps(RETRACT) + "\n"
    answer = _post(writer, body)
    assert answer.status_code == 422
    got = answer.json()
    assert got["totals"]["stored"] == 1
    assert [(r["line"], r["fields"]) for r in got["rejections"]] == [
        (1, ["occurred_on"]),
        (2, ["line"]),
    ]
    # the same rejections as `sftimeline import -` of the same lines writes to --rejects
    rejects = tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(
        main, ["--db", fresh_url, "import", "-", "--rejects", str(rejects)], input=body
    )
    assert result.exit_code == 1
    cli = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [{"kind": "rejected", **r} for r in got["rejections"]] == cli


def test_a_json_array_is_imported_item_by_item(writer: TestClient) -> None:
    answer = _post(writer, json.dumps([BAD, 7, RETRACT]))
    assert answer.status_code == 422
    got = answer.json()
    assert got["totals"]["stored"] == 1
    assert [r["line"] for r in got["rejections"]] == [1, 2]


@pytest.mark.parametrize("body", ["", "   \n", '[{"type": ', '{"a": 1}'])
def test_an_empty_or_malformed_body_is_refused_whole_or_rejected(
    writer: TestClient, body: str
) -> None:
    answer = _post(writer, body)
    if body.strip().startswith("{"):
        assert answer.status_code == 422  # one line, rejected as import rejects it
        assert answer.json()["rejections"][0]["line"] == 1
    else:
        assert answer.status_code == 400
        assert answer.json()["parameter"] == "body"


def test_an_import_takes_input_limits_by_name_as_the_cli_does(writer: TestClient) -> None:
    """docs/records.md, Limits: the same settings as ``sftimeline import --limit``."""
    late = {**RETRACT, "source_id": "RET-LATE-3", "reason": "r" * 12_000}
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = json.dumps(late) + "\n"
    refused = writer.post("/api/records", content=body, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["rejections"][0]["fields"] == ["reason"]
    for bad, says in [("max_depth=0", "max_depth must be a whole number"), ("x", "NAME=VALUE")]:
        answer = writer.post("/api/records", params={"limit": bad}, content=body, headers=headers)
        assert answer.status_code == 400
        assert says in answer.json()["error"]
    kept = writer.post(
        "/api/records", params={"limit": "max_string_chars=12000"}, content=body, headers=headers
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["totals"]["stored"] == 1
