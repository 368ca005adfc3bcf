"""What the words of a question stand for: the team's abbreviation list, and the vocabulary in
memory (MeSH descriptors and the library's own topics, with every form a question may name them
by, matched by one dict lookup per n-gram of the question).

Loaded once per library from the store (`Vocabulary.from_db`); empty when no vocabulary was
ingested, and understanding still works from the abbreviation list alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from ..store.vocabulary import load as load_vocabulary
from . import words as wording
from .drug_names import other_drug_names
from .words import Token, fold, lookup_key, tokens

MAX_FORM_WORDS = 8  # the longest vocabulary name tried against a question, in words


@dataclass
class Match:
    """A vocabulary concept found in a text; `start`/`end` index the folded text."""

    term: str  # the words as they appear in the text
    mesh_id: str  # MeSH descriptor id, or topic:<key> for a topic only the library names
    category: str  # condition, drug, procedure, anatomy ... (see CATEGORY_ORDER)
    start: int
    end: int
    name: str = ""  # the concept's preferred name


class Concept(NamedTuple):
    id: str
    name: str
    category: str
    tree_numbers: tuple[str, ...]


# Kinds of vocabulary concept, most useful to a clinical question first; when two concepts share
# a name, the earlier kind wins.
CATEGORY_ORDER = (
    "condition",
    "drug",
    "procedure",
    "method",
    "organism",
    "anatomy",
    "behavior",
    "phenomenon",
    "population",
    "health_care",
    "attribute",
    "dosage_form",
    "topic",
    "other",
)

# MeSH tree prefixes, most specific first: F03 (mental disorders) counts as a condition; C23.550.291
# ("Disease Attributes": acute, chronic, recurrence, progression) describes conditions, it is not one;
# D26.255 / D26.650 are dosage forms and excipients (tablets, powders), not drugs; E05.318
# (epidemiologic methods: risk, risk factors, incidence, mortality, odds ratio, follow-up studies)
# and E01.789 (prognosis) are ways of studying, not interventions ("Risk:" labelled a bullet on
# risk stratification as if risk were a treatment).
_TREE_CATEGORIES = [
    ("C23.550.291", "attribute"),
    ("F03", "condition"),
    ("C", "condition"),
    ("D26.255", "dosage_form"),
    ("D26.650", "dosage_form"),
    ("D", "drug"),
    ("E05.318", "method"),
    ("E01.789", "method"),
    ("E", "procedure"),
    ("A", "anatomy"),
    ("B", "organism"),
    ("F", "behavior"),
    ("G", "phenomenon"),
    ("M", "population"),
    ("N", "health_care"),
]


# The roots of the procedures tree (E01 Diagnosis, E02 Therapeutics, E04 Surgical Procedures ...)
# name a whole field, not one intervention: "initiated after diagnosis of pregnancy" does not make
# diagnosis a treatment the sentence recommends.
_FIELD_ROOT = re.compile(r"E\d\d")


def category_of(tree_numbers: Sequence[str]) -> str:
    """The most clinically useful category among a MeSH descriptor's tree numbers."""
    found = {
        "method"
        if _FIELD_ROOT.fullmatch(t)
        else next((c for prefix, c in _TREE_CATEGORIES if t.startswith(prefix)), "other")
        for t in tree_numbers
    }
    return min(found or {"other"}, key=CATEGORY_ORDER.index)


# Kinds of form, the most trustworthy first: when two concepts share a form, the earlier kind wins.
FORM_KINDS = ("name", "inverted", "focus", "synonym", "variant")
_SHOWN_KINDS = ("name", "inverted", "focus", "synonym")  # variants are lookup aids, not search terms


