"""An article as a reader sees it: terminal text, Markdown, JSON or a printable HTML page.

`render` is the one entry point. The plain-words pieces every format shows the same way (the
status line, a reference line, the evidence date line, a sources-differ label) live here so the
formats cannot drift apart. Each format module is imported only when asked for, so the terminal
and JSON paths never load Jinja2.
"""

from __future__ import annotations

from importlib import import_module

from ..model import Article, Reference
from ..verify import PassageLookup

FORMATS = ("text", "md", "json", "html")
_MODULES = {"text": "text", "md": "markdown", "json": "jsonout", "html": "html"}


def render(article: Article, fmt: str, *, passage_lookup: PassageLookup | None = None, color: bool = False) -> str:
    """`article` in format `fmt` (one of FORMATS). `passage_lookup` lets HTML show each cited
    passage in full; `color` lets the terminal format use ANSI bold."""
    if fmt not in _MODULES:
        raise ValueError(f"unknown article format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module = import_module(f".{_MODULES[fmt]}", __name__)
    return module.render(article, passage_lookup=passage_lookup, color=color)


def status_parts(article: Article) -> list[str]:
    """Review status, audience and evidence years, in the order the status bar shows them."""
    parts = [f"Status: {article.status}", f"Audience: {article.audience}"]
    if years := evidence_years(article):
        parts.append(f"Evidence: {years}")
    return parts


def evidence_years(article: Article) -> str:
    newest, oldest = article.evidence_newest, article.evidence_oldest
    if newest is None:
        return ""
    return str(newest) if oldest in (None, newest) else f"{oldest}–{newest}"


def reference_parts(reference: Reference) -> list[str]:
    """Type, title, "developer, year" and identifier, leaving out what the source does not give."""
    published = ", ".join(part for part in (reference.developer, str(reference.year or "")) if part)
    return [part for part in (reference.type, reference.title, published) if part]


def reference_line(reference: Reference) -> str:
    """ "[n] Type. Title. Developer, Year. identifier" as plain text."""
    line = f"[{reference.number}] " + " ".join(as_sentence(part) for part in reference_parts(reference))
    if reference.identifier:
        line += f" {reference.identifier}"
    if reference.possibly_superseded:
        line += " (possibly superseded)"
    return line


def evidence_line(article: Article) -> str:
    """The newest and oldest source used, and which references may be out of date."""
    if article.evidence_newest is None:
        return ""
    line = f"Evidence date: newest source {article.evidence_newest}, oldest {article.evidence_oldest}."
    old = [f"[{reference.number}]" for reference in article.references if reference.possibly_superseded]
    if old:
        line += (
            f" Possibly superseded (older than {article.superseded_after_years} years or replaced by a"
            f" newer version): {', '.join(old)}."
        )
    return line


def differ_text(text: str) -> str:
    """A sources-differ note with its label, once: notes may already begin "Sources differ ..."."""
    return text if text.lower().startswith("sources differ") else f"Sources differ: {text}"


def bullet_differs(article: Article) -> set[str]:
    """Texts of the notes already shown under their bullet, so a list of notes does not repeat them."""
    return {bullet.differ for section in article.sections for bullet in section.bullets if bullet.differ}


def as_sentence(part: str) -> str:
    """A reference part ending in its own full stop, without doubling one the title already has."""
    return part if part.endswith((".", "?", "!")) else part + "."


def safe_url(url: str) -> str:
    """A link target only for web addresses: a source's "javascript:" or odd scheme is dropped,
    and characters that would end a Markdown link early are percent-encoded."""
    if not url.lower().startswith(("https://", "http://")):
        return ""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
