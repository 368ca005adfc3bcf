"""The editorial workflow under /api: review actions, edits, comments, versions, the audit log,
the policy and accounts.

Every route names the caller (`auth.api_user`: a bearer token, or nobody) and hands it to
`library.editorial`, which decides what that caller may do; no route checks a role itself, so the
API and the pages can never disagree about who may do what. Responses are the service's own
dataclasses, so the OpenAPI schema is the Python model.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, Security
from fastapi.security import HTTPBearer

from ..errors import SignInRequired
from ..library import Library
from ..model import ArticleRecord, ArticleSummary, User
from ..publish.diff import DiffLine
from ..publish.editorial import Comment, ReviewState, VersionInfo
from .api import get_library
from .auth import api_user
from .schemas import (
    EDITORIAL_RESPONSES,
    AuditCheck,
    AuditPage,
    CommentRequest,
    EditRequest,
    NewUser,
    NewUserRequest,
    Number,
    PolicyRequest,
    WorkflowAction,
    WorkflowRequest,
)

# Documents the scheme in /openapi.json (Swagger's "Authorize"); `api_user` reads the header itself.
BEARER = HTTPBearer(auto_error=False, description="An API token from `curbside users add` or `curbside users token`.")


def caller(request: Request, _documented=Security(BEARER)) -> User | None:
    """Who is asking: the token's account, None for a reader; a wrong or disabled token is 401."""
    return api_user(request)


def account_holder(user: User | None = Depends(caller)) -> User:
    """The caller's account, for routes where the service reads "no user" as the operator at the
    server's command line (accounts): over HTTP, nobody is never the operator."""
    if user is None:
        raise SignInRequired(
            "This needs an account: send 'Authorization: Bearer <token>' with your API token "
            "(an admin makes one with `curbside users add` or `curbside users token`)."
        )
    return user


# The router-level dependency refuses a wrong token on every route, reading ones included: a
# client that believes it is signed in should hear that it is not.
router = APIRouter(prefix="/api", tags=["editorial"], responses=EDITORIAL_RESPONSES, dependencies=[Depends(caller)])


@router.get("/me", response_model=User, summary="The account the bearer token belongs to")
def me(user: User = Depends(account_holder)) -> User:
    return user


# -- the lifecycle --------------------------------------------------------------------------------


@router.post(
    "/articles/{article_id}/workflow/{action}",
    response_model=ArticleRecord,
    summary="Take a workflow action (save, submit, start_review, assign, approve, request_changes, retract, "
    "rereview, reopen); returns the latest version",
)
def workflow_action(
    article_id: str,
    action: WorkflowAction,
    body: WorkflowRequest | None = None,
    user: User | None = Depends(caller),
    library: Library = Depends(get_library),
) -> ArticleRecord:
    body = body or WorkflowRequest()
    return library.editorial.act(user, article_id, action, reason=body.reason, reviewer=body.reviewer)


@router.post(
    "/articles/{article_id}/edits",
    response_model=ArticleRecord,
    summary="Edit the article's text (a new version, verified like a composed one, or refused whole)",
)
def edit_article(
    article_id: str, body: EditRequest, user: User | None = Depends(caller), library: Library = Depends(get_library)
) -> ArticleRecord:
    return library.editorial.edit(user, article_id, body.to_edits())


@router.post(
    "/articles/{article_id}/recompose",
    response_model=ArticleRecord,
    summary="A new version composed afresh from the library as it is now (needs the right to edit)",
)
def recompose_article(
    article_id: str, user: User | None = Depends(caller), library: Library = Depends(get_library)
) -> ArticleRecord:
    return library.editorial.recompose(user, article_id)


@router.get("/articles/{article_id}/comments", response_model=list[Comment], summary="Review comments, oldest first")
def list_comments(
    article_id: str, user: User | None = Depends(caller), library: Library = Depends(get_library)
) -> list[Comment]:
    return library.editorial.comments(user, article_id)


@router.post(
    "/articles/{article_id}/comments",
    response_model=Comment,
    status_code=201,
    summary="Comment on the article, a section or a bullet",
)
def add_comment(
    article_id: str, body: CommentRequest, user: User | None = Depends(caller), library: Library = Depends(get_library)
) -> Comment:
    return library.editorial.comment(user, article_id, body.body, body.anchor)


