"""The responses every route and guard shares: errors as RFC 9457 problem details (`/api`) or a
plain error page (everything else), and the redirect after a form.

Every message is the one sentence a user can act on; a traceback never reaches a response.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse

from .views import page


def problem_response(status: int, detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail},
        status_code=status,
        media_type="application/problem+json",
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
        return 'The request body is not valid JSON; send a JSON object such as {"question": "..."}.'
    if kind in ("model_attributes_type", "dict_type"):
        return 'The request body must be a JSON object such as {"question": "..."}.'
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


def error_page(request: Request, status_code: int, detail: str):
    return page(request, "error.html", status_code=status_code, status=status_code, detail=detail)


def see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
