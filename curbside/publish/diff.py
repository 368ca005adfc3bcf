"""What changed: between two versions of an article, line by line as readers see it, and between
two versions of a cited passage, word by word.

A reviewer judges what readers will read, so an article is compared as the lines it shows (the
shown wording of each claim with its [n] marker, and the reference list), one line per bullet.
The Markdown and terminal renderers are not reused as they are: Markdown escapes and terminal
wrapping would make one changed word look like a changed paragraph. The pieces they share
(reference lines, sources-differ labels) come from `render`, so the lines read the same.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..model import Article
from ..render import bullet_differs, differ_text, evidence_line, reference_line
from ..render.text import claims_text


@dataclass
class DiffLine:
    kind: str  # "same" | "added" | "removed"
    text: str


# A word or number ("37.5", "1,000", "don't") with the spacing before it, or one other character
# (punctuation) with its spacing, so a changed full stop is not a changed word.
_TOKEN = re.compile(r"\s*(?:\w+(?:[.,'’]\w+)*|\S)")


def article_lines(article: Article) -> list[str]:
    """The article as the lines a reader sees: title, bottom line, each section heading and bullet
    (label, shown claims and their [n] markers, its sources-differ note), notes, references."""
    lines = [article.title]
    if article.kind != "article":
        lines.append(article.message)
        lines += [reference_line(reference) for reference in article.closest_sources]
        return [line for line in lines if line]
    if article.bottom_line:
        lines.append(f"Bottom line: {claims_text(article.bottom_line)}")
    for section in article.sections:
        lines.append(f"## {section.title}")
        for number, bullet in enumerate(section.bullets, 1):
            marker = f"{number}." if section.numbered else "•"
            label = f"{bullet.label}: " if bullet.label else ""
            lines.append(f"{marker} {label}{claims_text(bullet.claims)}")
            if bullet.differ:
                lines.append(f"  {differ_text(bullet.differ)}")
    shown = bullet_differs(article)
    notes = [note for note in article.differ if note.text not in shown]
    if notes:
        lines.append("## Sources differ")
        lines += [f"• {note.topic}: {note.text}" if note.topic else f"• {note.text}" for note in notes]
    if article.references:
        lines.append("## References")
        lines += [reference_line(reference) for reference in article.references]
    lines.append(evidence_line(article))
    return [line for line in lines if line]


def version_diff(old: Article, new: Article, context: int = 3) -> list[DiffLine]:
    """Line diff of two versions; a run of unchanged lines longer than 2*`context` keeps `context`
    lines next to each change and is otherwise one line saying how many were left out."""
    old_lines, new_lines = article_lines(old), article_lines(new)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    opcodes = matcher.get_opcodes()
    diff: list[DiffLine] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            diff += _same_run(new_lines[j1:j2], context, first=index == 0, last=index == len(opcodes) - 1)
            continue
        diff += [DiffLine("removed", line) for line in old_lines[i1:i2]]
        diff += [DiffLine("added", line) for line in new_lines[j1:j2]]
    return diff


def text_diff(old: str, new: str) -> list[DiffLine]:
    """Word-level diff of two passages: each DiffLine a run of words with their spacing, so the
    "same" and "removed" runs join back into `old` and the "same" and "added" runs into `new`
    (leading and trailing whitespace aside)."""
    old_tokens, new_tokens = _TOKEN.findall(old.strip()), _TOKEN.findall(new.strip())
    matcher = difflib.SequenceMatcher(
        None, [t.strip() for t in old_tokens], [t.strip() for t in new_tokens], autojunk=False
    )
    diff: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            diff.append(DiffLine("same", "".join(new_tokens[j1:j2])))
            continue
        if i2 > i1:
            diff.append(DiffLine("removed", "".join(old_tokens[i1:i2])))
        if j2 > j1:
            diff.append(DiffLine("added", "".join(new_tokens[j1:j2])))
    return diff


def _same_run(lines: list[str], context: int, *, first: bool, last: bool) -> list[DiffLine]:
    """An unchanged run: whole when short, else the lines next to a change around one summary line.
    The first run has no change before it and the last none after, so they keep context on one side."""
    if len(lines) <= 2 * context:
        return [DiffLine("same", line) for line in lines]
    head = 0 if first else context
    tail = 0 if last else context
    hidden = len(lines) - head - tail
    kept_head = [DiffLine("same", line) for line in lines[:head]]
    kept_tail = [DiffLine("same", line) for line in lines[len(lines) - tail :]]
    summary = f"… {hidden} unchanged line{'' if hidden == 1 else 's'} …"
    return kept_head + [DiffLine("same", summary)] + kept_tail
