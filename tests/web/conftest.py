"""Fixtures for the web app and API tests: one synthetic library and one app per test session.

The library is `synthetic_library.build()` plus
- one planted guideline whose title, identifiers, URL and passage carry HTML/JS markup, and whose
  passage is a sentence an article on the synthetic condition cites, to prove every page escapes it;
- filler sources (kind "local") so the source browser has more than one page;
- a synthetic editorial-policy.md in the library folder with raw HTML the policy page must escape.

Every name and sentence is invented; nothing here is a medical claim.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from synthetic_library import build

from curbside.ingest.run import ingest
from curbside.model import Document, IngestReport, Passage, Source
from curbside.web.app import create_app

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
PLANTED_ID = "test:planted-markup"
PLANTED_TITLE = f"Synthetic markup test guideline {SCRIPT} {IMG}"
PLANTED_TEXT = f"Examplamab 25 mg once daily is recommended for adults with synthetic neuropathy {SCRIPT} {IMG}."
PLANTED_PASSAGE_ID = f"{PLANTED_ID}@1#0"

FIRST_QUESTION = "What is the first-line treatment for synthetic neuropathy?"
FILLERS = 22  # with the 5 other current sources, two pages of 20 in the source browser
POLICY_MARKDOWN = f"""# Synthetic editorial policy

This policy is a **test fixture** of the curbside web tests.

{SCRIPT}

<img src=x onerror=alert(1)>

| Step | Who |
|------|-----|
| Review | A synthetic reviewer |
"""


def _document(source: Source, rows: list[tuple[str, str]]) -> Document:
    return Document(source, [Passage(source.id, i, section, text) for i, (section, text) in enumerate(rows)])


def planted_documents() -> list[Document]:
    planted = _document(
        Source(
            id=PLANTED_ID,
            kind="guideline",
            title=PLANTED_TITLE,
            origin="test",
            developer=f"Markup Society {SCRIPT}",
            year=2025,
            identifiers={"doi": '10.0000/planted"><script>alert(1)</script>'},
            url="javascript:alert(1)",
            conditions=["synthetic neuropathy"],
        ),
        [("Recommendations", PLANTED_TEXT)],
    )
    fillers = [
        _document(
            Source(
                id=f"test:filler-{n:02d}",
                kind="local",
                title=f"Filler note {n:02d} for paging tests",
                origin="test",
                developer="Synthetic Society",
                year=2020,
            ),
            [("Note", f"Filler note {n:02d} is a placeholder with no clinical content.")],
        )
        for n in range(FILLERS)
    ]
    return [planted, *fillers]


@pytest.fixture(scope="session")
def planted() -> SimpleNamespace:
    """The planted markup and fixture constants, for the tests (which do not import conftest)."""
    return SimpleNamespace(
        script=SCRIPT,
        img=IMG,
        source_id=PLANTED_ID,
        title=PLANTED_TITLE,
        text=PLANTED_TEXT,
        passage_id=PLANTED_PASSAGE_ID,
        first_question=FIRST_QUESTION,
        fillers=FILLERS,
    )


@pytest.fixture(scope="session")
def web_library(tmp_path_factory):
    library = build(tmp_path_factory.mktemp("web") / "library")
    ingest(library.db, planted_documents(), IngestReport("test", "planted"), after_batch=library.embed_pending)
    (library.path / library.settings.editorial_policy_file).write_text(POLICY_MARKDOWN, encoding="utf-8")
    yield library
    library.close()


@pytest.fixture(scope="session")
def client(web_library):
    # A server error is answered as the user would see it (a 500 page or problem), so a test
    # shows it as a failed status assertion; the traceback is in the captured log.
    with TestClient(create_app(web_library), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def first_record(client) -> dict:
    """The saved article (as /api/ask returns it) answering the first-line question for physicians."""
    response = client.post("/api/ask", json={"question": FIRST_QUESTION})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="session")
def thread_record(client) -> dict:
    """A thread (via the API) with the first-line question and one follow-up naming no condition."""
    started = client.post("/api/threads", json={"question": FIRST_QUESTION})
    assert started.status_code == 201, started.text
    thread_id = started.json()["thread"]["id"]
    followed = client.post(f"/api/threads/{thread_id}/follow-ups", json={"question": "What should be monitored?"})
    assert followed.status_code == 200, followed.text
    return {"started": started.json(), "followed": followed.json(), "id": thread_id}
