"""Property-based tests of the article lifecycle: no sequence of actions reaches an illegal state.

Two levels:
- the pure state machine (`workflow.next_state`) over any sequence of actions and approval counts;
- the real `Editorial` service on a small real library, driven by hypothesis's stateful testing with
  random users taking random actions, checked after every step.

The library is one synthetic Markdown note read by the real `files` reader; the drug and condition
names are invented and say nothing true about medicine.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from collections import deque
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from curbside.errors import ConflictError, CurbsideError
from curbside.library import Library
from curbside.publish import audit, workflow
from curbside.publish.edits import ArticleEdits, ClaimEdit, claim_addresses
from curbside.publish.roles import allowed
from curbside.publish.workflow import APPROVED, DRAFT, STATES, UNDER_REVIEW

pytestmark = pytest.mark.slow  # property-based runs over real libraries, ~17 s

# -- the pure state machine ---------------------------------------------------------------------

ACTIONS = tuple(workflow.TRANSITIONS)


@settings(max_examples=300, deadline=None)
@given(
    start=st.sampled_from(STATES),
    needed=st.integers(1, 3),
    steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 4)), max_size=40),
)
def test_no_sequence_of_actions_reaches_an_illegal_state(start: str, needed: int, steps: list[tuple[str, int]]) -> None:
    state = start
    for action, approvals in steps:
        try:
            reached = workflow.next_state(state, action, approvals=approvals, needed=needed)
        except ConflictError as refusal:
            assert not workflow.can(state, action)
            assert state in str(refusal)  # the refusal names the state it was refused in
            continue  # and the state is kept
        assert workflow.can(state, action)
        assert reached in STATES
        if reached == APPROVED and state != APPROVED:
            assert action == "approve" and approvals >= needed
        if action == "approve" and approvals < needed:
            assert reached == UNDER_REVIEW
        if action == "comment":
            assert reached == state
        state = reached


def test_every_state_is_reachable_from_a_draft_and_none_is_a_dead_end() -> None:
    seen, waiting = {DRAFT}, deque([DRAFT])
    while waiting:
        state = waiting.popleft()
        leaving = {
            workflow.next_state(state, action, approvals=1, needed=1)
            for action in ACTIONS
            if workflow.can(state, action)
        } - {state}
        assert leaving, f"{state} has no way out"
        waiting.extend(leaving - seen)
        seen |= leaving
    assert seen == set(STATES)


# -- the real service on a real library ---------------------------------------------------------

NOTE = """# Synthetic neuropathy guideline

## Pharmacological treatment

Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy.

## Monitoring

