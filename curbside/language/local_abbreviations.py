"""Abbreviations a document defines for itself: "painful diabetic neuropathy (PDN)".

Guidelines coin abbreviations the general table does not know (PDN, CIPN, AOM) and then use only
them, so a question in full words misses the recommendations written with the short form. The
definitions are found the way Schwartz and Hearst (2003) proposed: a short form in brackets after
its long form, the short form's letters appearing in order in the long form, its first letter
starting a word, the long form no longer than the short form allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_DEFINED = re.compile(r"([A-Za-z][A-Za-z\-' ]{2,80}?)\s*\(([A-Z][A-Za-z0-9\-]{1,9})\)")
_WORD = re.compile(r"[A-Za-z][A-Za-z\-']*")


def defined_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """{short form: long form} for every definition in `texts`; the first definition wins."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _DEFINED.finditer(text):
            short = match.group(2)
            if short in found or sum(c.isupper() for c in short) < 2:
                continue
            long = _long_form(match.group(1), short)
            if long:
                found[short] = long
    return found


def _long_form(before: str, short: str) -> str:
    """The shortest tail of `before` whose words spell `short`, or "" when none does."""
    words = _WORD.findall(before)
    letters = [c.lower() for c in short if c.isalpha()]
    limit = min(len(letters) + 5, 2 * len(letters))
    for size in range(1, min(limit, len(words)) + 1):
        tail = words[-size:]
        if tail[0][0].lower() == letters[0] and _spells(" ".join(tail).lower(), letters):
            return " ".join(tail)
    return ""


def _spells(long: str, letters: list[str]) -> bool:
    """Whether `letters` appear in order in `long`, each after the one before."""
    position = 0
    for letter in letters:
        position = long.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


def long_forms_in(text: str, abbreviations: dict[str, str]) -> list[str]:
    """The long form of each defined short form `text` uses, once each, in order of use."""
    if not abbreviations:
        return []
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(abbreviations, key=len, reverse=True))) + r")\b")
    return [abbreviations[short] for short in dict.fromkeys(m.group(1) for m in pattern.finditer(text))]
