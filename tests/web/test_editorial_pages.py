"""The editorial pages, used through their forms by each role on the synthetic web library: the
whole review of one article, the pages each role may and may not open, escaping of what staff
type, the CSRF guard, version history and diffs, the audit log, accounts and the policy editor.

The web library is shared by the whole session, so every test makes its own accounts (unique
names) and asks its own question (a unique suffix makes a new article); each signed-in user gets
a fresh TestClient so cookies never mix. Every name and sentence is synthetic.
"""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from synthetic_library import GUIDELINE_B, _doc, build

from curbside.ingest.run import ingest
from curbside.model import IngestReport, User
from curbside.publish.evidence import flag_source_change
from curbside.web.app import create_app

pytestmark = pytest.mark.slow  # signs in through the app over real libraries

PASSWORD = "synthetic-pass-phrase-7"
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
ERROR_DETAIL = re.compile(r'<p class="detail">(.*?)</p>', re.S)
EDIT_ERROR = re.compile(r'<p class="detail error" role="alert" id="edit-error">(.*?)</p>', re.S)
MONITORING = "sections/monitoring/0/0"  # the one claim of the monitoring section
MONITORING_QUOTE = "Monitor renal function every 3 months in patients with synthetic neuropathy taking examplamab."
PLAINER = "Check kidney function every 3 months in people with synthetic neuropathy who take examplamab."
SCRIPT = "<script>alert(1)</script>"


# -- helpers ------------------------------------------------------------------------------------


@dataclass
class Staff:
    """One signed-in browser: its own client (cookies), account and the session's CSRF token."""

    client: TestClient
    user: User
    csrf: str

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        """Post a form as its page would: with the session's token, not following the redirect."""
        return self.client.post(url, data={**(data or {}), "csrf_token": self.csrf}, follow_redirects=False, **kwargs)


@pytest.fixture(scope="module")
def app(web_library):
    return create_app(web_library)


@pytest.fixture(scope="module")
def staff(app, web_library):
    """One signed-in account per role for this module (a password hash takes a noticeable part of
    a second, so accounts are not made per test); `staff("author")`."""
    made: dict[str, Staff] = {}

    def signed_in(role: str) -> Staff:
        if role not in made:
            made[role] = sign_in(app, web_library, role)
        return made[role]

    return signed_in


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def sign_in(app, library, role: str, full_name: str = "") -> Staff:
    name = unique(role[:3])
    user, _ = library.editorial.add_user(name, role, PASSWORD, full_name or f"Dr Synthetic {role.title()} {name}")
    client = TestClient(app, raise_server_exceptions=False)
    client.get("/")  # the browser's CSRF cookie, which the sign-in form carries
    response = client.post(
        "/login",
        data={"name": name, "password": PASSWORD, "next": "/my", "csrf_token": client.cookies["curbside_csrf"]},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    token = TOKEN_FIELD.search(assert_page(client.get("/policy"))).group(1)  # the sign-out form's token
    return Staff(client, user, token)


def anonymous(app) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def fresh_article(library) -> str:
    """A new draft article nobody has saved: a question no other test asks."""
    record = library.answers.answer([f"How is synthetic neuropathy treated (editorial page test {unique('')})?"])
    assert record.article.kind == "article" and record.author == ""
    return record.id


def assert_page(response, status: int = 200) -> str:
    if response.status_code != status:
        shown = ERROR_DETAIL.search(response.text) or EDIT_ERROR.search(response.text)
        pytest.fail(
            f"{response.request.method} {response.url.path} answered {response.status_code}, not {status}: "
            f"{html.unescape(shown.group(1)).strip() if shown else response.text[:300]}"
        )
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    return response.text


def assert_error(response, status: int, *words: str) -> str:
    text = assert_page(response, status)
    match = ERROR_DETAIL.search(text)
    assert match, text[:1000]
    detail = html.unescape(match.group(1)).strip()
    assert detail.endswith("."), detail
    for word in words:
        assert word.lower() in detail.lower(), (word, detail)
    return text


def assert_redirect(response, location: str) -> None:
    assert response.status_code == 303, (response.status_code, response.text[:500])
    assert response.headers["location"] == location


def assert_no_live_script(text: str) -> None:
    assert "<script>alert" not in text and SCRIPT not in text


def latest(library, article_id: str):
    return library.answers.article(article_id, newest=True)


def between(text: str, start: str, end: str) -> str:
    """The part of the page from `start` to the next `end` after it."""
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start))]