Monitor renal function every 3 months in patients with synthetic neuropathy taking examplamab.
"""
QUESTION = "What is the first-line treatment for synthetic neuropathy?"
PASSWORD = "synthetic-password-1"
ACCOUNTS = {
    "synthetic-author-1": "author",
    "synthetic-author-2": "author",
    "synthetic-reviewer-1": "reviewer",
    "synthetic-reviewer-2": "reviewer",
    "synthetic-reviewer-3": "reviewer",
    "synthetic-editor": "editor",
    "synthetic-admin": "admin",
}
WHO = [None, *ACCOUNTS]  # None: a reader who is not signed in
WORKFLOW_ACTIONS = (
    "save",
    "submit",
    "start_review",
    "assign",
    "approve",
    "request_changes",
    "retract",
    "rereview",
    "reopen",
)
# Harmless rewordings of the monitoring sentence: the same numbers as its quote, so the verifier keeps them.
WORDINGS = (
    "Check renal function every 3 months in patients with synthetic neuropathy taking examplamab.",
    "Monitor renal function every 3 months in patients with synthetic neuropathy who take examplamab.",
)
FORWARD = ("save", "submit", "start_review", "assign", "approve")
TABLES = ("articles", "article_versions", "review_decisions", "review_comments", "review_assignments", "audit_log")

_template: dict[str, object] = {}


def _template_library() -> tuple[Path, str, int]:
    """(folder, article id, audit entries of the setup): built once, copied for every example,
    because seven argon2 hashes per example would cost seconds."""
    if not _template:
        root = Path(tempfile.mkdtemp(prefix="curbside-workflow-properties-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        (root / "notes").mkdir()
        (root / "notes" / "neuropathy.md").write_text(NOTE, encoding="utf-8")
        lib = Library(root / "library")
        try:
            lib.ingest("files", root / "notes", embed=False)
            record = lib.answers.answer([QUESTION])
            assert record.article.kind == "article"
            for name, role in ACCOUNTS.items():
                lib.editorial.add_user(name, role, PASSWORD)
            setup_entries = lib.db.connection().execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
        finally:
            lib.close()
        _template.update(folder=root / "library", article=record.id, entries=setup_entries, root=root)
    return _template["folder"], _template["article"], _template["entries"]


class EditorialMachine(RuleBasedStateMachine):
    """Random users take random actions on one article; every step either succeeds or is refused
    with a curbside error that changed nothing, and the article is never in an illegal state."""

    def __init__(self):
        super().__init__()
        self.lib: Library | None = None

    @initialize(needed=st.integers(1, 2))
    def open_library(self, needed: int) -> None:
        folder, self.article, self.setup_entries = _template_library()
        self.folder = Path(tempfile.mkdtemp(prefix="example-", dir=_template["root"])) / "library"
        shutil.copytree(folder, self.folder)
        (self.folder / "settings.toml").write_text(f"approvals_needed = {needed}\n", encoding="utf-8")
        self.lib = Library(self.folder, create=False)
        self.needed = needed
        assert self.lib.editorial.approvals_needed == needed
        self.users = {user.name: user for user in self.lib.editorial.users()}
        self.succeeded = 0
        self.retracted = False  # retracted since the last approval that published a version

    def teardown(self) -> None:
        if self.lib is not None:
            self.lib.close()
            shutil.rmtree(self.folder.parent, ignore_errors=True)

    # -- taking actions ----------------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        return self.lib.db.connection()

    def _article(self) -> sqlite3.Row:
        return self.conn.execute("SELECT * FROM articles WHERE id = ?", (self.article,)).fetchone()

    def _snapshot(self) -> dict:
        tables = {table: self.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in TABLES}
        state = {table: [tuple(row) for row in rows] for table, rows in tables.items()}
        head = self.folder / audit.HEAD_FILE
        state["audit.head"] = head.read_text(encoding="utf-8") if head.exists() else ""
        return state

    def _attempt(self, action: str, call) -> None:
        before, status_before = self._snapshot(), self._article()["status"]
        try:
            call()
        except CurbsideError:
            assert self._snapshot() == before, f"a refused {action} changed stored rows"
            return
        self.succeeded += 1
        status = self._article()["status"]
        event(f"{action} -> {status} (approvals needed {self.needed})")  # --hypothesis-show-statistics
        if status == APPROVED and status_before != APPROVED:
            assert action == "approve", f"{action} made the article approved"
            self.retracted = False
        if action == "retract":
            self.retracted = True

    def _user(self, name: str | None):
        return self.users[name] if name else None

    @rule(
        who=st.sampled_from(WHO),
        action=st.sampled_from(WORKFLOW_ACTIONS),
        reason=st.sampled_from(["", "Synthetic reason for the test."]),
        reviewer=st.sampled_from(
            [
                "",
                "synthetic-reviewer-1",
                "synthetic-reviewer-2",
                "synthetic-author-1",
                "synthetic-editor",
                "synthetic-nobody",
            ]
        ),
    )
    def anyone_acts(self, who, action, reason, reviewer) -> None:
        self._attempt(
            action,
            lambda: self.lib.editorial.act(self._user(who), self.article, action, reason=reason, reviewer=reviewer),
        )

    def _fitting(self, action: str, row: sqlite3.Row) -> list[str]:
        """Users whose role may take `action`, narrowed to those whose relation to the article lets
        them (its author submits and revises it; an assigned reviewer decides) when there are any."""
        names = [name for name, role in ACCOUNTS.items() if allowed(role, action)]
        if action in ("submit", "edit") and row["author_id"] is not None:
            names = [name for name in names if self.users[name].id == row["author_id"] or ACCOUNTS[name] == "editor"]
        if action in ("approve", "request_changes"):
            waiting = self._assigned() - self._approvers(row["version"], row["review_round"])
            names = [name for name in names if self.users[name].id in waiting] or names
        return names

    def _assigned(self) -> set[int]:
        return {
            r[0]
            for r in self.conn.execute("SELECT user_id FROM review_assignments WHERE article_id = ?", (self.article,))
        }

    def _possible_step(self, data) -> None:
        # Uniformly random users and actions rarely get past a draft; this picks an action the state
        # allows and a user who may well be allowed to take it, so runs reach review, approval,
        # re-review and retraction. Whether it succeeds is still the service's decision.
        row = self._article()
        possible = [action for action in (*WORKFLOW_ACTIONS, "edit") if workflow.can(row["status"], action)]
        # Steps toward approval weigh three times as much as those back (with two approvals needed,
        # a second reviewer must be assigned and approve before anyone requests changes or edits).
        weighted = [action for action in possible for _ in range(3 if action in FORWARD else 1)]
        action = data.draw(st.sampled_from(weighted), label="action")
        who = data.draw(st.sampled_from(self._fitting(action, row)), label="who")
        if action == "edit":  # the way out of "changes requested"
            self.edit(who, data.draw(st.sampled_from(WORDINGS), label="wording"))
            return
        reviewers = [name for name, role in ACCOUNTS.items() if role == "reviewer"]
        unassigned = [name for name in reviewers if self.users[name].id not in self._assigned()]
        reviewer = data.draw(st.sampled_from(unassigned or reviewers), label="reviewer")
        self._attempt(
            action,
            lambda: self.lib.editorial.act(
                self.users[who], self.article, action, reason="Synthetic reason for the test.", reviewer=reviewer
            ),
        )

    # Three rules for the same step, so hypothesis (which picks among rules evenly) takes it about
    # half the time and the random rules the other half.
    @rule(data=st.data())
    def possible_step(self, data) -> None:
        self._possible_step(data)

    @rule(data=st.data())
    def another_possible_step(self, data) -> None:
        self._possible_step(data)

    @rule(data=st.data())
    def a_third_possible_step(self, data) -> None:
        self._possible_step(data)

    @rule(who=st.sampled_from(WHO), wording=st.sampled_from(WORDINGS))
    def anyone_edits(self, who, wording) -> None:
        self.edit(who, wording)

    def edit(self, who, wording) -> None:
        def call():
            record = self.lib.answers.article(self.article, newest=True)
            address = next(
                address
                for address, _, claim in claim_addresses(record.article)
                if claim.text.startswith("Monitor renal")
            )
            self.lib.editorial.edit(
                self._user(who),
                self.article,
                ArticleEdits(claims=[ClaimEdit(address, text=wording)], note="Plainer wording."),
            )

        self._attempt("edit", call)

    @rule(who=st.sampled_from(WHO), anchor=st.sampled_from(["", "section:monitoring", "bullet:nowhere/9"]))
    def comment(self, who, anchor) -> None:
        self._attempt(
            "comment",
            lambda: self.lib.editorial.comment(self._user(who), self.article, "Synthetic review comment.", anchor),
        )

    # -- what must always hold ---------------------------------------------------------------------

    def _approvers(self, version: int, round_: int) -> set[int]:
        return {
            row[0]
            for row in self.conn.execute(
                """SELECT user_id FROM review_decisions WHERE article_id = ? AND version = ? AND round = ?
               AND decision = 'approve'""",
                (self.article, version, round_),
            )
        }

    @invariant()
    def the_state_is_legal(self) -> None:
        if self.lib is None:
            return
        row = self._article()
        assert row["status"] in STATES
        if row["status"] == APPROVED:
            assert row["published_version"] == row["version"]
            approvers = self._approvers(row["version"], row["review_round"])
            assert len(approvers) >= self.needed
            editor = self.conn.execute(
                "SELECT editor_id FROM article_versions WHERE article_id = ? AND version = ?",
                (self.article, row["version"]),
            ).fetchone()[0]
            assert row["author_id"] not in approvers and (editor is None or editor not in approvers)
        if row["published_version"] is not None:
            rounds = [
                r[0]
                for r in self.conn.execute(
                    "SELECT DISTINCT round FROM review_decisions WHERE article_id = ? AND version = ? AND decision = 'approve'",
                    (self.article, row["published_version"]),
                )
            ]
            assert any(len(self._approvers(row["published_version"], r)) >= self.needed for r in rounds), (
                f"published version {row['published_version']} lacks {self.needed} approvals in any round"
            )

    @invariant()
    def readers_see_approved_only_when_an_approved_version_is_published_and_not_retracted(self) -> None:
        """What readers see (the article page and API, the listing and its filter, the saved answer
        /api/ask serves) says "approved" or "Reviewed by" only if the published version was approved
        in a round and nobody retracted it since."""
        if self.lib is None:
            return
        row = self._article()
        record = self.lib.answers.article(self.article)
        served = self.lib.answers.answer([QUESTION])
        _, listed = self.lib.answers.listing(status="approved")
        shown = {
            record.status == APPROVED,
            bool(record.reviewed_by),
            served.status == APPROVED,
            self.article in {item.id for item in listed},
        }
        published = (
            row["published_version"] is not None
            and not self.retracted
            and any(
                len(self._approvers(row["published_version"], r[0])) >= self.needed
                for r in self.conn.execute(
                    "SELECT DISTINCT round FROM review_decisions WHERE article_id = ? AND version = ?",
                    (self.article, row["published_version"]),
                )
            )
        )
        assert shown == {published}, (
            f"readers see {record.status!r} (reviewed by {record.reviewed_by!r}) "
            f"with published version {row['published_version']}, retracted since: {self.retracted}"
        )
        if published:
            assert record.version == row["published_version"]

    @invariant()
    def the_audit_log_verifies_and_counts_every_success(self) -> None:
        if self.lib is None:
            return
        assert audit.verify(self.conn, self.folder) == []
        entries = self.conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
        assert entries == self.setup_entries + self.succeeded


EditorialMachine.TestCase.settings = settings(max_examples=50, stateful_step_count=25, deadline=None)
test_editorial_service_never_reaches_an_illegal_state = EditorialMachine.TestCase
