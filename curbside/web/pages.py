"""The HTML pages. Forms work without JavaScript (post, then redirect); htmx only keeps the
follow-up in place and shows progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request

from ..errors import InputError
from ..library import Library
from ..model import AUDIENCES, SOURCE_KINDS
from .api import get_library, health_of
from .examples import example_questions
from .exports import export_response
from .responses import see
from .schemas import Number
from .views import article_view, page, source_url

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20


def audience_or_default(audience: str | None, default: str = "physician") -> str:
    if audience in (None, ""):
        return default
    if audience not in AUDIENCES:
        raise InputError(f"Unknown audience {audience!r}; choose one of: {', '.join(AUDIENCES)}.")
    return audience


@router.get("/")
def home(request: Request, audience: str | None = None, library: Library = Depends(get_library)):
    return home_page(request, library, audience_or_default(audience))


def home_page(
    request: Request, library: Library, audience: str, *, status_code: int = 200, question: str = "", error: str = ""
):
    return page(
        request,
        "home.html",
        status_code=status_code,
        audience=audience,
        examples=example_questions(library),
        question=question,
        error=error,
    )


@router.post("/ask")
def ask(
    request: Request,
    question: str = Form(""),
    audience: str = Form("physician"),
    library: Library = Depends(get_library),
):
    audience = audience_or_default(audience)
    try:
        thread, _ = library.answers.start_thread(question, audience)
    except InputError as error:
        # The question box again, the sentence above it and what was typed kept, so it can be fixed.
        return home_page(request, library, audience, status_code=error.http_status, question=question, error=str(error))
    return see(f"/threads/{thread.id}")


@router.get("/threads/{thread_id}")
def thread_page(request: Request, thread_id: str, audience: str | None = None, library: Library = Depends(get_library)):
    return thread_view(request, library, thread_id, audience)


def thread_view(
    request: Request,
    library: Library,
    thread_id: str,
    audience: str | None,
    *,
    status_code: int = 200,
    question: str = "",
    error: str = "",
):
    thread = library.answers.thread(thread_id)
    shown = audience_or_default(audience, thread.audience)
    records = library.answers.thread_articles(thread, shown)
    return page(
        request,
        "thread.html",
        status_code=status_code,
        thread=thread,
        audience=shown,
        question=question,
        error=error,
        turns=[(record, article_view(library, record, f"/threads/{thread.id}/follow-ups")) for record in records],
    )


@router.post("/threads/{thread_id}/follow-ups")
def follow_up(
    request: Request,
    thread_id: str,
    question: str = Form(""),
    audience: str = Form(""),
    library: Library = Depends(get_library),
):
    try:
        thread, _ = library.answers.follow_up(thread_id, question)
    except InputError as error:
        # The conversation again with the reason above the box (htmx swaps #thread: an error page has none).
        return thread_view(
            request,
            library,
            thread_id,
            audience or None,
            status_code=error.http_status,
            question=question,
            error=str(error),
        )
    shown = audience_or_default(audience, thread.audience)
    suffix = f"?audience={shown}" if shown != thread.audience else ""
    return see(f"/threads/{thread_id}{suffix}#turn-{len(thread.turns)}")


@router.get("/articles/{article_id}")
def article_page(
    request: Request,
    article_id: str,
    version: Annotated[Number | None, Query(ge=1)] = None,
    library: Library = Depends(get_library),
):
    record = library.answers.article(article_id, version)
    return page(request, "article.html", **article_view(library, record, f"/articles/{record.id}/follow-ups"))


@router.get("/articles/{article_id}/for")
def article_for(article_id: str, audience: str = "physician", library: Library = Depends(get_library)):
    record = library.answers.for_audience(article_id, audience_or_default(audience))
    return see(f"/articles/{record.id}")


@router.post("/articles/{article_id}/follow-ups")
def article_follow_up(article_id: str, question: str = Form(""), library: Library = Depends(get_library)):
    """A follow-up asked under a standalone article starts a thread that begins with its question."""
    thread = library.answers.thread_from(article_id, question)
    return see(f"/threads/{thread.id}#turn-{len(thread.turns)}")


@router.get("/articles/{article_id}/export.{fmt}")
def article_export(article_id: str, fmt: str, library: Library = Depends(get_library)):
    # The printable page opens in the browser; Markdown and JSON download.
    return export_response(library, library.answers.article(article_id), fmt, download=fmt != "html")


@router.get("/library")
def library_page(
    request: Request,
    q: str = Query("", max_length=200),
    topic: str = Query("", max_length=200),
    intent: str = Query("", max_length=40),
    status: str = Query("", max_length=40),
    page_number: Annotated[Number, Query(ge=1, alias="page")] = 1,
    library: Library = Depends(get_library),
):
    filters = {"text": q, "topic": topic, "intent": intent, "status": status}
    total, items = library.answers.listing(**filters, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    return page(
        request,
        "library.html",
        items=items,
        total=total,
        facets=library.answers.facets(),
        q=q,
        topic=topic,
        intent=intent,
        status=status,
        page_number=page_number,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


@router.get("/sources")
def sources_page(
    request: Request,
    kind: str = Query("", max_length=40),
    q: str = Query("", max_length=200),
    page_number: Annotated[Number, Query(ge=1, alias="page")] = 1,
    library: Library = Depends(get_library),
):
    total, items = library.browse_sources(kind=kind, text=q, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    return page(
        request,
        "sources.html",
        items=items,
        total=total,
        kinds=SOURCE_KINDS,
        kind=kind,
        q=q,
        page_number=page_number,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


@router.get("/sources/{source_id:path}")
def source_page(
    request: Request,
    source_id: str,
    version: Annotated[Number | None, Query(ge=1)] = None,
    passage: Annotated[Number | None, Query(ge=0)] = None,
    library: Library = Depends(get_library),
):
    from ..compose.references import identifier_and_url

    source, passages = library.source(source_id, version)
    identifier, url = identifier_and_url(source)
    return page(
        request,
        "source.html",
        source=source,
        passages=passages,
        marked=passage,
        identifier=identifier,
        identifier_url=url,
        versions=library.source_versions(source_id),
        source_url=source_url,
    )


@router.get("/policy")
def policy(request: Request, library: Library = Depends(get_library)):
    return page(request, "policy.html", policy=library.editorial_policy())


@router.get("/status")
def status(request: Request, library: Library = Depends(get_library)):
    return page(request, "status.html", health=health_of(library))
