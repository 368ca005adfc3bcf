"""Every whole-number parameter of every route is bounded: a number past SQLite's 64-bit integers
is refused with 422 and one sentence naming the parameter (problem+json under /api, the error
page elsewhere), never a 500 from an integer overflow.

The parameters are found by walking the app's routes, not listed by hand, so a route added later
with an unbounded int parameter fails here.
"""

from __future__ import annotations

import re
import types
import typing

import pytest
from pydantic import BaseModel

from curbside.web import schemas
from curbside.web.app import create_app

from .test_api import assert_problem
from .test_pages import assert_error_page

# Just past the largest SQLite integer, and past the largest unsigned 64-bit one (the two).
TOO_LARGE = ("9223372036854775808", "99999999999999999999")


def _is_int(annotation) -> bool:
    """int, int | None, Annotated[int, ...] and their mixes; bool is not a number here."""
    if annotation is int:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        return any(_is_int(arg) for arg in typing.get_args(annotation) if arg is not type(None))
    return False


def _parameters(dependant):
    """Every parameter of a route, its dependencies' included."""
    yield from dependant.path_params + dependant.query_params + dependant.header_params + dependant.cookie_params
    for sub in dependant.dependencies:
        yield from _parameters(sub)


def _int_body_fields(model, prefix=""):
    for name, info in model.model_fields.items():
        if _is_int(info.annotation):
            yield f"{prefix}{name}", info
        for arg in (info.annotation, *typing.get_args(info.annotation)):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                yield from _int_body_fields(arg, f"{prefix}{name}.")


def _routes():
    # A library is not needed to list the routes: create_app only keeps it for the requests.
    app = create_app(types.SimpleNamespace(settings=types.SimpleNamespace(max_request_bytes=65536)))
    return list(_walk(app.routes))


def _walk(routes):
    for route in routes:
        # FastAPI (0.16x) keeps an included router whole; the sanity test below notices if that changes.
        if hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes)
        elif hasattr(route, "dependant"):
            yield route


def int_query_parameters() -> list[tuple[str, str, str, dict]]:
    """(method, path, the parameter's name in the URL, valid values for the route's other required query parameters)."""
    found = []
    for route in _routes():
        ints = [field for field in _parameters(route.dependant) if _is_int(field.field_info.annotation)]
        required = [f for f in route.dependant.query_params if f.field_info.is_required()]
        for field in ints:
            others = {f.alias: 1 if _is_int(f.field_info.annotation) else "x" for f in required if f is not field}
            for method in sorted(route.methods):
                found.append((method, route.path, field.alias, others))
    return found


def int_body_fields() -> list[tuple[str, str, str, object]]:
    found = []
    for route in _routes():
        for body in route.dependant.body_params:
            for arg in (body.field_info.annotation, *typing.get_args(body.field_info.annotation)):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    found.extend((route.path, body.name, name, info) for name, info in _int_body_fields(arg))
    return found


QUERY = int_query_parameters()


def test_the_routes_int_parameters_are_found():
    # The examples: if the walk above stopped finding parameters, the test below would pass on nothing.
    found = {(path, name) for _, path, name, _ in QUERY}
    assert {
        ("/api/articles", "offset"),
        ("/api/articles/{article_id}", "version"),
        ("/library", "page"),
        ("/api/articles/{article_id}/diff", "to"),
        ("/sources", "page"),
        ("/api/audit", "offset"),
    } <= found
    assert len(found) >= 19


@pytest.mark.parametrize("method, path, name, others", QUERY, ids=[f"{m} {p} {n}" for m, p, n, _ in QUERY])
@pytest.mark.parametrize("value", TOO_LARGE, ids=["2^63", "10^20"])
def test_a_too_large_number_is_refused_with_422_naming_it(client, method, path, name, others, value):
    # Path ids are placeholders: the number is refused before any id is looked up.
    url = re.sub(r"\{[^}]+\}", "x", path)
    params = others | {name: value}
    response = client.request(method, url, params=params)
    if path.startswith("/api"):
        assert_problem(response, 422, name, "at most")
    else:
        assert_error_page(response, 422, name, "at most")


def test_a_number_at_the_bound_is_still_a_number(client):
    """The bound refuses only what no library can hold: page MAX_NUMBER of the library is an empty page."""
    response = client.get("/library", params={"page": schemas.MAX_NUMBER})
    assert response.status_code == 200, response.text[:300]
    response = client.get("/api/articles", params={"offset": schemas.MAX_NUMBER})
    assert response.status_code == 200 and response.json()["items"] == []


def test_int_fields_of_request_bodies_are_bounded():
    """A JSON body's whole numbers have the same bound (checked on the models: a live request with one
    field would be refused for the fields it leaves out)."""
    for path, body, name, info in int_body_fields():
        bounds = [getattr(m, "le", None) for m in info.metadata] + [getattr(m, "lt", None) for m in info.metadata]
        assert any(b is not None and b <= schemas.MAX_NUMBER for b in bounds), f"{path} body {body}.{name} is unbounded"
