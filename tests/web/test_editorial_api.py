"""The editorial workflow through the API (/api, bearer tokens) on the synthetic web library.

One article goes through the whole lifecycle with the tokens of an author, a reviewer, an editor
and an admin; every refusal on the way is a problem with one sentence, and the article, its
versions, its diff and the audit log say what happened. Accounts and articles made here have
names of their own ("api-…", a question nobody else asks) so other test modules sharing the
session library are not disturbed. Every name and sentence is synthetic.
"""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient
from synthetic_library import build

from curbside.library import Library
from curbside.model import ArticleRecord, User
from curbside.publish.editorial import Comment, ReviewState, VersionInfo
from curbside.web.app import create_app

from .test_api import assert_problem, check_against_schema, field_names

pytestmark = pytest.mark.slow  # signs in through the API over real libraries

PASSWORD = "synthetic-password-1"
# Asked only here, so the article is ours alone (it cites the synthetic monitoring passage).
QUESTION = "Which monitoring does synthetic neuropathy need during examplamab treatment?"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def openapi(client) -> dict:
    return client.get("/openapi.json").json()


@pytest.fixture(scope="module")
def team(client, web_library) -> dict[str, dict]:
    """An admin made at the command line (the operator), and the rest of the team added by that
    admin through POST /api/users: name -> {"token", "user"}."""
    admin, admin_token = web_library.editorial.add_user("api-admin", "admin", PASSWORD, "Synthetic Admin")
    people = {"admin": {"token": admin_token, "user": dataclasses.asdict(admin)}}
    for key, role in (("author", "author"), ("reviewer", "reviewer"), ("reviewer2", "reviewer"), ("editor", "editor")):
        response = client.post(
            "/api/users",
            headers=bearer(admin_token),
            json={"name": f"api-{key}", "role": role, "password": PASSWORD, "full_name": f"Synthetic {key}"},
        )
        assert response.status_code == 201, response.text
        people[key] = response.json()
    return people


def act(client, token: str, article_id: str, action: str, **body):
    return client.post(f"/api/articles/{article_id}/workflow/{action}", headers=bearer(token), json=body)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


# -- accounts ---------------------------------------------------------------------------------------


def test_users_added_by_the_admin_get_a_token_that_names_them(client, openapi, team):
    added = team["author"]
    assert list(added) == ["user", "token"] and added["token"].startswith("cs_")
    assert added["user"]["name"] == "api-author" and added["user"]["role"] == "author" and not added["user"]["disabled"]
    check_against_schema(
        openapi,
        added,
        openapi["paths"]["/api/users"]["post"]["responses"]["201"]["content"]["application/json"]["schema"],
    )
    me = ok(client.get("/api/me", headers=bearer(added["token"])))
    assert me == added["user"] and list(me) == field_names(User)
    listed = ok(client.get("/api/users", headers=bearer(team["admin"]["token"])))
    assert {"api-admin", "api-author", "api-reviewer", "api-reviewer2", "api-editor"} <= {u["name"] for u in listed}
    assert all("password" not in str(u) and "token" not in u for u in listed)


def test_accounts_are_managed_by_admins_only(client, team):
    new = {"name": "api-someone", "role": "author", "password": PASSWORD}
    assert_problem(client.post("/api/users", json=new), 401, "Bearer")
    assert_problem(client.get("/api/users"), 401, "Bearer")
    assert_problem(client.post("/api/users/api-author/disable"), 401, "Bearer")
    for key in ("author", "reviewer", "editor"):
        token = team[key]["token"]
        assert_problem(client.post("/api/users", headers=bearer(token), json=new), 403, "manage accounts")
        assert_problem(client.get("/api/users", headers=bearer(token)), 403, "manage accounts")
        assert_problem(client.post("/api/users/api-author/disable", headers=bearer(token)), 403, "manage accounts")
    admin = bearer(team["admin"]["token"])
    assert_problem(client.post("/api/users", headers=admin, json={**new, "role": "overlord"}), 422, "role")
    assert_problem(client.post("/api/users", headers=admin, json={**new, "password": "short"}), 400, "password", "10")
    assert_problem(client.post("/api/users", headers=admin, json={**new, "name": "api-author"}), 400, "already exists")
    assert_problem(client.post("/api/users", headers=admin, json={**new, "admin": True}), 422, "admin", "not accepted")
    assert_problem(client.post("/api/users/api-nobody/disable", headers=admin), 404, "api-nobody")
    assert_problem(client.post("/api/users/api-admin/disable", headers=admin), 409, "your own account")


