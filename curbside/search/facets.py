"""The parts of a clinician's message: what it asks and what it tells about the patient.

"64M, first unprovoked PE, sPESI 0, CrCl 85. Can he go home? Which anticoagulant and dose, and
do I stop at 3 months or keep going?" asks three things (each sentence ending in "?", split again
where ", and" joins two questions) and gives facts about the patient (each comma-separated part of
the other sentences). The article reads the evidence for each part and answers part by part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..language.words import STOPWORDS, fold

WORD = re.compile(r"[a-z0-9]+")
_MEASURE = re.compile(r"^\d+[a-z]?$")  # a number, or age and sex shorthand ("61f")
_ASK_JOINS = re.compile(r";\s+|,\s+(?:and|or|but)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Facet:
    text: str
    asks: bool  # a question ("Which anticoagulant?") rather than a fact about the patient ("CrCl 28")


@lru_cache(maxsize=1024)
def facets(question: str) -> tuple[Facet, ...]:
    """The things a message asks, each sentence ending in "?" (split again at "; "), and the
    facts it gives, each comma-separated part of the other sentences that has a content word.
    Read once per message: understanding, coverage, the topic reading and compose all ask."""
    out: list[Facet] = []
    for sentence in re.split(r"(?<=[?.!])\s+", question.strip()):
        sentence = sentence.strip()
        if not sentence:
            continue
        if sentence.endswith("?"):
            # "Which anticoagulant and dose, and do I stop at 3 months?" asks two things.
            out += [Facet(part.strip(" ,;"), True) for part in _ASK_JOINS.split(sentence) if content_words(part)]
        else:
            out += [Facet(part.strip(" ."), False) for part in re.split(r"[,;]\s*", sentence) if content_words(part)]
    return tuple(out)


def asked_text(question: str) -> str:
    """The asking parts of a message, joined ("" when no sentence asks)."""
    return " ".join(f.text for f in facets(question) if f.asks)


def told_text(question: str) -> str:
    """The parts of a message that tell about the patient, joined."""
    return " ".join(f.text for f in facets(question) if not f.asks)


def answers_by_part(question: str) -> bool:
    """Whether an article answers the message part by part: it asks two or more things, or
    asks one about a patient it describes ("74F, CrCl 28, MI in 2019. What drug first?")."""
    parts = facets(question)
    asks = sum(1 for f in parts if f.asks)
    return asks >= 2 or (asks == 1 and len(parts) - asks >= 2)


def ask_title(text: str) -> str:
    """An ask as a section heading: as the clinician wrote it, capitalised, ending in "?"."""
    text = text.strip(" ,;.")
    text = text[:1].upper() + text[1:]
    return text if text.endswith("?") else text + "?"


def content_words(text: str) -> list[str]:
    return [w for w in WORD.findall(fold(text)) if w not in STOPWORDS and not _MEASURE.match(w) and len(w) > 1]


def asked_drugs(q) -> list[str]:
    """The question's drugs named where it asks (a sentence ending in "?"); all of them when no
    sentence asks."""
    asked = asked_text(q.text).lower()
    return [d for d in q.drugs if d.lower() in asked] if asked else list(q.drugs)
