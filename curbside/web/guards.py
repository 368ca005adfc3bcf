"""Middleware that protects every response: a cap on request bodies, the CSRF guard on forms and
security headers."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import CSRF_COOKIE, CSRF_FIELD, session_id
from .responses import error_page, problem_response

# Pages run no inline script, so an injected <script> cannot run even if escaping ever failed.
# Styles are inline in the article partial (exports must stand alone), hence 'unsafe-inline' there.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI starts itself with an inline script.
DOCS_POLICY = PAGE_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


class BodyLimit:
    """Refuse a request body over `max_bytes` with 413, whether or not it declares its length."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await self._refuse(scope, receive, send)
        # Bodies here are small (a question), so read it whole first: a body streamed without a
        # length is refused before any route sees it, and the route gets it replayed.
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message]), send)
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                return await self._refuse(scope, receive, send)
        await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413, f"The request body is larger than {self.max_bytes} bytes; send a shorter question or request."
        )
        await response(scope, receive, send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """A `receive` that hands out the buffered messages, then defers to the real one."""
    queue = list(messages)

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    policy = DOCS_POLICY if path == "/docs" else PAGE_POLICY
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
    ]


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = security_headers(scope["path"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)


class CsrfGuard:
    """Refuse any form POST to a page without the right `csrf_token` (the API is token-authenticated
    and exempt). Runs inside `BodyLimit`, so the body is already whole and small."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in ("GET", "HEAD", "OPTIONS")
            or scope["path"].startswith("/api/")
        ):
            return await self.app(scope, receive, send)
        body, more = b"", True
        messages = []
        while more:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
        request = Request(scope)
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        submitted = ""
        if content_type == "application/x-www-form-urlencoded":
            submitted = (parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD) or [""])[0]
        expected = _expected_token(request)
        if not (submitted and expected and hmac.compare_digest(submitted, expected)):
            response = (
                problem_response(
                    403, "This form has expired or did not come from this site; reload the page and submit it again."
                )
                if _wants_json(request)
                else _html_refusal(request)
            )
            return await response(scope, receive, send)

        async def replay():
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def _expected_token(request: Request) -> str:
    sid = session_id(request)
    if sid:
        found = request.app.state.library.editorial.session(sid)
        if found:
            return found[1]
    return request.cookies.get(CSRF_COOKIE, "")


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _html_refusal(request: Request):
    return error_page(
        request, 403, "This form has expired or did not come from this site; reload the page and submit it again."
    )
