"""Text clean-up the whole pipeline shares: collapsing white space and finding a recommendation's grade."""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")


# A footnote mark the readers set off from its word ("metformin ^3", "valproate ^4,5") or put after
# a bracket (")^b"); an exponent ("10^9", "mm^3") is written against its number or unit.
_FOOTNOTE_MARK = re.compile(r"(?:[ \t]|(?<=\)))\^[0-9a-z]{1,2}(?:,[0-9a-z]{1,2})*\b")


def without_footnote_marks(text: str) -> str:
    """`text` without footnote marks: a reader has no footnotes to follow them to."""
    return _FOOTNOTE_MARK.sub("", text) if "^" in text else text


def normalize_space(text: str) -> str:
    return _WS.sub(" ", text).strip()


# Evidence-grade markers as guidelines print them (surveyed in the NGC summaries, which hold
# most grading systems in use: GRADE, USPSTF, ACC/AHA, AAN, SIGN, CHEST, CDC, Oxford CEBM ...).
# A marker must look like one: a grade word with a separator or "of evidence" ("Level of
# evidence: II"), a bracketed code, or a grade word standing alone in its bracket or line; so
# "grade 3 neutropenia", "Child-Pugh class A" and "HbA(1c)" are not grades.
_GRADE_LEVEL = r"(?:(?:IV|V|I{1,3})[a-d]?|[1-5][a-d]?[+-]?|CB|[A-E][+-]?[1-3]?|U)"
_GRADE_WORD = r"(?:strong|weak|conditional|moderate|high|low|very\s+low|insufficient)"
_GRADE_VALUE = rf"(?:{_GRADE_LEVEL}|{_GRADE_WORD})"
_GRADE_KEYWORD = (
    r"(?:(?:strength|quality|certainty|level|grade|class|category)(?:\s+of\s+(?:the\s+)?(?:evidence|recommendations?))?"
    r"|(?:GRADE\s+)?recommendation(?:\s+(?:strength|grade|level|category))?|(?-i:GRADE|LOE|COR|SOR|LE|GR))"
)
_KEYED_GRADE = re.compile(
    rf"\b(?P<key>{_GRADE_KEYWORD})(?P<sep>\s*[:=]\s*|\s+[-\u2013]\s+|\s+|(?=\d))"
    rf"(?P<value>{_GRADE_VALUE})(?:\s*[,/]\s*{_GRADE_VALUE})?(?![\w+])",
    re.IGNORECASE,
)
# Bare grades in brackets: "[A]", "[IIb]", "(1C)", "(II-2B)", "(IV, C)", "(B II)", "(1|++OO)". In round
# brackets one counts only where it closes a sentence or line ("... therapy (B)."), since "(IA)",
# "(3D)" or "HbA(1c)" are abbreviations.
_BRACKETED_GRADE = re.compile(
    r"(?<!\w)(?P<open>[(\[])\s*(?P<grade>[1-5][A-Da-d]|(?:IV|I{1,3})-?[1-3]?[A-E]|I{1,3}-[1-3]|(?:[1-2]\s*\|\s*)?[+\u2295][+O\u2295]{3}"
    r"|(?:IV|V|I{1,3}),?\s+[A-E]|[A-E],?\s+(?:IV|V|I{1,3})"
    r"|(?:IV|V|I{1,3})[ab]?|[A-D]|U)\s*[)\]]"
)
_SENTENCE_END = re.compile(r"[ \t]*(?:[.;:\n)]|$)")
# "grade IV", "class A" and "category 1" also name clinical scales (tumour grade, Child-Pugh class):
# without a separator such a word is a grade only when it opens its bracket, line or list entry
# ("(Grade 1B)", "Level A.", "(Standard; Evidence Strength Grade B)") and nothing follows the value.
_GRADE_LEAD = re.compile(
    r"(?:[(\[;,\n.:\u2013\u2014-]|\b(?:evidence|strength|recommendation|quality|GRADE))\s*\Z", re.IGNORECASE
)
_GRADE_END = re.compile(r"\s*(?:[)\];,.:\n]|$)")
_RECOMMENDATION_KEY = re.compile(r"(?:GRADE\s+)?recommendation", re.IGNORECASE)
_NAMED_GRADE = re.compile(
    r"[(\[]\s*(?:(?:strong|weak|conditional)(?:\s+(?:for|against))?(?:\s+recommendation)?"
    r"(?:\s*[,;]\s*(?:very\s+low|low|moderate|high)(?:[- ]quality)?(?:\s+(?:of\s+)?evidence)?)?(?=\s*[;,)\]])"
    r"|(?:very\s+low|low|moderate|high)[- ]quality(?:\s+of)?\s+evidence(?=\s*[)\]])"
    r"|(?:good\s+)?practice\s+point|GPP|(?:ungraded\s+)?best\s+practice(?:\s+statement)?|clinical\s+principle"
    r"|expert\s+(?:consensus\s+)?(?:opinion|consensus)(?:\s+point)?|[A-D]\s+recommendation"
    r"|(?:local\s+)?consensus(?:[\s\u2013-]+\w+){0,2}(?:,\s*\d{4})?(?:\s*\[[1-5][a-d]?\])?"
    r"|insufficient\s+evidence|I\s+statement|not\s+graded)(?:\s*[)\]]|(?=\s*[;,]))",
    re.IGNORECASE,
)
# Codes some developers print only in square brackets (AACAP's [CS] clinical standard ... [NE] not
# endorsed, ACC/AHA's [EO] expert opinion, CHEST's [CB] consensus-based).
_CODED_GRADE = re.compile(r"\[(?:CS|CG|OP|NE|MS|EO|CB)\]")
# "Strong recommendation based on ...", "Option based on ..." opening a line or sentence (AAO-HNS).
_STRENGTH_STATEMENT = re.compile(
    r"(?:^|(?<=\n)|(?<=\. ))(?:(?:strong|weak|conditional)\s+recommendation\b"
    r"|(?:no\s+)?(?:recommendation|option)(?:\s+\((?:for|against)\))?(?=\s+based\s+on\b))",
    re.IGNORECASE,
)
# The Academy of Nutrition and Dietetics rates "Strong, Imperative" ... "Consensus, Conditional".
_RATED_GRADE = re.compile(
    r"\b(?:strong|fair|weak|consensus|insufficient evidence),\s+(?:imperative|conditional)\b", re.IGNORECASE
)
# Markers next to each other ("Grade 2, Level A", "Grade: E (Expert Opinion)") read as one grade.
_GRADE_JOIN = re.compile(r"[\s,;/]{0,3}[(\[]?")


