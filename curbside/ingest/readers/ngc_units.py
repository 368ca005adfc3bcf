"""Recommendation units: an NGC field's passages, with the fragments the cutting left rejoined.

The cutting (`ngc_passages`) follows the HTML's blocks, and the HTML often breaks a unit across
blocks: a label line ("Recommendation", "15.1 Briefing", "CT, computed tomography") above the
text it heads, or a sentence broken over two paragraphs ("... in adults with" / "examplitis
should ..."; a paragraph holding only "or"). Each such fragment joins its neighbour here, as one
span of the field's text, so the merged passage still quotes the source verbatim (the two texts
joined by the line break between them).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ...model import Passage
from .ngc_html import RECOMMENDING

LABEL_MAX_WORDS = 7  # a line of fewer than 8 words with no sentence end is a heading or label
LABEL_MAX_CHARS = 200  # a label this short always joins what it heads, however long that is
JOINED_MAX_CHARS = 1200  # otherwise two passages join only up to this length
_SENTENCE_END = re.compile(r"[.!?;)\]\"”]$")
_CONJUNCTION = re.compile(r"(?:^|\s)(?:or|and)$")
_BETWEEN = re.compile(r"[\s-]*")  # line breaks and list markers between adjoining passages


def joined_units(passages: list[Passage], text: str, counts: Counter | None = None) -> list[Passage]:
    """`passages` (in order, offsets into `text`) with label and split-sentence fragments joined
    to their neighbour; `counts` gets "merged_labels" and "rejoined_sentences"."""
    counts = counts if counts is not None else Counter()
    out: list[Passage] = []
    for passage in passages:
        previous = out[-1] if out else None
        how = _join_kind(previous, passage, text) if previous else ""
        if how:
            counts[how] += 1
            out[-1] = _joined(previous, passage, text)
        else:
            out.append(passage)
    first = passages[0].order if passages else 0
    return [replace(p, order=first + n) for n, p in enumerate(out)]


def _body(passage: Passage, text: str) -> str:
    return text[passage.start : passage.end]


def _context(passage: Passage, text: str) -> str:
    """The lead-in a passage carries before its span ("" for most)."""
    return passage.text[: len(passage.text) - (passage.end - passage.start)]


def _join_kind(a: Passage, b: Passage, text: str) -> str:
    if a.section != b.section or b.start < a.end or not _BETWEEN.fullmatch(text[a.end : b.start]):
        return ""  # not neighbours in one section: a heading or other text lies between
    if _context(b, text) not in ("", _context(a, text)):
        return ""  # b repeats a different lead-in; joining would print it mid-passage
    a_body, b_body = _body(a, text), _body(b, text)
    fits = len(a.text) + len(b_body) <= JOINED_MAX_CHARS or len(a.text) <= LABEL_MAX_CHARS
    if not fits:
        return ""
    if all(is_label_line(line.strip(" -")) for line in a_body.splitlines()):
        return "merged_labels"
    if _SENTENCE_END.search(a_body) or a_body.endswith(":"):
        return ""
    if b_body[:1].islower() or _CONJUNCTION.search(a_body) or b_body in ("or", "and"):
        return "rejoined_sentences"
    return ""


def is_label_line(line: str) -> bool:
    """A heading or label printed as text: a short line with no sentence end that states nothing
    ("Recommendation", "15.1 Briefing", "CT, computed tomography"), or a lead-in ending in ":".
    "Benefits: fewer flares" is a labelled value, not a label."""
    if line.endswith(":"):
        return len(line) <= LABEL_MAX_CHARS and ": " not in line
    if not line or len(line.split()) > LABEL_MAX_WORDS or _SENTENCE_END.search(line) or ": " in line:
        return False
    return not RECOMMENDING.search(line)


def _joined(a: Passage, b: Passage, text: str) -> Passage:
    grade = "; ".join(dict.fromkeys(g for g in (a.grade, b.grade) if g))
    return replace(a, text=a.text + text[a.end : b.end], end=b.end, grade=grade)