# -- the whole review, through the forms --------------------------------------------------------------


def test_an_article_goes_from_draft_to_published_through_the_review_forms(app, web_library, staff):
    author, reviewer = staff("author"), staff("reviewer")
    aid = fresh_article(web_library)
    review = f"/articles/{aid}/review"

    # The author takes the composed draft into their care from its page, then submits it.
    assert_error(author.get(review), 403, "author who saved")  # not theirs yet
    page = assert_page(author.get(f"/articles/{aid}"))
    assert f'action="/articles/{aid}/workflow/save"' in page and "Save as my draft" in page
    assert_redirect(author.post(f"/articles/{aid}/workflow/save"), review)
    assert "Save as my draft" not in assert_page(author.get(f"/articles/{aid}"))
    page = assert_page(author.get(review))
    assert "Submit for review" in page and f'action="/articles/{aid}/edit"' in page
    assert_redirect(author.post(f"/articles/{aid}/workflow/submit"), review)
    assert latest(web_library, aid).status == "submitted"
    assert f'href="/articles/{aid}/review"' in assert_page(author.get("/my"))

    # The reviewer finds it in the queue, starts the review and comments on one bullet.
    queue = assert_page(reviewer.get("/review"))
    assert f'href="/articles/{aid}/review"' in between(queue, "Waiting for a reviewer", "</section>")
    page = assert_page(reviewer.get(review))
    assert "Start review" in page and "Approve" not in page
    assert_redirect(reviewer.post(f"/articles/{aid}/workflow/start_review"), review)
    page = assert_page(reviewer.get(review))
    assert "0 of 1 needed" in page and reviewer.user.name in between(page, "<dt>Reviewers</dt>", "</dd>")
    assert '<li id="bullet-monitoring-1">' in page and ">bullet:monitoring/1</a>" in page  # the visible anchor
    response = reviewer.post(
        f"/articles/{aid}/comments", {"body": "Say which kidney test is meant.", "anchor": "bullet:monitoring/1"}
    )
    assert response.status_code == 303
    comment_id = re.fullmatch(rf"/articles/{aid}/review#comment-(\d+)", response.headers["location"]).group(1)
    page = assert_page(reviewer.get(review))
    assert "Say which kidney test is meant." in between(page, '<li id="bullet-monitoring-1">', "</section>")
    listed = between(page, f'<li id="comment-{comment_id}">', "</li>")
    assert reviewer.user.full_name in listed and date.today().isoformat() in listed and "Monitoring" in listed

    # Changes need a reason; with one, the author sees it.
    assert_error(reviewer.post(f"/articles/{aid}/workflow/request_changes", {"reason": "  "}), 400, "reason")
    assert latest(web_library, aid).status == "under review"
    assert_redirect(
        reviewer.post(
            f"/articles/{aid}/workflow/request_changes", {"reason": "Use plainer words in the monitoring advice."}
        ),
        review,
    )
    page = assert_page(author.get(review))
    assert "Changes requested" in page and "Use plainer words in the monitoring advice." in page
    assert f'action="/articles/{aid}/edit"' in page
    assert f'name="claim:{MONITORING}"' in page and html.escape(MONITORING_QUOTE, quote=False) in page

    # A new number in the wording is refused with the verifier's sentence, and nothing changes.
    version = latest(web_library, aid).version
    refused = author.post(
        f"/articles/{aid}/edit",
        {
            "version": str(version),
            "title": latest(web_library, aid).article.title,
            "note": "Add a second interval.",
            f"claim:{MONITORING}": "Monitor renal function every 3 months, or every 2 weeks, in patients with synthetic neuropathy.",
        },
    )
    page = assert_page(refused, 400)
    message = html.unescape(EDIT_ERROR.search(page).group(1))
    assert "2 weeks" in message and MONITORING in message and message.endswith(".")
    assert "every 2 weeks" in page and "Add a second interval." in page  # what the author typed is kept
    assert latest(web_library, aid).version == version and latest(web_library, aid).status == "changes requested"

    # Plainer wording with the quote's own numbers is accepted as a new version.
    accepted = author.post(
        f"/articles/{aid}/edit",
        {"version": str(version), "note": "Plainer monitoring advice.", f"claim:{MONITORING}": PLAINER},
    )
    assert_redirect(accepted, review)
    edited = latest(web_library, aid)
    assert edited.version == version + 1 and edited.status == "revised" and edited.note == "Plainer monitoring advice."
    assert PLAINER in [c.shown for c in edited.article.all_claims()]
    assert_redirect(author.post(f"/articles/{aid}/workflow/submit"), review)

    # The reviewer takes the resubmitted article again and approves it.
    assert_redirect(reviewer.post(f"/articles/{aid}/workflow/start_review"), review)
    assert_redirect(reviewer.post(f"/articles/{aid}/workflow/approve", {"reason": ""}), review)
    page = assert_page(reviewer.get(review))
    assert "1 of 1 needed" in page and "Approved" in between(page, "Decisions", "</section>")

    # Readers see the approved version, who reviewed it and when.
    public = assert_page(anonymous(app).get(f"/articles/{aid}"))
    today = date.today().isoformat()
    assert f"Reviewed by {html.escape(reviewer.user.full_name)} (reviewer) on {today}" in public
    assert f"Last updated {today}" in public
    assert PLAINER in public
    assert f'href="/articles/{aid}/history"' in public and "Version history" in public
    assert f'href="/articles/{aid}/review"' not in public  # readers have no review view
    assert f'href="/articles/{aid}/review"' in assert_page(author.get(f"/articles/{aid}"))  # staff do