def test_a_disabled_account_token_is_refused_until_enabled(client, web_library, team):
    admin = bearer(team["admin"]["token"])
    added = ok(
        client.post("/api/users", headers=admin, json={"name": "api-leaver", "role": "author", "password": PASSWORD}),
        201,
    )
    token = added["token"]
    assert ok(client.get("/api/me", headers=bearer(token)))["name"] == "api-leaver"
    disabled = ok(client.post("/api/users/api-leaver/disable", headers=admin))
    assert disabled["disabled"] is True
    assert_problem(client.get("/api/me", headers=bearer(token)), 401, "disabled")
    # Refused on every route, a reading one too, and before anything is done.
    record = ok(client.post("/api/ask", json={"question": QUESTION}))
    assert_problem(act(client, token, record["id"], "save"), 401, "token")
    assert_problem(client.get(f"/api/articles/{record['id']}/versions", headers=bearer(token)), 401, "token")
    assert ok(client.post("/api/users/api-leaver/enable", headers=admin))["disabled"] is False
    assert ok(client.get("/api/me", headers=bearer(token)))["name"] == "api-leaver"
    actions = [
        (e.action, e.target) for e in web_library.editorial.audit_entries(_admin(web_library), target="api-leaver")[1]
    ]
    assert actions == [("enable_user", "api-leaver"), ("disable_user", "api-leaver"), ("add_user", "api-leaver")]


def _admin(library) -> User:
    return next(u for u in library.editorial.users() if u.name == "api-admin")


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Bearer cs_not-a-real-token", ("token", "not valid")),
        ("Basic YWRtaW46YWRtaW4=", ("Bearer <token>",)),
        ("Bearer ", ("Bearer <token>",)),
    ],
)
def test_a_wrong_token_is_401_in_one_sentence(client, header, words):
    for method, path in (
        ("GET", "/api/me"),
        ("GET", "/api/review-queue"),
        ("POST", "/api/articles/anything/workflow/save"),
    ):
        assert_problem(client.request(method, path, headers={"Authorization": header}), 401, *words)


def test_without_a_token_editorial_work_is_401(client, first_record):
    article_id = first_record["id"]
    assert_problem(client.get("/api/me"), 401, "Bearer")
    assert_problem(client.post(f"/api/articles/{article_id}/workflow/save"), 401, "sign in")
    assert_problem(client.get(f"/api/articles/{article_id}/review"), 401, "sign in")
    assert_problem(client.get(f"/api/articles/{article_id}/comments"), 401, "sign in")
    assert_problem(client.get("/api/review-queue"), 401, "sign in")
    assert_problem(client.get("/api/audit"), 401, "sign in")
    assert_problem(client.get("/api/audit/verify"), 401, "sign in")
    assert_problem(client.put("/api/policy", json={"text": "# Synthetic"}), 401, "sign in")


# -- the lifecycle ----------------------------------------------------------------------------------


