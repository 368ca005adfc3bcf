"""The HTML pages, through FastAPI's TestClient on a synthetic library: every page renders, forms
post and redirect, errors are a page with one clear sentence, planted markup is always escaped and
every HTML response carries a Content-Security-Policy that forbids inline script."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest

ERROR_DETAIL = re.compile(r'<p class="detail">(.*?)</p>', re.S)


# -- helpers ------------------------------------------------------------------------------------


def assert_page(response, status: int = 200) -> str:
    """An HTML page with the site's security headers; returns its text."""
    if response.status_code != status:  # say what the page said, not its whole markup
        shown = ERROR_DETAIL.search(response.text)
        pytest.fail(
            f"{response.request.method} {response.url.path} answered {response.status_code}, not {status}: "
            f"{html.unescape(shown.group(1)).strip() if shown else response.text[:300]}"
        )
    assert response.headers["content-type"].startswith("text/html"), response.headers
    assert_page_policy(response)
    assert "Traceback" not in response.text and 'File "' not in response.text
    return response.text


def form_post(client, url: str, data: dict, **kwargs):
    """Post a form as the page would: with the CSRF token the browser's cookie holds."""
    if "curbside_csrf" not in client.cookies:
        client.get("/")
    return client.post(url, data={**data, "csrf_token": client.cookies["curbside_csrf"]}, **kwargs)


def assert_page_policy(response) -> None:
    policy = response.headers.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}
    assert directives.get("script-src") == ["'self'"], policy  # no 'unsafe-inline' outside /docs
    assert "'unsafe-eval'" not in policy
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("x-frame-options") == "DENY"


def assert_no_live_markup(text: str, planted) -> None:
    """The planted markup appears only escaped: never as a tag a browser would run."""
    assert "<script>alert" not in text
    assert "<img src=x" not in text
    assert 'href="javascript:' not in text.lower()
    assert planted.script not in text and planted.img not in text


def error_detail(text: str) -> str:
    match = ERROR_DETAIL.search(text)
    assert match, text[:2000]
    return html.unescape(match.group(1)).strip()


def assert_error_page(response, status: int, *words: str) -> str:
    text = assert_page(response, status)
    detail = error_detail(text)
    assert detail.endswith(".") and len(re.split(r"(?<=[.!?])\s+(?=[A-Z])", detail)) == 1, detail
    for word in words:
        assert word.lower() in detail.lower(), (word, detail)
    assert '<a href="/">' in text  # a way back
    return detail


def thread_id_from(location: str) -> str:
    match = re.fullmatch(r"/threads/(t[0-9a-f]+)(\?[^#]*)?(#turn-\d+)?", location)
    assert match, location
    return match.group(1)


# -- home, ask, threads ---------------------------------------------------------------------------


def test_home_page_has_the_question_form_and_answerable_examples(client):
    text = assert_page(client.get("/"))
    assert '<form method="post" action="/ask"' in text and 'name="question"' in text
    assert 'value="physician" checked' in text
    assert "Questions this library can answer" in text
    assert "synthetic neuropathy" in text.lower()  # examples come from the library's guideline titles
    assert '<script src="/static/htmx.min.js"' in text


def test_home_page_preselects_an_audience_and_refuses_an_unknown_one(client):
    assert 'value="nurse" checked' in assert_page(client.get("/", params={"audience": "nurse"}))
    assert_error_page(client.get("/", params={"audience": "robot"}), 400, "audience", "physician")


def test_ask_form_redirects_to_a_new_thread(client, planted):
    response = form_post(
        client, "/ask", data={"question": planted.first_question, "audience": "physician"}, follow_redirects=False
    )
    assert response.status_code == 303
    thread_id = thread_id_from(response.headers["location"])
    text = assert_page(client.get(response.headers["location"]))
    assert planted.first_question in text
    assert 'id="turn-1"' in text and 'id="turn-2"' not in text
    assert f'action="/threads/{thread_id}/follow-ups"' in text
    assert "Examplamab" in text