def test_history_and_diff_pages_show_an_edit(app, web_library, staff):
    editor = staff("editor")
    aid = fresh_article(web_library)
    assert_redirect(
        editor.post(f"/articles/{aid}/edit", {"note": "Plainer monitoring advice.", f"claim:{MONITORING}": PLAINER}),
        f"/articles/{aid}/review",
    )

    page = assert_page(anonymous(app).get(f"/articles/{aid}/history"))
    rows = re.findall(r'<tr id="v(\d+)"', page)
    assert rows == ["2", "1"]  # newest first
    newest = between(page, '<tr id="v2"', "</tr>")
    assert f"{editor.user.full_name} (editor)" in newest and "Plainer monitoring advice." in newest
    assert "Readers see this version (not yet reviewed)" in newest
    assert "curbside" in between(page, '<tr id="v1"', "</tr>")
    assert f'href="/articles/{aid}?version=1"' in page and f'href="/articles/{aid}?version=2"' in page
    assert (
        f'<form method="get" action="/articles/{aid}/diff"' in page
        and f'href="/articles/{aid}/diff?from=1&amp;to=2"' in page
    )

    diff = assert_page(anonymous(app).get(f"/articles/{aid}/diff", params={"from": 1, "to": 2}))
    assert "Changes from version 1 to version 2" in diff
    removed, added = re.findall(r"<del>(.*?)</del>", diff, re.S), re.findall(r"<ins>(.*?)</ins>", diff, re.S)
    assert any(html.escape(MONITORING_QUOTE, quote=False) in line for line in removed), removed
    assert any(PLAINER in line for line in added), added
    same = assert_page(anonymous(app).get(f"/articles/{aid}/diff", params={"from": 2, "to": 2}))
    assert "Readers would see no difference" in same
    assert_error(anonymous(app).get(f"/articles/{aid}/diff", params={"from": 1, "to": 9}), 404, "version 9")
    assert PLAINER in assert_page(anonymous(app).get(f"/articles/{aid}", params={"version": 2}))
    assert PLAINER not in assert_page(anonymous(app).get(f"/articles/{aid}", params={"version": 1}))


