"""The editorial pages: my articles, the review queue, the review view and its forms, version
history and diffs, the audit log, the editable policy and the accounts page.

Every route hands the signed-in user (or None) to `library.editorial`, which decides whether the
action is allowed, so these pages and the API can never disagree; a refusal becomes the error page
(401 with a sign-in link, 403, 409, ...). Forms work without JavaScript: post, then a 303 redirect.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request

from ..errors import ConflictError, CurbsideError
from ..library import Library
from ..model import ArticleRecord, User
from ..publish.edits import ArticleEdits, ClaimEdit, claim_addresses
from ..publish.reviewers import active_reviewers
from ..publish.roles import ROLES
from .api import get_library
from .auth import current_user
from .responses import see
from .schemas import Number
from .views import article_view, page

router = APIRouter(include_in_schema=False)

AUDIT_PAGE_SIZE = 50
# The button each workflow action gets on the review page, in the order the service lists them.
BUTTONS = {
    "save": "Save as my draft",
    "submit": "Submit for review",
    "start_review": "Start review",
    "assign": "Assign reviewer",
    "approve": "Approve",
    "request_changes": "Request changes",
    "retract": "Retract",
    "rereview": "Send back for re-review",
    "reopen": "Reopen as a draft",
}
# Actions that carry a reason; the service refuses all but "approve" without one.
REASONED = ("approve", "request_changes", "retract", "rereview", "reopen")


# -- lists ----------------------------------------------------------------------------------------


@router.get("/my")
def my_articles(request: Request, library: Library = Depends(get_library)):
    items = library.editorial.my_articles(current_user(request))
    return page(request, "my.html", items=items)


@router.get("/review")
def review_queue(request: Request, library: Library = Depends(get_library)):
    parts = library.editorial.queue(current_user(request))
    return page(request, "review_queue.html", parts=parts)


# -- the review view and what it posts ------------------------------------------------------------


@router.get("/articles/{article_id}/review")
def review(
    request: Request, article_id: str, anchor: str = Query("", max_length=200), library: Library = Depends(get_library)
):
    return review_page(request, library, article_id, comment_anchor=anchor)


def review_page(
    request: Request,
    library: Library,
    article_id: str,
    *,
    status_code: int = 200,
    comment_anchor: str = "",
    edit_error: str = "",
    edit_values: dict | None = None,
):
    state = library.editorial.review_state(current_user(request), article_id)
    comments_at: dict[str, list] = {}
    for comment in state.comments:
        comments_at.setdefault(comment.anchor, []).append(comment)
    return page(
        request,
        "review.html",
        status_code=status_code,
        **article_view(library, state.record),
        state=state,
        comments_at=comments_at,
        comment_anchor=comment_anchor,
        workflow_actions=[action for action in state.actions if action in BUTTONS],
        buttons=BUTTONS,
        reasoned=REASONED,
        reviewers=active_reviewers(library) if "assign" in state.actions else [],
        claims=claim_addresses(state.record.article) if "edit" in state.actions else [],
        edit_error=edit_error,
        edit_values=edit_values or {},
    )


@router.post("/articles/{article_id}/workflow/{action}")
def workflow_action(
    request: Request,
    article_id: str,
    action: str,
    reason: str = Form(""),
    reviewer: str = Form(""),
    library: Library = Depends(get_library),
):
    library.editorial.act(current_user(request), article_id, action, reason=reason, reviewer=reviewer)
    return see(f"/articles/{article_id}/review")


@router.post("/articles/{article_id}/comments")
def add_comment(
    request: Request,
    article_id: str,
    body: str = Form(""),
    anchor: str = Form(""),
    library: Library = Depends(get_library),
):
    comment = library.editorial.comment(current_user(request), article_id, body, anchor)
    return see(f"/articles/{article_id}/review#comment-{comment.id}")


@router.post("/articles/{article_id}/edit")
async def edit_article(request: Request, article_id: str, library: Library = Depends(get_library)):
    form = await request.form()
    values = {key: value for key, value in form.items() if key != "csrf_token" and isinstance(value, str)}
    current = library.answers.article(article_id, newest=True)
    shown = values.get("version", "")
    if shown and shown != str(current.version):
        raise ConflictError(
            f"Article {article_id} changed while you edited it (version {shown} is now version "
            f"{current.version}); open the review page again and redo your edit there."
        )
    try:
        library.editorial.edit(current_user(request), article_id, edits_from_form(values, current))
    except CurbsideError as error:
        if error.http_status != 400:  # signed out, not allowed, wrong state: the error page says so
            raise
        # The verifier's refusal, shown above the form with everything the editor typed kept.
        return review_page(request, library, article_id, status_code=400, edit_error=str(error), edit_values=values)
    return see(f"/articles/{article_id}/review")


@router.post("/articles/{article_id}/recompose")
def recompose_article(request: Request, article_id: str, library: Library = Depends(get_library)):
    library.editorial.recompose(current_user(request), article_id)
    return see(f"/articles/{article_id}/review")


def edits_from_form(values: dict[str, str], current: ArticleRecord) -> ArticleEdits:
    """Only what the editor changed: an untouched textarea is not a rewording (its text is what
    readers already see), an unchanged title not a retitling. Addresses the article does not have
    are passed on so the service refuses them by name."""

    def same(a: str, b: str) -> bool:
        return " ".join(a.split()) == " ".join(b.split())

    known = {address: claim for address, _, claim in claim_addresses(current.article)}
    named = {key.split(":", 1)[1] for key in values if key.startswith(("claim:", "delete:"))}
    edits = []
    for address in [*known, *sorted(named - set(known))]:
        text, delete = values.get(f"claim:{address}"), values.get(f"delete:{address}") == "1"
        if delete:
            edits.append(ClaimEdit(address, delete=True))
        elif text is not None and (address not in known or not same(text, known[address].shown)):
            edits.append(ClaimEdit(address, text=text))
    title = values.get("title")
    if title is not None and same(title, current.article.title):
        title = None
    return ArticleEdits(title=title, claims=edits, note=values.get("note", ""))


# -- versions ------------------------------------------------------------------------------------


@router.get("/articles/{article_id}/history")
def history(request: Request, article_id: str, library: Library = Depends(get_library)):
    versions = library.editorial.history(article_id)
    return page(
        request, "history.html", record=library.answers.article(article_id), versions=versions, **diff_choice(versions)
    )


@router.get("/articles/{article_id}/diff")
def diff(
    request: Request,
    article_id: str,
    old: Annotated[Number | None, Query(alias="from", ge=1)] = None,
    new: Annotated[Number | None, Query(alias="to", ge=1)] = None,
    library: Library = Depends(get_library),
):
    versions = library.editorial.history(article_id)
    chosen = diff_choice(versions)
    old, new = old or chosen["diff_from"], new or chosen["diff_to"]
    lines = library.editorial.diff(article_id, old, new)
    return page(
        request,
        "diff.html",
        record=library.answers.article(article_id),
        versions=versions,
        lines=lines,
        diff_from=old,
        diff_to=new,
        changed=any(line.kind != "same" for line in lines),
    )


def diff_choice(versions) -> dict:
    """The pair the diff form starts with: the newest version against the one before it."""
    numbers = [info.version for info in versions]  # newest first
    return {"diff_to": numbers[0], "diff_from": numbers[1] if len(numbers) > 1 else numbers[0]}


# -- audit, policy, accounts -----------------------------------------------------------------------


@router.get("/audit")
def audit_log(
    request: Request,
    target: str = Query("", max_length=200),
    page_number: Annotated[Number, Query(ge=1, alias="page")] = 1,
    library: Library = Depends(get_library),
):
    user = current_user(request)
    total, entries = library.editorial.audit_entries(
        user, target=target, limit=AUDIT_PAGE_SIZE, offset=(page_number - 1) * AUDIT_PAGE_SIZE
    )
    chain_total = library.editorial.audit_entries(user, limit=0)[0] if target else total
    return page(
        request,
        "audit.html",
        entries=entries,
        total=total,
        target=target,
        chain_total=chain_total,
        problems=library.editorial.verify_audit(),
        page_number=page_number,
        pages=max(1, -(-total // AUDIT_PAGE_SIZE)),
    )


@router.get("/policy/edit")
def policy_edit(request: Request, library: Library = Depends(get_library)):
    library.editorial.require(current_user(request), "edit_policy")
    return page(request, "policy_edit.html", text=library.editorial_policy())


@router.post("/policy")
def policy_save(request: Request, text: str = Form(""), library: Library = Depends(get_library)):
    library.editorial.set_policy(current_user(request), text)
    return see("/policy")


def account_manager(request: Request, library: Library) -> User:
    """The signed-in admin. Asked first because the account methods read `actor=None` as the
    operator at the server's command line, which a web request never is."""
    user = current_user(request)
    library.editorial.require(user, "manage_users")
    return user


