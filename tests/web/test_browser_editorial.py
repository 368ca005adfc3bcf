"""The editorial workflow in a real browser (Playwright driving Debian's chromium, real uvicorn):
an author saves and submits an article, a reviewer starts the review and requests changes with a
comment on one bullet, the author reads the comment, revises the wording and resubmits, the
reviewer approves, and an anonymous reader's page then names the reviewer and the date.

Each person has their own browser context (their own cookies), signs in through the form and
works only through what the pages offer. The library and the people are synthetic.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import Browser, Page, expect
from synthetic_library import build

from .browser_support import TIMEOUT_MS, Watch, launched_browser, running_server

pytestmark = pytest.mark.browser  # drives chromium

QUESTION = "What is the first-line treatment for synthetic neuropathy?"
PASSWORD = "synthetic-password-1"
AUTHOR = ("ada", "Ada Example-Author", "author")
REVIEWER = ("rex", "Dr Rex Example-Reviewer", "reviewer")
COMMENT = "Synthetic review comment: say this more plainly for readers."
REASON = "Synthetic reason: the wording of the first bullet needs work."


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    library = build(tmp_path_factory.mktemp("editorial-browser") / "lib")
    for name, full_name, role in (AUTHOR, REVIEWER):
        library.editorial.add_user(name, role, PASSWORD, full_name)
    record = library.answers.answer([QUESTION])  # composed by curbside: a draft nobody has saved
    assert record.status == "draft" and record.article.kind == "article"
    with running_server(library) as url:
        yield url, record.id, library
    library.close()


@pytest.fixture(scope="module")
def browser():
    with launched_browser() as launched:
        yield launched


def person(browser: Browser, base_url: str, account: tuple[str, str, str] | None) -> Page:
    """A fresh browser context for one person, signed in through the form unless a reader."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.watch = Watch(page, base_url)
    if account:
        name, full_name, role = account
        page.goto("/login")
        page.get_by_label("User name").fill(name)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("navigation", name="Account")).to_contain_text(f"{full_name} ({role})")
    return page


def status_of(page: Page):
    return page.locator(".status-bar .status").first


def test_author_submits_reviewer_requests_changes_author_revises_reviewer_approves(browser, setting, tmp_path):
    base_url, article_id, library = setting
    author, reviewer = person(browser, base_url, AUTHOR), person(browser, base_url, REVIEWER)

    # The author finds the composed article, saves it as their draft and submits it.
    author.goto(f"/articles/{article_id}")
    expect(status_of(author)).to_have_text("draft")
    author.get_by_role("button", name="Save as my draft").click()
    author.goto("/my")
    author.get_by_role("link", name=re.compile("Synthetic Neuropathy")).first.click()
    expect(author).to_have_url(re.compile(rf"/articles/{article_id}(/review)?"))
    if not author.url.split("#")[0].endswith("/review"):
        author.get_by_role("link", name="Open in review").click()
    author.get_by_role("button", name="Submit for review").click()
    expect(author.locator("main")).to_contain_text("submitted")

    # The reviewer takes it from the queue, comments on one bullet and requests changes.
    reviewer.goto("/review")
    reviewer.get_by_role("link", name=re.compile("Synthetic Neuropathy")).first.click()
    reviewer.get_by_role("button", name="Start review").click()
    expect(reviewer.get_by_role("button", name="Approve")).to_be_visible()
    about = reviewer.get_by_label("About")
    bullet = next(
        value
        for value in about.locator("option").evaluate_all("options => options.map(o => o.value)")
        if value.startswith("bullet:")
    )
    about.select_option(bullet)
    reviewer.get_by_role("textbox", name="Comment").fill(COMMENT)
    reviewer.get_by_role("button", name="Add comment").click()
    expect(reviewer.locator("main")).to_contain_text(COMMENT)
    reviewer.get_by_label("Reason (required)").fill(REASON)
    reviewer.get_by_role("button", name="Request changes").click()
    expect(reviewer.locator("main")).to_contain_text("changes requested")
    expect(reviewer.get_by_role("button", name="Approve")).to_have_count(0)

    # The author sees the comment where it was left, rewords a claim without numbers and resubmits.
    author.goto(f"/articles/{article_id}/review")
    expect(author.locator("main")).to_contain_text(COMMENT)
    expect(author.locator("main")).to_contain_text(REASON)
    first_claim = author.locator("textarea[name^='claim:']").first
    quoted = first_claim.input_value()
    # Plainer wording of the same quote: asides and numbers left out, so none it lacks is added.
    reworded = "In plain words: " + " ".join(re.sub(r"\([^)]*\)|\d[\d.,]*\s*(?:mg\b)?", "", quoted).split())
    first_claim.fill(reworded)
    author.get_by_label("What you changed and why (required)").fill(
        "Synthetic edit: plainer wording asked for in review."
    )
    author.get_by_role("button", name="Save the edit as a new version").click()
    expect(author.locator("main")).to_contain_text("revised")
    author.get_by_role("button", name="Submit for review").click()
    expect(author.locator("main")).to_contain_text("submitted")

    # The reviewer reviews the revision and approves it.
    reviewer.goto(f"/articles/{article_id}/review")
    reviewer.get_by_role("button", name="Start review").click()
    reviewer.get_by_role("button", name="Approve").click()
    expect(reviewer.locator("main")).to_contain_text("approved")

    # A reader (no account) sees the approved revision with its reviewer and the date.
    reader = person(browser, base_url, None)
    reader.goto(f"/articles/{article_id}")
    today = datetime.now(timezone.utc).date().isoformat()
    expect(status_of(reader)).to_have_text("approved")
    expect(reader.locator(".status-bar")).to_contain_text(f"Reviewed by {REVIEWER[1]} (reviewer) on {today}")
    expect(reader.locator(".status-bar")).to_contain_text("Last updated")
    expect(reader.locator("article.curbside-article")).to_contain_text(reworded[:40])
    reader.screenshot(path=tmp_path / "approved.png", full_page=True)

    # Its history shows both versions, the approved one marked; the diff shows the rewording.
    reader.get_by_role("link", name="Version history").click()
    expect(reader.locator("main")).to_contain_text(REVIEWER[1])
    reader.goto(f"/articles/{article_id}/diff?from=1&to=2")
    expect(reader.locator("main")).to_contain_text("In plain words")

    for page in (author, reviewer, reader):
        page.watch.assert_clean()
    assert library.editorial.verify_audit() == []
