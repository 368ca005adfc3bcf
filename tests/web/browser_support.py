"""What the browser tests share: a real uvicorn server on a free port, Debian's chromium under
Playwright, and a watch on each page for what it must never do."""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

from curbside.web import create_app

CHROMIUM = Path(os.environ.get("CURBSIDE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000  # per wait; a whole run takes a few seconds


@contextmanager
def running_server(library):
    """The app over `library`, served by uvicorn in a thread; yields its base URL."""
    # The socket is bound here, so the port cannot be taken between choosing it and serving on it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(library), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="curbside-server")
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:  # polls until the server answers: the lifespan warms the encoder up first
        try:
            if server.started and httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail(f"the curbside server at {url} did not start (thread alive: {thread.is_alive()})")
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def launched_browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (`make test` does: scripts/ensure-chromium) "
            "or point CURBSIDE_CHROMIUM at a chromium binary. This test is never skipped."
        )
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Watch:
    """What a page did that it should not: console errors, uncaught exceptions, dialogs, requests elsewhere."""

    def __init__(self, page: Page, base_url: str):
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and self.problems.append(f"console: {msg.text} ({msg.location.get('url')}, page {page.url})")
            ),
        )
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("dialog", self._dialog)
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")
            ),
        )
        page.on(
            "request",
            lambda request: (
                request.url.startswith((base_url + "/", "data:"))
                or self.problems.append(f"request outside the app: {request.url}")
            ),
        )

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_clean(self) -> None:
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"
        assert self.problems == [], "\n".join(self.problems)
