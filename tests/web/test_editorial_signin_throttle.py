"""Sign-in throttling counts failures per account and per real client address (issue 12, item 7):
one client failing from behind a proxy does not lock out everyone behind it, and X-Forwarded-For
is believed only from the proxies the operator names in settings (none by default), so rotating
it does not escape the limit. Addresses are from the documentation ranges; names are synthetic."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from curbside.cli import app as cli_app
from curbside.config import Settings
from curbside.errors import LibraryError
from curbside.library import Library
from curbside.publish.users import MAX_FAILURES_PER_ADDRESS
from curbside.web import create_app

PASSWORD = "synthetic-password-1"
PROXY = "192.0.2.10"


def _library(tmp_path, settings: str = "") -> Library:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "settings.toml").write_text(settings, encoding="utf-8")
    library = Library(folder)
    library.editorial.add_user("synthetic-staff", "author", PASSWORD)
    return library


def _browser(app, peer: str) -> TestClient:
    browser = TestClient(app, raise_server_exceptions=False, client=(peer, 50000))
    browser.get("/login")  # the CSRF cookie the sign-in form carries
    return browser


def _sign_in(browser: TestClient, name: str, password: str, forwarded: str = ""):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return browser.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": browser.cookies["curbside_csrf"]},
        headers=headers,
        follow_redirects=False,
    )


def _spray(browser: TestClient, forwarded) -> None:
    """Failures over many names (never five for one), enough to lock one address."""
    for number in range(MAX_FAILURES_PER_ADDRESS):
        assert _sign_in(browser, f"synthetic-guess-{number}", "wrong-password-1", forwarded(number)).status_code == 401


def test_one_client_behind_a_named_proxy_locks_only_itself(tmp_path) -> None:
    library = _library(tmp_path, f'trusted_proxies = ["{PROXY}"]\n')
    try:
        app = create_app(library)
        attacker, colleague = _browser(app, PROXY), _browser(app, PROXY)
        _spray(attacker, lambda n: "198.51.100.250, 203.0.113.5")  # the proxy appends the real client last
        refused = _sign_in(attacker, "synthetic-staff", PASSWORD, "203.0.113.5")
        assert refused.status_code == 429 and "from your address (203.0.113.5)" in refused.text
        assert _sign_in(colleague, "synthetic-staff", PASSWORD, "203.0.113.9").status_code == 303
    finally:
        library.close()


def test_forwarded_headers_from_anyone_else_are_not_believed(tmp_path) -> None:
    library = _library(tmp_path)  # no trusted proxies: the default
    try:
        browser = _browser(create_app(library), "198.51.100.7")
        _spray(browser, lambda n: f"203.0.113.{n}")  # a new address each time does not help
        refused = _sign_in(browser, "synthetic-staff", PASSWORD, "203.0.113.200")
        assert refused.status_code == 429 and "(198.51.100.7)" in refused.text
        assert _sign_in(_browser(create_app(library), "198.51.100.8"), "synthetic-staff", PASSWORD).status_code == 303
    finally:
        library.close()


def test_serve_does_not_let_uvicorn_believe_forwarded_headers(tmp_path, monkeypatch) -> None:
    """uvicorn's default trusts X-Forwarded-For from any local client; the app decides instead."""
    import uvicorn

    library = _library(tmp_path)
    library.close()
    calls = []
    monkeypatch.setenv("CURBSIDE_LIBRARY", str(library.path))  # serve --workers sets it; restored after the test
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    for workers in ("1", "2"):
        result = CliRunner().invoke(
            cli_app, ["serve", "--library", str(library.path), "--port", "0", "--workers", workers]
        )
        assert result.exit_code == 0, result.output
    assert [call.get("proxy_headers") for call in calls] == [False, False]


@pytest.mark.parametrize("value", ['"not-an-address"', '["10.0.0.0/8", "proxy.example"]', "5"])
def test_a_trusted_proxy_that_is_no_address_is_refused_in_one_sentence(tmp_path, value) -> None:
    (tmp_path / "settings.toml").write_text(f"trusted_proxies = {value}\n", encoding="utf-8")
    with pytest.raises(LibraryError, match=r"trusted_proxies in .*settings\.toml .*; fix"):
        Settings.load(tmp_path)