class Vocabulary:
    """Concepts and their lookup forms in memory: one dict lookup per n-gram of a question."""

    def __init__(self, concepts: Sequence = (), forms: Sequence = ()):
        # A concept with tree numbers takes its category from them by today's rule, so a library
        # whose vocabulary was read under an older rule needs no new ingest.
        self.concepts = {
            c[0]: Concept(c[0], c[1], category_of(trees) if (trees := tuple(c[3].split())) else c[2], trees)
            for c in concepts
        }
        self._forms: dict[str, str] = {}
        self._names: dict[str, list[str]] = {}
        kind_rank = {kind: i for i, kind in enumerate(FORM_KINDS)}
        category_rank = {c.id: CATEGORY_ORDER.index(c.category) for c in self.concepts.values()}
        usable = [f for f in forms if f[1] in category_rank]
        usable.sort(key=lambda f: (kind_rank.get(f[2], 9), category_rank[f[1]], f[1], f[0], f[3]))
        self._longest: dict[str, int] = {}  # first word -> most words in a form starting with it
        for form, concept_id, kind, text in usable:
            self._forms.setdefault(form, concept_id)
            first, n = form.split(" ", 1)[0], form.count(" ") + 1
            self._longest[first] = max(self._longest.get(first, 0), n)
            if kind in _SHOWN_KINDS:
                names = self._names.setdefault(concept_id, [])
                if text.lower() not in names:
                    names.append(text.lower())
        self._add_other_drug_names()
        self._children: dict[str, list[str]] | None = None
        self._by_tree: dict[str, str] | None = None  # tree number -> concept id, built on first use

    def _add_other_drug_names(self) -> None:
        """The international and British names of drugs MeSH files under another name
        (data/drug_names.tsv) as forms of that drug, unless the name already stands for a concept."""
        drugs = {c.name.lower(): c.id for c in self.concepts.values() if c.category == "drug"}
        for other, mesh_name in other_drug_names().items():
            concept_id = drugs.get(mesh_name.lower())
            form = lookup_key(other)
            if concept_id is None or form in self._forms:
                continue
            self._forms[form] = concept_id
            first = form.split(" ", 1)[0]
            self._longest[first] = max(self._longest.get(first, 0), form.count(" ") + 1)
            names = self._names.setdefault(concept_id, [])
            if other not in names:
                names.append(other)

    @classmethod
    def from_db(cls, db) -> "Vocabulary":
        """Everything stored; empty when no vocabulary was ingested."""
        concepts, forms = load_vocabulary(db.connection())
        return cls(concepts, forms)

    def __len__(self) -> int:
        return len(self.concepts)

    def lookup(self, term: str) -> Concept | None:
        concept_id = self._forms.get(lookup_key(term))
        return self.concepts[concept_id] if concept_id else None

    def match(self, text: str) -> list[Match]:
        """Longest matches, left to right, of vocabulary forms in `text`."""
        folded = fold(text)
        return self.match_words(folded, tokens(folded))

    def match_words(self, folded: str, words: list[Token]) -> list[Match]:
        """`match` for a text already folded and split into words."""
        found, i = [], 0
        plain = [w.word for w in words]
        while i < len(words):
            longest = self._longest.get(plain[i], 0)
            if not longest:  # most words start no form
                i += 1
                continue
            for n in range(min(longest, MAX_FORM_WORDS, len(words) - i), 0, -1):
                key = " ".join(plain[i : i + n])
                concept_id = self._forms.get(key)
                if concept_id is None or not _acceptable(key, n):
                    continue
                concept = self.concepts[concept_id]
                start, end = words[i].start, words[i + n - 1].end
                found.append(Match(folded[start:end], concept.id, concept.category, start, end, concept.name))
                i += n
                break
            else:
                i += 1
        return found

    def expansions_for(self, concept_id: str) -> list[str]:
        """The concept's names for searching: preferred, inverted, synonyms (lowercase)."""
        return list(self._names.get(concept_id, []))

    def is_drug(self, term: str) -> bool:
        concept = self.lookup(term)
        if concept is not None:
            return concept.category == "drug"
        return looks_like_drug(lookup_key(term))

    def broader(self, concept_id: str) -> list[str]:
        """Ids of the concepts one level up the MeSH tree."""
        by_tree = self._tree_index()[1]
        parents = {by_tree.get(t.rsplit(".", 1)[0]) for t in self.concepts[concept_id].tree_numbers if "." in t}
        return sorted(p for p in parents if p and p != concept_id)

    def narrower(self, concept_id: str) -> list[str]:
        """Ids of the concepts one level down the MeSH tree."""
        return self._tree_index()[0].get(concept_id, [])

    def _tree_index(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        if self._by_tree is None:
            self._by_tree = {t: c.id for c in self.concepts.values() for t in c.tree_numbers}
        by_tree = self._by_tree
        if self._children is None:
            children: dict[str, set[str]] = {}
            for tree, cid in by_tree.items():
                parent = by_tree.get(tree.rsplit(".", 1)[0]) if "." in tree else None
                if parent and parent != cid:
                    children.setdefault(parent, set()).add(cid)
            self._children = {k: sorted(v) for k, v in children.items()}
        return self._children, by_tree


def _acceptable(key: str, n: int) -> bool:
    """Single words must be specific: not short, not stopwords, not words mostly used plainly."""
    if n > 1:
        return not all(w in wording.STOPWORDS for w in key.split())
    return len(key) >= 3 and not key.isdigit() and key not in wording.STOPWORDS and key not in wording.AMBIGUOUS_TERMS


def looks_like_drug(word: str) -> bool:
    """A drug name the vocabulary may not hold, by its family ending ("-pril", "-gliflozin")."""
    return " " not in word and len(word) >= 6 and word.endswith(wording.DRUG_SUFFIXES) and not word.endswith("sterol")


# -- abbreviations ----------------------------------------------------------------------------


class Abbreviation(NamedTuple):
    written: str  # as the list writes it, dots and hyphens removed
    expansions: tuple[str, ...]
    exact_case: bool  # an everyday word too: only read as written, never in capitals-only text


_RAW_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-/.'][A-Za-z0-9]+)*\.?")
# Words after which a roman numeral or letter is an ordinal, not an abbreviation ("stage IV").
_ORDINAL_CONTEXT = frozenset("stage grade type class phase level category schedule part".split())
_NOT_IN_KEY = re.compile(r"[.\-]")  # "b.i.d." is bid, "GLP-1" is GLP1


def _abbreviation_key(raw: str) -> str:
    return _NOT_IN_KEY.sub("", raw).lower()


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, Abbreviation]:
    """The team's list, keyed by lowercase words (multi-word keys joined by one space)."""
    table: dict[str, Abbreviation] = {}
    text = resources.files("curbside").joinpath("data/abbreviations.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        abbr, *expansions = [part.strip() for part in line.split("\t")]
        raw = [t.rstrip(".") for t in _RAW_TOKEN.findall(abbr)]
        key = " ".join(_abbreviation_key(t) for t in raw)
        written = " ".join(_NOT_IN_KEY.sub("", t) for t in raw)
        table.setdefault(key, Abbreviation(written, tuple(e for e in expansions if e), key in wording.EVERYDAY_WORDS))
    return table


def expand_abbreviations(text: str) -> tuple[str, list[tuple[int, int, Abbreviation]]]:
    """The folded text with abbreviations replaced by their first expansion, and where each went."""
    table, shouting = abbreviations(), wording.is_shouting(text)
    raw = []  # (as written without dots and hyphens, lookup key, start, end)
    for m in _RAW_TOKEN.finditer(text):
        word = m.group().rstrip(".")
        written = _NOT_IN_KEY.sub("", word)
        raw.append((written, written.lower(), m.start(), m.start() + len(word)))
    starts = _multiword_starts()
    out, spans, cursor, length, i = [], [], 0, 0, 0
    while i < len(raw):
        found = None
        for n in (3, 2, 1) if raw[i][1] in starts else (1,):
            if i + n > len(raw) or (i > 0 and raw[i - 1][1] in _ORDINAL_CONTEXT):
                continue
            found = _lookup_abbreviation(table, raw[i : i + n], shouting)
            if found:
                break
        if found is None:
            i += 1
            continue
        entry, plural = found
        if n == 1:
            entry = _sense_in_context(entry, raw[i - 1][1] if i else "", raw[i + 1][1] if i + 1 < len(raw) else "")
        start, end = raw[i][2], raw[i + n - 1][3]
        gap = fold(text[cursor:start])
        expansion = fold(entry.expansions[0]) + ("s" if plural and not entry.expansions[0].endswith("s") else "")
        out += [gap, expansion]
        length += len(gap)
        spans.append((length, length + len(expansion), entry))
        length += len(expansion)
        cursor, i = end, i + n
    out.append(fold(text[cursor:]))
    return "".join(out), spans


class Sense(NamedTuple):
    expansion: str
    before: frozenset[str]  # lowercased words that, just before the abbreviation, mean this sense
    after: frozenset[str]  # ... or just after it


@lru_cache(maxsize=1)
def abbreviation_senses() -> dict[str, list[Sense]]:
    """The other senses of listed abbreviations (data/abbreviation_senses.tsv), by lowercase key."""
    text = resources.files("curbside").joinpath("data/abbreviation_senses.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")][1:]
    senses: dict[str, list[Sense]] = {}
    for abbr, expansion, *cues in rows:
        before, after = [*cues, "", ""][:2]
        words = lambda cell: frozenset(w.strip().lower() for w in cell.split(";") if w.strip())  # noqa: E731
        senses.setdefault(_abbreviation_key(abbr.strip()), []).append(
            Sense(expansion.strip(), words(before), words(after))
        )
    return senses