@router.get(
    "/articles/{article_id}/review",
    response_model=ReviewState,
    summary="The review view: latest version, round, approvals, comments, decisions, your possible actions",
)
def review(
    article_id: str, user: User | None = Depends(caller), library: Library = Depends(get_library)
) -> ReviewState:
    return library.editorial.review_state(user, article_id)


@router.get(
    "/articles/{article_id}/versions", response_model=list[VersionInfo], summary="The article's versions, newest first"
)
def versions(article_id: str, library: Library = Depends(get_library)) -> list[VersionInfo]:
    return library.editorial.history(article_id)


@router.get(
    "/articles/{article_id}/diff",
    response_model=list[DiffLine],
    summary="What changed between two versions, line by line as readers see them",
)
def diff(
    article_id: str,
    old: Annotated[Number, Query(alias="from", ge=1, description="The older version number.")],
    new: Annotated[Number, Query(alias="to", ge=1, description="The newer version number.")],
    library: Library = Depends(get_library),
) -> list[DiffLine]:
    return library.editorial.diff(article_id, old, new)


@router.get(
    "/review-queue",
    response_model=dict[str, list[ArticleSummary]],
    summary="The review queue, in the parts the caller works on",
)
def review_queue(
    user: User | None = Depends(caller), library: Library = Depends(get_library)
) -> dict[str, list[ArticleSummary]]:
    return library.editorial.queue(user)


# -- audit and policy -----------------------------------------------------------------------------


@router.get("/audit", response_model=AuditPage, summary="The audit log, newest first")
def audit_log(
    target: str = Query("", max_length=200, description="Only entries about this article id or user name."),
    limit: Annotated[Number, Query(ge=1, le=500)] = 100,
    offset: Annotated[Number, Query(ge=0)] = 0,
    user: User | None = Depends(caller),
    library: Library = Depends(get_library),
) -> AuditPage:
    total, items = library.editorial.audit_entries(user, target=target, limit=limit, offset=offset)
    return AuditPage(total=total, items=items)


@router.get("/audit/verify", response_model=AuditCheck, summary="Check the audit log's hash chain and its head")
def audit_verify(user: User | None = Depends(caller), library: Library = Depends(get_library)) -> AuditCheck:
    # `verify_audit` takes no user, so the service's own check for reading the log is asked first.
    library.editorial.require(user, "view_audit")
    problems = library.editorial.verify_audit()
    return AuditCheck(ok=not problems, problems=problems)


@router.put("/policy", status_code=204, response_class=Response, summary="Replace the editorial policy (Markdown)")
def put_policy(
    body: PolicyRequest, user: User | None = Depends(caller), library: Library = Depends(get_library)
) -> Response:
    library.editorial.set_policy(user, body.text)
    return Response(status_code=204)


# -- accounts -------------------------------------------------------------------------------------


@router.get("/users", response_model=list[User], summary="Every account")
def list_users(user: User = Depends(account_holder), library: Library = Depends(get_library)) -> list[User]:
    return library.editorial.users(actor=user)


@router.post(
    "/users", response_model=NewUser, status_code=201, summary="Add an account; its API token is shown this once"
)
def add_user(
    body: NewUserRequest, user: User = Depends(account_holder), library: Library = Depends(get_library)
) -> NewUser:
    created, token = library.editorial.add_user(body.name, body.role, body.password, body.full_name, actor=user)
    return NewUser(user=created, token=token)


@router.post(
    "/users/{name}/disable", response_model=User, summary="Disable an account (its sessions and token stop working)"
)
def disable_user(name: str, user: User = Depends(account_holder), library: Library = Depends(get_library)) -> User:
    return library.editorial.set_disabled(name, True, actor=user)


@router.post("/users/{name}/enable", response_model=User, summary="Enable a disabled account again")
def enable_user(name: str, user: User = Depends(account_holder), library: Library = Depends(get_library)) -> User:
    return library.editorial.set_disabled(name, False, actor=user)
