"""Screenshot an answer article with its first citation opened, from a real library, for the README.

    .venv/bin/python docs/screenshots/take.py LIBRARY OUTPUT.png [--question "..."] [--url http://...]

Without --url it starts `curbside serve --library LIBRARY` on a free port and stops it afterwards;
with --url it uses a server already running over LIBRARY. The browser is Debian's chromium
(/usr/bin/chromium, or CURBSIDE_CHROMIUM), driven by Playwright. Asking saves the article in
LIBRARY, as asking in the web app always does.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CURBSIDE_CHROMIUM", "/usr/bin/chromium")
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
QUESTION = "What is the first-line treatment for community acquired pneumonia?"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen | None, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            sys.exit(f"curbside serve exited with status {server.returncode}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit(f"no curbside server answered at {url}")


def screenshot(url: str, question: str, output: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(base_url=url, viewport={"width": 1100, "height": 900}, device_scale_factor=1)
        page.set_default_timeout(60_000)
        page.goto("/")
        page.get_by_label("Your question").fill(question)
        page.get_by_role("button", name="Ask", exact=True).click()
        page.wait_for_url(re.compile(r"/threads/[^/?#]+$"))
        article = page.locator("section.turn.latest article.curbside-article")
        expect(article.locator("h1")).to_be_visible(timeout=60_000)
        citation = article.locator("details.citation").first
        citation.locator("summary.cite").click()
        expect(citation.locator(".passage-body mark")).to_be_visible()
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=output, full_page=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "library", type=Path, help="library folder to serve (e.g. one made by `curbside ingest starter`)"
    )
    parser.add_argument("output", type=Path, help="PNG file to write")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--url", help="use this running server instead of starting one")
    args = parser.parse_args()

    server = None
    url = args.url
    if url is None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "curbside.cli", "serve", "--library", str(args.library), "--port", str(port)]
        )
    try:
        wait_until_up(url.rstrip("/"), server)
        screenshot(url.rstrip("/"), args.question, args.output)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
