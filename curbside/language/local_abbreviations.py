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

# A short form in brackets, and the words before it: up to 81 letters, hyphens, apostrophes and
# spaces, starting on a letter, then optional white space. The brackets are found first and the
# words read backwards from them: one regular expression for both tried a lazy 80-character match
# at every letter of a guideline (about 9 ms a source, a twentieth of an ask).
_SHORT = re.compile(r"\(([A-Z][A-Za-z0-9\-]{1,9})\)")
_LONG_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-' ")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LONGEST_BEFORE = 81
_SHORTEST_BEFORE = 3
_WORD = re.compile(r"[A-Za-z][A-Za-z\-']*")


def defined_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """{short form: long form} for every definition in `texts`; the first definition wins."""
    found: dict[str, str] = {}
    for text in texts:
        for before, short in _definitions(text):
            if short in found or sum(c.isupper() for c in short) < 2:
                continue
            long = _long_form(before, short)
            if long:
                found[short] = long
    return found


def _definitions(text: str) -> Iterable[tuple[str, str]]:
    """(the words before, the short form) of each bracketed short form in `text`."""
    floor = 0  # a definition's words do not reach back into the one before
    for match in _SHORT.finditer(text):
        end = match.start()
        while end > floor and text[end - 1].isspace():
            end -= 1
        start = end
        while start > floor and end - start < _LONGEST_BEFORE and text[start - 1] in _LONG_CHARS:
            start -= 1
        while start < end and text[start] not in _LETTERS:
            start += 1
        if end - start >= _SHORTEST_BEFORE:
            floor = match.end()
            yield text[start:end], match.group(1)


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
