"""`Editorial`: the one place editorial actions happen (reached as `library.editorial`).

The web pages, the API and the CLI all call these methods, so an action is checked the same way
wherever it comes from: the role may take it (roles.py), the user's relation to the article
allows it (authors act on their own articles; nobody approves what they wrote), and the article's
state allows it (workflow.py). Each action is one transaction that also appends its audit entry,
so the log and the data never disagree.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import ConflictError, InputError, NotFoundError, PermissionDenied, SignInRequired
from ..model import ArticleRecord, ArticleSummary, User
from ..render.jsonout import render as article_json
from ..store import articles as store
from ..store import editorial as review_store
from . import audit, users, workflow
from .evidence import EvidenceChange, open_changes
from .roles import ACTION_LABELS, READER, allowed

MAX_REASON = 2000
MAX_COMMENT = 4000
MAX_POLICY = 100_000


class Operator:
    """Someone at the server's command line (`curbside users ...`): manages accounts by having the
    server. A distinct value, so an anonymous web caller (None) can never be mistaken for them."""

    name = "operator"  # how the audit log names them

    def __repr__(self) -> str:
        return "OPERATOR"


OPERATOR = Operator()


@dataclass
class Comment:
    id: int
    version: int
    author: str  # "NAME (role)"
    anchor: str  # "" for the whole article, "section:KEY" or "bullet:KEY/N"
    anchor_label: str
    body: str
    created_at: str


@dataclass
class Decision:
    version: int
    round: int
    reviewer: str
    decision: str  # approve, request_changes
    reason: str
    created_at: str


@dataclass
class VersionInfo:
    version: int
    created_at: str
    made_by: str  # "NAME (role)" or "curbside" for a composed version
    note: str
    approved_by: list[str] = field(default_factory=list)
    published: bool = False  # the version readers are shown


@dataclass
class ReviewState:
    """What the review page shows about one article."""

    record: ArticleRecord  # the latest version
    round: int
    approvals_needed: int
    approvals: list[str]  # reviewers who approved the latest version in this round
    reviewers: list[str]  # assigned reviewers
    comments: list[Comment]
    decisions: list[Decision]
    actions: list[str]  # what this user may do now
    anchors: list[tuple[str, str]]  # (anchor, label) a comment can be attached to
    evidence_changes: list[EvidenceChange] = field(default_factory=list)


def content_hash(record: ArticleRecord | None) -> str:
    if record is None:
        return ""
    return hashlib.sha256(article_json(record.article).encode("utf-8")).hexdigest()


def role_of(user: User | None) -> str:
    return user.role if user else READER


def actor_name(user: User | Operator) -> str:
    return user.name


class Editorial:
    def __init__(self, library):
        self.library = library

    @property
    def db(self):
        return self.library.db

    @property
    def approvals_needed(self) -> int:
        return max(1, int(self.library.settings.approvals_needed))

    def _after_commit(self) -> None:
        audit.write_head(self.db.connection(), Path(self.library.path))

    # -- accounts ---------------------------------------------------------------------------------
    # `actor` is the signed-in user asking (None: nobody signed in, refused) or OPERATOR, the
    # command line, which needs no account.

    def add_user(
        self, name: str, role: str, password: str, full_name: str = "", *, actor: User | Operator | None = OPERATOR
    ) -> tuple[User, str]:
        if actor is not OPERATOR:
            self.require(actor, "manage_users")
        with self.db.transaction() as conn:
            user, token = users.add(conn, name, role, password, full_name)
            audit.append(
                conn, actor_name(actor), "add_user", user.name, detail={"role": role, "full_name": user.full_name}
            )
        self._after_commit()
        return user, token

    def users(self, *, actor: User | Operator | None = OPERATOR) -> list[User]:
        if actor is not OPERATOR:
            self.require(actor, "manage_users")
        return users.listing(self.db.connection())

    def set_disabled(self, name: str, disabled: bool = True, *, actor: User | Operator | None = OPERATOR) -> User:
        if actor is not OPERATOR:
            self.require(actor, "manage_users")
            if disabled and actor.name.lower() == name.lower():
                raise ConflictError(
                    "You cannot disable your own account; ask another admin, or use `curbside users disable`."
                )
        with self.db.transaction() as conn:
            user = users.set_disabled(conn, name, disabled)
            audit.append(conn, actor_name(actor), "disable_user" if disabled else "enable_user", user.name)
        self._after_commit()
        return user

    def replace_token(self, name: str, *, actor: User | Operator | None = OPERATOR) -> str:
        if actor is not OPERATOR:
            self.require(actor, "manage_users")
        with self.db.transaction() as conn:
            token = users.replace_token(conn, name)
            audit.append(conn, actor_name(actor), "replace_token", users.by_name(conn, name).name)
        self._after_commit()
        return token

    def sign_in(self, name: str, password: str, address: str = "") -> tuple[User, str, str]:
        """(user, session id, CSRF token); a wrong name or password is recorded, then refused."""
        name = (name or "").strip()
        if not name or not password:
            raise InputError("Enter both your user name and your password to sign in.")
        with self.db.transaction() as conn:
            user = users.authenticate(conn, name, password, address)
            if user is not None:
                session_id, csrf = users.start_session(conn, user, self.library.settings.session_hours)
                audit.append(conn, user.name, "sign_in", user.name)
        if user is None:  # raised after the commit, so the failure counts toward the lock-out
            raise SignInRequired(f"Wrong user name or password for {name!r}; check both and try again.")
        self._after_commit()
        return user, session_id, csrf

    def session(self, session_id: str) -> tuple[User, str] | None:
        return users.session_user(self.db.connection(), session_id) if session_id else None

    def sign_out(self, session_id: str) -> None:
        found = self.session(session_id)
        with self.db.transaction() as conn:
            users.end_session(conn, session_id)
            if found:
                audit.append(conn, found[0].name, "sign_out", found[0].name)
        self._after_commit()

    def user_for_token(self, token: str) -> User:
        return users.from_token(self.db.connection(), token)

    # -- permission ---------------------------------------------------------------------------------

    def require(self, user: User | None, action: str, row: sqlite3.Row | None = None) -> None:
        """Refuse, with the reason, an action this user may not take (on this article)."""
        role = role_of(user)
        label = ACTION_LABELS[action]
        if not allowed(role, action):
            if user is None:
                raise SignInRequired(f"Sign in to {label}; reading needs no account, editorial work does.")
            raise PermissionDenied(f"Your role ({role}) cannot {label}; ask an editor or an admin.")
        if row is None:
            return
        own = row["author_id"] is not None and user is not None and row["author_id"] == user.id
        if role == "author" and action in ("edit", "submit", "comment", "view_review") and not own:
            raise PermissionDenied(f"Only the author who saved article {row['id']} (or an editor) can {label}.")
        if action in ("approve", "request_changes"):
            if own or self._made_latest(row, user):
                raise PermissionDenied(
                    f"You wrote or edited article {row['id']}, so you cannot {label}; another reviewer must."
                )
            if not self._assigned(row["id"], user):
                raise PermissionDenied(
                    f'You are not assigned to review article {row["id"]}; take it with "Start review" or ask an editor to assign you.'
                )

    def _made_latest(self, row: sqlite3.Row, user: User) -> bool:
        return review_store.made_version(self.db.connection(), row["id"], user.id, row["version"])

    def _assigned(self, article_id: str, user: User) -> bool:
        return review_store.is_assigned(self.db.connection(), article_id, user.id)

    def _row(self, conn: sqlite3.Connection, article_id: str) -> sqlite3.Row:
        row = review_store.article_row(conn, article_id)
        if row is None:
            raise NotFoundError(
                f"No article {article_id!r} in this library; find articles at /library or GET /api/articles."
            )
        return row

    def allowed_actions(self, user: User | None, article_id: str) -> list[str]:
        """The workflow actions this user could take on the article now (for buttons and the API)."""
        row = self._row(self.db.connection(), article_id)
        possible = []
        for action in (
            "save",
            "edit",
            "submit",
            "start_review",
            "assign",
            "approve",
            "request_changes",
            "retract",
            "rereview",
            "reopen",
            "comment",
        ):
            try:
                self._check(user, action, row)
            except InputError:
                continue
            possible.append(action)
        return possible

    def _check(self, user: User | None, action: str, row: sqlite3.Row) -> str:
        """The state `action` leads to, after every check; raises the first refusal."""
        self.require(user, action, row)
        state = row["status"]
        if action == "save":
            if row["kind"] != "article":
                raise ConflictError(
                    f"Article {row['id']} says the library cannot answer its question, so there is nothing to review; ask a question the library covers."
                )
            if row["author_id"] is not None:
                raise ConflictError(
                    f"Article {row['id']} is already saved by {self._name(row['author_id'])}; an editor can reassign work."
                )
        if action == "edit" and role_of(user) == "author" and state not in workflow.AUTHOR_EDITABLE:
            raise ConflictError(
                f"Article {row['id']} is {state}; its author can edit it again once changes are requested."
            )
        if action == "submit" and row["author_id"] is None:
            raise ConflictError(f"Save article {row['id']} as a draft before submitting it.")
        if action == "approve" and self._approved_by(row, user):
            raise ConflictError(
                f"You already approved version {row['version']} of article {row['id']}; it needs another reviewer's approval."
            )
        approvals = len(self._approvals(row)) + 1 if action == "approve" else 0  # only approve counts them
        return workflow.next_state(state, action, approvals=approvals, needed=self.approvals_needed)

    def _name(self, user_id: int) -> str:
        return users.get(self.db.connection(), user_id).label

    def _approvals(self, row: sqlite3.Row) -> list[str]:
        return review_store.approver_names(self.db.connection(), row["id"], row["version"], row["review_round"])

    def _approved_by(self, row: sqlite3.Row, user: User) -> bool:
        return user is not None and user.name in self._approvals(row)

    # -- the lifecycle -----------------------------------------------------------------------------

    def act(
        self, user: User | None, article_id: str, action: str, *, reason: str = "", reviewer: str = ""
    ) -> ArticleRecord:
        """Take one workflow action (not edit or comment, which carry content: see `edit`, `comment`)."""
        if action not in (
            "save",
            "submit",
            "start_review",
            "assign",
            "approve",
            "request_changes",
            "retract",
            "rereview",
            "reopen",
        ):
            raise InputError(f"Unknown action {action!r}; see /docs for the workflow actions.")
        reason = " ".join((reason or "").split())
        with self.db.transaction() as conn:
            row = self._row(conn, article_id)
            target = self._check(user, action, row)  # who may, before what they sent: a stranger learns nothing
            if len(reason) > MAX_REASON:
                raise InputError(f"The reason is longer than {MAX_REASON} characters; shorten it.")
            if action in ("request_changes", "retract", "rereview", "reopen") and not reason:
                raise InputError(f"Give a reason to {ACTION_LABELS[action]}; the author and the audit log keep it.")
            before = content_hash(store.latest(conn, article_id)[0])
            detail = {"from": row["status"], "to": target, "version": row["version"]}
            if reason:
                detail["reason"] = reason
            self._apply(conn, row, user, action, target, reason, reviewer, detail)
            audit.append(conn, actor_name(user), action, article_id, before=before, after=before, detail=detail)
        self._after_commit()
        return store.latest(self.db.connection(), article_id)[0]

    def _apply(self, conn, row, user: User, action: str, target: str, reason: str, reviewer: str, detail: dict) -> None:
        article_id, stamp = row["id"], store.now()
        updates = {"status": target}
        if action == "save":
            updates["author_id"] = user.id
        elif action in ("submit", "rereview"):
            updates["review_round"] = row["review_round"] + 1
        elif action == "start_review":
            self._assign(conn, article_id, user, user)
        elif action == "assign":
            chosen = self._reviewer(conn, reviewer, row)
            self._assign(conn, article_id, chosen, user)
            detail["reviewer"] = chosen.name
        elif action in ("approve", "request_changes"):
            review_store.insert_review_decision(
                conn, article_id, row["version"], row["review_round"], user.id, action, reason, stamp
            )
            if target == workflow.APPROVED:
                updates["published_version"] = row["version"]
                updates["status_note"] = ""
                if row["needs_rereview"]:
                    from .evidence import resolve

                    resolve(conn, article_id, user.name)
        elif action == "retract":
            updates["status_note"] = reason
        elif action == "reopen":
            # Nothing is published any more: readers see the reopened draft as a draft until a
            # reviewer approves a version again (a published_version left set read as "approved").
            updates["status_note"] = ""
            updates["published_version"] = None
        review_store.update_article(conn, article_id, updates, stamp)

    def _reviewer(self, conn, name: str, row) -> User:
        if not name:
            raise InputError("Name the reviewer to assign (their user name).")
        chosen = users.by_name(conn, name)
        if chosen.role != "reviewer" or chosen.disabled:
            raise InputError(f"{chosen.name} is not an active reviewer; assign someone with the reviewer role.")
        if row["author_id"] == chosen.id:
            raise ConflictError(
                f"{chosen.name} wrote article {row['id']} and cannot review it; choose another reviewer."
            )
        return chosen

    def _assign(self, conn, article_id: str, reviewer: User, by: User) -> None:
        review_store.assign_reviewer(conn, article_id, reviewer.id, by.id, store.now())

    def edit(self, user: User | None, article_id: str, edits) -> ArticleRecord:
        """A new version with the edits applied, verified like a composed article; refused whole if
        any edit fails (an uncited claim, a number its citation does not hold, an unknown passage)."""
        from .edits import apply_edits

        with self.db.transaction() as conn:
            row = self._row(conn, article_id)
            target = self._check(user, "edit", row)
            current = store.latest(conn, article_id)[0]
            settings = self.library.settings
            edited = apply_edits(
                current.article,
                edits,
                self._passage_source,
                today_year=_today_year(settings),
                superseded_after_years=settings.superseded_after_years,
            )
            edited.status = target
            new_hash = hashlib.sha256(article_json(edited).encode("utf-8")).hexdigest()
            generation = review_store.version_generation(conn, article_id, row["version"])
            number = store.save(
                conn,
                article_id,
                current.context,
                edited,
                new_hash,
                generation,
                editor_id=user.id,
                note=" ".join(edits.note.split()),
            )
            review_store.set_article_status(conn, article_id, target, store.now())
            audit.append(
                conn,
                user.name,
                "edit",
                article_id,
                before=content_hash(current),
                after=new_hash,
                detail={"from": row["status"], "to": target, "version": number, "note": edits.note},
            )
        self._after_commit()
        return store.latest(self.db.connection(), article_id)[0]

    def recompose(self, user: User | None, article_id: str) -> ArticleRecord:
        """A new version composed afresh from the library as it is now (after a cited source changed,
        say), for the reviewers to check like any edit. Needs the right to edit the article."""
        conn = self.db.connection()
        self._check(user, "edit", self._row(conn, article_id))  # refuse before the (slow) composing
        current = store.latest(conn, article_id)[0]
        composed = self.library.ask(
            current.question, audience=current.audience, thread=self.library.answers.understood(current.context)
        )
        with self.db.transaction() as conn:
            row = self._row(conn, article_id)
            target = self._check(user, "edit", row)
            if row["version"] != current.version:
                raise ConflictError(
                    f"Article {article_id} changed while it was being re-composed; reload it and try again."
                )
            composed.status = target
            new_hash = hashlib.sha256(article_json(composed).encode("utf-8")).hexdigest()
            if new_hash == content_hash(current):
                raise ConflictError(
                    f"Re-composing article {article_id} from the library as it is now gives the same text; nothing to change."
                )
            generation = f"{__version__}:{store.library_generation(conn)}"
            number = store.save(
                conn,
                article_id,
                current.context,
                composed,
                new_hash,
                generation,
                editor_id=user.id,
                note="Re-composed from the library as it is now.",
            )
            review_store.set_article_status(conn, article_id, target, store.now())
            audit.append(
                conn,
                user.name,
                "recompose",
                article_id,
                before=content_hash(current),
                after=new_hash,
                detail={"from": row["status"], "to": target, "version": number},
            )
        self._after_commit()
        return store.latest(self.db.connection(), article_id)[0]

    def _passage_source(self, passage_id: str):
        from ..store import sources

        return sources.get_passage(self.db.connection(), passage_id)

    def comment(self, user: User | None, article_id: str, body: str, anchor: str = "") -> Comment:
        body = (body or "").strip()
        with self.db.transaction() as conn:
            row = self._row(conn, article_id)
            self._check(user, "comment", row)
            if not body:
                raise InputError("The comment is empty; write what the author should look at.")
            if len(body) > MAX_COMMENT:
                raise InputError(f"The comment is longer than {MAX_COMMENT} characters; shorten it or split it.")
            record = store.latest(conn, article_id)[0]
            labels = dict(anchors(record))
            if anchor not in labels:
                raise InputError(
                    f"Unknown place {anchor!r} in article {article_id}; comment on the article, a section or a bullet it has."
                )
            comment_id = review_store.insert_review_comment(
                conn, article_id, row["version"], user.id, anchor, body, store.now()
            )
            audit.append(
                conn,
                user.name,
                "comment",
                article_id,
                detail={"comment": comment_id, "anchor": anchor, "version": row["version"]},
            )
        self._after_commit()
        return next(c for c in self.comments(user, article_id) if c.id == comment_id)

    # -- reading the workflow ----------------------------------------------------------------------

    def comments(self, user: User | None, article_id: str) -> list[Comment]:
        conn = self.db.connection()
        row = self._row(conn, article_id)
        self.require(user, "view_review", row)
        labels = dict(anchors(store.latest(conn, article_id)[0]))
        rows = review_store.comment_rows(conn, article_id)
        return [
            Comment(
                id=r["id"],
                version=r["version"],
                author=f"{r['full_name'] or r['name']} ({r['role']})",
                anchor=r["anchor"],
                anchor_label=labels.get(r["anchor"], f"{r['anchor']} (no longer in the article)"),
                body=r["body"],
                created_at=r["created_at"],
            )
            for r in rows
        ]

    def decisions(self, article_id: str) -> list[Decision]:
        rows = review_store.decision_rows(self.db.connection(), article_id)
        return [
            Decision(
                version=r["version"],
                round=r["round"],
                reviewer=f"{r['full_name'] or r['name']} ({r['role']})",
                decision=r["decision"],
                reason=r["reason"],
                created_at=r["created_at"],
            )
            for r in rows
        ]

    def review_state(self, user: User | None, article_id: str) -> ReviewState:
        conn = self.db.connection()
        row = self._row(conn, article_id)
        self.require(user, "view_review", row)
        record = store.latest(conn, article_id)[0]
        reviewers = review_store.assigned_reviewer_names(conn, article_id)
        return ReviewState(
            record=record,
            round=row["review_round"],
            approvals_needed=self.approvals_needed,
            approvals=self._approvals(row),
            reviewers=reviewers,
            comments=self.comments(user, article_id),
            decisions=self.decisions(article_id),
            actions=self.allowed_actions(user, article_id),
            anchors=anchors(record),
            evidence_changes=open_changes(conn, article_id),
        )

    def history(self, article_id: str) -> list[VersionInfo]:
        conn = self.db.connection()
        row = self._row(conn, article_id)
        approved: dict[int, list[str]] = {}
        for r in review_store.approval_rows(conn, article_id):
            approved.setdefault(r["version"], []).append(f"{r['full_name'] or r['name']} ({r['role']})")
        rows = review_store.version_rows(conn, article_id)
        return [
            VersionInfo(
                version=r["version"],
                created_at=r["created_at"],
                made_by=f"{r['full_name'] or r['name']} ({r['role']})" if r["name"] else "curbside",
                note=r["note"],
                approved_by=sorted(set(approved.get(r["version"], []))),
                published=r["version"] == row["published_version"],
            )
            for r in rows
        ]

    def diff(self, article_id: str, old: int, new: int):
        from .diff import version_diff

        conn = self.db.connection()
        records = [store.version(conn, article_id, number) for number in (old, new)]
        for number, record in zip((old, new), records, strict=False):
            if record is None:
                raise NotFoundError(
                    f"Article {article_id} has no version {number}; its history lists the versions it has."
                )
        return version_diff(records[0].article, records[1].article)

    def queue(self, user: User | None) -> dict[str, list[ArticleSummary]]:
        """The review queue, in the parts this user works on."""
        self.require(user, "view_review")
        role = user.role
        conn = self.db.connection()
        parts: dict[str, list[ArticleSummary]] = {}
        if role in ("reviewer", "editor"):
            parts["Waiting for a reviewer"] = review_store.submitted(conn)
        if role == "reviewer":
            parts["Assigned to you"] = review_store.under_review_assigned_to(conn, user.id)
        if role in ("editor", "admin"):
            parts["Under review"] = review_store.under_review(conn)
            parts["Needs re-review: evidence changed"] = review_store.needing_rereview(conn)
            parts["Changes requested"] = review_store.changes_requested_or_revised(conn)
        if role == "author":
            parts["Changes requested"] = review_store.changes_requested_of_author(conn, user.id)
        return parts

    def my_articles(self, user: User | None) -> list[ArticleSummary]:
        self.require(user, "view_review")
        if user.role == "reviewer":
            return review_store.assigned_to(self.db.connection(), user.id)
        return review_store.authored_by(self.db.connection(), user.id)

    # -- policy and audit --------------------------------------------------------------------------

    def set_policy(self, user: User | None, text: str) -> None:
        self.require(user, "edit_policy")
        text = (text or "").replace("\r\n", "\n").strip()
        if not text:
            raise InputError("The editorial policy is empty; write the policy in Markdown.")
        if len(text) > MAX_POLICY:
            raise InputError(f"The editorial policy is longer than {MAX_POLICY} characters; shorten it.")
        path = Path(self.library.path) / self.library.settings.editorial_policy_file
        before = hashlib.sha256(self.library.editorial_policy().encode("utf-8")).hexdigest()
        after = hashlib.sha256((text + "\n").encode("utf-8")).hexdigest()
        with self.db.transaction() as conn:
            audit.append(conn, user.name, "edit_policy", "editorial-policy", before=before, after=after)
            # Last, so a failed audit entry leaves the file as it was; swapped whole through a
            # temporary file of its own, so two admins saving at once do not collide.
            audit.write_atomically(path, text + "\n")
        self._after_commit()

    def audit_entries(self, user: User | None, *, target: str = "", limit: int = 100, offset: int = 0):
        self.require(user, "view_audit")
        return audit.entries(self.db.connection(), target=target, limit=limit, offset=offset)

    def verify_audit(self) -> list[str]:
        return audit.verify(self.db.connection(), Path(self.library.path))


def anchors(record: ArticleRecord) -> list[tuple[str, str]]:
    """Where a comment can be attached: the whole article, a section, or one bullet of a section."""
    places = [("", "The whole article")]
    if record.article.bottom_line:
        places.append(("section:bottom_line", "Bottom line"))
    for section in record.article.sections:
        places.append((f"section:{section.key}", section.title))
        for number, bullet in enumerate(section.bullets, 1):
            text = bullet.label or (bullet.claims[0].shown[:60] if bullet.claims else "")
            places.append((f"bullet:{section.key}/{number}", f"{section.title} › {text}"))
    return places


def _today_year(settings) -> int:
    from datetime import date

    return settings.today_year or date.today().year
