"""How a case description states its findings: a condition it denies ("no cough", "no history of
bleeding"), a substance it reports as a test result ("creatinine 1.4 mg/dL", "troponin
negative", "urea breath test positive"), neither of which is what the question is about, and a
condition it gives as a past event ("MI in 2019", "a stroke two years ago", "history of DVT"),
and a relative's condition ("mother had MI at 60"), which is not the patient's.

These are patterns of clinical writing, not facts about any condition or drug.
"""

from __future__ import annotations

import re

# Words that deny what follows them, up to a few words of "history of", "known", "signs of" between.
_DENIED = re.compile(
    r"\b(?:no|not|without|denies|denied|negative for|never had|free of|absence of|rules? out|ruled out)\s+"
    r"(?:(?:history of|hx of|known|prior|previous|recent|signs? of|evidence of|symptoms? of|features of|"
    r"red signs|current|active|further)\s+)*$"
)
_CLAUSE = re.compile(r"[,.;:?!()]")

# A result after a substance: a value with no dose unit, or a word that reports a test.
_RESULT_WORDS = (
    r"negative|positive|normal|abnormal|elevated|raised|high|low|undetectable|detectable|within normal|"
    r"breath test|stool test|antigen|pet|positron|tomography|scan|imaging|biopsy|culture|swab|serology|assay|"
    r"levels?|clearance|ratio|index|count|[<>≤≥=]|x\s?uln|\d+(?:\.\d+)?\s?x\b"
)
_DOSE_UNITS = (
    r"(?:mg|mcg|µg|micrograms?|milligrams?|g|grams?|units?|iu|ml|tablets?|caps(?:ules)?|puffs?|drops?|patch(?:es)?)"
)
_TIME_UNITS = r"(?:minutes?|mins?|hours?|hrs?|h|days?|weeks?|wks?|months?|years?|yrs?|doses?|times?)"
_LAB_UNITS = r"(?:mg|g|mmol|µmol|umol|mcg|ng|pg|iu|u|meq)\s?/\s?(?:dl|l|ml|24\s?h|mmol)"
_COURSE_WORDS = "for|on|at|in|to|with|since|from|every|daily|twice|once|per|then|and|or|each|x"
_REPORTED = re.compile(
    # other substances reported with it ("creatinine and albumin normal"), the rest of its name
    # ("alanine aminotransferase 55"), but no word that starts a dose or course ("for 6 weeks")
    rf"^(?:\s*(?:and|or|,)\s*[a-z][a-z-]*\b)*(?:\s+(?!(?:{_COURSE_WORDS})\b)[a-z][a-z-]*\b){{0,2}}"
    rf"\s*(?:of|is|was|were|now|at|=|:)?\s*"
    rf"(?:(?:{_RESULT_WORDS})\b|\d+(?:\.\d+)?(?!\.?\d)(?!\s*(?:{_DOSE_UNITS}|{_TIME_UNITS})\b)|\d+(?:\.\d+)?\s*{_LAB_UNITS})",
)


def is_denied(text: str, start: int) -> bool:
    """Whether the phrase at `start` of lower-case `text` is denied in its clause ("no cough")."""
    clause_start = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    return bool(_DENIED.search(text[clause_start:start]))


# A relative's condition, in the clause before it: "mother had MI at 60", "family history of".
_RELATIVE = re.compile(
    r"\b(?:(?:mother|father|brother|sister|sibling|parent|son|daughter|aunt|uncle|cousin|"
    r"grand(?:mother|father|parent))s?\s+(?:had|has|with|died of|diagnosed with)|family history of|fh of|fhx of)"
    r"\s+(?:[a-z-]+\s+){0,3}$"
)


def is_relatives(text: str, start: int) -> bool:
    """Whether the condition at `start` of lower-case `text` is a relative's ("mother had MI at
    60", "family history of breast cancer"): part of the patient's risk, not the patient's own."""
    clause_start = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    return bool(_RELATIVE.search(text[clause_start:start]))


def is_reported_result(text: str, end: int) -> bool:
    """Whether the substance ending at `end` of lower-case `text` is given as a test result
    ("hb 8.0", "creatinine 1.0 -> 1.4 mg/dl", "troponin negative", "creatinine and albumin
    normal") rather than as a treatment ("atorvastatin 40 mg", "apixaban 10 mg bid")."""
    return bool(_REPORTED.match(text[end : end + 60]))


# A past event, after the condition ("MI in 2019", "stroke 2 years ago", "fracture 6 months ago")
# or before it ("history of", "previous", "prior", "h/o").
_PAST_AFTER = re.compile(
    r"^\s*(?:\(|,)?\s*(?:in\s+(?:19|20)\d\d\b|(?:\d+|a|an|one|two|three|four|five|six|several|many)\s+"
    r"(?:days?|weeks?|months?|years?|yrs?)\s+ago\b)"
)
_PAST_BEFORE = re.compile(r"\b(?:history of|hx of|h/o|previous|prior|past|old|remote)\s+(?:[a-z-]+\s+){0,2}$")


def is_past_event(text: str, start: int, end: int) -> bool:
    """Whether the condition at `start:end` of lower-case `text` is told as a past event of the
    case, in its clause ("MI in 2019", "previous DVT"), not as what is happening now."""
    clause_start = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    return bool(_PAST_AFTER.match(text[end : end + 40]) or _PAST_BEFORE.search(text[clause_start:start]))
