"""What a patient does not need to read in a cited sentence: reference and evidence-grade notes,
statistics, example lists, brand names and abbreviations defined but not used again.

Part of the plain reading (plain.py): it only drops words, so what is left says nothing the quote
does not, and it is checked in code never to make a new number.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from curbside.language.doses import numbers

# Square brackets holding a reference or an evidence grade: "[I]", "[2144]", "[1,3-5]", "[B]".
_BRACKET_NOTE = re.compile(r"\s*\[(?:[IVX]+|[\d,\s–-]+|[A-D])\]")
_INNERMOST = re.compile(r"\s*\(([^()]*)\)")
# An aside whose content is a citation, an evidence grade or a statistic: nothing a patient acts on.
_CITATION = re.compile(
    r"\bet al\b|^\s*[A-Z][\w'-]+(?: (?:and|&) [A-Z][\w'-]+)?,? (?:19|20)\d\d[a-z]?\s*$|^\s*(?:19|20)\d\d\s*$"
)
_GRADE = re.compile(
    r"^\s*(?:(?:strong|weak|conditional)(?:\s+(?:for|against|recommendation))?\s*(?:[;,]|$)|(?:grade|level|class|LE|GR|LoE|GoR|SOR|"
    r"quality|strength|evidence|recommendation)\b\s*[\w+-]*\s*(?:[;,]|$)|[\divx]+[A-C]?\s*$|"
    r"[\d|+O⊕◯]+\s*$|reviewed\b|class [IV]+\b)",
    re.IGNORECASE,
)
_STATISTIC = re.compile(
    r"\b(?:RR|OR|HR|CI|MD|SMD|NNT|NNH|aOR|aHR|I2|I²)\b\s*[=:,]?\s*[-\d.]|\bp\s*[=<>≤]\s*[\d.]|\bn\s*=\s*\d|"
    r"\b(?:median|mean|absolute risk|relative risk|hazard ratio|odds ratio|95%)\b.*\d|\d\s*vs\.?\s*\d"
)
# Asides that give examples, cross-references, alternatives or study design: the sentence stands without them.
_EXAMPLES = re.compile(
    r"^\s*(?:e\.g\.|eg\b|i\.e\.|for example\b|for instance\b|such as\b|including\b|see\b|"
    r"with or without\b|design\s*:|in addition to\b)",
    re.IGNORECASE,
)
# A brand name after the drug's own name: "azithromycin (Zithromax)".
_BRAND = re.compile(r"^\s*[A-Z][a-z]+(?:[- ][A-Z]{1,3})?\s*$")
_ABBREVIATION = re.compile(r"^\s*[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*\s*$")
# Fields of an evidence table that rate the evidence rather than say anything about care.
_RATING_FIELD = re.compile(
    r"(?:^|(?<=[;.]))\s*(?:(?:quality|level|strength|grade|certainty|classification) of (?:the )?"
    r"(?:evidence|recommendations?)|evidence (?:level|grade|quality)|GRADE)\s*:\s*(?:[^;.]|\.(?=\S))*(?:;|(?=\.)|$)",
    re.IGNORECASE,
)
# A numbered label before a guideline's statement: "Recommendation 59:", "Statement 3.2 -", "B -".
_LEADING_LABEL = re.compile(
    r"^\s*(?:(?:recommendation|statement|key (?:point|recommendation)|question)\s*[\d.]*[a-z]?"
    r"|[A-Z])\s*(?:[:–—]|\s-)\s+",
    re.IGNORECASE,
)
# A quote cut off after a joining word or mark: "Amoxicillin three times daily; OR".
_CLIPPED_END = re.compile(r"(?:[,;:]\s*|\s+)(?:or|and|plus|either|then|followed by)\s*$|[,;:]\s*$", re.IGNORECASE)
# A line break or a table's cell border separates items that were never one sentence.
_ITEM_BREAK = re.compile(r"[ \t]*(?:\n|(?<=\S)[ \t]+\|[ \t]+|^\|[ \t]*|[ \t]*\|$)\s*")
_EMPTY_CELL = re.compile(r"^[\s—–\-|.]*$")


def without_asides(text: str, protected: Iterable[str] = ()) -> str:
    """`text` as a patient reads it, less what only a professional uses: reference and evidence-grade
    notes, statistics, lists of examples and the abbreviations a sentence defines but never uses again;
    list items and table cells become sentences, and a quote cut off after "or" ends before it.
    Only words are dropped: what is left says nothing the quote does not. An aside naming one of the
    `protected` names (the drug or condition asked about) stays."""
    names = [
        re.compile(rf"(?<!\w){re.escape(name.strip())}(?!\w)", re.IGNORECASE) for name in protected if name.strip()
    ]
    shortened = _without_asides(text, names)
    # Checked in code, not trusted to the patterns: taking words out must never make a new number ("0.5" -> "5").
    return text if Counter(numbers(shortened)) - Counter(numbers(text)) else shortened


def _without_asides(text: str, names: list[re.Pattern]) -> str:
    items = [item.strip() for item in _ITEM_BREAK.split(text) if not _EMPTY_CELL.match(item)]
    if len(items) > 1:
        text = " ".join(item if item[-1] in ".!?:" else item + "." for item in items)
    text = _BRACKET_NOTE.sub("", text)
    previous = None
    while previous != text:  # innermost first: "(PPIs (see below))" loses its inner note, then maybe itself
        previous, text = text, _INNERMOST.sub(lambda m, seen=text: _aside_kept(m, seen, names), text)
    text = _RATING_FIELD.sub("", text)
    text = _LEADING_LABEL.sub("", text, count=1)
    text = re.sub(r"\^[a-z](?:,[a-z])*\b", "", text)  # table footnote marks: "azithromycin^d,e"
    stripped = text.rstrip(" .")
    if _CLIPPED_END.search(stripped):
        text = _CLIPPED_END.sub("", stripped) + "."
    return _tidy_punctuation(text)


def _aside_kept(match: re.Match, text: str, names: list[re.Pattern]) -> str:
    inner = match.group(1)
    if any(name.search(inner) for name in names):
        return match.group(0).replace("(", "\0", 1).replace(")", "\1")
    brand = _BRAND.match(inner) and re.search(r"[a-z]{4,}\s*$", text[: match.start()])
    if brand or _CITATION.search(inner) or _GRADE.match(inner) or _STATISTIC.search(inner) or _EXAMPLES.match(inner):
        return ""
    if _ABBREVIATION.match(inner):
        used_again = len(re.findall(rf"(?<![\w-]){re.escape(inner.strip())}(?![\w-])", text)) > 1
        if not used_again:
            return ""
    return match.group(0).replace("(", "\0", 1).replace(")", "\1")  # kept: hidden from the next pass


def _tidy_punctuation(text: str) -> str:
    text = text.replace("\0", "(").replace("\1", ")")
    text = re.sub(r"\s+([,.;:)!?])", r"\1", text)
    text = re.sub(r"([,;:])\s*(?:[,;:]\s*)+", r"\1 ", text)
    text = re.sub(r"[,;:]\s*([.!?])", r"\1", text)
    text = re.sub(r"\.(?:\s*\.)+", ".", text)
    text = re.sub(r"^[\s,;:.]+", "", re.sub(r"[ \t]{2,}", " ", text)).strip()
    return capitalise(text) if text else text


def capitalise(text: str) -> str:
    """Capitalise a new sentence's first word, unless its case means something ("eGFR", "mRNA")."""
    word = re.match(r"[^\s,;:.!?]*", text).group(0)
    return text[0].upper() + text[1:] if word.isalpha() and word.islower() else text