# -- who may open what --------------------------------------------------------------------------------

STAFF_PAGES = ["/my", "/review", "/audit", "/admin/users", "/policy/edit", "/articles/{aid}/review"]
ALLOWED = {
    "author": {"/my", "/review"},
    "reviewer": {"/my", "/review", "/articles/{aid}/review"},
    "editor": {"/my", "/review", "/policy/edit", "/articles/{aid}/review"},
    "admin": {"/my", "/review", "/audit", "/admin/users", "/articles/{aid}/review"},
}


def test_anonymous_visitors_are_sent_to_sign_in_from_every_staff_page(app, web_library):
    aid = fresh_article(web_library)
    client = anonymous(app)
    for path in STAFF_PAGES:
        url = path.format(aid=aid)
        page = assert_error(client.get(url), 401, "sign in")
        assert "<h1>Sign in to continue</h1>" in page
        assert f'<a href="/login?next={url.replace("/", "%2F")}" class="sign-in">Sign in</a>' in page, url
    page = assert_error(client.get("/audit", params={"target": "x y"}), 401)
    assert 'href="/login?next=%2Faudit%3Ftarget%3Dx%2By"' in page  # the query comes back too


def test_the_sign_in_link_of_the_401_page_opens_the_sign_in_form(app, web_library):
    """BUG (expected to fail until fixed in account_pages.py or views.py): `login_form` calls
    `page(request, "login.html", ..., name="")`, and `name` is also `page`'s template parameter, so
    GET /login is a 500 (TypeError: page() got multiple values for argument 'name')."""
    client = anonymous(app)
    link = re.search(
        r'<a href="(/login\?next=[^"]+)" class="sign-in">', assert_error(client.get("/review"), 401)
    ).group(1)
    form = assert_page(client.get(html.unescape(link)))
    assert '<input type="hidden" name="next" value="/review">' in form


@pytest.mark.parametrize("role", ["author", "reviewer", "editor", "admin"])
def test_each_role_opens_its_pages_and_is_refused_the_others(web_library, staff, role):
    signed_in = staff(role)
    aid = fresh_article(web_library)
    for path in STAFF_PAGES:
        url = path.format(aid=aid)
        if path in ALLOWED[role]:
            assert_page(signed_in.get(url))
        else:
            page = assert_error(signed_in.get(url), 403, role)
            assert "<h1>Not allowed for your account</h1>" in page


def test_an_author_cannot_open_another_authors_article(app, web_library, staff):
    owner, other = staff("author"), sign_in(app, web_library, "author")
    aid = fresh_article(web_library)
    assert_redirect(owner.post(f"/articles/{aid}/workflow/save"), f"/articles/{aid}/review")
    assert_error(other.get(f"/articles/{aid}/review"), 403, "author")
    assert_error(other.post(f"/articles/{aid}/workflow/submit"), 403)
    assert_error(owner.post(f"/articles/{aid}/workflow/approve"), 403)  # authors never approve
    assert_error(owner.post(f"/articles/{aid}/workflow/reopen", {"reason": "Try it."}), 403)
    assert latest(web_library, aid).status == "draft"
    assert_error(owner.post(f"/articles/{aid}/workflow/start_review"), 403)
    assert_error(owner.post(f"/articles/{aid}/workflow/fly"), 400, "fly")
    assert_error(owner.post(f"/articles/{aid}/workflow/save"), 409, "already saved")


# -- what staff type is text, and forms need their token ----------------------------------------------


