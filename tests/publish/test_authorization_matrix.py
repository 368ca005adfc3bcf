"""The authorization matrix: every role, anonymous readers included, against every action that has
a route, through both the web forms and the API; every cell checked.

Each cell puts a fresh article into the state where its action is legal (through the service, as
other users), so a refusal can only be about who asks. Then the role takes the action through its
channel (web: a fresh browser signs in at /login, reads a page for its CSRF token and posts the
form; API: a bearer token). The expected outcome is `roles.PERMISSIONS` plus the relation rules
the service adds (an author acts on the article they saved, so an acting author is made its
author; a reviewer decides only on an article they review, so the acting reviewer is assigned):

- allowed: 2xx or 303, and the change is in the database (reads: the page or JSON shows it);
- refused: 401 for anonymous, 403 for a signed-in role, and nothing changed — every table of the
  library database, the editorial policy file and the audit head are the same before and after.

Cells beyond the role table check the relation rules: an author acting on another author's article
and a reviewer deciding on an article nobody assigned them are refused with 403.

Self-approval has no cell of its own because no role can reach it: approving needs the reviewer
role, and a reviewer can neither save an article (author, editor) nor edit one (author, editor),
so nobody can approve what they wrote or edited — the service's own check for that
(`Editorial.require`: `own or _made_latest`) is a second line that only an account whose role
changed could meet, and no route or command changes a role.

Articles are copies of one composed article saved under new ids with the store's own `save` (what
answering a question does), so each cell's article is fresh without composing 200 answers. Names
and text are synthetic.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from synthetic_library import build

from curbside.model import User
from curbside.publish import roles
from curbside.publish.audit import HEAD_FILE
from curbside.store import articles as store
from curbside.web.app import create_app

pytestmark = pytest.mark.slow  # signs in every role against a real library (argon2 hashing), ~45 s

PASSWORD = "synthetic-matrix-password"
QUESTION = "Which monitoring does synthetic neuropathy need during examplamab treatment?"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
REASON = "Synthetic matrix reason."
CHANNELS = ("web", "api")
MATRIX_ROLES = roles.ALL_ROLES  # reader (anonymous), author, reviewer, editor, admin
# The accounts every cell may act as or set up with; "author2" owns nothing the matrix acts on.
ACCOUNTS = {
    "author": "author",
    "author2": "author",
    "reviewer": "reviewer",
    "reviewer2": "reviewer",
    "editor": "editor",
    "admin": "admin",
}


# -- the shared library, app and accounts ---------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    library = build(tmp_path_factory.mktemp("matrix") / "library")
    people: dict[str, SimpleNamespace] = {}
    for key, role in ACCOUNTS.items():
        user, token = library.editorial.add_user(f"m-{key}", role, PASSWORD, f"Synthetic {key}")
        people[key] = SimpleNamespace(user=user, token=token)
    base = library.answers.answer([QUESTION])
    assert base.article.kind == "article"
    app = create_app(library)
    yield SimpleNamespace(
        library=library, app=app, people=people, base=base, api=TestClient(app), counter=itertools.count(1)
    )
    library.close()


def fresh_article(world) -> str:
    """A new draft nobody has saved: the composed article under a new id, saved as answering does."""
    conn = world.library.db.connection()
    base_id = world.base.id
    body_hash, generation = conn.execute(
        "SELECT content_hash, library_generation FROM article_versions WHERE article_id = ? AND version = 1", (base_id,)
    ).fetchone()
    article_id = "a" + secrets.token_hex(6)
    with world.library.db.transaction() as conn:
        store.save(conn, article_id, world.base.context, world.base.article, body_hash, generation)
    return article_id


# Set-ups, each a chain of service calls by other users (the acting one only where the relation
# rule requires: the owning author, the assigned reviewer).
def saved(world, owner: User) -> str:
    article_id = fresh_article(world)
    world.library.editorial.act(owner, article_id, "save")
    return article_id


def submitted(world, owner: User) -> str:
    article_id = saved(world, owner)
    world.library.editorial.act(owner, article_id, "submit")
    return article_id


def under_review(world, owner: User, reviewer: User) -> str:
    article_id = submitted(world, owner)
    world.library.editorial.act(reviewer, article_id, "start_review")
    return article_id


def approved(world, owner: User, reviewer: User) -> str:
    article_id = under_review(world, owner, reviewer)
    world.library.editorial.act(reviewer, article_id, "approve")
    return article_id


def retracted(world, owner: User, reviewer: User) -> str:
    article_id = approved(world, owner, reviewer)
    world.library.editorial.act(world.people["editor"].user, article_id, "retract", reason=REASON)
    return article_id


def row(world, article_id: str):
    return world.library.db.connection().execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()


def count(world, sql: str, *args) -> int:
    return world.library.db.connection().execute(sql, args).fetchone()[0]


# -- the actions ----------------------------------------------------------------------------------


@dataclass
class Context:
    """What one cell works on: its article (if any), who owns it, who reviews it, a unique number."""

    world: SimpleNamespace
    article_id: str
    owner: User
    reviewer: User
    actor: User | None
    n: int


class Action:
    """One row of the matrix: its set-up, its request through each channel, and its effect."""

    name: str

    def prepare(self, world, owner: User, reviewer: User) -> str:
        return ""

    def web(self, client: TestClient, csrf: str, cx: Context):
        raise NotImplementedError

    def api(self, client: TestClient, headers: dict, cx: Context):
        raise NotImplementedError

    def took_effect(self, cx: Context, response) -> None:
        """Assert the allowed action did what it says."""
        raise NotImplementedError


class Workflow(Action):
    """save, submit, assign, start_review, approve, request_changes, retract, rereview, reopen."""

    def __init__(self, name: str, prepare, status: str, reason: str = "", reviewer: bool = False):
        self.name, self._prepare, self.status, self.reason, self.reviewer = name, prepare, status, reason, reviewer

    def prepare(self, world, owner, reviewer):
        return self._prepare(world, owner, reviewer)

    def fields(self, cx: Context) -> dict:
        fields = {"reason": self.reason} if self.reason else {}
        if self.reviewer:
            fields["reviewer"] = cx.reviewer.name
        return fields

    def web(self, client, csrf, cx):
        return client.post(
            f"/articles/{cx.article_id}/workflow/{self.name}", data={**self.fields(cx), "csrf_token": csrf}
        )

    def api(self, client, headers, cx):
        return client.post(f"/api/articles/{cx.article_id}/workflow/{self.name}", headers=headers, json=self.fields(cx))

    def took_effect(self, cx, response):
        found = row(cx.world, cx.article_id)
        assert found["status"] == self.status, (self.name, found["status"])
        if self.name == "save":
            assert found["author_id"] == cx.actor.id
        if self.name in ("assign", "start_review"):
            assigned = cx.reviewer if self.name == "assign" else cx.actor
            assert (
                count(
                    cx.world,
                    "SELECT COUNT(*) FROM review_assignments WHERE article_id = ? AND user_id = ?",
                    cx.article_id,
                    assigned.id,
                )
                == 1
            )
        if self.name in ("approve", "request_changes"):
            decided = count(
                cx.world,
                "SELECT COUNT(*) FROM review_decisions WHERE article_id = ? AND user_id = ? AND decision = ?",
                cx.article_id,
                cx.actor.id,
                self.name,
            )
            assert decided == 1
        if self.name == "approve":
            assert found["published_version"] == 1
        if self.name == "retract":
            assert found["status_note"] == REASON


class Edit(Action):
    name = "edit"

    def prepare(self, world, owner, reviewer):
        return saved(world, owner)

    def title(self, cx: Context) -> str:
        # Letters, not digits: a title may state no number its quotes do not hold.
        return "Synthetic matrix title " + "".join("abcdefghij"[int(d)] for d in str(cx.n))

    def web(self, client, csrf, cx):
        return client.post(
            f"/articles/{cx.article_id}/edit", data={"title": self.title(cx), "note": REASON, "csrf_token": csrf}
        )

    def api(self, client, headers, cx):
        return client.post(
            f"/api/articles/{cx.article_id}/edits", headers=headers, json={"title": self.title(cx), "note": REASON}
        )

    def took_effect(self, cx, response):
        found = row(cx.world, cx.article_id)
        assert found["version"] == 2 and found["title"] == self.title(cx)
        assert (
            count(
                cx.world,
                "SELECT COUNT(*) FROM article_versions WHERE article_id = ? AND version = 2 AND editor_id = ?",
                cx.article_id,
                cx.actor.id,
            )
            == 1
        )


class Comment(Action):
    name = "comment"

    def prepare(self, world, owner, reviewer):
        return submitted(world, owner)

    def body(self, cx: Context) -> str:
        return f"Synthetic matrix comment {cx.n}."

    def web(self, client, csrf, cx):
        return client.post(
            f"/articles/{cx.article_id}/comments", data={"body": self.body(cx), "anchor": "", "csrf_token": csrf}
        )

    def api(self, client, headers, cx):
        return client.post(
            f"/api/articles/{cx.article_id}/comments", headers=headers, json={"body": self.body(cx), "anchor": ""}
        )

    def took_effect(self, cx, response):
        assert (
            count(
                cx.world,
                "SELECT COUNT(*) FROM review_comments WHERE article_id = ? AND user_id = ? AND body = ?",
                cx.article_id,
                cx.actor.id,
                self.body(cx),
            )
            == 1
        )


class ViewReview(Action):
    name = "view_review"

    def prepare(self, world, owner, reviewer):
        return submitted(world, owner)

    def web(self, client, csrf, cx):
        return client.get(f"/articles/{cx.article_id}/review")

    def api(self, client, headers, cx):
        return client.get(f"/api/articles/{cx.article_id}/review", headers=headers)

    def took_effect(self, cx, response):
        if response.headers["content-type"].startswith("application/json"):
            assert response.json()["record"]["id"] == cx.article_id
        else:
            assert cx.world.base.article.title in response.text


class Read(Action):
    name = "read"

    def prepare(self, world, owner, reviewer):
        return approved(world, owner, reviewer)

    def web(self, client, csrf, cx):
        return client.get(f"/articles/{cx.article_id}")

    def api(self, client, headers, cx):
        return client.get(f"/api/articles/{cx.article_id}", headers=headers)

    def took_effect(self, cx, response):
        if response.headers["content-type"].startswith("application/json"):
            assert response.json()["id"] == cx.article_id and response.json()["published_version"] == 1
        else:
            assert cx.world.base.article.title in response.text


class ViewAudit(Action):
    """The audit log; the set-up's save is an entry about this cell's article, which must show."""

    name = "view_audit"

    def prepare(self, world, owner, reviewer):
        return saved(world, owner)

    def web(self, client, csrf, cx):
        return client.get(f"/audit?target={cx.article_id}")

    def api(self, client, headers, cx):
        return client.get(f"/api/audit?target={cx.article_id}", headers=headers)

    def took_effect(self, cx, response):
        if response.headers["content-type"].startswith("application/json"):
            assert [(e["action"], e["target"]) for e in response.json()["items"]] == [("save", cx.article_id)]
        else:
            assert cx.article_id in response.text


class EditPolicy(Action):
    name = "edit_policy"

    def text(self, cx: Context) -> str:
        return f"# Synthetic matrix policy {cx.n}\n\nA synthetic sentence."

    def web(self, client, csrf, cx):
        return client.post("/policy", data={"text": self.text(cx), "csrf_token": csrf})

    def api(self, client, headers, cx):
        return client.put("/api/policy", headers=headers, json={"text": self.text(cx)})

    def took_effect(self, cx, response):
        assert cx.world.library.editorial_policy() == self.text(cx) + "\n"


class ManageUsers(Action):
    name = "manage_users"

    def account(self, cx: Context) -> dict:
        return {"name": f"m-new-{cx.n}", "role": "author", "password": PASSWORD, "full_name": "Synthetic newcomer"}

    def web(self, client, csrf, cx):
        return client.post("/admin/users", data={**self.account(cx), "csrf_token": csrf})

    def api(self, client, headers, cx):
        return client.post("/api/users", headers=headers, json=self.account(cx))

    def took_effect(self, cx, response):
        assert count(cx.world, "SELECT COUNT(*) FROM users WHERE name = ? AND role = 'author'", f"m-new-{cx.n}") == 1


class Ask(Action):
    name = "ask"

    def question(self, cx: Context) -> str:
        return f"Which monitoring does synthetic neuropathy need in synthetic matrix case {cx.n}?"

    def web(self, client, csrf, cx):
        return client.post("/ask", data={"question": self.question(cx), "audience": "physician", "csrf_token": csrf})

    def api(self, client, headers, cx):
        return client.post("/api/ask", headers=headers, json={"question": self.question(cx)})

    def took_effect(self, cx, response):
        assert count(cx.world, "SELECT COUNT(*) FROM articles WHERE question = ?", self.question(cx)) == 1


ACTIONS = {
    action.name: action
    for action in (
        Workflow("save", lambda w, owner, reviewer: fresh_article(w), "draft"),
        Edit(),
        Workflow("submit", lambda w, owner, reviewer: saved(w, owner), "submitted"),
        Workflow("assign", lambda w, owner, reviewer: submitted(w, owner), "under review", reviewer=True),
        Workflow("start_review", lambda w, owner, reviewer: submitted(w, owner), "under review"),
        Comment(),
        Workflow("approve", under_review, "approved"),
        Workflow("request_changes", under_review, "changes requested", reason=REASON),
        Workflow("retract", approved, "retracted", reason=REASON),
        Workflow("rereview", approved, "submitted", reason=REASON),
        Workflow("reopen", retracted, "draft", reason=REASON),
        ViewReview(),
        EditPolicy(),
        ManageUsers(),
        ViewAudit(),
        Read(),
        Ask(),
    )
}
# Every row of the role table has a route, so every row is in the matrix.
assert set(ACTIONS) == set(roles.PERMISSIONS), set(roles.PERMISSIONS) ^ set(ACTIONS)


# -- the cells ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    channel: str
    role: str  # a role of roles.ALL_ROLES
    action: str
    actor: str = ""  # the account that acts ("" = the role's own; none for readers)
    relation: str = ""  # a relation refusal this cell checks: "not_own", "not_assigned"

    @property
    def id(self) -> str:
        return "-".join(part for part in (self.channel, self.role, self.action, self.relation) if part)

    def expected(self) -> int | None:
        """None when allowed, else the refusal's status."""
        if self.relation:
            return 403
        if roles.allowed(self.role, self.action):
            return None
        return 401 if self.role == roles.READER else 403


