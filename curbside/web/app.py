"""The FastAPI application: one `Library`, the pages, the `/api` routes and their guards.

`create_app` is the only entry point; `curbside serve` and the tests both call it.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..library import Library
from . import account_pages, api, editorial_api, editorial_pages, pages
from .auth import CsrfGuard
from .guards import BodyLimit, SecurityHeaders
from .problems import install_error_handlers

STATIC = Path(__file__).parent / "static"

DESCRIPTION = """Cited clinical answers from this library's guidelines and research.

Every claim in an article is a sentence of the passage its citation points to. Errors are
`application/problem+json` objects whose `detail` says what was wrong and how to fix it."""


def create_app(library: Library) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        warm_up(library)
        yield

    app = FastAPI(title="curbside", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
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
        return get_swagger_ui_html(openapi_url="/openapi.json", title="curbside API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")

    return app


def app_from_environment() -> FastAPI:
    """For `curbside serve --workers N`: each worker process opens the library named by CURBSIDE_LIBRARY."""
    return create_app(Library(create=False))


def warm_up(library: Library) -> None:
    """Load the vectors, vocabulary and encoder once, before the first request races to do it."""
    searcher = library.searcher
    searcher.vocabulary, searcher.vectors  # noqa: B018 - loading is the point
    library.search("warm up the encoder", k=1)
