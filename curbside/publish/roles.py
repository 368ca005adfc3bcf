"""Who may do what. One table, read by the workflow service, the web pages and the API alike, so
an action is allowed or refused the same way wherever it is asked for.

A role grants an action; some actions are further limited by the user's relation to the article
(an author acts only on articles they saved; nobody approves an article they wrote), which the
workflow service checks.
"""

from __future__ import annotations

READER = "reader"  # anyone, signed in or not
ROLES = ("author", "reviewer", "editor", "admin")  # what an account can hold
ALL_ROLES = (READER,) + ROLES

EVERYONE = frozenset(ALL_ROLES)

PERMISSIONS: dict[str, frozenset[str]] = {
    "read": EVERYONE,  # published and composed articles, versions, sources
    "ask": EVERYONE,
    "save": frozenset({"author", "editor"}),  # take a composed article into one's own care
    "edit": frozenset({"author", "editor"}),  # authors: their own articles, before review
    "submit": frozenset({"author", "editor"}),  # authors: their own articles
    "assign": frozenset({"editor"}),  # name a reviewer (starts the review)
    "start_review": frozenset({"reviewer"}),  # a reviewer takes a submitted article
    "comment": frozenset({"author", "reviewer", "editor"}),
    "approve": frozenset({"reviewer"}),
    "request_changes": frozenset({"reviewer"}),
    "retract": frozenset({"editor"}),
    "rereview": frozenset({"editor"}),  # send an approved article back to the reviewers
    "reopen": frozenset({"editor"}),  # a retracted article back to draft
    "view_review": frozenset({"author", "reviewer", "editor", "admin"}),  # comments, decisions, queue
    "edit_policy": frozenset({"editor"}),
    "manage_users": frozenset({"admin"}),
    "view_audit": frozenset({"admin"}),
}
ACTIONS = tuple(PERMISSIONS)

ACTION_LABELS = {
    "save": "save it as your draft",
    "edit": "edit its text",
    "submit": "submit it for review",
    "assign": "assign a reviewer",
    "start_review": "start reviewing it",
    "comment": "comment",
    "approve": "approve it",
    "request_changes": "request changes",
    "retract": "retract it",
    "rereview": "send it back for re-review",
    "reopen": "reopen it as a draft",
    "view_review": "see review work",
    "edit_policy": "edit the editorial policy",
    "manage_users": "manage accounts",
    "view_audit": "read the audit log",
    "read": "read it",
    "ask": "ask",
}


def allowed(role: str, action: str) -> bool:
    return role in PERMISSIONS[action]


def roles_for(action: str) -> list[str]:
    return [role for role in ROLES if role in PERMISSIONS[action]]