@router.get("/admin/users")
def accounts(request: Request, library: Library = Depends(get_library)):
    admin = account_manager(request, library)
    return accounts_page(request, library, admin)


def accounts_page(request: Request, library: Library, admin: User, *, status_code: int = 200, **context):
    context = {"error": "", "new_user": None, "new_token": "", "form": {}} | context
    response = page(
        request,
        "users.html",
        status_code=status_code,
        accounts=library.editorial.users(actor=admin),
        roles=ROLES,
        **context,
    )
    if context["new_token"]:
        response.headers["Cache-Control"] = "no-store"  # the token is shown this once, never from a cache
    return response


@router.post("/admin/users")
def add_account(
    request: Request,
    name: str = Form(""),
    role: str = Form(""),
    password: str = Form(""),
    full_name: str = Form(""),
    library: Library = Depends(get_library),
):
    admin = account_manager(request, library)
    try:
        added, token = library.editorial.add_user(name, role, password, full_name, actor=admin)
    except CurbsideError as error:
        if error.http_status not in (400, 409):
            raise
        typed = {"name": name, "role": role, "full_name": full_name}  # never the password
        return accounts_page(request, library, admin, status_code=error.http_status, error=str(error), form=typed)
    return accounts_page(request, library, admin, new_user=added, new_token=token)


@router.post("/admin/users/{name}/disable")
def disable_account(request: Request, name: str, library: Library = Depends(get_library)):
    library.editorial.set_disabled(name, True, actor=account_manager(request, library))
    return see("/admin/users")


@router.post("/admin/users/{name}/enable")
def enable_account(request: Request, name: str, library: Library = Depends(get_library)):
    library.editorial.set_disabled(name, False, actor=account_manager(request, library))
    return see("/admin/users")
