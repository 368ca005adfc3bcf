"""A question at the documented limit (2,000 characters) is answered, whatever its follow-ups.

Suggested follow-ups repeat the question's wording of its condition, so a long question made
follow-ups longer than the limit, and checking them (each is asked) refused the whole answer with
"The question is 2032 characters long". The question here is the synthetic condition's name said
over and over: understanding reads all of it as the condition.
"""

from __future__ import annotations

from curbside.ask import MAX_QUESTION_CHARS, Coverage, answerable

from .test_pages import assert_page, form_post

UNIT = "synthetic neuropathy "
LONG_QUESTION = (UNIT * (MAX_QUESTION_CHARS // len(UNIT) + 1))[: MAX_QUESTION_CHARS - 1].strip() + "?"


def test_the_long_question_is_at_the_limit():
    assert len(LONG_QUESTION) == MAX_QUESTION_CHARS


def test_a_question_at_the_limit_is_answered_by_the_api(client):
    response = client.post("/api/ask", json={"question": LONG_QUESTION})
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert article["kind"] == "article"
    assert all(len(text) <= MAX_QUESTION_CHARS for text in article["follow_ups"]), article["follow_ups"]


def test_a_question_at_the_limit_is_answered_by_the_page(client):
    response = form_post(client, "/ask", {"question": LONG_QUESTION, "audience": "nurse"}, follow_redirects=True)
    text = assert_page(response)
    assert 'class="curbside-article' in text


def test_checking_a_follow_up_that_cannot_be_asked_says_no_instead_of_failing(web_library):
    assert answerable(web_library, "x" * (MAX_QUESTION_CHARS + 1), "physician", Coverage()) is False
    assert answerable(web_library, "   ", "physician", Coverage()) is False
