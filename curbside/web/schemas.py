"""What the API accepts and returns.

Requests are strict pydantic models (a number where text belongs is refused, unknown fields are
refused); responses are the dataclasses of `curbside.model` themselves, so the OpenAPI schema
cannot drift from the Python model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..ask import MAX_QUESTION_CHARS
from ..model import ArticleRecord, ArticleSummary, Hit, Passage, Source, Thread

Audience = Literal["physician", "pharmacist", "nurse", "student", "patient"]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="A clinical question in plain words.")
    audience: Audience = "physician"


class FollowUpRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="A follow-up, e.g. 'and in pregnancy?'.")


@dataclass
class Problem:
    """Every API error (RFC 9457 problem details): `detail` is one sentence naming the input and the fix."""

    type: str
    title: str
    status: int
    detail: str


def _problem(description: str) -> dict:
    # `model` registers the component; the content says the media type the API really sends.
    return {"model": Problem, "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


ERROR_RESPONSES = {400: _problem("A question or parameter curbside cannot use"), 404: _problem("No such id in this library"),
                   413: _problem("Request body too large"), 422: _problem("A field is missing, of the wrong type or out of range")}


@dataclass
class ArticleList:
    total: int
    items: list[ArticleSummary]


@dataclass
class ThreadAnswer:
    """A thread after a question, and the article that answered it."""

    thread: Thread
    article: ArticleRecord


@dataclass
class ThreadView:
    thread: Thread
    articles: list[ArticleRecord]  # one per turn, oldest first


@dataclass
class SourceView:
    source: Source
    passages: list[Passage]
    versions: list[int] = field(default_factory=list)


@dataclass
class SourceList:
    total: int
    items: list[Source]


@dataclass
class PassageView:
    passage: Passage
    source: Source


@dataclass
class SearchResults:
    question: str
    hits: list[Hit]


@dataclass
class Health:
    status: str
    version: str
    library: str
    sources_total: int
    passages_total: int
    sources: dict[str, int]
    passages: dict[str, int]
    passages_embedded: int
    source_versions_superseded: int
    articles: int
    threads: int
    vector_index: str
    encoder: str