def test_markup_in_a_comment_is_shown_as_text(web_library, staff):
    author = staff("author")
    aid = fresh_article(web_library)
    author.post(f"/articles/{aid}/workflow/save")
    body = f"Planted {SCRIPT} <img src=x onerror=alert(1)> markup."
    assert author.post(f"/articles/{aid}/comments", {"body": body, "anchor": "section:monitoring"}).status_code == 303
    page = assert_page(author.get(f"/articles/{aid}/review"))
    assert page.count("Planted &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; markup.") == 2
    assert_no_live_script(page)
    assert "<img src=x" not in page


def test_policy_edit_saves_markdown_and_escapes_markup(app, web_library, staff):
    editor = staff("editor")
    original = web_library.editorial_policy()
    form = assert_page(editor.get("/policy/edit"))
    assert (
        html.escape(original.strip().splitlines()[0], quote=False) in form
        and '<textarea id="policy-text" name="text"' in form
    )
    assert 'href="/policy/edit"' in assert_page(editor.get("/policy"))
    try:
        text = f"# Synthetic policy {unique('v')}\n\nReview **twice**.\n\n{SCRIPT}\n"
        assert_redirect(editor.post("/policy", {"text": text}), "/policy")
        page = assert_page(anonymous(app).get("/policy"))
        assert "<strong>twice</strong>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert_no_live_script(page)
        assert_error(editor.post("/policy", {"text": "   "}), 400, "empty")
        assert "<strong>twice</strong>" in assert_page(
            anonymous(app).get("/policy")
        )  # the refused save changed nothing
    finally:  # the session's other tests read the fixture policy
        assert_redirect(editor.post("/policy", {"text": original}), "/policy")
    assert web_library.editorial_policy().strip() == original.strip()


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(web_library, staff):
    author = staff("author")
    aid = fresh_article(web_library)
    for url, data in (
        (f"/articles/{aid}/workflow/save", {}),
        (f"/articles/{aid}/comments", {"body": "Unsent.", "anchor": ""}),
        ("/policy", {"text": "# Hijacked"}),
    ):
        for token in ({}, {"csrf_token": "forged"}):
            response = author.client.post(url, data=data | token, follow_redirects=False)
            assert_error(response, 403, "form")
    assert latest(web_library, aid).author == ""
    assert "Hijacked" not in web_library.editorial_policy()
    assert web_library.editorial.comments(staff("editor").user, aid) == []


# -- accounts and the audit log ------------------------------------------------------------------------


def test_admin_adds_an_account_sees_its_token_once_and_disables_it(app, web_library, staff):
    admin = staff("admin")
    name = unique("newrev")
    response = admin.post(
        "/admin/users", {"name": name, "full_name": "Dr Synthetic Newcomer", "role": "reviewer", "password": PASSWORD}
    )
    page = assert_page(response)
    token = re.search(r'<code class="token">([^<]+)</code>', page).group(1)
    assert "it will not be shown again" in page and response.headers["cache-control"] == "no-store"
    assert web_library.editorial.user_for_token(token).name == name
    listing = assert_page(admin.get("/admin/users"))
    assert token not in listing and "Dr Synthetic Newcomer" in listing
    assert 'autocomplete="new-password"' in listing and '<label for="account-role">Role</label>' in listing

    refused = admin.post("/admin/users", {"name": name, "full_name": "Again", "role": "reviewer", "password": PASSWORD})
    page = assert_page(refused, 400)
    assert "already exists" in page and f'value="{name}"' in page and PASSWORD not in page

    assert_redirect(admin.post(f"/admin/users/{name}/disable"), "/admin/users")
    row = between(assert_page(admin.get("/admin/users")), f"<td>{name}</td>", "</tr>")
    assert "disabled" in row and f'action="/admin/users/{name}/enable"' in row
    login = anonymous(app)
    login.get("/")
    refused_login = login.post(
        "/login",
        data={"name": name, "password": PASSWORD, "csrf_token": login.cookies["curbside_csrf"]},
        follow_redirects=False,
    )
    assert refused_login.status_code != 303
    assert_redirect(admin.post(f"/admin/users/{name}/enable"), "/admin/users")
    assert f'action="/admin/users/{name}/disable"' in assert_page(admin.get("/admin/users"))
    assert_error(admin.post(f"/admin/users/{admin.user.name}/disable"), 409, "your own account")