def _sense_in_context(entry: Abbreviation, before: str, after: str) -> Abbreviation:
    """The abbreviation read in the sense its neighbouring words call for, else as listed."""
    for sense in abbreviation_senses().get(_abbreviation_key(entry.written), ()):
        if before in sense.before or after in sense.after:
            return entry._replace(expansions=(sense.expansion,))
    return entry


@lru_cache(maxsize=1)
def _multiword_starts() -> frozenset[str]:
    return frozenset(key.split(" ")[0] for key in abbreviations() if " " in key)


def _lookup_abbreviation(
    table: dict[str, Abbreviation], words: list[tuple], shouting: bool
) -> tuple[Abbreviation, bool] | None:
    key = " ".join(w[1] for w in words)
    written = " ".join(w[0] for w in words)
    for candidate, plural in ((key, False), (key[:-1], True)):
        entry = table.get(candidate)
        if entry is None or (plural and (not key.endswith("s") or len(candidate) < 3)):
            continue
        if entry.exact_case and (shouting or (written[:-1] if plural else written) != entry.written):
            continue
        return entry, plural
    return None


def is_below(trees: tuple[str, ...], ancestors: tuple[str, ...]) -> bool:
    """Whether a concept with tree numbers `trees` sits under one with `ancestors` in the MeSH tree."""
    return any(t.startswith(a + ".") for t in trees for a in ancestors)
