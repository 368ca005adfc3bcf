"""Signing in and out of the editorial workflow (readers never need to)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request

from ..errors import CurbsideError
from ..library import Library
from .api import get_library
from .auth import clear_session_cookie, client_address, current_user, session_id, set_session_cookie
from .responses import see
from .views import page

router = APIRouter(include_in_schema=False)


def safe_next(target: str) -> str:
    """Only a path on this site: an open redirect would turn the sign-in page into a phishing aid."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/my"


@router.get("/login")
def login_form(request: Request, next: str = "/my"):
    if current_user(request):
        return see(safe_next(next))
    return page(request, "login.html", next=safe_next(next), name="", error="")


@router.post("/login")
def login(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    next: str = Form("/my"),
    library: Library = Depends(get_library),
):
    try:
        _, sid, _ = library.editorial.sign_in(name, password, client_address(request))
    except CurbsideError as error:
        return page(
            request, "login.html", status_code=error.http_status, next=safe_next(next), name=name, error=str(error)
        )
    response = see(safe_next(next))
    set_session_cookie(request, response, sid, library.settings.session_hours)
    return response


@router.post("/logout")
def logout(request: Request, library: Library = Depends(get_library)):
    sid = session_id(request)
    if sid:
        library.editorial.sign_out(sid)
    response = see("/")
    clear_session_cookie(response)
    return response