def test_the_whole_lifecycle_through_the_api(client, web_library, openapi, team):
    author, reviewer, reviewer2, editor, admin = (
        team[k]["token"] for k in ("author", "reviewer", "reviewer2", "editor", "admin")
    )
    record = ok(client.post("/api/ask", json={"question": QUESTION}))
    article_id = record["id"]
    assert record["status"] == "draft" and record["article"]["kind"] == "article"
    workflow_schema = openapi["paths"]["/api/articles/{article_id}/workflow/{action}"]["post"]["responses"]["200"]

    saved = ok(act(client, author, article_id, "save"))
    check_against_schema(openapi, saved, workflow_schema["content"]["application/json"]["schema"])
    assert list(saved) == field_names(ArticleRecord)
    assert saved["status"] == "draft" and saved["author"] == "Synthetic author (author)"
    assert_problem(act(client, team["editor"]["token"], article_id, "save"), 409, "already saved")
    assert_problem(act(client, reviewer, article_id, "submit"), 403, "reviewer")
    assert ok(act(client, author, article_id, "submit"))["status"] == "submitted"
    assert_problem(act(client, author, article_id, "submit"), 409, "submitted")

    assert ok(act(client, reviewer, article_id, "start_review"))["status"] == "under review"
    comment = ok(
        client.post(
            f"/api/articles/{article_id}/comments",
            headers=bearer(reviewer),
            json={"body": "Synthetic remark: say when monitoring starts.", "anchor": "section:bottom_line"},
        ),
        201,
    )
    assert list(comment) == field_names(Comment)
    assert comment["anchor_label"] == "Bottom line" and comment["author"] == "Synthetic reviewer (reviewer)"
    assert_problem(
        client.post(
            f"/api/articles/{article_id}/comments",
            headers=bearer(reviewer),
            json={"body": "Synthetic remark.", "anchor": "bullet:nowhere/9"},
        ),
        400,
        "bullet:nowhere/9",
    )
    assert_problem(
        client.post(
            f"/api/articles/{article_id}/comments", headers=bearer(reviewer), json={"body": "   ", "anchor": ""}
        ),
        400,
        "empty",
    )
    assert ok(client.get(f"/api/articles/{article_id}/comments", headers=bearer(author))) == [comment]

    # An author never approves (the role), even their own article; a reviewer nobody assigned
    # cannot decide; changes need a reason.
    assert_problem(act(client, author, article_id, "approve"), 403, "author", "approve")
    assert_problem(act(client, reviewer2, article_id, "approve"), 403, "not assigned")
    assert_problem(act(client, reviewer, article_id, "request_changes"), 400, "reason")
    changes = ok(
        act(client, reviewer, article_id, "request_changes", reason="Synthetic: name the monitoring interval.")
    )
    assert changes["status"] == "changes requested"
    assert_problem(act(client, reviewer, article_id, "approve"), 409, "changes requested")

    # The author revises (a new version), resubmits; the reviewer takes it again and approves.
    assert_problem(
        client.post(
            f"/api/articles/{article_id}/edits", headers=bearer(author), json={"title": "Synthetic retitle", "note": ""}
        ),
        400,
        "note",
    )
    assert_problem(
        client.post(
            f"/api/articles/{article_id}/edits",
            headers=bearer(author),
            json={"claims": [{"address": "sections/nowhere/0/0", "text": "Synthetic."}], "note": "x"},
        ),
        400,
        "sections/nowhere/0/0",
    )
    assert ok(client.get(f"/api/articles/{article_id}/versions"))[0]["version"] == 1  # the refused edits saved nothing
    edited = ok(
        client.post(
            f"/api/articles/{article_id}/edits",
            headers=bearer(author),
            json={"title": "Synthetic monitoring of examplamab", "note": "Synthetic: clearer title."},
        )
    )
    assert edited["status"] == "revised" and edited["version"] == 2
    assert edited["article"]["title"] == "Synthetic monitoring of examplamab"
    assert ok(act(client, author, article_id, "submit"))["status"] == "submitted"
    assert_problem(act(client, reviewer, article_id, "approve"), 409, "submitted")
    assert ok(act(client, reviewer, article_id, "start_review"))["status"] == "under review"

    state = ok(client.get(f"/api/articles/{article_id}/review", headers=bearer(reviewer)))
    check_against_schema(
        openapi,
        state,
        openapi["paths"]["/api/articles/{article_id}/review"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ],
    )
    assert list(state) == field_names(ReviewState)
    assert state["round"] == 2 and state["approvals_needed"] == 1 and state["reviewers"] == ["api-reviewer"]
    assert {"approve", "request_changes", "comment"} <= set(state["actions"]) and "submit" not in state["actions"]
    assert [d["decision"] for d in state["decisions"]] == ["request_changes"]
    assert ["", "The whole article"] in state["anchors"]

    approved = ok(act(client, reviewer, article_id, "approve"))
    assert approved["status"] == "approved" and approved["published_version"] == 2
    public = ok(client.get(f"/api/articles/{article_id}"))
    assert public["version"] == 2 and public["published_version"] == 2
    assert public["reviewed_by"] == "Synthetic reviewer (reviewer)" and public["reviewed_at"]
    assert_problem(act(client, reviewer, article_id, "approve"), 409, "approved")
    assert_problem(
        client.post(
            f"/api/articles/{article_id}/edits",
            headers=bearer(author),
            json={"title": "Synthetic", "note": "Synthetic."},
        ),
        409,
        "approved",
    )

    # Versions and the diff between them.
    versions = ok(client.get(f"/api/articles/{article_id}/versions"))
    assert [v["version"] for v in versions] == [2, 1] and all(list(v) == field_names(VersionInfo) for v in versions)
    assert versions[0]["published"] and not versions[1]["published"]
    assert versions[0]["made_by"] == "Synthetic author (author)" and versions[1]["made_by"] == "curbside"
    assert (
        versions[0]["approved_by"] == ["Synthetic reviewer (reviewer)"]
        and versions[0]["note"] == "Synthetic: clearer title."
    )
    lines = ok(client.get(f"/api/articles/{article_id}/diff?from=1&to=2"))
    assert {"kind": "added", "text": "Synthetic monitoring of examplamab"} in lines
    assert {"kind": "removed", "text": record["article"]["title"]} in lines
    assert all(
        line["kind"] == "same"
        for line in lines
        if line["text"] not in (record["article"]["title"], "Synthetic monitoring of examplamab")
    )
    assert_problem(client.get(f"/api/articles/{article_id}/diff?from=1&to=9"), 404, "version 9")
    assert_problem(client.get(f"/api/articles/{article_id}/diff?from=1"), 422, "to")

    # The audit log tells the story, newest first, and its chain verifies.
    assert_problem(client.get(f"/api/audit?target={article_id}", headers=bearer(editor)), 403, "audit log")
    page = ok(client.get(f"/api/audit?target={article_id}", headers=bearer(admin)))
    assert [(e["actor"], e["action"]) for e in reversed(page["items"])] == [
        ("api-author", "save"),
        ("api-author", "submit"),
        ("api-reviewer", "start_review"),
        ("api-reviewer", "comment"),
        ("api-reviewer", "request_changes"),
        ("api-author", "edit"),
        ("api-author", "submit"),
        ("api-reviewer", "start_review"),
        ("api-reviewer", "approve"),
    ]
    assert page["total"] == 9
    assert page["items"][0]["detail"] == {"from": "under review", "to": "approved", "version": 2}
    assert page["items"][4]["detail"]["reason"] == "Synthetic: name the monitoring interval."
    paged = ok(client.get(f"/api/audit?target={article_id}&limit=2&offset=1", headers=bearer(admin)))
    assert paged["total"] == 9 and paged["items"] == page["items"][1:3]
    assert ok(client.get("/api/audit/verify", headers=bearer(admin))) == {"ok": True, "problems": []}
    assert_problem(client.get("/api/audit/verify", headers=bearer(reviewer)), 403, "audit log")

    # After publication an editor retracts, with a reason, and reopens.
    assert_problem(act(client, editor, article_id, "retract"), 400, "reason")
    retracted = ok(act(client, editor, article_id, "retract", reason="Synthetic: retraction drill."))
    assert retracted["status"] == "retracted" and retracted["status_note"] == "Synthetic: retraction drill."
    assert ok(act(client, editor, article_id, "reopen", reason="Synthetic: reopened."))["status"] == "draft"


