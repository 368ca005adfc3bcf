"""The FastAPI application: one `Library`, the pages, the `/api` routes and their guards.

`create_app` is the only entry point; `curbside serve` and the tests both call it.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import CurbsideError
from ..library import Library
from . import account_pages, api, editorial_api, editorial_pages, pages
from .guards import BodyLimit, CsrfGuard, SecurityHeaders, security_headers
from .responses import error_page, problem_response, validation_message

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("curbside.web")

DESCRIPTION = """Cited clinical answers from this library's guidelines and research.

Every claim in an article is a sentence of the passage its citation points to. Errors are
`application/problem+json` objects whose `detail` says what was wrong and how to fix it."""


def create_app(library: Library) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        warm_up(library)
        yield

    app = FastAPI(
        title="curbside",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.library = library
    app.add_middleware(CsrfGuard)  # inside BodyLimit: it reads the (already capped) form body
    app.add_middleware(BodyLimit, max_bytes=library.settings.max_request_bytes)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(editorial_api.router)
    app.include_router(pages.router)
    app.include_router(account_pages.router)
    app.include_router(editorial_pages.router)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @app.get("/docs", include_in_schema=False)
    def docs():
        # Swagger UI from the vendored copy: the app never fetches anything from the network.
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="curbside API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    return app


def app_from_environment() -> FastAPI:
    """For `curbside serve --workers N`: each worker process opens the library named by CURBSIDE_LIBRARY."""
    return create_app(Library(create=False))


def warm_up(library: Library) -> None:
    """Load the vectors, vocabulary and encoder once, before the first request races to do it."""
    searcher = library.searcher
    searcher.vocabulary, searcher.vectors  # noqa: B018 - loading is the point
    library.search("warm up the encoder", k=1)


def install_error_handlers(app: FastAPI) -> None:
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
        detail = (
            exc.detail if isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase else None
        )
        if exc.status_code == 404 and detail is None:
            detail = f"Nothing at {request.url.path}; start from the home page or see /docs for the API."
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}; see /docs for the methods it accepts."
        return respond(request, exc.status_code, detail or HTTPStatus(exc.status_code).phrase)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        response = respond(
            request, 500, "curbside hit an internal error answering this request; it has been logged, please try again."
        )
        # This handler runs outside the middleware stack, so it adds the headers itself.
        for name, value in security_headers(request.url.path):
            response.headers[name.decode()] = value.decode()
        return response
