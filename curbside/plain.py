"""Plain words for the patient version of an article.

The verbatim sentence stays on the claim and is what its citation verifies; this is only a display
rendering, so it must never change what the sentence says: numbers, doses and the names the caller
protects (drugs, the condition) come through untouched, checked in code rather than trusted to patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from curbside.doses import numbers, parse_doses
from curbside.errors import LibraryError

GLOSSARY_PATH = Path(__file__).parent / "data" / "glossary.tsv"
DOSE_NOTE = "your clinician decides the dose"


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    plain: str  # as in the TSV: "=meaning" replaces the term, "meaning" explains it in parentheses

    @property
    def replaces(self) -> bool:
        return self.plain.startswith("=")

    @property
    def meaning(self) -> str:
        return self.plain.removeprefix("=").strip()


@lru_cache(maxsize=8)
def load_glossary(path: str | Path | None = None) -> tuple[GlossaryEntry, ...]:
    """The entries of a glossary TSV (curbside/data/glossary.tsv unless `path` is given)."""
    path = Path(path) if path else GLOSSARY_PATH
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise LibraryError(f"Cannot read the glossary {path} ({error.strerror}); restore the file.") from None
    entries, seen = [], set()
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        term, plain = (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else ("", "")
        if not term or not plain.removeprefix("=").strip() or term in seen:
            raise LibraryError(f"The glossary {path} line {number} is not one new 'term<TAB>plain meaning' "
                               f"pair: {line!r}; fix or remove that line.")
        seen.add(term)
        entries.append(GlossaryEntry(term, plain))
    return tuple(entries)


@lru_cache(maxsize=8)
def _matcher(glossary: tuple[GlossaryEntry, ...]) -> tuple[re.Pattern, dict[str, GlossaryEntry]]:
    """One regex for all terms, longest first so "acute myocardial infarction" beats "acute".
    Hyphens count as part of a word: "hypertension-related" is one word and is left alone."""
    alternatives = []
    for entry in sorted(glossary, key=lambda e: len(e.term), reverse=True):
        body = r"\s+".join(re.escape(word) for word in entry.term.split())
        alternatives.append(body if entry.term != entry.term.lower() else f"(?i:{body})")
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])") if glossary else re.compile(r"(?!)")
    return pattern, {" ".join(entry.term.split()): entry for entry in glossary}


# A token with a digit is a number, a dose, a ratio or a name like "HbA1c": never touched.
_DIGIT_TOKEN = re.compile(r"[\w.,/%:+-]*\d[\w.,/%:+-]*")
# "IV" after these is a Roman numeral (NYHA class IV), not "into a vein".
_ROMAN_BEFORE = re.compile(r"\b(?:class|stage|grade|type|phase|level|category|step|tier|NYHA)\s*$", re.IGNORECASE)


def plain_words(text: str, glossary: Iterable[GlossaryEntry] | None = None, protected: Iterable[str] = ()) -> str:
    """`text` with medical terms in lay words, replaced or explained once; numbers, doses and `protected` names kept."""
    glossary = tuple(glossary) if glossary is not None else load_glossary()
    protected = tuple(p.strip() for p in protected if p and p.strip())
    pattern, lookup = _matcher(glossary)
    blocked = _blocked_spans(text, protected)
    wanted_numbers, wanted_names = numbers(text), [len(s) for s in _name_spans(text, protected)]
    done, pos, explained = "", 0, set()
    for match in pattern.finditer(text):
        start, end = match.span()
        found = " ".join(match.group(0).split())
        entry = lookup.get(found) or lookup.get(found.lower())  # an abbreviation as written, a word in any case
        roman = match.group(0) == "IV" and _ROMAN_BEFORE.search(text, 0, start)
        if entry is None or roman or any(s < end and start < e for s, e in blocked):
            continue
        if (rendering := _render(entry, match.group(0), text, start, end, explained)) is None:
            continue
        candidate = done + text[pos:start] + rendering
        whole = candidate + text[end:]  # the guarantee, checked on the whole result
        if numbers(whole) != wanted_numbers or [len(s) for s in _name_spans(whole, protected)] != wanted_names:
            continue
        done, pos = candidate, end
        if not entry.replaces:
            explained.add(_note_key(entry))
    return done + text[pos:]


def _render(entry: GlossaryEntry, found: str, text: str, start: int, end: int, explained: set[tuple[str, str]]) -> str | None:
    if entry.replaces:
        # An abbreviation is capitalised by convention, so only a sentence start makes the plain words capital.
        at_start = not text[:start].strip() or text[:start].rstrip()[-1] in ".!?"
        capital = at_start if entry.term != entry.term.lower() else found[0].isupper()
        return entry.meaning[0].upper() + entry.meaning[1:] if capital else entry.meaning
    following = text[end:].lstrip()
    if _note_key(entry) in explained or (following.startswith("(") and not following.startswith(f"({DOSE_NOTE}")):
        return None  # explained once per text; a term already followed by parentheses has its own note
    return f"{found} ({entry.meaning})"


def _note_key(entry: GlossaryEntry) -> tuple[str, str]:
    # Once per meaning and term family: "ACE inhibitor" and "ACE inhibitors" share one note, "ARB" has its own.
    return entry.meaning.lower(), entry.term.split()[0].lower().rstrip("s")


def _blocked_spans(text: str, protected: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = [(dose.start, dose.end) for dose in parse_doses(text)] + [m.span() for m in _DIGIT_TOKEN.finditer(text)]
    return spans + [span for name in _name_spans(text, protected) for span in name]


def _name_spans(text: str, protected: tuple[str, ...]) -> list[list[tuple[int, int]]]:
    """Where each protected name occurs, as a whole word in any case ("Examplamab-induced" counts)."""
    return [[m.span() for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)] for name in protected]


# -- shorter sentences ------------------------------------------------------------------------

_MODALS = {"can", "could", "may", "might", "will", "would", "should", "must", "is", "was", "has"}
# Where a sentence may be cut and how the new one starts: "and" and ";" go, "but" stays (it carries the contrast).
_CUTS = [
    (re.compile(r";\s+"), lambda rest: ""),
    (re.compile(r",\s+and\s+"), lambda rest: ""),
    (re.compile(r",\s+but\s+"), lambda rest: "but "),
    (re.compile(r",\s+which\s+"), lambda rest: _which(rest)),
    (re.compile(r",?\s+because\s+"), lambda rest: "this is because "),
    (re.compile(r":\s+"), lambda rest: ""),
]
# A colon is a cut only when a list follows and the words before it stand alone as a sentence.
_LIST_LEAD_END = re.compile(r"\b(?:include|includes|including|are|is|were|as|e\.g\.|i\.e\.|namely|of|with)\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])(\s+)(?=[A-Z(\"'])")


def _which(rest: str) -> str:
    """"X, which reduces pain" -> "This reduces pain"; "drugs, which reduce pain" -> "These reduce pain"."""
    verb = (rest.split() or [""])[0].lower()
    plural = verb in {"are", "were", "have", "do"} or (verb.isalpha() and verb not in _MODALS and not verb.endswith(("s", "ed")))
    return "these " if plural else "this "


def split_long(text: str, max_words: int = 20) -> str:
    """Long sentences cut at safe points into shorter ones; unchanged when no safe point exists."""
    parts = _SENTENCE_END.split(text)  # sentences at even positions, the whitespace between them at odd ones
    return "".join(part if i % 2 else _split_sentence(part, max_words) for i, part in enumerate(parts))


def _split_sentence(sentence: str, max_words: int) -> str:
    if len(sentence.split()) <= max_words:
        return sentence
    best = None
    for pattern, lead in _CUTS:
        for match in pattern.finditer(sentence):
            head, rest = sentence[:match.start()], sentence[match.end():]
            if not _safe_cut(pattern, head, rest):
                continue
            balance = abs(len(head.split()) - len(rest.split()))
            if best is None or balance < best[0]:
                best = (balance, head, lead(rest) + rest)
    if best is None:
        return sentence
    _, head, rest = best
    return _split_sentence(head.rstrip().rstrip(",") + ".", max_words) + " " + _split_sentence(_capitalise(rest), max_words)


def _safe_cut(pattern: re.Pattern, head: str, rest: str) -> bool:
    """Never inside parentheses or a run of numbers, and never leaving a stub of a sentence."""
    if len(head.split()) < 4 or len(re.findall(r"[A-Za-z]+", rest)) < 3:
        return False
    numeric = re.search(r"\d\s*$", head) and re.match(r"\s*\d", rest)  # "10; 20", "5, and 10": one run of numbers
    if numeric or head.count("(") > head.count(")") or head.count("[") > head.count("]"):
        return False
    if _is_list_and(pattern, head):
        return False
    return not pattern.pattern.startswith(":") or ("," in rest and not _LIST_LEAD_END.search(head))


def _is_list_and(pattern: re.Pattern, head: str) -> bool:
    """", and" closing a list ("steroids, NSAIDs, and colchicine are effective") joins items, not
    clauses: the item before it follows another comma within a few words."""
    if "and" not in pattern.pattern:
        return False
    last_clause = head.rsplit(",", 1)
    return len(last_clause) == 2 and len(last_clause[1].split()) <= 3


def _capitalise(text: str) -> str:
    """Capitalise a new sentence's first word, unless its case means something ("eGFR", "mRNA")."""
    word = re.match(r"[^\s,;:.!?]*", text).group(0)
    return text[0].upper() + text[1:] if word.isalpha() and word.islower() else text