def test_audit_page_shows_the_chain_check_and_pages_newest_first(web_library, staff):
    admin = staff("admin")
    page = assert_page(admin.get("/audit"))
    total = web_library.editorial.audit_entries(admin.user, limit=0)[0]
    assert f"✓ chain intact: {total} entries" in page
    numbers = [int(n) for n in re.findall(r"<tr>\s*<td>(\d+)</td>", page)]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == min(total, 50)
    if total > 50:
        assert "Page 1 of" in page and 'href="?target=&amp;page=2"' in page
    mine = assert_page(admin.get("/audit", params={"target": admin.user.name}))
    assert "sign in" in mine and f"entries for {admin.user.name}" in mine.replace("entry for", "entries for")
    assert_error(admin.get("/audit", params={"page": 0}), 422, "page")


# -- evidence changes, re-review and retraction on a library of its own ----------------------------------


def test_a_changed_source_shows_on_the_public_page_and_as_a_passage_diff_in_review(tmp_path):
    """A new version of a cited source is ingested, so this test builds its own small library
    rather than change the session's."""
    library = build(tmp_path / "library")
    try:
        app = create_app(library)
        editor = sign_in(app, library, "editor")
        reviewer = sign_in(app, library, "reviewer", full_name="Dr Synthetic Evidence")
        aid = fresh_article(library)
        for action, who in (("save", editor), ("submit", editor), ("start_review", reviewer), ("approve", reviewer)):
            assert_redirect(who.post(f"/articles/{aid}/workflow/{action}"), f"/articles/{aid}/review")
        assert "needs-rereview" not in assert_page(anonymous(app).get(f"/articles/{aid}"))

        changed = [(section, text.replace("40 mg", "45 mg")) for section, text in GUIDELINE_B]
        ingest(
            library.db,
            [
                _doc(
                    "test:guideline-b",
                    "guideline",
                    "Synthetic neuropathy guideline B",
                    2016,
                    changed,
                    ["synthetic neuropathy"],
                )
            ],
            IngestReport("test", "v2"),
            after_batch=library.embed_pending,
            flag_change=flag_source_change,
        )
        public = assert_page(anonymous(app).get(f"/articles/{aid}"))
        assert '<p class="notice needs-rereview" role="status"><strong>Needs re-review:</strong>' in public
        assert "Reviewed by Dr Synthetic Evidence (reviewer)" in public  # the approved version stays published

        page = assert_page(editor.get(f"/articles/{aid}/review"))
        evidence = between(page, '<section class="evidence-changes"', "</section>")
        assert (
            "Synthetic neuropathy guideline B" in evidence
            and "Cited version 1 →" in evidence
            and "version 2" in evidence
        )
        assert '<del><span class="visually-hidden">removed: </span> 40</del>' in evidence
        assert '<ins><span class="visually-hidden">added: </span> 45</ins>' in evidence
        assert "Send back for re-review" in page and "Retract" in page
        queue = assert_page(editor.get("/review"))
        assert f'href="/articles/{aid}/review"' in between(queue, "Needs re-review: evidence changed", "</section>")

        assert_error(editor.post(f"/articles/{aid}/workflow/retract", {"reason": ""}), 400, "reason")
        assert_redirect(
            editor.post(
                f"/articles/{aid}/workflow/retract", {"reason": "Withdrawn while the synthetic dose change is checked."}
            ),
            f"/articles/{aid}/review",
        )
        public = assert_page(anonymous(app).get(f"/articles/{aid}"))
        assert "<strong>Retracted</strong>: Withdrawn while the synthetic dose change is checked." in public
        assert "Reopen as a draft" in assert_page(editor.get(f"/articles/{aid}/review"))
    finally:
        library.close()
