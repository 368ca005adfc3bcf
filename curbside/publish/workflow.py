"""The article lifecycle as one state machine, with no database in it, so it can be tested alone.

    draft ──submit──▶ submitted ──start_review / assign──▶ under review
    under review ──approve (enough approvals)──▶ approved (published)
    under review ──request_changes──▶ changes requested ──edit──▶ revised ──submit──▶ submitted …
    approved ──retract──▶ retracted ──reopen──▶ draft
    approved ──rereview──▶ submitted   (the approved version stays published meanwhile)

`save`, `edit` (outside "changes requested") and `comment` leave the state as it is.
"""

from __future__ import annotations

from ..errors import ConflictError

DRAFT, SUBMITTED, UNDER_REVIEW = "draft", "submitted", "under review"
CHANGES_REQUESTED, REVISED, APPROVED, RETRACTED = "changes requested", "revised", "approved", "retracted"
STATES = (DRAFT, SUBMITTED, UNDER_REVIEW, CHANGES_REQUESTED, REVISED, APPROVED, RETRACTED)

# action -> {state it may start from: state it leads to}; approve is decided by the count below.
TRANSITIONS: dict[str, dict[str, str]] = {
    "save": {DRAFT: DRAFT},
    "edit": {
        DRAFT: DRAFT,
        SUBMITTED: SUBMITTED,
        UNDER_REVIEW: UNDER_REVIEW,
        CHANGES_REQUESTED: REVISED,
        REVISED: REVISED,
    },
    "submit": {DRAFT: SUBMITTED, REVISED: SUBMITTED},
    "start_review": {SUBMITTED: UNDER_REVIEW},
    "assign": {SUBMITTED: UNDER_REVIEW, UNDER_REVIEW: UNDER_REVIEW},
    "approve": {UNDER_REVIEW: APPROVED},
    "request_changes": {UNDER_REVIEW: CHANGES_REQUESTED},
    "retract": {APPROVED: RETRACTED},
    "rereview": {APPROVED: SUBMITTED},
    "reopen": {RETRACTED: DRAFT},
    "comment": {state: state for state in STATES},
}
# Who edits when: authors revise their own work before and after review; during review only
# editors may correct the text (and every edit resets the approvals of the round).
AUTHOR_EDITABLE = (DRAFT, CHANGES_REQUESTED, REVISED)

WHY_NOT = {
    "save": "only a draft nobody has saved yet can be saved",
    "edit": "an approved or retracted article is not edited; an editor sends it back for re-review or reopens it first",
    "submit": "only a draft or a revised article can be submitted",
    "start_review": "only a submitted article can be taken for review",
    "assign": "reviewers are assigned to submitted articles or those under review",
    "approve": "only an article under review can be approved",
    "request_changes": "changes are requested on an article under review",
    "retract": "only an approved article can be retracted",
    "rereview": "only an approved article can be sent back for re-review",
    "reopen": "only a retracted article can be reopened",
}


def next_state(state: str, action: str, *, approvals: int = 0, needed: int = 1) -> str:
    """The state `action` leads to from `state`, or ConflictError naming why it cannot be taken.

    For approve, `approvals` counts this round's approvals of the current version including this one."""
    targets = TRANSITIONS[action]
    if state not in targets:
        raise ConflictError(f"Cannot {action.replace('_', ' ')} an article that is {state}: {WHY_NOT[action]}.")
    if action == "approve" and approvals < needed:
        return UNDER_REVIEW
    return targets[state]


def can(state: str, action: str) -> bool:
    return state in TRANSITIONS.get(action, {})
