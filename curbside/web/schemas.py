"""What the API accepts and returns.

Requests are strict pydantic models (a number where text belongs is refused, unknown fields are
refused); responses are the dataclasses of `curbside.model` themselves, so the OpenAPI schema
cannot drift from the Python model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from annotated_types import Le
from pydantic import BaseModel, ConfigDict, Field

from ..model import MAX_QUESTION_CHARS, ArticleRecord, ArticleSummary, Hit, Passage, Source, Thread, User
from ..publish import editorial, edits
from ..publish.audit import AuditEntry

Audience = Literal["physician", "pharmacist", "nurse", "student", "patient"]

# Every whole number a route takes (offsets, page and version numbers, counts) is this type, so
# none can be larger than SQLite's 64-bit integers or overflow one when multiplied by a page size:
# a billion is far beyond any library's count. Routes add their own lower bounds (and tighter
# upper ones) in Query(); tests/web/test_integer_bounds.py finds any int parameter without it.
MAX_NUMBER = 1_000_000_000
Number = Annotated[int, Le(MAX_NUMBER)]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    question: str = Field(
        min_length=1, max_length=MAX_QUESTION_CHARS, description="A clinical question in plain words."
    )
    audience: Audience = "physician"


class FollowUpRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    question: str = Field(
        min_length=1, max_length=MAX_QUESTION_CHARS, description="A follow-up, e.g. 'and in pregnancy?'."
    )


@dataclass
class Problem:
    """Every API error (RFC 9457 problem details): `detail` is one sentence naming the input and the fix."""

    type: str
    title: str
    status: int
    detail: str


def _problem(description: str) -> dict:
    # `model` registers the component; the content says the media type the API really sends.
    return {
        "model": Problem,
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


ERROR_RESPONSES = {
    400: _problem("A question or parameter curbside cannot use"),
    404: _problem("No such id in this library"),
    413: _problem("Request body too large"),
    422: _problem("A field is missing, of the wrong type or out of range"),
}
# The editorial routes also answer who may ask (401, 403) and what the article's state allows (409).
EDITORIAL_RESPONSES = {
    **ERROR_RESPONSES,
    401: _problem("No bearer token, or one that is unknown, replaced or of a disabled account"),
    403: _problem("The token's role, or its relation to the article, does not allow this"),
    409: _problem("The article's current state does not allow this action"),
}


# -- editorial requests ---------------------------------------------------------------------------
# Empty text is left to the service, whose refusal says what to write (the generic "empty" message
# of the validation handler is about questions); lengths are capped here so a huge body is refused
# before it reaches the database.

WorkflowAction = Literal[
    "save", "submit", "start_review", "assign", "approve", "request_changes", "retract", "rereview", "reopen"
]
Role = Literal["author", "reviewer", "editor", "admin"]


class WorkflowRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    reason: str = Field(
        "",
        max_length=editorial.MAX_REASON,
        description="Why; required to request changes, retract, send back for re-review or reopen.",
    )
    reviewer: str = Field("", max_length=40, description="The reviewer's user name, for assign.")


class ClaimEditRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    address: str = Field(max_length=300, description="'bottom_line/0' or 'sections/<key>/<bullet>/<claim>'.")
    text: str | None = Field(
        None, max_length=edits.MAX_WORDING_CHARS, description='New wording shown to readers; "" goes back to the quote.'
    )
    delete: bool = False


class NewClaimRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    section: str = Field(max_length=100, description="An existing section key.")
    passage_id: str = Field(max_length=300)
    quote: str = Field(max_length=4000, description="Words of the passage, verbatim.")
    label: str = Field("", max_length=edits.MAX_LABEL_CHARS)


class EditRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    title: str | None = Field(None, max_length=edits.MAX_TITLE_CHARS)
    claims: list[ClaimEditRequest] = Field(default_factory=list, max_length=200)
    add: list[NewClaimRequest] = Field(default_factory=list, max_length=50)
    note: str = Field("", max_length=edits.MAX_NOTE_CHARS, description="What changed and why (required).")

    def to_edits(self) -> edits.ArticleEdits:
        return edits.ArticleEdits(
            title=self.title,
            note=self.note,
            claims=[edits.ClaimEdit(address=c.address, text=c.text, delete=c.delete) for c in self.claims],
            add=[
                edits.NewClaim(section=a.section, passage_id=a.passage_id, quote=a.quote, label=a.label)
                for a in self.add
            ],
        )


class CommentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    body: str = Field(max_length=editorial.MAX_COMMENT)
    anchor: str = Field("", max_length=300, description="'' (the whole article), 'section:KEY' or 'bullet:KEY/N'.")


class PolicyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    text: str = Field(max_length=editorial.MAX_POLICY, description="The editorial policy in Markdown.")


class NewUserRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(max_length=40, description="2-40 letters, digits, dots, dashes or underscores.")
    role: Role
    password: str = Field(max_length=1000, description="At least 10 characters.")
    full_name: str = Field("", max_length=120, description="How public pages name them.")


# -- editorial responses --------------------------------------------------------------------------


@dataclass
class NewUser:
    """A new account and its API token, shown this once (only its hash is stored)."""

    user: User
    token: str


@dataclass
class AuditPage:
    total: int
    items: list[AuditEntry]  # newest first


@dataclass
class AuditCheck:
    ok: bool
    problems: list[str]  # one sentence per break in the chain


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
    articles: int  # every saved answer, refusals and emergency pointers included
    articles_listed: int  # of them, the articles /library lists (kind "article")
    threads: int
    vector_index: str
    encoder: str
