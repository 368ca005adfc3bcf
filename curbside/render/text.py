"""An article for an 80-column terminal: wrapped plain text, ANSI bold only when asked for.

Every piece of library text passes `_wrap`, `_title` or `_heading`, which drop its control
characters, so the only escape sequences in the output are the renderer's own bold.
"""

from __future__ import annotations

import textwrap

from ..language.terminal import CONTROL
from ..model import Article, Bullet, Claim, Section
from . import bullet_differs, differ_text, evidence_line, reference_line, status_parts

WIDTH = 80
_BOLD, _RESET = "\033[1m", "\033[0m"


def render(article: Article, *, passage_lookup=None, color: bool = False) -> str:
    """`passage_lookup` is accepted for a common signature; a terminal shows quotes only."""
    blocks = [_title(article)]
    if article.kind == "article":
        blocks += _article_blocks(article, color)
    else:
        blocks += _message_blocks(article)
    if article.care_advice:
        blocks.append(_wrap("TALK TO YOUR CLINICIAN; WHEN TO GET URGENT CARE: " + article.care_advice))
    if article.disclaimer:
        blocks.append(_wrap(article.disclaimer))
    if article.follow_ups:
        blocks.append(_list("Suggested follow-ups", article.follow_ups, color))
    return "\n\n".join(block for block in blocks if block) + "\n"


def claims_text(claims: list[Claim]) -> str:
    return " ".join(f"{claim.shown} [{claim.citation}]" for claim in claims)


def _title(article: Article) -> str:
    title = CONTROL.sub("", article.title)
    lines = [title, "=" * min(len(title), WIDTH)]
    if article.kind == "article":
        lines.append(_wrap(" · ".join(status_parts(article))))
    return "\n".join(lines)


def _article_blocks(article: Article, color: bool) -> list[str]:
    blocks = []
    if article.bottom_line:
        bottom = _wrap(claims_text(article.bottom_line))
        blocks.append(_heading("Bottom line", color) + "\n" + (_bold(bottom) if color else bottom))
    blocks += [_section(section, color) for section in article.sections]
    shown = bullet_differs(article)
    notes = [
        f"{note.topic}: {note.text}" if note.topic else note.text for note in article.differ if note.text not in shown
    ]
    if notes:
        blocks.append(_list("Sources differ", notes, color))
    if article.references:
        blocks.append(
            _heading("References", color)
            + "\n"
            + "\n".join(_wrap(reference_line(reference), indent=" " * 4) for reference in article.references)
        )
    blocks.append(_wrap(evidence_line(article)))
    return blocks


def _message_blocks(article: Article) -> list[str]:
    blocks = [_wrap(article.message)]
    if article.closest_sources:
        blocks.append(
            "Closest sources found:\n"
            + "\n".join(_wrap(reference_line(reference), indent=" " * 4) for reference in article.closest_sources)
        )
    return blocks


def _section(section: Section, color: bool) -> str:
    lines = [_heading(section.title, color)]
    for number, bullet in enumerate(section.bullets, 1):
        marker = f"{number}. " if section.numbered else "• "
        lines.append(_wrap(_bullet_text(bullet), first=marker, indent=" " * len(marker)))
        if bullet.differ:
            lines.append(_wrap(differ_text(bullet.differ), first=" " * len(marker), indent=" " * (len(marker) + 2)))
    return "\n".join(lines)


def _bullet_text(bullet: Bullet) -> str:
    label = f"{bullet.label}: " if bullet.label else ""
    return label + claims_text(bullet.claims)


def _list(title: str, items: list[str], color: bool) -> str:
    return "\n".join([_heading(title, color), *(_wrap(item, first="• ", indent="  ") for item in items)])


def _heading(title: str, color: bool) -> str:
    title = CONTROL.sub("", title)
    return _bold(title) if color else title


def _bold(text: str) -> str:
    # Per line, so a pager that resets attributes at a newline keeps the rest bold.
    return "\n".join(f"{_BOLD}{line}{_RESET}" for line in text.split("\n"))


def _wrap(text: str, *, first: str = "", indent: str = "") -> str:
    if not text:
        return ""
    # textwrap turns newlines and tabs into spaces, so every control character can go.
    return textwrap.fill(
        CONTROL.sub("", text),
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
