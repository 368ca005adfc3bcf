"""The REST API under /api, through FastAPI's TestClient on a synthetic library.

Every /api route is exercised; every refusal must be `application/problem+json` with a status, a
title and a one-sentence `detail` that names the field and the fix, never a traceback.
"""

from __future__ import annotations

import dataclasses
import re
from http import HTTPStatus
from urllib.parse import quote

import pytest

from curbside import model
from curbside.publish import audit, diff, editorial
from curbside.web import schemas

ASK = "/api/ask"
TRACEBACK_MARKERS = ("Traceback", 'File "', "Error:", "pydantic", "starlette", "fastapi")


# -- helpers ------------------------------------------------------------------------------------


def one_sentence(text: str) -> bool:
    """One sentence: ends with a full stop and has no sentence break inside."""
    return text.endswith(".") and len(re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)) == 1


def assert_problem(response, status: int, *words: str) -> dict:
    """A problem-details refusal with `status` whose detail mentions every word in `words`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}, body
    assert body["status"] == status
    assert body["title"] == HTTPStatus(status).phrase
    detail = body["detail"]
    assert isinstance(detail, str) and one_sentence(detail), detail
    for word in words:
        assert word.lower() in detail.lower(), (word, detail)
    for marker in TRACEBACK_MARKERS:
        assert marker not in response.text, (marker, response.text)
    return body


def field_names(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


# -- POST /api/ask ------------------------------------------------------------------------------


def test_ask_answers_with_a_saved_cited_article(client, planted):
    response = client.post(ASK, json={"question": planted.first_question, "audience": "physician"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    record = response.json()
    assert record["id"].startswith("a") and record["version"] >= 1 and record["status"] == "draft"
    assert record["question"] == planted.first_question and record["audience"] == "physician"
    article = record["article"]
    assert article["kind"] == "article" and article["condition"] == "synthetic neuropathy"
    assert article["references"] and article["bottom_line"]
    # Asking again returns the same saved article, not a new one.
    assert client.post(ASK, json={"question": planted.first_question}).json()["id"] == record["id"]


def test_ask_for_another_audience_is_another_article(client, planted):
    physician = client.post(ASK, json={"question": planted.first_question}).json()
    patient = client.post(ASK, json={"question": planted.first_question, "audience": "patient"}).json()
    assert patient["audience"] == "patient" == patient["article"]["audience"]
    assert patient["id"] != physician["id"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"question": ""}, 422, ("question", "empty", "type a clinical question")),
        ({"question": "x" * 2001}, 422, ("question", "2000", "shorten")),
        ({"question": 42}, 422, ("question", "must be text")),
        ({"question": ["first-line treatment"]}, 422, ("question", "must be text")),
        ({"question": None}, 422, ("question", "must be text")),
        ({}, 422, ("question", "missing", "add it")),
        ({"question": "synthetic neuropathy treatment", "mood": "curious"}, 422, ("mood", "remove")),
        (
            {"question": "synthetic neuropathy treatment", "audience": "robot"},
            422,
            ("audience", "physician", "patient"),
        ),
        ({"question": "synthetic neuropathy treatment", "audience": 3}, 422, ("audience",)),
        ([{"question": "synthetic neuropathy treatment"}], 422, ("json object",)),
        ("synthetic neuropathy treatment", 422, ("json object",)),
        (17, 422, ("json object",)),
    ],
    ids=[
        "empty",
        "2001-chars",
        "number",
        "list",
        "null",
        "missing",
        "unknown-field",
        "unknown-audience",
        "audience-number",
        "array-body",
        "string-body",
        "number-body",
    ],
)
def test_ask_refuses_bad_bodies_with_one_clear_sentence(client, body, status, words):
    assert_problem(client.post(ASK, json=body), status, *words)


def test_ask_accepts_exactly_2000_characters(client):
    question = ("What is the first-line treatment for synthetic neuropathy " * 40)[:2000]
    assert len(question) == 2000
    assert client.post(ASK, json={"question": question}).status_code == 200


def test_ask_refuses_a_whitespace_only_question(client):
    # Pydantic lets "   " through (min_length counts it); the question check then refuses it (400),
    # while "" is refused by the schema (422). Both name the question and say what to type.
    response = client.post(ASK, json={"question": "   \n\t "})
    assert_problem(response, response.status_code, "question", "empty", "type a clinical question")
    assert response.status_code in (400, 422)


def test_wrong_type_detail_names_the_json_type_not_the_python_one(client):
    """BUG (expected to fail until fixed): problems.validation_message says "must be text (a JSON
    string), not NoneType" (or int, list): the Python type, not the JSON type (null, number, array)
    the client sent."""
    details = {
        sent: client.post(ASK, json={"question": value}).json()["detail"]
        for sent, value in (("number", 42), ("array", ["x"]), ("null", None))
    }
    for sent, detail in details.items():
        assert sent in detail and "NoneType" not in detail, detail


def test_ask_refuses_invalid_json(client):
    response = client.post(
        ASK, content=b'{"question": "synthetic neuropathy', headers={"content-type": "application/json"}
    )
    assert_problem(response, 422, "not valid JSON", "send a JSON object")


def test_ask_refuses_a_body_that_is_not_json(client):
    response = client.post(
        ASK, content=b"question=synthetic+neuropathy", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert_problem(response, 422, "JSON object")


def test_ask_refuses_a_body_over_the_limit_by_content_length(client, web_library):
    limit = web_library.settings.max_request_bytes
    body = b'{"question": "' + b"x" * limit + b'"}'
    response = client.post(ASK, content=body, headers={"content-type": "application/json"})
    assert response.request.headers["content-length"] == str(len(body))
    assert_problem(response, 413, str(limit), "shorter")


def test_ask_refuses_a_streamed_body_over_the_limit_without_content_length(client, web_library):
    limit = web_library.settings.max_request_bytes

    def chunks():
        yield b'{"question": "'
        for _ in range(limit // 1000 + 10):
            yield b"x" * 1000
        yield b'"}'

    response = client.post(ASK, content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in {k.lower() for k in response.request.headers}  # really chunked
    assert_problem(response, 413, str(limit), "shorter")


def test_a_small_streamed_body_still_reaches_the_route(client, planted):
    def chunks():
        yield b'{"question": '
        yield f'"{planted.first_question}"'.encode()
        yield b"}"

    response = client.post(ASK, content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["question"] == planted.first_question


def test_wrong_method_and_unknown_api_path_are_problems(client):
    assert_problem(client.get(ASK), 405, "GET", "/api/ask")
    assert_problem(client.get("/api/no-such-thing"), 404, "/api/no-such-thing")


# -- schema: the API's JSON is the Python model ----------------------------------------------------

RESPONSE_MODELS = [
    schemas.ArticleList,
    schemas.ThreadAnswer,
    schemas.ThreadView,
    schemas.SourceView,
    schemas.SourceList,
    schemas.PassageView,
    schemas.SearchResults,
    schemas.Health,
    model.ArticleRecord,
    model.Article,
    model.Source,
    model.Passage,
    model.ArticleSummary,
    model.Thread,
    model.ThreadTurn,
    model.Hit,
    model.Claim,
    model.Bullet,
    model.Section,
    model.Reference,
    model.SourcesDiffer,
    model.Verification,
    # the editorial API (tests/web/test_editorial_api.py)
    model.User,
    editorial.Comment,
    editorial.Decision,
    editorial.VersionInfo,
    editorial.ReviewState,
    audit.AuditEntry,
    diff.DiffLine,
    schemas.NewUser,
    schemas.AuditPage,
    schemas.AuditCheck,
]
REQUEST_MODELS = [
    schemas.AskRequest,
    schemas.FollowUpRequest,
    schemas.WorkflowRequest,
    schemas.EditRequest,
    schemas.ClaimEditRequest,
    schemas.NewClaimRequest,
    schemas.CommentRequest,
    schemas.PolicyRequest,
    schemas.NewUserRequest,
]


@pytest.fixture(scope="module")
def openapi(client) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("cls", RESPONSE_MODELS, ids=lambda cls: cls.__name__)
def test_openapi_component_properties_are_the_dataclass_fields(openapi, cls):
    component = openapi["components"]["schemas"][cls.__name__]
    assert list(component["properties"]) == field_names(cls)
    required = {
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    assert set(component.get("required", [])) == required


def test_openapi_request_models_are_the_pydantic_fields(openapi):
    for cls in REQUEST_MODELS:
        component = openapi["components"]["schemas"][cls.__name__]
        assert list(component["properties"]) == list(cls.model_fields)
        assert component.get("additionalProperties") is False  # unknown fields are refused, and documented so


def test_openapi_lists_every_api_route(openapi):
    assert set(openapi["paths"]) == {
        "/api/ask",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/articles/{article_id}/audiences/{audience}",
        "/api/articles/{article_id}/export",
        "/api/threads",
        "/api/threads/{thread_id}/follow-ups",
        "/api/threads/{thread_id}",
        "/api/search",
        "/api/sources",
        "/api/passages/{passage_id}",
        "/api/sources/{source_id}",
        "/api/health",
        # the editorial workflow (curbside/web/editorial_api.py)
        "/api/me",
        "/api/articles/{article_id}/workflow/{action}",
        "/api/articles/{article_id}/edits",
        "/api/articles/{article_id}/recompose",
        "/api/articles/{article_id}/comments",
        "/api/articles/{article_id}/review",
        "/api/articles/{article_id}/versions",
        "/api/articles/{article_id}/diff",
        "/api/review-queue",
        "/api/audit",
        "/api/audit/verify",
        "/api/policy",
        "/api/users",
        "/api/users/{name}/disable",
        "/api/users/{name}/enable",
    }


def _resolve(openapi: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def check_against_schema(openapi: dict, value, schema: dict, where: str = "$") -> None:
    """A small JSON-schema check for what FastAPI emits: $ref, anyOf, object, array, scalars, enum."""
    schema = _resolve(openapi, schema)
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                return check_against_schema(openapi, value, option, where)
            except AssertionError as error:
                errors.append(str(error))
        raise AssertionError(f"{where}: matches none of anyOf: {errors}")
    kind = schema.get("type")
    if "enum" in schema:
        assert value in schema["enum"], (where, value)
    if kind == "object":
        assert isinstance(value, dict), (where, value)
        properties = schema.get("properties")
        if properties is not None:
            assert set(value) == set(properties), (where, sorted(set(value) ^ set(properties)))
            for key, item in value.items():
                check_against_schema(openapi, item, properties[key], f"{where}.{key}")
        elif isinstance(schema.get("additionalProperties"), dict):
            for key, item in value.items():
                check_against_schema(openapi, item, schema["additionalProperties"], f"{where}.{key}")
    elif kind == "array":
        assert isinstance(value, list), (where, value)
        for n, item in enumerate(value):
            check_against_schema(openapi, item, schema.get("items", {}), f"{where}[{n}]")
    elif kind == "string":
        assert isinstance(value, str), (where, value)
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), (where, value)
    elif kind == "number":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (where, value)
    elif kind == "boolean":
        assert isinstance(value, bool), (where, value)
    elif kind == "null":
        assert value is None, (where, value)


def test_ask_response_matches_its_openapi_schema_and_the_dataclasses(client, openapi, first_record):
    schema = openapi["paths"]["/api/ask"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    check_against_schema(openapi, first_record, schema)
    # And, without the OpenAPI document: every level's keys are the dataclass fields.
    assert list(first_record) == field_names(model.ArticleRecord)
    article = first_record["article"]
    assert list(article) == field_names(model.Article)
    assert list(article["verification"]) == field_names(model.Verification)
    claims = article["bottom_line"] + [c for s in article["sections"] for b in s["bullets"] for c in b["claims"]]
    assert claims and all(list(c) == field_names(model.Claim) for c in claims)
    assert all(list(s) == field_names(model.Section) for s in article["sections"])
    assert all(list(b) == field_names(model.Bullet) for s in article["sections"] for b in s["bullets"])
    assert all(list(r) == field_names(model.Reference) for r in article["references"])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/health", "200"),
        ("/api/sources?kind=guideline", "200"),
        ("/api/search?q=synthetic+neuropathy", "200"),
        ("/api/articles", "200"),
        ("/api/sources/test:guideline-a", "200"),
        ("/api/passages/test:guideline-a@1%230", "200"),
    ],
)
def test_get_responses_match_their_openapi_schema(client, openapi, first_record, path, status):
    response = client.get(path)
    assert response.status_code == int(status)
    template = {
        "/api/sources/test:guideline-a": "/api/sources/{source_id}",
        "/api/passages/test:guideline-a@1%230": "/api/passages/{passage_id}",
    }.get(path, path.split("?")[0])
    schema = openapi["paths"][template]["get"]["responses"][status]["content"]["application/json"]["schema"]
    check_against_schema(openapi, response.json(), schema)


def test_thread_responses_match_their_openapi_schema(client, openapi, thread_record):
    paths = openapi["paths"]
    check_against_schema(
        openapi,
        thread_record["started"],
        paths["/api/threads"]["post"]["responses"]["201"]["content"]["application/json"]["schema"],
    )
    check_against_schema(
        openapi,
        thread_record["followed"],
        paths["/api/threads/{thread_id}/follow-ups"]["post"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ],
    )
    view = client.get(f"/api/threads/{thread_record['id']}").json()
    check_against_schema(
        openapi,
        view,
        paths["/api/threads/{thread_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
    )


def test_openapi_documents_errors_as_problem_details(openapi):
    """BUG (expected to fail until fixed): every 422 in /openapi.json is FastAPI's default
    HTTPValidationError ({"detail": [{"loc", "msg", "type"}]}, application/json), but the API answers
    422 with application/problem+json whose `detail` is a string. A client generated from the schema
    cannot read the errors the API really sends."""
    documented = openapi["paths"]["/api/ask"]["post"]["responses"]["422"]["content"]
    assert "application/problem+json" in documented, documented
    detail = _resolve(openapi, documented["application/problem+json"]["schema"])["properties"]["detail"]
    assert detail.get("type") == "string"


# -- /api/articles --------------------------------------------------------------------------------


def test_articles_list_and_filters(client, first_record):
    listing = client.get("/api/articles")
    assert listing.status_code == 200
    data = listing.json()
    assert data["total"] >= 1 and first_record["id"] in [item["id"] for item in data["items"]]
    assert all(list(item) == field_names(model.ArticleSummary) for item in data["items"])
    assert all(item["kind"] == "article" for item in data["items"])

    def ids(**params) -> list[str]:
        response = client.get("/api/articles", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert first_record["id"] in ids(q="first-line")
    assert first_record["id"] in ids(q="SYNTHETIC neuropathy")  # case-insensitive
    assert ids(q="no article mentions zebrafish") == []
    assert ids(q="%") == [] and ids(q="_") == []  # LIKE wildcards are matched literally
    assert first_record["id"] in ids(topic="synthetic neuropathy")
    assert ids(topic="imaginary elbow migraine") == []
    assert first_record["id"] in ids(intent="treatment")
    assert first_record["id"] not in ids(intent="monitoring")
    assert first_record["id"] in ids(status="draft")
    assert ids(status="approved") == []
    assert first_record["id"] in ids(topic="synthetic neuropathy", intent="treatment", status="draft", q="first-line")


def test_articles_paging_bounds(client, first_record, thread_record):
    total = client.get("/api/articles").json()["total"]
    assert total >= 2
    one = client.get("/api/articles", params={"limit": 1}).json()
    assert one["total"] == total and len(one["items"]) == 1
    second = client.get("/api/articles", params={"limit": 1, "offset": 1}).json()
    assert second["items"][0]["id"] != one["items"][0]["id"]
    past = client.get("/api/articles", params={"offset": total + 5}).json()
    assert past == {"total": total, "items": []}
    assert len(client.get("/api/articles", params={"limit": 100}).json()["items"]) == min(total, 100)
    assert_problem(client.get("/api/articles", params={"limit": 0}), 422, "limit", "at least 1")
    assert_problem(client.get("/api/articles", params={"limit": 101}), 422, "limit", "100")
    assert_problem(client.get("/api/articles", params={"limit": "ten"}), 422, "limit", "whole number")
    assert_problem(client.get("/api/articles", params={"offset": -1}), 422, "offset")
    assert_problem(client.get("/api/articles", params={"q": "x" * 201}), 422, "q", "200")


def test_get_article_and_its_versions(client, first_record):
    response = client.get(f"/api/articles/{first_record['id']}")
    assert response.status_code == 200
    assert response.json()["id"] == first_record["id"]
    assert response.json()["article"] == first_record["article"]
    first = client.get(f"/api/articles/{first_record['id']}", params={"version": 1})
    assert first.status_code == 200 and first.json()["version"] == 1
    assert_problem(client.get(f"/api/articles/{first_record['id']}", params={"version": 99}), 404, "version 99")
    assert_problem(client.get(f"/api/articles/{first_record['id']}", params={"version": 0}), 422, "version")
    assert_problem(client.get("/api/articles/anosuchid0000"), 404, "anosuchid0000", "/api/articles")


def test_article_for_another_audience(client, first_record):
    response = client.get(f"/api/articles/{first_record['id']}/audiences/nurse")
    assert response.status_code == 200
    nurse = response.json()
    assert nurse["id"] != first_record["id"]
    assert nurse["audience"] == "nurse" == nurse["article"]["audience"]
    assert nurse["question"] == first_record["question"]
    same = client.get(f"/api/articles/{first_record['id']}/audiences/physician").json()
    assert same["id"] == first_record["id"]
    assert_problem(client.get(f"/api/articles/{first_record['id']}/audiences/robot"), 422, "audience", "nurse")
    assert_problem(client.get("/api/articles/anosuchid0000/audiences/nurse"), 404, "anosuchid0000")


@pytest.mark.parametrize(
    ("fmt", "media"), [("md", "text/markdown"), ("json", "application/json"), ("html", "text/html")]
)
def test_article_export_formats(client, first_record, fmt, media):
    response = client.get(f"/api/articles/{first_record['id']}/export", params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    disposition = response.headers["content-disposition"]
    match = re.fullmatch(r'attachment; filename="([a-z0-9-]+)\.' + fmt + '"', disposition)
    assert match, disposition
    assert match.group(1).startswith("curbside-first-line-treatment") and match.group(1).endswith("-physician")
    if fmt == "json":
        assert response.json()["title"] == first_record["article"]["title"]
    else:
        assert "Examplamab" in response.text


def test_article_export_defaults_to_markdown_and_refuses_other_formats(client, first_record):
    assert client.get(f"/api/articles/{first_record['id']}/export").headers["content-type"].startswith("text/markdown")
    assert_problem(
        client.get(f"/api/articles/{first_record['id']}/export", params={"format": "pdf"}), 422, "format", "md"
    )
    assert_problem(client.get("/api/articles/anosuchid0000/export", params={"format": "md"}), 404, "anosuchid0000")


def test_export_filename_cannot_forge_a_header(client):
    question = 'What is the "first-line"\r\nX-Injected: 1 treatment for synthetic neuropathy?'
    record = client.post(ASK, json={"question": question}).json()
    response = client.get(f"/api/articles/{record['id']}/export", params={"format": "md"})
    assert response.status_code == 200
    assert "x-injected" not in response.headers
    assert re.fullmatch(r'attachment; filename="[a-z0-9-]+\.md"', response.headers["content-disposition"])


# -- threads ----------------------------------------------------------------------------------


def test_start_a_thread(client, planted, thread_record):
    started = thread_record["started"]
    thread = started["thread"]
    assert thread["id"].startswith("t") and thread["audience"] == "physician"
    assert [turn["turn"] for turn in thread["turns"]] == [1]
    assert thread["turns"][0]["question"] == planted.first_question
    assert started["article"]["question"] == planted.first_question
    assert started["article"]["article"]["continues"] == ""


def test_start_a_thread_for_an_audience_and_refusals(client, planted):
    response = client.post("/api/threads", json={"question": planted.first_question, "audience": "pharmacist"})
    assert response.status_code == 201
    assert response.json()["thread"]["audience"] == "pharmacist" == response.json()["article"]["audience"]
    assert_problem(client.post("/api/threads", json={"question": ""}), 422, "question", "empty")
    assert_problem(client.post("/api/threads", json={"question": "x" * 2001}), 422, "question", "shorten")
    assert_problem(client.post("/api/threads", json={"question": "synthetic neuropathy", "x": 1}), 422, "'x'", "remove")


def test_follow_up_continues_the_thread_and_inherits_its_condition(client, planted, thread_record):
    followed = thread_record["followed"]
    assert [turn["turn"] for turn in followed["thread"]["turns"]] == [1, 2]
    assert followed["thread"]["turns"][1]["question"] == "What should be monitored?"
    record = followed["article"]
    assert record["question"] == "What should be monitored?"
    assert record["context"] == [planted.first_question]
    article = record["article"]
    # The follow-up names no condition: understand._inherit carries "synthetic neuropathy" over.
    assert article["continues"] == planted.first_question
    assert article["condition"] == "synthetic neuropathy"
    assert article["kind"] == "article"
    # The same words asked alone are a different article (no context, nothing inherited).
    alone = client.post(ASK, json={"question": "What should be monitored?"}).json()
    assert alone["id"] != record["id"] and alone["article"]["continues"] == ""


def test_follow_up_refusals(client, thread_record):
    thread_id = thread_record["id"]
    assert_problem(
        client.post("/api/threads/tnosuchthread/follow-ups", json={"question": "and the dose?"}), 404, "tnosuchthread"
    )
    assert_problem(client.post(f"/api/threads/{thread_id}/follow-ups", json={"question": ""}), 422, "question", "empty")
    assert_problem(
        client.post(f"/api/threads/{thread_id}/follow-ups", json={"question": "and?", "audience": "nurse"}),
        422,
        "audience",
        "remove",
    )
    assert_problem(client.post(f"/api/threads/{thread_id}/follow-ups", json={"question": 1}), 422, "question", "text")
    # Nothing refused was added to the thread.
    assert len(client.get(f"/api/threads/{thread_id}").json()["thread"]["turns"]) == 2


def test_a_thread_stops_at_twenty_questions(client, planted):
    thread_id = client.post("/api/threads", json={"question": planted.first_question}).json()["thread"]["id"]
    for n in range(2, 21):
        response = client.post(f"/api/threads/{thread_id}/follow-ups", json={"question": f"and after {n} weeks?"})
        assert response.status_code == 200, response.text
        assert len(response.json()["thread"]["turns"]) == n
    refused = client.post(f"/api/threads/{thread_id}/follow-ups", json={"question": "and after a year?"})
    assert_problem(refused, 400, thread_id, "20 questions", "start a new one")
    assert len(client.get(f"/api/threads/{thread_id}").json()["thread"]["turns"]) == 20


def test_get_thread_with_an_article_per_turn_and_for_another_audience(client, thread_record):
    thread_id = thread_record["id"]
    response = client.get(f"/api/threads/{thread_id}")
    assert response.status_code == 200
    view = response.json()
    turns = view["thread"]["turns"]
    assert len(view["articles"]) == len(turns) >= 2
    assert [a["question"] for a in view["articles"]] == [t["question"] for t in turns]
    assert view["articles"][0]["id"] == thread_record["started"]["article"]["id"]
    assert view["articles"][1]["id"] == thread_record["followed"]["article"]["id"]
    nurse = client.get(f"/api/threads/{thread_id}", params={"audience": "nurse"}).json()
    assert [a["audience"] for a in nurse["articles"]] == ["nurse"] * len(turns)
    assert {a["id"] for a in nurse["articles"]}.isdisjoint(a["id"] for a in view["articles"])
    assert nurse["articles"][1]["article"]["continues"] == view["articles"][0]["question"]
    assert nurse["thread"]["audience"] == "physician"  # the thread itself is unchanged
    assert_problem(client.get(f"/api/threads/{thread_id}", params={"audience": "robot"}), 422, "audience")
    assert_problem(client.get("/api/threads/tnosuchthread"), 404, "tnosuchthread")


# -- search, sources, passages ----------------------------------------------------------------


def test_search_ranks_passages(client):
    response = client.get("/api/search", params={"q": "examplamab first-line synthetic neuropathy", "k": 3})
    assert response.status_code == 200
    data = response.json()
    assert data["question"] == "examplamab first-line synthetic neuropathy"
    assert 1 <= len(data["hits"]) <= 3
    assert all(list(hit) == field_names(model.Hit) for hit in data["hits"])
    scores = [hit["score"] for hit in data["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert "examplamab" in data["hits"][0]["passage"]["text"].lower()
    assert len(client.get("/api/search", params={"q": "synthetic neuropathy", "k": 1}).json()["hits"]) == 1
    assert client.get("/api/search", params={"q": "synthetic neuropathy", "k": 100}).status_code == 200


def test_search_refusals(client):
    assert_problem(client.get("/api/search", params={"q": ""}), 422, "'q'", "empty")
    assert_problem(client.get("/api/search"), 422, "'q'", "missing")
    assert_problem(client.get("/api/search", params={"q": "x" * 2001}), 422, "'q'", "shorten")
    assert_problem(client.get("/api/search", params={"q": "gout", "k": 0}), 422, "'k'", "1")
    assert_problem(client.get("/api/search", params={"q": "gout", "k": 101}), 422, "'k'", "100")
    assert_problem(client.get("/api/search", params={"q": "gout", "k": "many"}), 422, "'k'", "whole number")
    whitespace = client.get("/api/search", params={"q": "   "})
    assert_problem(whitespace, whitespace.status_code, "empty")


def test_sources_list_kind_filter_text_and_paging(client, web_library, planted):
    everything = client.get("/api/sources", params={"limit": 100}).json()
    assert everything["total"] == web_library.stats()["sources_total"] == 5 + planted.fillers
    assert all(list(item) == field_names(model.Source) for item in everything["items"])
    guidelines = client.get("/api/sources", params={"kind": "guideline"}).json()
    assert guidelines["total"] == 4 and {s["kind"] for s in guidelines["items"]} == {"guideline"}
    consumer = client.get("/api/sources", params={"kind": "consumer"}).json()
    assert [s["id"] for s in consumer["items"]] == ["test:consumer"]
    assert client.get("/api/sources", params={"kind": "nonsense"}).json() == {"total": 0, "items": []}
    gout = client.get("/api/sources", params={"q": "gout"}).json()
    assert [s["id"] for s in gout["items"]] == ["test:other"]
    both = client.get("/api/sources", params={"q": "guideline", "kind": "guideline"}).json()
    assert both["total"] == 4
    page = client.get("/api/sources", params={"limit": 20}).json()
    rest = client.get("/api/sources", params={"limit": 20, "offset": 20}).json()
    assert len(page["items"]) == 20 and len(rest["items"]) == everything["total"] - 20
    assert {s["id"] for s in page["items"]}.isdisjoint(s["id"] for s in rest["items"])
    assert_problem(client.get("/api/sources", params={"limit": 0}), 422, "limit")
    assert_problem(client.get("/api/sources", params={"limit": 101}), 422, "limit")
    assert_problem(client.get("/api/sources", params={"offset": -1}), 422, "offset")


def test_source_by_id_with_a_colon(client):
    response = client.get("/api/sources/test:guideline-a")
    assert response.status_code == 200
    view = response.json()
    assert list(view) == field_names(schemas.SourceView)
    assert view["source"]["id"] == "test:guideline-a" and view["versions"] == [1]
    assert [p["order"] for p in view["passages"]] == [0, 1, 2, 3]
    assert all(p["id"] == f"test:guideline-a@1#{p['order']}" for p in view["passages"])
    encoded = client.get("/api/sources/" + quote("test:guideline-a", safe=""))
    assert encoded.status_code == 200 and encoded.json() == view
    assert client.get("/api/sources/test:guideline-a", params={"version": 1}).json()["source"]["version"] == 1
    assert_problem(client.get("/api/sources/test:guideline-a", params={"version": 7}), 404, "test:guideline-a")
    assert_problem(client.get("/api/sources/test:no-such-source"), 404, "test:no-such-source")


def test_passage_by_id_with_at_and_hash(client):
    response = client.get("/api/passages/test:guideline-a@1%231")
    assert response.status_code == 200
    view = response.json()
    assert list(view) == field_names(schemas.PassageView)
    assert view["passage"]["id"] == "test:guideline-a@1#1" and view["passage"]["order"] == 1
    assert view["passage"]["text"].startswith("If examplamab is ineffective")
    assert view["source"]["id"] == "test:guideline-a"
    assert_problem(
        client.get("/api/passages/test:guideline-a@1%2399"), 404, "test:guideline-a@1#99", "SOURCE@VERSION#N"
    )
    # An unencoded '#' is a URL fragment, so the server sees no passage number: a 404, not a crash.
    assert_problem(client.get("/api/passages/test:guideline-a@1#0"), 404, "test:guideline-a@1")


def test_health_counts_match_the_library(client, web_library, first_record):
    response = client.get("/api/health")
    assert response.status_code == 200
    health = response.json()
    assert list(health) == field_names(schemas.Health)
    stats = web_library.stats()
    for key in (
        "library",
        "sources_total",
        "passages_total",
        "sources",
        "passages",
        "passages_embedded",
        "source_versions_superseded",
    ):
        assert health[key] == stats[key], key
    assert health["status"] == "ok"
    assert health["articles"] == web_library.answers.counts()["articles"] >= 1
    assert health["threads"] == web_library.answers.counts()["threads"]
    assert health["vector_index"].startswith(f"{stats['passages_embedded']} vectors")


# -- the planted markup: JSON is data --------------------------------------------------------------


def test_planted_markup_comes_back_raw_in_json(client, planted, first_record):
    passage = client.get("/api/passages/" + quote(planted.passage_id, safe=":@")).json()
    assert passage["passage"]["text"] == planted.text
    assert passage["source"]["title"] == planted.title
    response = client.get(f"/api/sources/{planted.source_id}")
    source = response.json()
    assert source["source"]["title"] == planted.title
    assert source["source"]["url"] == "javascript:alert(1)"  # stored as given; pages must not link it
    cited = [
        c["text"]
        for c in first_record["article"]["bottom_line"]
        + [c for s in first_record["article"]["sections"] for b in s["bullets"] for c in b["claims"]]
        if c["passage_id"] == planted.passage_id
    ]
    assert cited and planted.script in cited[0]  # the article really cites the planted sentence
    # JSON responses are not HTML: the content type says so and browsers must not sniff it.
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_an_internal_error_is_a_problem_without_a_traceback(client, monkeypatch, planted):
    from fastapi.testclient import TestClient

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal state /etc/passwd")

    monkeypatch.setattr(client.app.state.library.answers, "answer", broken)
    quiet = TestClient(client.app, raise_server_exceptions=False)
    response = quiet.post(ASK, json={"question": planted.first_question})
    body = assert_problem(response, 500, "internal error", "try again")
    assert "secret" not in response.text and "RuntimeError" not in response.text and "/etc/passwd" not in body["detail"]