CELLS = [Cell(channel, role, action) for channel in CHANNELS for role in MATRIX_ROLES for action in ACTIONS]
# Relation refusals: the role may take the action, its relation to the article may not.
CELLS += [
    Cell(channel, "author", action, actor="author2", relation="not_own")
    for channel in CHANNELS
    for action in ("edit", "submit", "comment", "view_review")
]
CELLS += [
    Cell(channel, "reviewer", action, actor="reviewer2", relation="not_assigned")
    for channel in CHANNELS
    for action in ("approve", "request_changes")
]


def snapshot(world) -> dict[str, str]:
    """A digest of every table, the policy file and the audit head: what "changed nothing" compares."""
    conn = world.library.db.connection()
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    state = {}
    for table in tables:
        rows = sorted(repr(tuple(r)) for r in conn.execute(f'SELECT * FROM "{table}"'))  # some have no rowid
        state[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    folder = Path(world.library.path)
    state["editorial policy"] = world.library.editorial_policy()
    head = folder / HEAD_FILE
    state[HEAD_FILE] = head.read_text(encoding="utf-8") if head.exists() else ""
    return state


def signed_in_browser(world, account: str | None) -> tuple[TestClient, str]:
    """A fresh browser, signed in through the login form when `account` is given, and the CSRF
    token its pages' forms carry."""
    client = TestClient(world.app, raise_server_exceptions=False, follow_redirects=False)
    if account is not None:
        login = client.get("/login")
        assert login.status_code == 200, login.text[:300]
        token = CSRF_INPUT.search(login.text).group(1)
        signed = client.post(
            "/login", data={"name": f"m-{account}", "password": PASSWORD, "next": "/", "csrf_token": token}
        )
        assert signed.status_code == 303, signed.text[:300]
    home = client.get("/")
    assert home.status_code == 200
    return client, CSRF_INPUT.search(home.text).group(1)


@pytest.mark.parametrize("cell", CELLS, ids=lambda cell: cell.id)
def test_authorization_matrix(world, cell):
    action = ACTIONS[cell.action]
    account = None if cell.role == roles.READER else (cell.actor or cell.role)
    actor = world.people[account].user if account else None
    # The relation rules: an acting author owns the article; an acting reviewer is its reviewer.
    owner = actor if cell.role == "author" and not cell.relation else world.people["author"].user
    reviewer = actor if cell.role == "reviewer" and not cell.relation else world.people["reviewer"].user
    article_id = action.prepare(world, owner, reviewer)
    cx = Context(world, article_id, owner, reviewer, actor, next(world.counter))

    if cell.channel == "web":
        client, csrf = signed_in_browser(world, account)
        before = snapshot(world)
        response = action.web(client, csrf, cx)
    else:
        headers = {"Authorization": f"Bearer {world.people[account].token}"} if account else {}
        before = snapshot(world)
        response = action.api(world.api, headers, cx)

    refusal = cell.expected()
    if refusal is None:
        allowed = (200, 303) if cell.channel == "web" else (200, 201, 204)
        assert response.status_code in allowed, (response.status_code, response.text[:500])
        action.took_effect(cx, response)
        if cell.action in ("read", "view_review", "view_audit"):
            assert snapshot(world) == before, "a read changed the library"
        else:
            assert snapshot(world) != before
    else:
        assert response.status_code == refusal, (response.status_code, response.text[:500])
        wanted = "application/problem+json" if cell.channel == "api" else "text/html"
        assert response.headers["content-type"].startswith(wanted)
        # The service refused this action (its sentence names it), not the CSRF guard or a route.
        assert "did not come from this site" not in response.text
        if not cell.relation and cell.id != "api-reader-manage_users":  # that one: "send a bearer token"
            assert html.unescape(roles.ACTION_LABELS[cell.action]) in html.unescape(response.text), response.text[:500]
        after = snapshot(world)
        assert after == before, sorted(key for key in before if before[key] != after.get(key))
