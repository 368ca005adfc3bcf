"""Evidence-aware reranking of fused search hits.

The fused retrieval score says "this passage is about the question's words"; the rerank adds
what a clinician would weigh next: is it about the same condition, does it answer the kind of
question asked (a treatment passage for a treatment question), is it a recommendation rather
than background, what kind of source is it for this audience, and how recent is it.
Each factor is in [0, 1] and multiplies the fused score by (1 + weight x factor), so the
retrieval order stands wherever the evidence factors are equal. One factor counts against a
passage: its source is about a different, narrower condition that merely shares the question's
condition words ("pulmonary hypertension" for "How is hypertension diagnosed?"); see
`_narrower_factor`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..language.vocabulary import Vocabulary, is_below
from ..language.words import STOPWORDS
from ..model import Hit
from .understand import Question, detect_intent

# Section headings that hold recommendations or conclusions versus background and method.
_RECOMMENDATION_SECTION = re.compile(
    r"recommendation|treatment|management|therapy|dosing|dosage|conclusion|algorithm|plain language|"
    r"regimen|escalation|first-line|indication|contraindication|monitor",
    re.IGNORECASE,
)
_BACKGROUND_SECTION = re.compile(
    r"definition|method|background|target population|outcomes considered|objective|rating scheme|"
    r"qualifying|implementation|disease/condition",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class RerankWeights:
    # Gentle on purpose: on the LiveQA dev set weights above ~0.5 let the evidence factors
    # override retrieval, and heading intent (a "What is X?" answer to a treatment question is
    # often judged useful) helped least, so it only breaks near-ties.
    condition: float = 0.5
    intent: float = 0.1
    kind: float = 0.3
    section: float = 0.2
    recency: float = 0.1
    # Subtracted, not added: at the condition weight, a source about a different condition that
    # shares the question's words ("pulmonary hypertension") loses the credit its words earned;
    # search also puts such passages last (retrieve.py). 0 switches both off.
    narrower: float = 0.5


@dataclass(frozen=True)
class KindPrior:
    """How much a reader of one audience should see each kind of source first (1 = first)."""

    guideline: float
    systematic_review: float
    drug_label: float
    local: float
    research: float
    consumer: float
    other: float = 0.5  # a kind not listed here: neither first nor last

    def of(self, kind: str) -> float:
        return getattr(self, kind) if kind in _KINDS else self.other


_KINDS = ("guideline", "systematic_review", "drug_label", "local", "research", "consumer")
CLINICAL_KIND_PRIOR = KindPrior(
    guideline=1.0, systematic_review=0.9, drug_label=0.8, local=0.7, research=0.6, consumer=0.3
)
PATIENT_KIND_PRIOR = KindPrior(
    consumer=1.0, systematic_review=0.6, guideline=0.5, local=0.5, drug_label=0.5, research=0.3
)


@dataclass(frozen=True)
class RerankFactors:
    """How each evidence factor scores a passage in [0, 1], before RerankWeights weighs it.

    No measured figure justifies these values one by one (bench/retrieval.py has no ablation of
    them); the rerank as a whole moves LiveQA nDCG@10 from 0.4965 to 0.4969
    (bench/results/retrieval-liveqa-all-systems.json, curbside-no-rerank against curbside).
    """

    clinical_kinds: KindPrior = CLINICAL_KIND_PRIOR  # every audience but patients
    patient_kinds: KindPrior = PATIENT_KIND_PRIOR
    # A condition name only partly in the source's title, conditions or heading: this share of
    # the credit its words' overlap would earn (a full match scores 1).
    partial_condition: float = 0.5
    # Section: a recommendation or conclusion heading, a background or method one, any other; a
    # consumer QA pair's heading is its question, whose fit is the intent factor's job.
    recommendation_section: float = 1.0
    background_section: float = 0.0
    other_section: float = 0.5
    consumer_section: float = 0.5
    # Recency rises linearly from 0 for a source of `recency_from_year` to 1 after `recency_span_years`;
    # a source with no year scores `undated`.
    recency_from_year: int = 1995
    recency_span_years: int = 30
    undated: float = 0.3


def rerank(
    q: Question,
    hits: list[Hit],
    weights: RerankWeights,
    audience: str = "physician",
    vocabulary: Vocabulary | None = None,
    factors: RerankFactors = RerankFactors(),
) -> list[Hit]:
    priors = factors.patient_kinds if audience == "patient" else factors.clinical_kinds
    condition_words = _condition_words(q)
    asked = _asked_conditions(q, vocabulary, condition_words)
    question_words = _words(q.normalized)
    for hit in hits:
        scores = {
            "condition": _condition_match(condition_words, hit, factors),
            "intent": _intent_match(q.intent, hit),
            "kind": priors.of(hit.source.kind),
            "section": _section_factor(hit, factors),
            "recency": _recency(hit.source.year, factors),
        }
        boost = 1.0 + sum(getattr(weights, name) * value for name, value in scores.items())
        if asked:
            scores["narrower"] = _narrower_factor(asked, hit, question_words, vocabulary)
            boost -= weights.narrower * scores["narrower"]
        hit.explain.update({f"rerank_{name}": round(value, 3) for name, value in scores.items()})
        hit.explain["rerank_boost"] = round(boost, 3)
        hit.score = hit.explain["fused"] * boost
    return hits


def note_other_conditions(q: Question, hits: list[Hit], vocabulary: Vocabulary | None) -> list[Hit]:
    """Only the `narrower` factor, for hits past the rerank depth (their score stays the fused
    one): ordering by it is cheap, one cached vocabulary reading per source."""
    asked = _asked_conditions(q, vocabulary, _condition_words(q))
    if asked:
        question_words = _words(q.normalized)
        for hit in hits:
            hit.explain["rerank_narrower"] = _narrower_factor(asked, hit, question_words, vocabulary)
    return hits


def _condition_words(q: Question) -> list[frozenset[str]]:
    """Each way the question names its condition, as a set of words."""
    names = list(q.conditions) + list(q.condition_expansions)
    out = []
    for name in names:
        words = frozenset(_WORD.findall(name.lower()))
        if words and words not in out:
            out.append(words)
    return out


def _condition_match(condition_words: list[frozenset[str]], hit: Hit, factors: RerankFactors) -> float:
    """1 when one of the question's condition names is fully in the source's title/conditions/heading."""
    if not condition_words:
        return 0.0
    haystack = _words(" ".join([hit.source.title, hit.passage.section, *hit.source.conditions]))
    best = 0.0
    for words in condition_words:
        overlap = len(words & haystack) / len(words)
        best = max(best, overlap if overlap == 1.0 else overlap * factors.partial_condition)
    return best


@dataclass(frozen=True)
class _Asked:
    """A condition concept the question names: its id, tree numbers and words as written."""

    concept_id: str
    trees: tuple[str, ...]
    words: frozenset[str]
    names: tuple[frozenset[str], ...]  # every way the question names its conditions, synonyms included


def _asked_conditions(q: Question, vocabulary: Vocabulary | None, names: list[frozenset[str]]) -> list[_Asked]:
    if not vocabulary:
        return []
    asked = []
    for m in q.matches:
        concept = vocabulary.concepts.get(m.mesh_id)
        if m.category == "condition" and concept is not None and concept.tree_numbers:
            asked.append(_Asked(concept.id, concept.tree_numbers, _words(m.term), tuple(names)))
    return asked


def _narrower_factor(asked: list[_Asked], hit: Hit, question_words: frozenset[str], vocabulary: Vocabulary) -> float:
    """How far the source is about another condition than the one asked, by the vocabulary's
    reading of its title and its own `conditions`:

    0 when it names the asked concept (by any name the question's condition goes by) or a broader
    one: it is about the question's condition; or when it names no concept containing its words;
    0.5 when it names only a kind of it, a MeSH descendant whose name contains the asked words
    ("juvenile arthritis" for "arthritis", "gestational diabetes" for "diabetes");
    1 when it names a different concept that merely shares those words, elsewhere in the tree
    ("pulmonary hypertension" and "portal hypertension" for "hypertension", "diabetes insipidus"
    for "diabetes", whose "diabetes" is Diabetes Mellitus).
    A narrower concept the question itself names ("hypertension in pregnancy" and
    "pregnancy-induced hypertension") is not counted against the source.
    """
    named = _named_conditions(vocabulary, (hit.source.title, *hit.source.conditions))
    if not named:
        return 0.0
    for concept_id, words in named:
        trees = vocabulary.concepts[concept_id].tree_numbers
        if any(concept_id == a.concept_id or words in a.names or is_below(a.trees, trees) for a in asked):
            return 0.0
    worst = 0.0
    for concept_id, words in named:
        trees = vocabulary.concepts[concept_id].tree_numbers
        for a in asked:
            contained = next((n for n in (a.words, *a.names) if words > n), None)
            if contained is None or _question_names(concept_id, words, contained, question_words, vocabulary):
                continue  # not narrower, or the question names the narrower condition itself
            worst = max(worst, 0.5 if is_below(trees, a.trees) else 1.0)
    return worst


def _question_names(
    concept_id: str,
    words: frozenset[str],
    asked_words: frozenset[str],
    question_words: frozenset[str],
    vocabulary: Vocabulary,
) -> bool:
    """Whether the question says what makes the narrower concept narrower: a word that one of its
    names adds to the asked condition's name ("pregnancy" of "pregnancy-induced hypertension")."""
    for name in (words, *map(_words, vocabulary.expansions_for(concept_id))):
        telling = {w for w in name - asked_words if len(w) > 2 and not w.isdigit() and w not in STOPWORDS}
        if telling & question_words:
            return True
    return False


@lru_cache(maxsize=16384)
def _named_conditions(vocabulary: Vocabulary, entries: tuple[str, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    """(concept id, words as written) of each condition concept the vocabulary finds in a source's
    title and conditions (longest match: "Pulmonary Hypertension" is one concept, not "Hypertension")."""
    found: dict[str, frozenset[str]] = {}
    for entry in entries:
        for m in vocabulary.match(entry):
            if m.category == "condition" and vocabulary.concepts[m.mesh_id].tree_numbers:
                found.setdefault(m.mesh_id, _words(m.term))
    return tuple(found.items())


def _intent_match(intent: str, hit: Hit) -> float:
    if not intent or intent == "other":
        return 0.0
    heading = hit.passage.section or hit.source.title
    return 1.0 if _heading_intent(heading) == intent else 0.0


# Headings whose intent was read at ingest (search/heading_file.py): a memo of _read_intent.
_KNOWN_INTENTS: dict[str, str] = {}


def remember_heading_intents(intents: dict[str, str]) -> None:
    """Take the intents read at ingest, so this process need not read those headings again."""
    _KNOWN_INTENTS.update(intents)


def _heading_intent(heading: str) -> str:
    known = _KNOWN_INTENTS.get(heading)
    return known if known is not None else _read_intent(heading)


@lru_cache(maxsize=65536)
def _read_intent(heading: str) -> str:
    # The same detector that reads questions reads headings ("What are the treatments for X?",
    # "Major Recommendations › Pharmacological treatment"), so the two speak one vocabulary.
    return detect_intent(heading)[0]


@lru_cache(maxsize=65536)
def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _section_factor(hit: Hit, factors: RerankFactors) -> float:
    # Consumer QA pairs use the question as their heading; their fit is the intent factor's job.
    if hit.source.kind == "consumer":
        return factors.consumer_section
    section = hit.passage.section
    if _RECOMMENDATION_SECTION.search(section):
        return factors.recommendation_section
    if _BACKGROUND_SECTION.search(section):
        return factors.background_section
    return factors.other_section


def _recency(year: int | None, factors: RerankFactors) -> float:
    if not year:
        return factors.undated
    return min(1.0, max(0.0, (year - factors.recency_from_year) / factors.recency_span_years))