def test_ask_form_defaults_to_physician_and_keeps_a_chosen_audience(client, planted):
    for audience in ("physician", "nurse"):
        data = {"question": planted.first_question} | ({"audience": audience} if audience != "physician" else {})
        response = form_post(client, "/ask", data=data, follow_redirects=False)
        assert response.status_code == 303
        thread = client.get(f"/api/threads/{thread_id_from(response.headers['location'])}").json()["thread"]
        assert thread["audience"] == audience


QUESTION_ERROR = re.compile(r'<p class="detail error" id="question-error" role="alert">(.*?)</p>', re.S)
QUESTION_BOX = re.compile(r'<textarea id="question"[^>]*>(.*?)</textarea>', re.S)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"question": ""}, ("question is empty", "type a clinical question")),
        ({}, ("question is empty",)),
        ({"question": "  \n  "}, ("question is empty",)),
        ({"question": "x" * 2001}, ("2001", "shorten", "2000")),
    ],
    ids=["empty", "missing", "whitespace", "too-long"],
)
def test_ask_form_refusals_are_the_question_box_with_one_sentence_above_it(client, data, words):
    """A refused question comes back in the box it was typed in, the reason above it."""
    threads_before = client.get("/api/health").json()["threads"]
    text = assert_page(form_post(client, "/ask", data=data, follow_redirects=False), 400)
    shown = QUESTION_ERROR.search(text)
    assert shown, text[:2000]
    detail = html.unescape(shown.group(1)).strip()
    assert detail.endswith(".") and len(re.split(r"(?<=[.!?])\s+(?=[A-Z])", detail)) == 1, detail
    for word in words:
        assert word.lower() in detail.lower(), (word, detail)
    assert html.unescape(QUESTION_BOX.search(text).group(1)) == data.get("question", "")
    assert 'aria-describedby="question-error question-limit"' in text
    assert client.get("/api/health").json()["threads"] == threads_before  # nothing was saved


def test_ask_form_refusal_by_htmx_is_swapped_in_without_changing_the_address(client):
    """htmx swaps the refusal in (base.html allows 4xx) and must not push /ask, a POST-only address."""
    response = form_post(
        client, "/ask", data={"question": "   "}, headers={"HX-Request": "true"}, follow_redirects=False
    )
    text = assert_page(response, 400)
    assert response.headers.get("HX-Push-Url") == "false"
    assert QUESTION_ERROR.search(text) and '<main id="main">' in text
    assert '"responseHandling": [{"code": "204", "swap": false}, {"code": "[2345]..", "swap": true}]' in text


def test_ask_form_with_an_unknown_audience_is_an_error_page(client):
    assert_error_page(
        form_post(
            client,
            "/ask",
            data={"question": "synthetic neuropathy treatment", "audience": "robot"},
            follow_redirects=False,
        ),
        400,
        "audience",
        "physician",
    )


def test_the_question_box_says_it_stops_at_the_limit(client):
    text = assert_page(client.get("/"))
    assert 'maxlength="2000"' in text
    assert re.search(r'<p class="hint" id="question-limit">Up to 2,000 characters: a longer question is cut off', text)


