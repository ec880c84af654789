"""`sftimeline serve`: the store of every command, loopback by default, refuses a store
that does not exist before binding anything."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from sftimeline.cli import main
from sftimeline.web import server


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Capture what serve would run instead of running it."""
    seen: dict[str, Any] = {}

    def fake_run(app: Any, host: str, port: int) -> None:
        seen.update(app=app, host=host, port=port)

    monkeypatch.setattr(server, "run", fake_run)
    return seen


def test_serve_binds_loopback_by_default_on_the_commands_store(
    served: dict[str, Any], store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SFTIMELINE_API_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["--db", store_url, "serve"])
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8000)
    settings = served["app"].state.settings
    assert settings.store_url == store_url and settings.read_only
    assert "read-only" in result.stderr


def test_serve_takes_the_token_from_the_environment_and_warns_off_loopback(
    served: dict[str, Any], store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SFTIMELINE_API_TOKEN", "t0ken")
    monkeypatch.setenv("SFTIMELINE_DB", store_url)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "9001"])
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("0.0.0.0", 9001)
    assert served["app"].state.settings.api_token == "t0ken"
    assert "not a loopback address" in result.stderr


def test_serve_refuses_a_missing_store_before_binding(
    served: dict[str, Any], tmp_path: Any
) -> None:
    missing = str(tmp_path / "none.sqlite")
    result = CliRunner().invoke(main, ["--db", missing, "serve"])
    assert result.exit_code == 3
    assert "no store at" in result.stderr
    assert served == {}


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_serve_names_a_bad_port(served: dict[str, Any], store_url: str, port: str) -> None:
    result = CliRunner().invoke(main, ["--db", store_url, "serve", "--port", port])
    assert result.exit_code == 2 and "'--port'" in result.stderr
    assert served == {}


def test_loopback_addresses() -> None:
    assert server.is_loopback("127.0.0.1") and server.is_loopback("::1")
    assert server.is_loopback("localhost") and server.is_loopback("127.8.0.1")
    assert not server.is_loopback("0.0.0.0") and not server.is_loopback("example.org")
