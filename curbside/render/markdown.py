"""An article as Markdown, to paste into a note: bold bottom line, citations linked to their
reference. Source text is escaped so a passage's own `*`, `[` or `<tag>` cannot change the
formatting or inject HTML when the note is rendered."""

from __future__ import annotations

import re

from ..model import Article, Claim, Reference
from . import as_sentence, bullet_differs, differ_text, evidence_line, reference_parts, safe_url, status_parts

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def render(article: Article, *, passage_lookup=None, color: bool = False) -> str:
    """`passage_lookup` and `color` are accepted for a common signature; a note shows quotes only."""
    blocks = [f"# {escape(article.title)}"]
    if article.kind == "article":
        blocks.append(f"*{escape(' · '.join(status_parts(article)))}*")
        blocks += _article_blocks(article)
    else:
        blocks.append(escape(article.message))
        if article.closest_sources:
            blocks.append("**Closest sources found:**\n\n" + _references(article.closest_sources, anchors=False))
    if article.care_advice:
        blocks.append(f"> **Talk to your clinician; when to get urgent care:** {escape(article.care_advice)}")
    if article.disclaimer:
        blocks.append(f"*{escape(article.disclaimer)}*")
    if article.follow_ups:
        blocks.append("## Suggested follow-ups\n\n" + "\n".join(f"- {escape(item)}" for item in article.follow_ups))
    return "\n\n".join(blocks) + "\n"


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _article_blocks(article: Article) -> list[str]:
    blocks = []
    if article.bottom_line:
        # A paragraph: a quoted list's items run on in it (bold cannot span a list).
        blocks.append(f"**Bottom line:** **{' '.join(_claims(article.bottom_line).split())}**")
    for section in article.sections:
        lines = [f"## {escape(section.title)}", ""]
        for number, bullet in enumerate(section.bullets, 1):
            marker = f"{number}." if section.numbered else "-"
            label = f"**{escape(bullet.label)}:** " if bullet.label else ""
            # A quoted list's items ("... for:\n- A\n- B") nest under the bullet that quotes them.
            nested = "\n" + " " * (len(marker) + 1)
            lines.append(f"{marker} {label}{_claims(bullet.claims)}".replace("\n", nested))
            if bullet.differ:
                lines.append(f"{' ' * (len(marker) + 1)}- *{_with_links(differ_text(bullet.differ))}*")
        blocks.append("\n".join(lines))
    shown = bullet_differs(article)
    notes = [note for note in article.differ if note.text not in shown]
    if notes:
        blocks.append(
            "## Sources differ\n\n"
            + "\n".join(
                f"- {f'**{escape(note.topic)}:** ' if note.topic else ''}{_with_links(note.text)}" for note in notes
            )
        )
    if article.references:
        blocks.append("## References\n\n" + _references(article.references, anchors=True))
    if line := evidence_line(article):
        blocks.append(escape(line))
    return blocks


def _claims(claims: list[Claim]) -> str:
    return " ".join(f"{escape(claim.shown)} {_link(claim.citation)}" for claim in claims)


def _link(number: int) -> str:
    return f"[\\[{number}\\]](#ref-{number})"


def _with_links(text: str) -> str:
    """Escape a note, then turn its "[n]" markers (escaped by now) back into reference links."""
    return re.sub(r"\\\[(\d+)\\\]", lambda m: _link(int(m.group(1))), escape(text))


def _references(references: list[Reference], *, anchors: bool) -> str:
    lines = []
    for reference in references:
        anchor = f'<a id="ref-{reference.number}"></a>' if anchors else ""
        text = " ".join(escape(as_sentence(part)) for part in reference_parts(reference))
        if reference.identifier:
            identifier, url = escape(reference.identifier), safe_url(reference.url)
            text += f" [{identifier}]({url})" if url else f" {identifier}"
        if reference.possibly_superseded:
            text += " *(possibly superseded)*"
        lines.append(f"{reference.number}. {anchor}{text}")
    return "\n".join(lines)
