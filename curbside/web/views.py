"""Rendering pages: the web templates share the article partials and filters of curbside.render."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..model import AUDIENCES, MAX_QUESTION_CHARS, ArticleRecord, Passage, Reference
from ..render import html as article_html
from .auth import csrf_token, current_user, ensure_csrf_cookie

TEMPLATES = Path(__file__).parent / "templates"
AUDIENCE_LABELS = {
    "physician": "Physician",
    "pharmacist": "Pharmacist",
    "nurse": "Nurse",
    "student": "Student",
    "patient": "Patient or caregiver",
}


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    env = article_html.environment().overlay(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(article_html.TEMPLATES)])
    )
    # Every question box's maxlength is the limit ask.check_question enforces.
    env.globals.update(
        audiences=AUDIENCES,
        audience_labels=AUDIENCE_LABELS,
        source_url=source_url,
        max_question_chars=MAX_QUESTION_CHARS,
    )
    env.filters.update(markdown=markdown, query=urlencode)
    return Jinja2Templates(env=env)


def page(request: Request, template: str, status_code: int = 200, **context):
    """Render a page with who is signed in and the CSRF token its forms carry."""
    user = current_user(request)
    context = {"user": user, "csrf_token": csrf_token(request)} | context
    response = templates().TemplateResponse(request, template, context, status_code=status_code)
    ensure_csrf_cookie(request, response)
    if status_code >= 400 and request.headers.get("HX-Request"):
        # htmx swaps a refusal in (base.html's responseHandling) but must not push the address of
        # the POST it answered: reloading that would be "method not allowed".
        response.headers["HX-Push-Url"] = "false"
    return response


def source_url(source_id: str, version: int | None = None, passage: int | None = None) -> str:
    """The source browser's page for a source; with `passage`, scrolled to and marking it."""
    url = f"/sources/{quote(source_id, safe=':')}"
    query = {key: value for key, value in (("version", version), ("passage", passage)) if value is not None}
    if query:
        url += "?" + urlencode(query)
    return url + (f"#p-{passage}" if passage is not None else "")


def web_source_href(reference: Reference, passage: Passage) -> str:
    return source_url(reference.source_id, reference.source_version, passage.order)


def article_view(library, record: ArticleRecord, follow_up_action: str = "") -> dict:
    """The context `_article_body.html` needs, with citations opening the library's source pages
    and, given `follow_up_action`, suggested follow-ups that ask themselves when clicked."""
    context = article_html.article_context(
        record.article, library.passage_or_none, source_href=web_source_href, record=record
    )
    return context | {"follow_up_action": follow_up_action}


_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown(text: str) -> Markup:
    """Markdown with raw HTML switched off: a policy file cannot smuggle a script into the page."""
    return Markup(_MARKDOWN.render(text))
