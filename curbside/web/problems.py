"""Errors as RFC 9457 problem details (`/api`) or a plain error page (everything else).

Every message is the one sentence a user can act on; a traceback never reaches a response.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import CurbsideError

log = logging.getLogger("curbside.web")


def problem_response(status: int, detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail},
        status_code=status, media_type="application/problem+json",
    )


def validation_message(exc: RequestValidationError) -> str:
    """The first problem in the request as one sentence naming the field and what it must be."""
    error = exc.errors()[0]
    where = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
    field = ".".join(where) or "the request body"
    kind, message = error.get("type", ""), error.get("msg", "is invalid")
    if kind == "missing":
        return f"The field '{field}' is missing; add it to the request."
    if kind == "json_invalid":
        return "The request body is not valid JSON; send a JSON object such as {\"question\": \"...\"}."
    if kind in ("model_attributes_type", "dict_type"):
        return "The request body must be a JSON object such as {\"question\": \"...\"}."
    if kind == "string_too_short" and error.get("ctx", {}).get("min_length") == 1:
        return f"The field '{field}' is empty; type a clinical question such as 'first-line treatment for gout'."
    if kind == "string_too_long":
        return f"The field '{field}' is longer than {error['ctx']['max_length']} characters; shorten it."
    if kind == "string_type":
        return f"The field '{field}' must be text (a JSON string), not {_json_type(error.get('input'))}."
    if kind == "less_than_equal":
        return f"The field '{field}' must be at most {error['ctx']['le']}; use a smaller number."
    if kind == "greater_than_equal":
        return f"The field '{field}' must be at least {error['ctx']['ge']}; use a larger number."
    if kind == "int_parsing":
        return f"The field '{field}' must be a whole number such as 1; use digits only."
    if kind == "extra_forbidden":
        return f"The field '{field}' is not accepted here; remove it (see /docs for the fields)."
    return f"The field '{field}' is invalid: {message[0].lower() + message[1:]}; see /docs for what it accepts."


def _json_type(value) -> str:
    """The JSON name of what the client sent, not Python's."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "text"


def install_error_handlers(app: FastAPI) -> None:
    from .pages import error_page  # pages import this module; the page renderer is needed only here

    def respond(request: Request, status: int, detail: str):
        if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
            response = problem_response(status, detail)
            if status == 401:  # HTTP asks a 401 to say how to authenticate
                response.headers["WWW-Authenticate"] = 'Bearer realm="curbside"'
            return response
        return error_page(request, status, detail)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return respond(request, 422, validation_message(exc))

    @app.exception_handler(CurbsideError)
    async def user_error(request: Request, exc: CurbsideError):
        return respond(request, exc.http_status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase else None
        if exc.status_code == 404 and detail is None:
            detail = f"Nothing at {request.url.path}; start from the home page or see /docs for the API."
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}; see /docs for the methods it accepts."
        return respond(request, exc.status_code, detail or HTTPStatus(exc.status_code).phrase)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        from .guards import security_headers

        log.exception("unhandled error on %s %s", request.method, request.url.path)
        response = respond(request, 500, "curbside hit an internal error answering this request; it has been logged, please try again.")
        # This handler runs outside the middleware stack, so it adds the headers itself.
        for name, value in security_headers(request.url.path):
            response.headers[name.decode()] = value.decode()
        return response
