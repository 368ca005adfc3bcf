"""The REST API under /api. Responses are the model's own dataclasses (see schemas.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from .. import __version__
from ..library import Library
from ..model import MAX_QUESTION_CHARS, ArticleRecord
from .exports import export_response
from .schemas import (
    ERROR_RESPONSES,
    ArticleList,
    AskRequest,
    Audience,
    FollowUpRequest,
    Health,
    Number,
    PassageView,
    SearchResults,
    SourceList,
    SourceView,
    ThreadAnswer,
    ThreadView,
)

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)

QuestionText = Query(min_length=1, max_length=MAX_QUESTION_CHARS, description="A clinical question in plain words.")


def get_library(request: Request) -> Library:
    return request.app.state.library


@router.post("/ask", response_model=ArticleRecord, summary="Answer a question with a cited article")
def ask(body: AskRequest, library: Library = Depends(get_library)) -> ArticleRecord:
    return library.answers.answer([body.question], body.audience)


@router.get("/articles", response_model=ArticleList, summary="List and search saved articles")
def list_articles(
    q: str = Query("", max_length=200, description="Words in the title, question or topic."),
    topic: str = Query("", max_length=200),
    intent: str = Query("", max_length=40),
    status: str = Query("", max_length=40),
    limit: Annotated[Number, Query(ge=1, le=100)] = 20,
    offset: Annotated[Number, Query(ge=0)] = 0,
    library: Library = Depends(get_library),
) -> ArticleList:
    total, items = library.answers.listing(
        text=q, topic=topic, intent=intent, status=status, limit=limit, offset=offset
    )
    return ArticleList(total=total, items=items)


@router.get("/articles/{article_id}", response_model=ArticleRecord, summary="Get a saved article")
def get_article(
    article_id: str, version: Annotated[Number | None, Query(ge=1)] = None, library: Library = Depends(get_library)
) -> ArticleRecord:
    return library.answers.article(article_id, version)


@router.get(
    "/articles/{article_id}/audiences/{audience}",
    response_model=ArticleRecord,
    summary="The same question answered for another audience",
)
def article_for(article_id: str, audience: Audience, library: Library = Depends(get_library)) -> ArticleRecord:
    return library.answers.for_audience(article_id, audience)


@router.get(
    "/articles/{article_id}/export",
    summary="Download an article as Markdown, JSON or printable HTML",
    responses={200: {"content": {"text/markdown": {}, "application/json": {}, "text/html": {}}}},
)
def export_article(
    article_id: str, format: Literal["md", "json", "html"] = "md", library: Library = Depends(get_library)
):
    return export_response(library, library.answers.article(article_id), format)


@router.post("/threads", response_model=ThreadAnswer, status_code=201, summary="Start a thread with a question")
def start_thread(body: AskRequest, library: Library = Depends(get_library)) -> ThreadAnswer:
    thread, record = library.answers.start_thread(body.question, body.audience)
    return ThreadAnswer(thread=thread, article=record)


@router.post("/threads/{thread_id}/follow-ups", response_model=ThreadAnswer, summary="Ask a follow-up in a thread")
def follow_up(thread_id: str, body: FollowUpRequest, library: Library = Depends(get_library)) -> ThreadAnswer:
    thread, record = library.answers.follow_up(thread_id, body.question)
    return ThreadAnswer(thread=thread, article=record)


@router.get("/threads/{thread_id}", response_model=ThreadView, summary="A thread and the article for each turn")
def get_thread(thread_id: str, audience: Audience | None = None, library: Library = Depends(get_library)) -> ThreadView:
    thread = library.answers.thread(thread_id)
    return ThreadView(thread=thread, articles=library.answers.thread_articles(thread, audience))


@router.get("/search", response_model=SearchResults, summary="Ranked passages for a question")
def search(
    q: str = QuestionText, k: Annotated[Number, Query(ge=1, le=100)] = 10, library: Library = Depends(get_library)
) -> SearchResults:
    return SearchResults(question=q, hits=library.search(q, k))


@router.get("/sources", response_model=SourceList, summary="Browse the library's current sources")
def list_sources(
    kind: str = Query("", max_length=40),
    q: str = Query("", max_length=200),
    limit: Annotated[Number, Query(ge=1, le=100)] = 20,
    offset: Annotated[Number, Query(ge=0)] = 0,
    library: Library = Depends(get_library),
) -> SourceList:
    total, items = library.browse_sources(kind=kind, text=q, limit=limit, offset=offset)
    return SourceList(total=total, items=items)


@router.get("/passages/{passage_id:path}", response_model=PassageView, summary="One passage and its source")
def get_passage(passage_id: str, library: Library = Depends(get_library)) -> PassageView:
    passage, source = library.passage(passage_id)
    return PassageView(passage=passage, source=source)


@router.get("/sources/{source_id:path}", response_model=SourceView, summary="A source's metadata and passages")
def get_source(
    source_id: str, version: Annotated[Number | None, Query(ge=1)] = None, library: Library = Depends(get_library)
) -> SourceView:
    source, passages = library.source(source_id, version)
    return SourceView(source=source, passages=passages, versions=[v for v, _, _ in library.source_versions(source_id)])


@router.get("/health", response_model=Health, summary="Library size, sources by kind and index state")
def health(library: Library = Depends(get_library)) -> Health:
    return health_of(library)


def health_of(library: Library) -> Health:
    stats = library.stats()
    saved = library.answers.counts()
    vectors = library.searcher.vectors
    return Health(
        status="ok",
        version=__version__,
        library=stats["library"],
        sources_total=stats["sources_total"],
        passages_total=stats["passages_total"],
        sources=stats["sources"],
        passages=stats["passages"],
        passages_embedded=stats["passages_embedded"],
        source_versions_superseded=stats["source_versions_superseded"],
        articles=saved["articles"],
        articles_listed=library.answers.listing(limit=0)[0],
        threads=saved["threads"],
        vector_index=(
            f"{len(vectors)} vectors, {'approximate (usearch)' if vectors.approximate else 'exact'} search"
            if vectors is not None
            else "no vectors: lexical search only"
        ),
        encoder=library.encoder.model_id,
    )
