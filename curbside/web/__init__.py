"""The web app and REST API: FastAPI, Jinja2 templates and a vendored htmx, no build step."""

from .app import create_app

__all__ = ["create_app"]
