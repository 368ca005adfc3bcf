"""An article as a standalone, printable HTML page (Jinja2, autoescape on).

Everything from a source (claims, passages, titles, identifiers) is data: autoescaping renders a
`<script>` inside a passage as text, links keep only web addresses, and the few filters that
return markup escape their input first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..language.clean import normalize_space
from ..model import Article, Claim, Passage, Reference
from . import (
    PassageLookup,
    as_sentence,
    bullet_differs,
    differ_text,
    evidence_line,
    evidence_years,
    reference_parts,
    safe_url,
)

TEMPLATES = Path(__file__).parent / "templates"
POLICY_URL = "/policy"
_CITATION_MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class CitedPassage:
    """A cited passage split around the claim's sentence so the page can mark the quote, with the
    reference it belongs to and where the reader can open the whole source."""

    before: str
    quote: str
    after: str
    section: str
    reference: Reference | None = None
    source_href: str = ""


# (reference, passage) -> link to the whole source: the source's own web address in an export,
# the library's source browser in the web app.
SourceHref = Callable[[Reference, Passage], str]


def reference_url(reference: Reference, passage: Passage) -> str:
    return safe_url(reference.url)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment with the article filters, built once (templates compile once)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        safe_url=safe_url,
        as_sentence=as_sentence,
        reference_parts=reference_parts,
        differ_text=differ_text,
        with_citations=with_citations,
    )
    return env


def render(article: Article, *, passage_lookup: PassageLookup | None = None, color: bool = False) -> str:
    """`color` is accepted for a common signature; the page has its own styles."""
    return environment().get_template("article.html").render(**article_context(article, passage_lookup))


def article_context(
    article: Article,
    passage_lookup: PassageLookup | None = None,
    *,
    source_href: SourceHref = reference_url,
    record=None,
) -> dict:
    """Everything `_article_body.html` reads, for this page and for any layout that includes it.
    `record` (an ArticleRecord) adds who reviewed the article and when it was last updated."""
    shown = bullet_differs(article)
    references = {reference.number: reference for reference in article.references}
    return {
        "article": article,
        "record": record,
        "cited_passage": _passage_viewer(passage_lookup, references, source_href),
        "policy_url": POLICY_URL,
        "evidence_years": evidence_years(article),
        "evidence_line": evidence_line(article),
        "other_differ": [note for note in article.differ if note.text not in shown],
    }


def with_citations(text: str) -> Markup:
    """Escape a sources-differ note, then link its "[n]" markers to their references."""
    return Markup(_CITATION_MARKER.sub(r'<a class="cite" href="#ref-\1">[\1]</a>', str(escape(text))))


def _passage_viewer(passage_lookup: PassageLookup | None, references: dict[int, Reference], source_href: SourceHref):
    """claim -> CitedPassage, or None when passages cannot be looked up or the passage is gone."""

    def view(claim: Claim) -> CitedPassage | None:
        passage = passage_lookup(claim.passage_id) if passage_lookup and claim.passage_id else None
        if passage is None:
            return None
        reference = references.get(claim.citation)
        where = {
            "section": passage.section,
            "reference": reference,
            "source_href": source_href(reference, passage) if reference else "",
        }
        text = passage.text
        start, end = claim.quote_start, claim.quote_end
        if not (end > start and normalize_space(text[start:end]) == normalize_space(claim.text)):
            start = text.find(claim.text)  # offsets absent or stale: mark the sentence where it is
            end = start + len(claim.text) if start >= 0 else 0
        if start < 0:
            return CitedPassage(before=text, quote="", after="", **where)
        return CitedPassage(before=text[:start], quote=text[start:end], after=text[end:], **where)

    return view
