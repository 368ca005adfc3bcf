"""Who an editor can assign to review an article: the active accounts with the reviewer role.

The full account list is an admin's (`Editorial.users`); an editor choosing a reviewer needs only
these names, and `Editorial.act(..., "assign", reviewer=)` still checks the one chosen.
"""

from __future__ import annotations

from ..model import User
from . import users


def active_reviewers(library) -> list[User]:
    return [user for user in users.listing(library.db.connection()) if user.role == "reviewer" and not user.disabled]