# -- doses: for patients the amount is the clinician's decision -----------------------------

_JOINER_GAP = re.compile(r"(?:[\s,;/]|\b(?:or|and|to|then|followed by|increasing|increased|up to|maximum|max)\b)*", re.I)
# Words before a dose that mean nothing once it is gone ("at 20 mg", "up to 40 mg", "a maximum of").
_LEAD_IN = re.compile(r"(?:\b(?:(?:at|in|with) (?:a|the) (?:\w+ )?(?:dose|dosage) of|at|to|from|by|up to|not exceeding|"
                      r"no more than|(?:a |the )?max(?:imum|imal)?(?: dose)?(?: of)?)\s+)+$", re.IGNORECASE)
_OF_AFTER = re.compile(r"\s+of\b", re.IGNORECASE)
_DOSE_OF = re.compile(r"\b(?:dose|doses|dosage)(\s+of\s+)$", re.IGNORECASE)


def without_doses(text: str) -> str:
    """`text` with dose amounts taken out and " (your clinician decides the dose)" added once. Ages, durations
    ("for 5 days") and percentages stay; a preparation's strength ("1% cream") names the product, so it stays."""
    doses = [dose for dose in parse_doses(text) if dose.unit != "%"]
    if not doses:
        return text
    groups: list[list] = [[doses[0]]]
    for dose in doses[1:]:  # doses with only joining words between them go as one: "20 mg or 40 mg"
        joined = _JOINER_GAP.fullmatch(text, groups[-1][-1].end, dose.start)
        groups[-1].append(dose) if joined else groups.append([dose])
    for group in reversed(groups):
        start, end = group[0].start, group[-1].end
        end -= bool(re.match(r"\.(?:\s+[A-Z]|\s*$)", text[end - 1:]))  # "TDS." may end the sentence too
        if lead := _LEAD_IN.search(text, 0, start):
            start = lead.start()
        elif of := _DOSE_OF.search(text, 0, start):
            start = of.start(1)  # "a starting dose of 20 mg" -> "a starting dose"
        one = group[0] if len(group) == 1 and not group[0].titration else None
        keep = one.duration if one and one.text.endswith(one.duration) else ""  # "for 5 days" may stay
        if not keep and start == group[0].start and (of := _OF_AFTER.match(text, end)):
            end = of.end()  # "give 20 mg of examplamab" -> "give examplamab"
        if "," in text[start:end] and (comma := re.match(r"\s*,", text[end:])):
            end += comma.end()  # "X 2.5 mg, titrated to 10 mg, is": the clause's closing comma goes too
        text = text[:start] + (" " + keep + " " if keep else " ") + text[end:]
    return _with_note(_tidy(text))


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:)!?])", r"\1", re.sub(r"\(\s*[,;]?\s*\)", "", text))  # and parentheses left empty
    text = re.sub(r"([,;])\s*(?:[,;]\s*)+", r"\1 ", text)
    text = re.sub(r"[,;:]\s*([.!?])", r"\1", text)
    text = re.sub(r"\(\s+", "(", re.sub(r"[ \t]{2,}", " ", text)).strip()
    return _capitalise(text) if text else text


def _with_note(text: str) -> str:
    body, end = (text[:-1], text[-1]) if text.endswith((".", "!", "?")) else (text, "")
    if DOSE_NOTE in text or not body:
        return text if body else DOSE_NOTE.capitalize() + "."
    return f"{body} ({DOSE_NOTE}){end}"


def plain_sentence(text: str, glossary: Iterable[GlossaryEntry] | None = None, protected: Iterable[str] = ()) -> str:
    """The patient rendering of one cited sentence: no doses, lay words, short sentences."""
    return split_long(plain_words(without_doses(text), glossary, protected))
