"""Plain words for the patient version of an article.

The verbatim sentence stays on the claim and is what its citation verifies; this is only a display
rendering, so it must never change what the sentence says: numbers, doses and the names the caller
protects (drugs, the condition) come through untouched, checked in code rather than trusted to patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from curbside.compose.plain_asides import capitalise as _capitalise
from curbside.compose.plain_asides import without_asides
from curbside.errors import LibraryError
from curbside.language.doses import numbers, parse_doses

GLOSSARY_PATH = Path(__file__).parents[1] / "data" / "glossary.tsv"
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
            raise LibraryError(
                f"The glossary {path} line {number} is not one new 'term<TAB>plain meaning' "
                f"pair: {line!r}; fix or remove that line."
            )
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
    done, pos, explained, left_end = "", 0, set(), -1
    for match in pattern.finditer(text):
        start, end = match.span()
        found = " ".join(match.group(0).split())
        entry = lookup.get(found) or lookup.get(found.lower())  # an abbreviation as written, a word in any case
        roman = match.group(0) == "IV" and _ROMAN_BEFORE.search(text, 0, start)
        if entry is None or roman or any(s < end and start < e for s, e in blocked):
            continue
        # A term right after a term left as it is belongs to one longer name with it ("X Y" where X stayed).
        after_kept = left_end >= 0 and not text[left_end:start].strip()
        rendering = None if after_kept else _render(entry, match.group(0), text, start, end, explained, pattern)
        if rendering is None:
            left_end = end
            continue
        candidate = done + text[pos:start] + rendering
        whole = candidate + text[end:]  # the guarantee, checked on the whole result
        if numbers(whole) != wanted_numbers or [len(s) for s in _name_spans(whole, protected)] != wanted_names:
            left_end = end
            continue
        done, pos = candidate, end
        if rendering.endswith(f"({entry.meaning})"):
            explained.add(_note_key(entry))
    return done + text[pos:]


# Words that start no noun phrase of their own: before a replaced term they leave it standing alone.
_FUNCTION_WORDS = frozenset(
    """a an the another any each every this that these those no its their his her your our my
    some such one of to in on at by for from with without into onto about after before during than as and or nor but
    is are was were be been being has have had do does did can could may might will would should must not""".split()
)
_DETERMINERS = frozenset(
    "a an the another any each every this that these those no its their his her your our my some one".split()
)
# In a meaning, these words make it a phrase that cannot stand before a noun ("redness of the skin" + "migrans").
_PHRASE_WORDS = frozenset("of to on in at by for from with than that which not".split())
_NEGATED = re.compile(r"(?:\b(?:not|no|never|cannot|without|nor)|n't)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z][\w'-]*)[ \t]+$")
_WORD_AFTER = re.compile(r"[ \t]+([A-Za-z][\w'-]*)")


def _render(
    entry: GlossaryEntry,
    found: str,
    text: str,
    start: int,
    end: int,
    explained: set[tuple[str, str]],
    pattern: re.Pattern,
) -> str | None:
    """How the term reads here, or None to leave it as written. A replacement must fit the words around
    it: never a second negation ("not contraindicated"), a doubled word ("acid" + "acid reflux"), two
    articles ("another" + "a single medicine"), or a phrase inside a longer name ("erythema migrans")."""
    if not entry.replaces:
        return _note(entry, found, text, start, end, explained)
    before = _WORD_BEFORE.search(text, 0, start)
    before = before.group(1).lower() if before else ""
    after = _WORD_AFTER.match(text, end)
    after = after.group(1) if after else ""
    words = entry.meaning.split()
    if words[0].lower() in ("not", "no") and _NEGATED.search(text, 0, start):
        return None
    if _part_of_a_name(after, pattern):
        return None
    if before and before == words[0].lower() and len(words) > 1:
        words = words[1:]  # "acid" + "acid reflux": the word is already there
    if after and after.lower() == words[-1].lower() and len(words) > 1:
        words = words[:-1]  # "first choice" + "choice": the next word already says it
    if words[0].lower() in ("more", "less", "not", "no") and before and before not in _FUNCTION_WORDS:
        return _note(entry, found, text, start, end, explained, force=True)  # "early" + "more than one medicine"
    if words[0].lower() in ("a", "an", "the") and before:
        if before in _DETERMINERS:
            words = words[1:]  # "another" + "a single medicine" -> "another single medicine"
        elif before not in _FUNCTION_WORDS:
            return _note(entry, found, text, start, end, explained, force=True)  # "congenital hypothyroidism"
    if after and after.lower() not in _FUNCTION_WORDS and _PHRASE_WORDS & {w.lower() for w in words}:
        return None  # the term describes the next word, and a phrase cannot ("treatment with medicines monotherapy")
    meaning = " ".join(words)
    if after.lower() == "of" and meaning.endswith("ing"):
        return None  # "cessation of therapy" would read "stopping of therapy"
    # An abbreviation is capitalised by convention, so only a sentence start makes the plain words capital.
    at_start = not text[:start].strip() or text[:start].rstrip()[-1] in ".!?"
    capital = at_start if entry.term != entry.term.lower() else found[0].isupper()
    return meaning[0].upper() + meaning[1:] if capital else meaning


def _part_of_a_name(after: str, pattern: re.Pattern) -> bool:
    """A lower-case next word that no English dictionary holds makes the term part of a Latin or
    technical name ("erythema migrans", "herpes zoster"), which a lay word must not break up."""
    from .readability import known_word

    return (
        bool(after)
        and after.islower()
        and after.isalpha()
        and len(after) > 3
        and not known_word(after)
        and not pattern.fullmatch(after)
    )


def _note(
    entry: GlossaryEntry,
    found: str,
    text: str,
    start: int,
    end: int,
    explained: set[tuple[str, str]],
    force: bool = False,
) -> str | None:
    """The term with its meaning in parentheses, once per text; never inside parentheses already
    ("(PPIs (a medicine ...))") and never where the term has its own note."""
    if not force and entry.replaces:
        return None
    following = text[end:].lstrip()
    inside = text.count("(", 0, start) > text.count(")", 0, start)
    if (
        _note_key(entry) in explained
        or inside
        or (following.startswith("(") and not following.startswith(f"({DOSE_NOTE}"))
    ):
        return None
    return f"{found} ({entry.meaning})"


def _note_key(entry: GlossaryEntry) -> tuple[str, str]:
    # Once per term, singular or plural: "statin" and "statins" share one note (their meanings differ in number
    # only), "ARB" has its own, and "diabetic nephropathy" does not stand for "diabetic retinopathy".
    return "", entry.term.lower().rstrip("s")


def _blocked_spans(text: str, protected: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = [(dose.start, dose.end) for dose in parse_doses(text)] + [m.span() for m in _DIGIT_TOKEN.finditer(text)]
    return spans + [span for name in _name_spans(text, protected) for span in name]


def _name_spans(text: str, protected: tuple[str, ...]) -> list[list[tuple[int, int]]]:
    """Where each protected name occurs, as a whole word in any case ("Examplamab-induced" counts)."""
    return [
        [m.span() for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)] for name in protected
    ]


# -- shorter sentences ------------------------------------------------------------------------

_MODALS = {"can", "could", "may", "might", "will", "would", "should", "must", "is", "was", "has"}
# Where a sentence may be cut, how the new one starts, and which cuts come first: ";" and ":" part what the
# writer already parted; "and" goes, "but" stays (it carries the contrast), "which" becomes "this".
_CUTS = [
    (0, re.compile(r";\s+"), lambda rest: ""),
    (1, re.compile(r":\s+"), lambda rest: ""),
    (2, re.compile(r",\s+and\s+"), lambda rest: ""),
    (2, re.compile(r",\s+but\s+"), lambda rest: "but "),
    (2, re.compile(r",\s+which\s+"), lambda rest: _which(rest)),
    (2, re.compile(r",?\s+because\s+"), lambda rest: "this is because "),
    (2, re.compile(r",\s+so\s+"), lambda rest: "so "),
]
# A colon is a cut only when a list follows and the words before it stand alone as a sentence.
_LIST_LEAD_END = re.compile(
    r"\b(?:include|includes|including|are|is|were|as|e\.g\.|i\.e\.|namely|of|with)\s*$", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<=[.!?])(\s+)(?=[A-Z(\"'])")
# A clause after "and"/"but"/"so" stands alone only with its own subject and verb: not "..., and should be used".
_NO_SUBJECT = _MODALS | {
    "are",
    "were",
    "be",
    "been",
    "being",
    "have",
    "had",
    "do",
    "does",
    "did",
    "cannot",
    "to",
    "also",
    "then",
    "not",
    "only",
    "either",
    "both",
    "in",
    "on",
    "at",
    "with",
    "for",
    "of",
    "by",
    "what",
    "how",
    "when",
    "where",
    "whether",
    "who",
    "whom",
    "if",
    "than",
    "as",
}
_FINITE = _MODALS | {"are", "were", "have", "had", "do", "does", "did", "cannot"}


def _which(rest: str) -> str:
    """ "X, which reduces pain" -> "This reduces pain"; "drugs, which reduce pain" -> "These reduce pain"."""
    verb = (rest.split() or [""])[0].lower()
    plural = verb in {"are", "were", "have", "do"} or (
        verb.isalpha() and verb not in _MODALS and not verb.endswith(("s", "ed"))
    )
    return "these " if plural else "this "


def split_long(text: str, max_words: int = 14) -> str:
    """Long sentences cut at safe points into shorter ones; unchanged when no safe point exists."""
    parts = _SENTENCE_END.split(text)  # sentences at even positions, the whitespace between them at odd ones
    return "".join(part if i % 2 else _split_sentence(part, max_words) for i, part in enumerate(parts))


def _split_sentence(sentence: str, max_words: int) -> str:
    if len(sentence.split()) <= max_words:
        return sentence
    best = None
    for rank, pattern, lead in _CUTS:
        for match in pattern.finditer(sentence):
            head, rest = sentence[: match.start()], sentence[match.end() :]
            if not _safe_cut(rank, pattern, head, rest):
                continue
            key = (rank, abs(len(head.split()) - len(rest.split())))
            if best is None or key < best[0]:
                best = (key, head, lead(rest) + rest)
    if best is None:
        return sentence
    _, head, rest = best
    return (
        _split_sentence(head.rstrip().rstrip(",") + ".", max_words)
        + " "
        + _split_sentence(_capitalise(rest), max_words)
    )


def _safe_cut(rank: int, pattern: re.Pattern, head: str, rest: str) -> bool:
    """Never inside parentheses or a run of numbers, and never leaving a stub of a sentence, a label
    without its item ("Risk Rationale.") or a clause without its subject."""
    if len(head.split()) < 4 or len(re.findall(r"[A-Za-z]+", rest)) < 3:
        return False
    numeric = re.search(r"\d\s*$", head) and re.match(r"\s*\d", rest)  # "10; 20", "5, and 10": one run of numbers
    if numeric or head.count("(") > head.count(")") or head.count("[") > head.count("]"):
        return False
    if rank == 1:  # ":" after a label ("...; Risk Rationale: ...") would leave the label alone
        label = re.split(r"[;.]", head)[-1].split()
        return len(label) > 3 and "," in rest and not _LIST_LEAD_END.search(head)
    if rank == 2 and re.search(r"and|but|so|because", pattern.pattern) and not _stands_alone(rest):
        return False
    return not _is_list_and(pattern, head)


def _stands_alone(clause: str) -> bool:
    """Whether a clause cut from a sentence has a subject and a verb of its own: its first word is not a verb
    or a preposition, and a verb ("can", "is", "reduces", "improved") follows within a few words."""
    words = re.findall(r"[A-Za-z][\w'-]*", clause)
    if len(words) < 3 or words[0].lower() in _NO_SUBJECT or words[0].lower().endswith(("ing", "ly")):
        return False
    later = [w.lower() for w in words[1:7]]
    # "it reduces", "symptoms improved", "the drug lowers": a verb ending in -s or -ed right after a short subject.
    subject_length = 2 if words[0].lower() in _DETERMINERS else 1
    verb = later[subject_length - 1] if len(later) >= subject_length else ""
    return any(w in _FINITE for w in later) or (verb.endswith(("s", "ed")) and not verb.endswith("ss"))


def _is_list_and(pattern: re.Pattern, head: str) -> bool:
    """ ", and" closing a list ("steroids, NSAIDs, and colchicine are effective") joins items, not
    clauses: the item before it follows another comma within a few words."""
    if "and" not in pattern.pattern:
        return False
    last_clause = head.rsplit(",", 1)
    return len(last_clause) == 2 and len(last_clause[1].split()) <= 3


# -- doses: for patients the amount is the clinician's decision -----------------------------

_JOINER_GAP = re.compile(
    r"(?:[\s,;/]|\b(?:or|and|to|then|followed by|increasing|increased|up to|maximum|max)\b)*", re.I
)
# Words before a dose that mean nothing once it is gone ("at 20 mg", "up to 40 mg", "a maximum of").
_LEAD_IN = re.compile(
    r"(?:\b(?:(?:at|in|with) (?:a|the) (?:\w+ )?(?:dose|dosage) of|at|to|from|by|up to|not exceeding|"
    r"no more than|(?:a |the )?max(?:imum|imal)?(?: dose)?(?: of)?)\s+)+$",
    re.IGNORECASE,
)
_OF_AFTER = re.compile(r"\s+of\b", re.IGNORECASE)
_RANGE_LOW = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*(?:--|[-–—]|to)\s*$")
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
        if low := _RANGE_LOW.search(text, 0, start):
            start = low.start()  # "20--40 mg": the range's low end goes with it, not "20--" left alone
        end -= bool(re.match(r"\.(?:\s+[A-Z]|\s*$)", text[end - 1 :]))  # "TDS." may end the sentence too
        if lead := _LEAD_IN.search(text, 0, start):
            start = lead.start()
        elif of := _DOSE_OF.search(text, 0, start):
            start = of.start(1)  # "a starting dose of 20 mg" -> "a starting dose"
        if limit := _limit(text, start, end):
            text = limit
            continue
        one = group[0] if len(group) == 1 and not group[0].titration else None
        keep = one.duration if one and one.text.endswith(one.duration) else ""  # "for 5 days" may stay
        if not keep and start == group[0].start and (of := _OF_AFTER.match(text, end)):
            end = of.end()  # "give 20 mg of examplamab" -> "give examplamab"
        if "," in text[start:end] and (comma := re.match(r"\s*,", text[end:])):
            end += comma.end()  # "X 2.5 mg, titrated to 10 mg, is": the clause's closing comma goes too
        text = text[:start] + (" " + keep + " " if keep else " ") + text[end:]
    return _with_note(_tidy(text))


# A dose that is a threshold ("in excess of 350 mg", ">325 mg/day", "350 mg or more"): the threshold is
# what the sentence is about, so it stays in words when its amount goes.
_LIMIT_LEAD = re.compile(
    r"(?:(?P<above>[>≥]|\b(?:in excess of|more than|greater than|higher than|exceeding|above|over|"
    r"at least))|(?P<below>[<≤]|\b(?:less than|fewer than|lower than|below|under))|"
    r"(?P<verb>\bexceed(?:s|ed)?))\s*$",
    re.IGNORECASE,
)
_LIMIT_TAIL = re.compile(
    r"\s*(?:(?P<above>\bor (?:more|greater|higher|above)\b|\band (?:above|over)\b|\+(?=\s*[),;.]|\s*$))|"
    r"(?P<below>\bor (?:less|lower|fewer|below)\b|\band (?:below|under)\b))",
    re.IGNORECASE,
)


def _limit(text: str, start: int, end: int) -> str | None:
    """`text` with the threshold dose at start:end in words ("above a certain dose"), or None when the
    dose is no threshold: "Aspirin (>325 mg/day)" -> "Aspirin (above a certain dose)"."""
    lead, tail = _LIMIT_LEAD.search(text, 0, start), _LIMIT_TAIL.match(text, end)
    if not lead and not tail:
        return None
    cut_start, cut_end = (lead.start() if lead and not lead.group("verb") else start), (tail.end() if tail else end)
    below = (lead and lead.group("below")) or (tail and tail.group("below"))
    words = "a certain dose" if lead and lead.group("verb") else ("below" if below else "above") + " a certain dose"
    return text[:cut_start] + " " + words + " " + text[cut_end:]


# A table field whose value was the dose, left with its label only: "Daily Dose:;" in "Drug: X; Daily Dose:; Route: Oral".
_EMPTY_FIELD = re.compile(r"(?:(?<=[;,])|^)\s*[A-Z][\w/-]*(?: [\w/-]+){0,3}:\s*(?=[;,]|$)")


def _tidy(text: str) -> str:
    # Parentheses left empty, or holding only the words that led into what went: "(e.g.,)", "(>)", "(or more)".
    empty = r"\(\s*(?:e\.g\.|i\.e\.|such as|about|approximately|approx\.|[~<>≤≥=]|or more|or less|or)?[\s,;]*\)"
    text = re.sub(r"\s+([,.;:)!?])", r"\1", re.sub(empty, "", text, flags=re.IGNORECASE))
    text = _EMPTY_FIELD.sub("", text)
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
    """The patient rendering of one cited sentence: no asides or doses, lay words, short sentences."""
    protected = tuple(protected)
    return split_long(plain_words(without_doses(without_asides(text, protected)), glossary, protected))