def test_thread_page_follow_up_form_and_audiences(client, planted):
    location = form_post(client, "/ask", data={"question": planted.first_question}, follow_redirects=False).headers[
        "location"
    ]
    thread_id = thread_id_from(location)
    followed = form_post(
        client,
        f"/threads/{thread_id}/follow-ups",
        data={"question": "What should be monitored?"},
        follow_redirects=False,
    )
    assert followed.status_code == 303
    assert followed.headers["location"] == f"/threads/{thread_id}#turn-2"
    text = assert_page(client.get(followed.headers["location"]))
    assert 'id="turn-1"' in text and 'id="turn-2"' in text
    assert planted.first_question in text and "What should be monitored?" in text
    assert "Monitor renal function" in text  # the follow-up inherited the condition and was answered

    nurse = assert_page(client.get(f"/threads/{thread_id}", params={"audience": "nurse"}))
    assert "<strong>Nurse</strong>" in nurse and "<strong>Physician</strong>" not in nurse
    # One audience switch: "Written for" shows the whole conversation for another audience, in the thread.
    assert f'<form method="get" action="/threads/{thread_id}" class="switch-audience">' in nurse
    assert '<option value="nurse" selected>' in nurse
    assert "?audience=" not in nurse.split('class="thread-meta"')[1].split("</p>")[0]  # no second switch
    assert '<input type="hidden" name="audience" value="nurse">' in nurse

    # A follow-up asked while reading the nurse version comes back to the nurse version.
    again = form_post(
        client,
        f"/threads/{thread_id}/follow-ups",
        data={"question": "and the dose?", "audience": "nurse"},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert again.headers["location"] == f"/threads/{thread_id}?audience=nurse#turn-3"
    assert 'id="turn-3"' in assert_page(client.get(again.headers["location"]))


def test_thread_page_refusals(client, planted):
    assert_error_page(client.get("/threads/tnosuchthread"), 404, "tnosuchthread")
    location = form_post(client, "/ask", data={"question": planted.first_question}, follow_redirects=False).headers[
        "location"
    ]
    thread_id = thread_id_from(location)
    assert_error_page(client.get(f"/threads/{thread_id}", params={"audience": "robot"}), 400, "audience")
    # A refused follow-up is the thread again, the reason above the box (htmx swaps #thread in, so an
    # error page without one would blank the conversation).
    refused = assert_page(form_post(client, f"/threads/{thread_id}/follow-ups", data={"question": "  "}), 400)
    assert 'id="thread"' in refused and 'id="turn-1"' in refused
    assert "question is empty" in re.search(
        r'<p class="detail error" id="follow-up-error" role="alert">(.*?)</p>', refused
    ).group(1)
    assert_error_page(
        form_post(client, "/threads/tnosuchthread/follow-ups", data={"question": "and the dose?"}), 404, "tnosuchthread"
    )
    assert len(client.get(f"/api/threads/{thread_id}").json()["thread"]["turns"]) == 1  # nothing refused was added


# -- articles -------------------------------------------------------------------------------------


def test_article_page(client, first_record):
    text = assert_page(client.get(f"/articles/{first_record['id']}"))
    assert html.escape(first_record["article"]["title"]) in text
    assert "Examplamab" in text
    assert f'action="/articles/{first_record["id"]}/follow-ups"' in text
    assert f'href="/articles/{first_record["id"]}/export.md"' in text
    # Citations open the cited passage in the source browser.
    assert 'href="/sources/test:guideline-a?version=1&amp;passage=0#p-0"' in text
    assert_page(client.get(f"/articles/{first_record['id']}", params={"version": 1}))


def test_article_page_refusals(client, first_record):
    assert_error_page(client.get("/articles/anosuchid0000"), 404, "anosuchid0000", "/library")
    assert_error_page(client.get(f"/articles/{first_record['id']}", params={"version": 42}), 404, "version 42")
    assert_error_page(client.get(f"/articles/{first_record['id']}", params={"version": 0}), 422, "version")


@pytest.mark.parametrize("audience", ["nurse", "patient"])
def test_article_for_another_audience_redirects_to_that_article(client, first_record, audience):
    response = client.get(f"/articles/{first_record['id']}/for", params={"audience": audience}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    location = response.headers["location"]
    assert re.fullmatch(r"/articles/a[0-9a-f]+", location) and location != f"/articles/{first_record['id']}"
    other = client.get(f"/api{location}").json()
    assert other["audience"] == audience and other["question"] == first_record["question"]
    text = assert_page(client.get(location))
    assert f'<option value="{audience}" selected>' in text


def test_article_for_refuses_an_unknown_audience(client, first_record):
    assert_error_page(client.get(f"/articles/{first_record['id']}/for", params={"audience": "robot"}), 400, "audience")


def test_follow_up_under_an_article_starts_a_thread(client, first_record):
    response = form_post(
        client,
        f"/articles/{first_record['id']}/follow-ups",
        data={"question": "What should be monitored?"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("#turn-2")
    thread_id = thread_id_from(response.headers["location"])
    thread = client.get(f"/api/threads/{thread_id}").json()
    assert [t["question"] for t in thread["thread"]["turns"]] == [first_record["question"], "What should be monitored?"]
    assert thread["articles"][1]["article"]["continues"] == first_record["question"]
    assert_error_page(
        form_post(client, f"/articles/{first_record['id']}/follow-ups", data={"question": ""}), 400, "empty"
    )


@pytest.mark.parametrize(
    ("fmt", "media", "download"),
    [("md", "text/markdown", True), ("json", "application/json", True), ("html", "text/html", False)],
)
def test_article_exports(client, first_record, fmt, media, download):
    response = client.get(f"/articles/{first_record['id']}/export.{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    disposition = response.headers.get("content-disposition")
    if download:
        assert re.fullmatch(r'attachment; filename="curbside-[a-z0-9-]+-physician\.' + fmt + '"', disposition)
    else:
        assert disposition is None  # the printable page opens in the browser
        assert_page(response)
        assert "<html" in response.text.lower() and "Examplamab" in response.text
    if fmt == "json":
        assert response.json()["title"] == first_record["article"]["title"]


def test_article_export_refuses_an_unknown_format(client, first_record):
    assert_error_page(client.get(f"/articles/{first_record['id']}/export.pdf"), 400, "pdf", "md")
    assert_error_page(client.get("/articles/anosuchid0000/export.md"), 404, "anosuchid0000")


# -- library and sources ----------------------------------------------------------------------------


def test_library_page_lists_and_filters_articles(client, first_record):
    text = assert_page(client.get("/library"))
    assert '<ul class="article-list">' in text and text.count('<a href="/articles/') <= 20  # one page
    assert '<option value="synthetic neuropathy"' in text  # topic facet
    # Other tests save many articles; a text filter finds this one whatever page it fell to.
    assert f'href="/articles/{first_record["id"]}"' in assert_page(client.get("/library", params={"q": "first-line"}))
    filtered = assert_page(
        client.get(
            "/library",
            params={"topic": "synthetic neuropathy", "intent": "treatment", "status": "draft", "q": "first-line"},
        )
    )
    assert f'href="/articles/{first_record["id"]}"' in filtered
    assert '<option value="synthetic neuropathy" selected>' in filtered
    assert '<option value="treatment" selected>' in filtered
    none = assert_page(client.get("/library", params={"q": "zebrafish"}))
    assert "0 articles" in none and "No articles match" in none
    assert f'href="/articles/{first_record["id"]}"' not in assert_page(
        client.get("/library", params={"intent": "monitoring"})
    )
    assert "No articles match" in assert_page(client.get("/library", params={"page": 9}))
    assert_error_page(client.get("/library", params={"page": 0}), 422, "page")


def test_sources_page_kind_filter_and_paging(client, planted):
    total = 5 + planted.fillers
    first = assert_page(client.get("/sources"))
    assert f"{total} sources" in first
    assert "Page 1 of 2" in first and 'href="?q=&amp;kind=&amp;page=2"' in first
    assert first.count('<li><a href="/sources/') == 20
    second = assert_page(client.get("/sources", params={"page": 2}))
    assert "Page 2 of 2" in second and second.count('<li><a href="/sources/') == total - 20
    consumer = assert_page(client.get("/sources", params={"kind": "consumer"}))
    assert "1 source<" in consumer and 'href="/sources/test:consumer"' in consumer
    assert '<option value="consumer" selected>' in consumer and "Page 1 of" not in consumer
    gout = assert_page(client.get("/sources", params={"q": "gout"}))
    assert 'href="/sources/test:other"' in gout and 'href="/sources/test:guideline-a"' not in gout
    assert_error_page(client.get("/sources", params={"page": 0}), 422, "page")


def test_source_page_marks_the_cited_passage(client):
    text = assert_page(client.get("/sources/test:guideline-a", params={"passage": 2}))
    assert "Synthetic neuropathy guideline A" in text
    assert '<li id="p-2" class="passage cited">' in text
    assert '<li id="p-0" class="passage">' in text and text.count(" cited") == 1
    assert "Placebozine should not be used" in text
    assert 'href="https://doi.org/10.0000/guideline-a"' in text
    plain = assert_page(client.get("/sources/" + quote("test:guideline-a", safe="")))
    assert "passage cited" not in plain
    assert_error_page(client.get("/sources/test:no-such-source"), 404, "test:no-such-source")


# -- policy, status, docs, not found --------------------------------------------------------------


def test_policy_page_renders_the_library_markdown_with_raw_html_escaped(client, planted):
    text = assert_page(client.get("/policy"))
    assert "<h1>Synthetic editorial policy</h1>" in text
    assert "<strong>test fixture</strong>" in text
    assert "<table>" in text and "<td>A synthetic reviewer</td>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert_no_live_markup(text, planted)


def test_status_page_shows_the_library_figures(client, web_library):
    text = assert_page(client.get("/status"))
    stats = web_library.stats()
    assert f"<dd>{stats['sources_total']} current" in text
    assert f"<dd>{stats['passages_total']}, {stats['passages_embedded']} with vectors</dd>" in text
    for kind, _count in stats["sources"].items():
        assert f'<a href="/sources?kind={kind}">' in text
    assert 'href="/api/health"' in text


def test_status_counts_the_articles_the_library_lists(client, first_record):
    """/status once said 14 articles while /library listed 8: it counted refusals too. Both now name the same count."""
    assert client.post("/api/ask", json={"question": NOT_COVERED}).json()["article"]["kind"] == "insufficient"
    listed = re.search(r'<p class="count">(\d+) articles?</p>', assert_page(client.get("/library"))).group(1)
    saved = client.get("/api/health").json()
    assert int(listed) == saved["articles_listed"] < saved["articles"]
    text = assert_page(client.get("/status"))
    assert f'<a href="/library">{listed} article' in text
    assert f"({saved['articles']} saved answers in all, counting those saying the library does not cover" in text


NOT_COVERED = "What is the treatment for imaginary migraine of the elbow?"
EMERGENCY = "I took a whole bottle of examplamab pills an hour ago and feel faint, what do I do?"


@pytest.mark.parametrize("question, kind", [(NOT_COVERED, "insufficient"), (EMERGENCY, "emergency")])
def test_refusal_and_emergency_pages_offer_only_what_applies(client, question, kind):
    """No audience rewrite, exports or version history for a pointer that is not an article; its permalink stays."""
    location = form_post(client, "/ask", data={"question": question}, follow_redirects=False).headers["location"]
    record = client.get(f"/api/threads/{thread_id_from(location)}").json()["articles"][-1]
    assert record["article"]["kind"] == kind
    for text in (assert_page(client.get(location)), assert_page(client.get(f"/articles/{record['id']}"))):
        tools = text.split('<div class="article-tools">')[1].split("</div>")[0]
        assert "Rewrite" not in tools and "Export" not in tools and "Version history" not in tools, tools
        assert f'href="/articles/{record["id"]}">Permalink</a>' in tools


def test_docs_serve_swagger_ui_from_the_vendored_copy(client):
    response = client.get("/docs")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    text = response.text
    assert 'src="/static/swagger/swagger-ui-bundle.js"' in text
    assert 'href="/static/swagger/swagger-ui.css"' in text
    assert "url: '/openapi.json'" in text
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), "no network URL in the docs page"
    assert "cdn" not in text.lower()
    # Swagger UI starts itself with an inline script: only /docs may allow one.
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy and "default-src 'self'" in policy
    for asset, media in (
        ("/static/swagger/swagger-ui-bundle.js", "javascript"),
        ("/static/swagger/swagger-ui.css", "css"),
        ("/static/htmx.min.js", "javascript"),
    ):
        served = client.get(asset)
        assert served.status_code == 200 and media in served.headers["content-type"], asset
    assert client.get("/redoc").status_code == 404


def test_unknown_page_and_wrong_method_are_error_pages(client):
    assert_error_page(client.get("/no-such-page"), 404, "/no-such-page", "home page")
    assert_error_page(client.get("/ask"), 405, "GET", "/ask")


# -- the planted markup is escaped everywhere it is shown ---------------------------------------------


def test_planted_source_page_escapes_its_markup(client, planted):
    text = assert_page(client.get(f"/sources/{planted.source_id}", params={"passage": 0}))
    assert "&lt;script&gt;" in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert html.escape(planted.title, quote=False) in text
    assert '<li id="p-0" class="passage cited">' in text
    assert_no_live_markup(text, planted)


def test_sources_listing_escapes_the_planted_title(client, planted):
    text = assert_page(client.get("/sources", params={"q": "markup test"}))
    assert f'href="/sources/{planted.source_id}"' in text and "&lt;script&gt;" in text
    assert_no_live_markup(text, planted)


def test_article_citing_the_planted_passage_escapes_it(client, planted, first_record):
    cited = {c["passage_id"] for s in first_record["article"]["sections"] for b in s["bullets"] for c in b["claims"]}
    assert planted.passage_id in cited  # the fixture's premise: the article quotes the planted sentence
    pages = {
        "article": client.get(f"/articles/{first_record['id']}"),
        "export.html": client.get(f"/articles/{first_record['id']}/export.html"),
        "api export html": client.get(f"/api/articles/{first_record['id']}/export", params={"format": "html"}),
    }
    for name, response in pages.items():
        text = assert_page(response)
        assert "&lt;script&gt;" in text, name
        assert f"/sources/{planted.source_id}" in text or name != "article", name
        assert_no_live_markup(text, planted)


def test_markdown_export_escapes_the_planted_markup(client, planted, first_record):
    text = client.get(f"/articles/{first_record['id']}/export.md").text
    assert r"\<script\>alert(1)\</script\>" in text and r"\<img src=x onerror=alert(1)\>" in text
    assert not re.search(r"(?<!\\)<(script|img)", text)  # every "<" of the markup is backslash-escaped


def test_thread_and_library_escape_a_question_carrying_markup(client, planted):
    question = f"What is the first-line treatment for synthetic neuropathy {planted.script} {planted.img}?"
    location = form_post(client, "/ask", data={"question": question}, follow_redirects=False).headers["location"]
    thread = assert_page(client.get(location))
    assert "&lt;script&gt;" in thread
    assert_no_live_markup(thread, planted)
    listing = assert_page(client.get("/library", params={"q": "<script>"}))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing  # the question is listed, escaped
    assert_no_live_markup(listing, planted)


@pytest.mark.parametrize(
    "path",
    [
        "/library?q=%3Cscript%3Ealert(1)%3C/script%3E",
        "/sources?q=%3Cscript%3Ealert(1)%3C/script%3E&kind=%3Cimg%20src=x%20onerror=alert(1)%3E",
        "/%3Cscript%3Ealert(1)%3C/script%3E",
        "/?audience=%3Cscript%3Ealert(1)%3C/script%3E",
        "/articles/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/sources/test:%3Cimg%20src=x%20onerror=alert(1)%3E",
    ],
)
def test_reflected_markup_in_urls_is_escaped(client, planted, path):
    response = client.get(path)
    assert response.status_code in (200, 400, 404, 422)
    assert_no_live_markup(assert_page(response, response.status_code), planted)


def test_every_html_page_forbids_inline_script(client, first_record, thread_record, planted):
    """The policy is on every page, error pages and exports included; only /docs differs."""
    paths = [
        "/",
        "/library",
        "/sources",
        f"/sources/{planted.source_id}",
        f"/articles/{first_record['id']}",
        f"/articles/{first_record['id']}/export.html",
        f"/threads/{thread_record['id']}",
        "/policy",
        "/status",
        "/no-such-page",
        "/articles/anosuchid0000",
    ]
    for path in paths:
        response = client.get(path)
        assert response.headers["content-type"].startswith("text/html"), path
        assert "content-security-policy" in response.headers, f"{path} ({response.status_code}) has no CSP"
        assert_page_policy(response)
    assert_page_policy(form_post(client, "/ask", data={"question": ""}))


def test_a_server_error_page_still_carries_the_security_headers(client, monkeypatch):
    """BUG (expected to fail until fixed): the catch-all `Exception` handler runs in Starlette's
    ServerErrorMiddleware, outside the SecurityHeaders middleware, so a 500 page (and a 500 problem
    from /api) has no Content-Security-Policy, X-Content-Type-Options or X-Frame-Options."""

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal state")

    monkeypatch.setattr(client.app.state.library.answers, "article", broken)
    response = client.get("/articles/anyid")
    assert response.status_code == 500 and response.headers["content-type"].startswith("text/html")
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert "internal error" in error_detail(response.text)
    assert "content-security-policy" in response.headers, dict(response.headers)
    assert_page_policy(response)
