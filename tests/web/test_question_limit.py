"""Every place a question is typed holds it to one limit, MAX_QUESTION_CHARS (model.py): the home
page's box, the follow-up boxes of an article and a thread, POST /api/ask and GET /api/search."""

from __future__ import annotations

import re

from curbside.model import MAX_QUESTION_CHARS
from curbside.web import views

from .test_pages import assert_page, form_post, thread_id_from

QUESTION_BOX = re.compile(r'<(?:input|textarea) id="(?:question|follow-up)" name="question"[^>]*>')


def maxlengths(text: str) -> list[str]:
    boxes = QUESTION_BOX.findall(text)
    assert boxes, "no question box on the page"
    return [re.search(r'maxlength="([^"]*)"', box).group(1) for box in boxes]


def test_every_question_box_takes_the_question_limit(client, planted, first_record, monkeypatch):
    assert views.templates().env.globals["max_question_chars"] == MAX_QUESTION_CHARS
    # Every box follows the one value the templates are given: none writes its own number.
    monkeypatch.setitem(views.templates().env.globals, "max_question_chars", 1234)
    response = form_post(client, "/ask", data={"question": planted.first_question}, follow_redirects=False)
    thread = f"/threads/{thread_id_from(response.headers['location'])}"
    for url in ("/", f"/articles/{first_record['id']}", thread):
        assert maxlengths(assert_page(client.get(url))) == ["1234"], url


def test_the_api_takes_the_question_limit(client):
    spec = client.get("/openapi.json").json()
    search = next(p for p in spec["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "q")
    assert search["schema"]["maxLength"] == MAX_QUESTION_CHARS
    assert client.get("/api/search", params={"q": "x" * (MAX_QUESTION_CHARS + 1)}).status_code == 422
