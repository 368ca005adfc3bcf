"""Who is asking: signed session cookies for the pages, bearer tokens for the API, and the CSRF
guard on every form.

- Pages: the cookie holds a random session id, signed with the library's secret key (itsdangerous);
  the database keeps only its hash, so signing out or disabling an account ends it at once.
- API: `Authorization: Bearer <token>` (from `curbside users add` or `curbside users token`). The
  API never reads the session cookie, so a page elsewhere cannot make a signed-in browser call it.
- CSRF: every state-changing form carries `csrf_token`; `CsrfGuard` (guards.py) refuses a form POST whose token
  is not the session's (signed in) or the `curbside_csrf` cookie's (not signed in) before any route
  runs. Cookies are SameSite too, but the token does not depend on the browser honouring that.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer

from ..errors import SignInRequired
from ..model import User

SESSION_COOKIE = "curbside_session"
CSRF_COOKIE = "curbside_csrf"
CSRF_FIELD = "csrf_token"
SECRET_FILE = "secret.key"


def secret_key(folder: Path) -> str:
    """The library's signing key, made once with owner-only permissions and shared by every worker.
    It is written to a private temporary file and linked into place, so a worker starting at the
    same moment reads either no key (and makes the link race) or the whole key, never half of it."""
    path = Path(folder) / SECRET_FILE
    if not path.exists():
        temporary = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another worker made it first: use theirs
        finally:
            temporary.unlink()
    return path.read_text(encoding="ascii").strip()


def client_address(request: Request) -> str:
    """The client's address, as sign-in throttling counts it: the connection's peer, unless the peer
    is a proxy the operator named in `trusted_proxies`; then the nearest X-Forwarded-For entry that is
    not one of those proxies (the rest of the header is whatever the client chose to send)."""
    peer = request.client.host if request.client else ""
    networks = _networks(tuple(request.app.state.library.settings.trusted_proxies))
    if not _trusted(peer, networks):
        return peer
    hops = [
        hop.strip() for header in request.headers.getlist("x-forwarded-for") for hop in header.split(",") if hop.strip()
    ]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop[:100]
    return hops[0][:100] if hops else peer


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in proxies)


def _trusted(host: str, networks: tuple) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _serializer(request_or_app) -> URLSafeSerializer:
    state = request_or_app.state
    if getattr(state, "session_serializer", None) is None:
        state.session_serializer = URLSafeSerializer(secret_key(state.library.path), salt="curbside-session")
    return state.session_serializer


def session_id(request: Request) -> str:
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if not cookie:
        return ""
    try:
        return _serializer(request.app).loads(cookie)
    except BadSignature:
        return ""


def current_session(request: Request) -> tuple[User, str] | None:
    """(user, CSRF token) of the browser's session, or None; looked up once per request."""
    if not hasattr(request.state, "session"):
        sid = session_id(request)
        request.state.session = request.app.state.library.editorial.session(sid) if sid else None
    return request.state.session


def current_user(request: Request) -> User | None:
    found = current_session(request)
    return found[0] if found else None


def api_user(request: Request) -> User | None:
    """The API caller named by a bearer token, or None (a reader); a wrong token is refused."""
    header = request.headers.get("authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SignInRequired(
            "The Authorization header must be 'Bearer <token>'; get a token with `curbside users add` or `curbside users token`."
        )
    return request.app.state.library.editorial.user_for_token(token.strip())


def set_session_cookie(request: Request, response, sid: str, hours: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        _serializer(request.app).dumps(sid),
        max_age=hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def csrf_token(request: Request) -> str:
    """The token forms on this page carry: the session's when signed in, else the browser's cookie
    (made on first sight; `ensure_csrf_cookie` sets it on the response)."""
    found = current_session(request)
    if found:
        return found[1]
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", "")
    if not token:
        token = request.state.new_csrf = secrets.token_urlsafe(32)
    return token


def ensure_csrf_cookie(request: Request, response) -> None:
    new = getattr(request.state, "new_csrf", "")
    if new:
        response.set_cookie(
            CSRF_COOKIE, new, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
        )