def _grade_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _KEYED_GRADE.finditer(text):
        key, separated = match.group("key"), match.group("sep").strip()
        ends = _GRADE_END.match(text, match.end())
        if _RECOMMENDATION_KEY.match(key):
            # "Recommendation: A patient ..." starts a sentence; only a clear grade follows this word.
            if separated and (ends or re.fullmatch(_GRADE_WORD, match.group("value"), re.I)):
                spans.append(match.span())
        elif separated or " of " in key.lower():
            spans.append(match.span())
        elif ends and (match.start() == 0 or _GRADE_LEAD.search(text, max(0, match.start() - 40), match.start())):
            spans.append(match.span())
    for match in _BRACKETED_GRADE.finditer(text):
        if match.group("open") == "[" or _SENTENCE_END.match(text, match.end()):
            spans.append(match.span())
    spans += [m.span() for m in _NAMED_GRADE.finditer(text)]
    spans += [m.span() for m in _CODED_GRADE.finditer(text)]
    spans += [m.span() for m in _RATED_GRADE.finditer(text)]
    spans += [m.span() for m in _STRENGTH_STATEMENT.finditer(text)]
    return sorted(spans)


def find_grade(text: str) -> str:
    """The evidence grade a passage states, as it is written ("Grade 1B", "Level of evidence: II",
    "strong, low"), or ''. Adjacent markers are returned together."""
    spans = _grade_spans(text)
    if not spans:
        return ""
    start, end = spans[0]
    for next_start, next_end in spans[1:]:
        if next_start > end and not _GRADE_JOIN.fullmatch(text, end, next_start):
            break
        end = max(end, next_end)
    grade = text[start:end].strip(" ;,").removeprefix("(").removeprefix("[").strip()
    while grade[-1:] in (")", "]") and grade.count("(") + grade.count("[") < grade.count(")") + grade.count("]"):
        grade = grade[:-1].rstrip(" ;,")
    return normalize_space(grade)


# How strong a stated grade is, across the systems guidelines print: 0 strongest (Level A, Grade
# 1, Class I, "strong"), 1 (Level B, Grade 2, Class IIa, "moderate"), 2 (Level C, Class IIb,
# "conditional", "weak"), 3 (Level D or U, Class III, "insufficient", expert opinion). A grade
# none of these reads is ranked 2, between the clear strong and the clear weak ones.
GRADE_UNREAD = 2
_GRADE_WORDS = (
    (3, re.compile(r"insufficient|inadequate|expert opinion|consensus|no recommendation|\bunproven", re.IGNORECASE)),
    (0, re.compile(r"\bstrong\b", re.IGNORECASE)),
    (2, re.compile(r"\b(?:conditional|weak|optional|discretionary)\b", re.IGNORECASE)),
)
_GRADE_LEVEL_MARK = re.compile(
    r"\b(?:level|grade|loe|sor|class|category)\s*(?:of\s+(?:evidence|recommendation)\s*)?[:=]?\s*"
    r"(iii|iib|iia|ii|iv|i|[a-eu]|[1-4])(?:[a-c])?\b",
    re.IGNORECASE,
)
_GRADE_BARE = re.compile(r"^\W*(iii|iib|iia|ii|iv|i|[a-eu]|[1-4])(?:[a-c])?\W*(?:[,;]|$)", re.IGNORECASE)
_LEVEL_RANK = {
    "a": 0, "1": 0, "i": 0,
    "b": 1, "2": 1, "ii": 1, "iia": 1,
    "c": 2, "3": 2, "iib": 2,
    "d": 3, "e": 3, "u": 3, "4": 3, "iii": 3, "iv": 3,
}  # fmt: skip


def grade_rank(grade: str) -> int:
    """How strong `grade` (as find_grade returns it) is: 0 strongest to 3 weakest."""
    for rank, pattern in _GRADE_WORDS:
        if pattern.search(grade):
            return rank
    match = _GRADE_LEVEL_MARK.search(grade) or _GRADE_BARE.search(grade)
    return _LEVEL_RANK.get(match.group(1).lower(), GRADE_UNREAD) if match else GRADE_UNREAD
