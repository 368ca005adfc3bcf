"""An article as a downloadable file: Markdown, JSON, or a standalone printable HTML page."""

from __future__ import annotations

import re

from fastapi.responses import Response

from ..errors import InputError
from ..library import Library
from ..model import ArticleRecord
from ..render import render

EXPORTS = {"md": "text/markdown; charset=utf-8", "json": "application/json", "html": "text/html; charset=utf-8"}


def export_response(library: Library, record: ArticleRecord, fmt: str, *, download: bool = True) -> Response:
    if fmt not in EXPORTS:
        raise InputError(f"Unknown export format {fmt!r}; use one of: {', '.join(EXPORTS)}.")
    body = render(record.article, fmt, passage_lookup=library.passage_or_none)
    headers = {"Content-Disposition": f'attachment; filename="{filename(record)}.{fmt}"'} if download else {}
    return Response(body, media_type=EXPORTS[fmt], headers=headers)


def filename(record: ArticleRecord) -> str:
    """A file name from the title: letters, digits and dashes only, so no header can be forged."""
    slug = re.sub(r"[^a-z0-9]+", "-", record.article.title.lower()).strip("-")[:60]
    return f"curbside-{slug or record.id}-{record.audience}"
