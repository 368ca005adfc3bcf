"""The web app in a real browser: Playwright driving Debian's chromium against a real uvicorn server.

One reader's path through the app (ask, read, open a citation, follow it to the source, change
the audience, ask a follow-up, browse saved articles, policy, status), and a planted source whose
title and passage carry `<script>` and an `<img onerror>` that must show as text and never run.
Every page is watched for console errors (a CSP violation lands there), uncaught exceptions,
dialogs and requests to anywhere but the app itself.

The library is synthetic: the drugs and conditions are invented and the sentences say nothing
true about medicine. chromium is required, never skipped: CI installs it (see .ci/run).
`CURBSIDE_UPDATE_SCREENSHOTS=1` also copies the article screenshot to docs/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, expect
from synthetic_library import build

from curbside.ingest.run import ingest
from curbside.model import Document, IngestReport, Passage, Source

from .browser_support import TIMEOUT_MS, Watch, launched_browser, running_server

pytestmark = pytest.mark.browser  # drives chromium

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "docs" / "screenshots" / "article.png"

QUESTION = "What is the first-line treatment for synthetic neuropathy?"
FOLLOW_UP = "what about in children?"

# Markup planted in a source's title and passage: shown as text, it must never run.
XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'
XSS_SOURCE_ID = "test:wobble-markup"
XSS_QUESTION = "What is the first-line treatment for fictional wobble fever?"


def plant_markup_source(library) -> None:
    source = Source(
        id=XSS_SOURCE_ID,
        kind="guideline",
        title=f"Fictional wobble fever guideline {XSS_SCRIPT} {XSS_IMG}",
        origin="test",
        developer="Synthetic Society",
        year=2022,
        identifiers={"doi": "10.0000/wobble-markup"},
        conditions=["fictional wobble fever"],
    )
    rows = [
        (
            "Recommendations › Treatment",
            f"Wobblamab 5 mg once daily is recommended as first-line therapy for fictional wobble fever {XSS_SCRIPT} "
            f"{XSS_IMG} (Grade 1A).",
        ),
        (
            "Recommendations › Monitoring",
            "Check the fictional wobble score every 2 weeks in patients with fictional wobble fever taking wobblamab.",
        ),
    ]
    passages = [Passage(XSS_SOURCE_ID, i, section, text) for i, (section, text) in enumerate(rows)]
    ingest(library.db, [Document(source, passages)], IngestReport("test", "markup"), after_batch=library.embed_pending)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    library = build(tmp_path_factory.mktemp("browser") / "lib")
    plant_markup_source(library)
    with running_server(library) as url:
        yield url
    library.close()


@pytest.fixture(scope="module")
def browser():
    with launched_browser() as launched:
        yield launched


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.watch = Watch(page, base_url)
    yield page
    context.close()


def ask_from_home(page: Page, question: str, audience_label: str = "Physician") -> None:
    page.goto("/")
    page.get_by_label("Your question").fill(question)
    page.get_by_label(audience_label, exact=True).check()
    with same_document(page):
        page.get_by_role("button", name="Ask", exact=True).click()
        page.wait_for_url(re.compile(r"/threads/[^/?#]+$"))
    page.watch.assert_clean()


@contextmanager
def same_document(page: Page):
    """Asserts htmx did the request and swapped the answer in: the page was never reloaded."""
    page.evaluate("window.__same_document = true")
    yield
    assert page.evaluate("window.__same_document") is True, "the form reloaded the page instead of htmx swapping it in"


def test_ask_read_cite_switch_audience_follow_up_and_browse(page: Page, tmp_path):
    # Home: the question box and the five audiences, physician chosen.
    page.goto("/")
    expect(page.get_by_role("heading", name="Ask a clinical question")).to_be_visible()
    picker = page.get_by_role("group", name="Which best describes you?")
    expect(picker).to_be_visible()
    expect(picker.get_by_role("radio")).to_have_count(5)
    expect(picker.get_by_role("radio", name="Physician")).to_be_checked()

    # Ask (htmx posts and swaps the page in, pushing the thread's address).
    ask_from_home(page, QUESTION)
    thread_url = page.url
    article = page.locator("section.turn.latest article.curbside-article")
    expect(article.locator("h1")).to_have_text("First-Line Treatment of Synthetic Neuropathy")
    expect(article.locator(".status-bar")).to_contain_text("For: physician")
    expect(article.locator(".bottom-line")).to_be_visible()
    expect(article.locator(".bottom-line")).to_contain_text("Examplamab")
    expect(article.locator("section[class^='section-'] h2").first).to_be_visible()
    expect(article.get_by_role("heading", name="References")).to_be_visible()
    expect(article.locator("ol.references li").first).to_contain_text("Synthetic neuropathy guideline")

    # The first citation opens its passage in place: source title, the quoted sentence marked.
    first = article.locator("details.citation").first
    quoted = first.locator("summary.cite").get_attribute("title")
    body = first.locator(".passage-body")
    expect(body).to_be_hidden()
    first.locator("summary.cite").click()
    expect(first).to_have_attribute("open", "")
    expect(body).to_be_visible()
    expect(body.locator(".passage-source")).to_contain_text("Synthetic neuropathy guideline")
    expect(body.locator("mark")).to_have_text(quoted)
    source_link = body.get_by_role("link", name="Open the source")
    expect(source_link).to_be_visible()

    shot = tmp_path / "article.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("CURBSIDE_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)

    # "Open the source": the source page, scrolled to the cited passage and marking it.
    href = source_link.get_attribute("href")
    passage_number = re.search(r"[?&]passage=(\d+)", href).group(1)
    source_link.click()
    page.wait_for_url(re.compile(r"/sources/test:guideline-[ab]\?"))
    page.watch.assert_clean()
    cited = page.locator("li.passage.cited")
    expect(cited).to_have_count(1)
    expect(cited).to_have_attribute("id", f"p-{passage_number}")
    expect(cited).to_contain_text(quoted)
    expect(cited).to_be_in_viewport()
    expect(page.locator("article.source h1")).to_contain_text("Synthetic neuropathy guideline")

    # Another audience: "Written for" shows the whole conversation for patients, in the thread.
    page.goto(thread_url)
    page.get_by_label("Audience", exact=True).select_option("patient")
    page.get_by_role("button", name="Rewrite").click()
    page.wait_for_url(re.compile(r"/threads/[^/?#]+\?audience=patient$"))
    expect(page.locator(".thread-meta strong")).to_have_text("Patient or caregiver")
    expect(page.locator("section.turn.latest .status-bar")).to_contain_text("For: patient")
    expect(page.get_by_label("Audience", exact=True)).to_have_value("patient")

    # A follow-up in place (htmx): two turns, the earlier one folded, the thread's address kept.
    page.get_by_label("Ask a follow-up in this conversation").fill(FOLLOW_UP)
    turns = page.locator("section.turn")
    with same_document(page):
        page.get_by_role("button", name="Ask", exact=True).click()
        expect(turns).to_have_count(2)
        expect(page).to_have_url(re.compile(re.escape(thread_url) + r"\?audience=patient$"))
    expect(page.locator(".thread-meta")).to_contain_text("Conversation of 2 questions")
    expect(turns.nth(0).locator("p.asked")).to_contain_text(QUESTION)
    expect(turns.nth(1).locator("p.asked")).to_contain_text(FOLLOW_UP)
    earlier = turns.nth(0).locator("details.earlier")
    expect(earlier).to_have_count(1)
    expect(earlier).not_to_have_attribute("open", re.compile(".*"))
    expect(earlier.locator(":scope > summary")).to_contain_text("Synthetic Neuropathy")
    expect(turns.nth(1)).to_have_class(re.compile(r"\blatest\b"))
    expect(turns.nth(1).locator("article.curbside-article h1")).to_be_visible()
    expect(turns.nth(1).locator(".status-bar")).to_contain_text("For: patient")
    earlier.locator(":scope > summary").click()
    expect(earlier.locator("article.curbside-article h1")).to_have_text("First-Line Treatment of Synthetic Neuropathy")
    page.reload()  # the pushed address is a real page, not only an htmx state
    expect(page.locator("section.turn")).to_have_count(2)

    # The library lists what was asked, and filters by review status.
    page.goto("/library")
    expect(page.get_by_role("heading", name="Article library")).to_be_visible()
    listed = page.locator("ul.article-list > li")
    expect(listed.first).to_be_visible()
    total = listed.count()
    assert total >= 3  # at least the question, its patient version and the follow-up
    expect(page.locator("p.count")).to_have_text(f"{total} articles")
    expect(listed.locator("a.title", has_text="First-Line Treatment of Synthetic Neuropathy").first).to_be_visible()
    page.get_by_label("Review status").select_option("draft")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"/library\?.*status=draft"))
    expect(page.get_by_label("Review status")).to_have_value("draft")
    expect(listed).to_have_count(total)  # everything composed here is a draft
    expect(listed.locator(".status").first).to_have_text("draft")
    page.goto("/library?status=approved")  # a status nothing has yet: an empty list, said so
    expect(page.locator("p.count")).to_have_text("0 articles")
    expect(page.get_by_text("No articles match.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Editorial policy").click()
    page.wait_for_url(re.compile(r"/policy$"))
    expect(page.get_by_role("heading", name="Editorial policy", level=1)).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Status").click()
    page.wait_for_url(re.compile(r"/status$"))
    expect(page.get_by_role("heading", name="Library status")).to_be_visible()
    expect(page.locator("dl.metadata")).to_contain_text("5 current")
    saved = re.compile(r"[1-9]\d* articles? in the library\s+\(\d+ saved answers? in all")
    expect(page.locator("dl.metadata")).to_contain_text(saved)
    expect(page.locator("dl.metadata")).to_contain_text(re.compile(r"[1-9]\d* conversations?"))

    page.watch.assert_clean()


def test_rewrite_stays_in_the_thread_and_a_follow_up_under_an_article_starts_one(page: Page):
    ask_from_home(page, "How is refractory synthetic neuropathy treated?", audience_label="Nurse")
    thread_url = page.url
    expect(page.locator("section.turn.latest .status-bar")).to_contain_text("For: nurse")
    audience = page.get_by_label("Audience", exact=True)
    expect(audience).to_have_value("nurse")

    # "Written for" + Rewrite: the same conversation for pharmacists, without leaving it.
    audience.select_option("pharmacist")
    page.get_by_role("button", name="Rewrite").click()
    page.wait_for_url(thread_url + "?audience=pharmacist")
    page.watch.assert_clean()
    expect(page.locator(".thread-meta strong")).to_have_text("Pharmacist")
    expect(page.locator("section.turn.latest .status-bar")).to_contain_text("For: pharmacist")
    expect(page.get_by_label("Audience", exact=True)).to_have_value("pharmacist")

    # The article's own page (its permalink); a follow-up there starts a thread that begins with its question.
    page.locator("section.turn.latest .article-tools").get_by_role("link", name="Permalink").click()
    page.wait_for_url(re.compile(r"/articles/[^/?#]+$"))
    expect(page.locator(".status-bar")).to_contain_text("For: pharmacist")
    first = page.locator("details.citation").first
    first.locator("summary.cite").click()
    expect(first.locator(".passage-body mark")).to_be_visible()
    page.get_by_label("Ask a follow-up", exact=True).fill(FOLLOW_UP)
    page.get_by_role("button", name="Ask", exact=True).click()
    page.wait_for_url(re.compile(r"/threads/[^/?#]+(#turn-2)?$"))
    turns = page.locator("section.turn")
    expect(turns).to_have_count(2)
    expect(turns.nth(0).locator("p.asked")).to_contain_text("How is refractory synthetic neuropathy treated?")
    expect(turns.nth(1).locator("p.asked")).to_contain_text(FOLLOW_UP)
    expect(turns.nth(0).locator("details.earlier")).to_have_count(1)

    page.watch.assert_clean()


def test_markup_in_a_source_is_shown_as_text_and_never_runs(page: Page):
    def assert_not_run() -> None:
        # Two layers: escaping (no element made from the markup) and the CSP (an injected script is
        # refused, which the watch would report as a console error). __pwned stays unset only if
        # neither failed, so the element count is what proves the escaping.
        assert page.evaluate("window.__pwned") is None
        assert page.locator("main script, main img").count() == 0

    # The source page: title and passage carry the markup as text.
    page.goto(f"/sources/{XSS_SOURCE_ID}")
    heading = page.locator("article.source h1")
    expect(heading).to_contain_text(XSS_SCRIPT)
    expect(heading).to_contain_text(XSS_IMG)
    expect(page.locator("li#p-0")).to_contain_text(f"{XSS_SCRIPT} {XSS_IMG}")
    expect(page.get_by_text("<script>").first).to_be_visible()
    assert_not_run()

    # The sources list shows the title the same way.
    page.goto("/sources?q=wobble")
    expect(page.locator("ul.source-list a").first).to_have_text(
        f"Fictional wobble fever guideline {XSS_SCRIPT} {XSS_IMG}"
    )
    assert_not_run()

    # An article quoting that passage: the claim, the reference and the opened citation.
    ask_from_home(page, XSS_QUESTION)
    article = page.locator("section.turn.latest article.curbside-article")
    expect(article.locator("h1")).to_have_text("First-Line Treatment of Fictional Wobble Fever")
    printable = page.get_by_role("link", name="Printable page").get_attribute("href")
    expect(article.locator(".bottom-line .claim").first).to_contain_text(XSS_SCRIPT)
    expect(article.locator("ol.references")).to_contain_text(XSS_IMG)
    first = article.locator("details.citation").first
    first.locator("summary.cite").click()
    expect(first.locator(".passage-body mark")).to_contain_text(XSS_SCRIPT)
    expect(first.locator(".passage-body .passage-source")).to_contain_text(XSS_SCRIPT)
    assert_not_run()
    source_link = first.get_by_role("link", name="Open the source")
    assert unquote(source_link.get_attribute("href")).startswith(f"/sources/{XSS_SOURCE_ID}?")
    source_link.click()
    page.wait_for_url(re.compile(r"/sources/"))
    expect(page.locator("li.passage.cited")).to_contain_text(XSS_SCRIPT)
    assert_not_run()

    # The printable export (it opens in the browser) escapes it too.
    page.goto(printable)
    expect(page.locator("article.curbside-article h1")).to_have_text("First-Line Treatment of Fictional Wobble Fever")
    expect(page.locator("ol.references")).to_contain_text(XSS_SCRIPT)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("body script, body img").count() == 0

    page.watch.assert_clean()