def test_the_review_queue_has_the_parts_each_role_works_on(client, openapi, team):
    schema = openapi["paths"]["/api/review-queue"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    for key, headings in (
        ("reviewer", {"Waiting for a reviewer", "Assigned to you"}),
        (
            "editor",
            {"Waiting for a reviewer", "Under review", "Needs re-review: evidence changed", "Changes requested"},
        ),
        ("author", {"Changes requested"}),
    ):
        queue = ok(client.get("/api/review-queue", headers=bearer(team[key]["token"])))
        check_against_schema(openapi, queue, schema)
        assert set(queue) == headings, key


def test_workflow_bodies_are_strict(client, team, first_record):
    token, article_id = team["editor"]["token"], first_record["id"]
    path = f"/api/articles/{article_id}/workflow/retract"
    assert_problem(
        client.post(path, headers=bearer(token), json={"reason": "x", "why": "y"}), 422, "why", "not accepted"
    )
    assert_problem(client.post(path, headers=bearer(token), json={"reason": 5}), 422, "reason", "a number")
    assert_problem(client.post(path, headers=bearer(token), json={"reason": "x" * 2001}), 422, "reason", "2000")
    assert_problem(client.post(f"/api/articles/{article_id}/workflow/publish", headers=bearer(token)), 422, "action")
    assert_problem(
        client.post("/api/articles/no-such-article/workflow/save", headers=bearer(team["author"]["token"])),
        404,
        "no-such-article",
    )
    edits = f"/api/articles/{article_id}/edits"
    assert_problem(
        client.post(edits, headers=bearer(token), json={"note": "x", "claims": [{"address": "a", "extra": 1}]}),
        422,
        "claims.0.extra",
    )
    assert_problem(
        client.post(edits, headers=bearer(token), json={"note": "x", "title": "t" * 201}), 422, "title", "200"
    )
    comments = f"/api/articles/{article_id}/comments"
    assert_problem(client.post(comments, headers=bearer(token), json={"anchor": ""}), 422, "body", "missing")
    assert_problem(client.post(comments, headers=bearer(token), json={"body": "x" * 4001}), 422, "body", "4000")
    assert_problem(client.put("/api/policy", headers=bearer(token), json={"text": ["x"]}), 422, "text", "an array")


# -- settings: how many approvals publish ------------------------------------------------------------


@pytest.fixture(scope="module")
def two_approvals(tmp_path_factory):
    """Its own library whose settings.toml asks for two reviewers' approvals (and whose policy may be
    rewritten without touching the shared library's)."""
    folder = tmp_path_factory.mktemp("two-approvals") / "library"
    build(folder).close()
    (folder / "settings.toml").write_text("approvals_needed = 2\n", encoding="utf-8")
    library = Library(folder)
    yield library, TestClient(create_app(library), raise_server_exceptions=False)
    library.close()


def test_two_approvals_need_two_different_reviewers(two_approvals):
    library, client = two_approvals
    assert library.settings.approvals_needed == 2
    tokens = {}
    for name, role in (("author", "author"), ("first", "reviewer"), ("second", "reviewer"), ("editor", "editor")):
        tokens[name] = library.editorial.add_user(f"two-{name}", role, PASSWORD)[1]
    article_id = ok(client.post("/api/ask", json={"question": QUESTION}))["id"]
    ok(act(client, tokens["author"], article_id, "save"))
    ok(act(client, tokens["author"], article_id, "submit"))
    ok(act(client, tokens["editor"], article_id, "assign", reviewer="two-first"))
    ok(act(client, tokens["editor"], article_id, "assign", reviewer="two-second"))
    assert_problem(
        act(client, tokens["editor"], article_id, "assign", reviewer="two-author"), 400, "not an active reviewer"
    )

    once = ok(act(client, tokens["first"], article_id, "approve"))
    assert once["status"] == "under review" and once["published_version"] is None
    state = ok(client.get(f"/api/articles/{article_id}/review", headers=bearer(tokens["second"])))
    assert state["approvals_needed"] == 2 and state["approvals"] == ["two-first"]
    assert state["reviewers"] == ["two-first", "two-second"]
    assert_problem(act(client, tokens["first"], article_id, "approve"), 409, "already approved")
    twice = ok(act(client, tokens["second"], article_id, "approve"))
    assert twice["status"] == "approved" and twice["published_version"] == 1
    assert set(twice["reviewed_by"].split(", ")) == {"two-first (reviewer)", "two-second (reviewer)"}


def test_the_editor_replaces_the_policy(two_approvals):
    library, client = two_approvals
    editor = library.editorial.add_user("policy-editor", "editor", PASSWORD)[1]
    reviewer = library.editorial.add_user("policy-reviewer", "reviewer", PASSWORD)[1]
    text = "# Synthetic policy\n\nTwo synthetic reviewers approve every article."
    assert_problem(client.put("/api/policy", headers=bearer(reviewer), json={"text": text}), 403, "policy")
    assert_problem(client.put("/api/policy", headers=bearer(editor), json={"text": "  "}), 400, "policy", "empty")
    response = client.put("/api/policy", headers=bearer(editor), json={"text": text})
    assert response.status_code == 204 and response.content == b""
    assert library.editorial_policy() == text + "\n"
