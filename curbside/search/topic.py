"""What a question is about when `understand` recognises no condition in it, and which sources
are evidence for it.

Without a recognised condition, the coverage gate has only the cosine of the best passage, and
the composer takes every statement as on topic; a question on a topic the library lacks then gets
an article quoting guidelines whose wording is merely close to it ("What is the first-line
treatment for persistent hiccups?" answered from septic shock and gout guidelines). So a source
is evidence for such a question only when its title, conditions or heading path name one of the
question's topic words: its content words that say neither what is asked ("treatment",
"first-line", "dose"), nor who or where ("patient", "children", "hospital"), nor the course
("persistent"). A drug the question names may also be named in the passage text alone (a row of
a dosing table headed by its class).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..language import words as wording
from ..language.vocabulary import Vocabulary
from ..language.words import fold, tokens, word_set
from ..model import Hit
from .understand import Question

_LONGEST_CUE = 3  # words: "drugs of choice"
_PLACEHOLDER = "qqq"
# Words that ask for the kind of evidence, not its topic, and that no intent cue matches alone.
_ASKING_WORDS = frozenset(
    "line recommended recommendation recommendations guideline guidelines approach "
    "approaches evidence role first second third best need needed required give given "
    "work works".split()
)
_NOT_TOPIC = wording.NOT_IN_PHRASE | wording.COURSE_WORDS | wording.GENERIC_CONDITION_WORDS | _ASKING_WORDS


@dataclass(frozen=True)
class TopicTerm:
    """One thing the question is about, by each name it goes by (sets of words, plural 's' dropped)."""

    names: tuple[frozenset[str], ...]
    drug: str = ""  # the drug as the question names it: the passage text may name it too


def topic_terms(q: Question, vocabulary: Vocabulary | None = None) -> list[TopicTerm]:
    """The question's topic, term by term: its drugs, each vocabulary concept it names (with the
    concept's synonyms) and each remaining content word."""
    text = q.normalized
    words = tokens(text)
    asking = _asking_offsets(text, words)
    terms = [
        TopicTerm(_names_of(drug, _concept_at(q, text.find(drug.lower()), vocabulary), vocabulary), drug)
        for drug in q.drugs
    ]
    drug_words = {w for drug in q.drugs for w in word_set(fold(drug))}
    concepts: dict[str, list[str]] = {}
    for w in words:
        if w.start in asking or w.word in _NOT_TOPIC or w.word not in q.keywords or w.word in drug_words:
            continue
        match = next((m for m in q.matches if m.start <= w.start < m.end), None)
        concepts.setdefault(match.mesh_id if match else f"word:{w.word}", []).append(w.word)
    for key, topic in concepts.items():
        concept_id = "" if key.startswith("word:") else key
        terms.append(TopicTerm(_names_of(" ".join(topic), concept_id, vocabulary)))
    return [t for t in terms if any(t.names)]


def on_topic(terms: list[TopicTerm], hit: Hit) -> bool:
    """Whether the hit's source title, conditions or heading path name one of the terms (or its
    passage names one of the drugs)."""
    heading = word_set(fold(" ".join([hit.source.title, hit.passage.section, *hit.source.conditions])))
    for term in terms:
        if any(name and name <= heading for name in term.names):
            return True
        if term.drug and term.drug.lower() in f"{hit.source.title} {hit.passage.text}".lower():
            return True
    return False


def topical_evidence(q: Question, hits: list[Hit], vocabulary: Vocabulary | None = None) -> tuple[list[Hit], dict]:
    """The hits that are evidence for the question, and what decided it (for `explain`). A
    question with a recognised condition keeps every hit: the condition gate judges those; so
    does one with no topic words left ("What is the first-line treatment?")."""
    if q.conditions:
        return hits, {}
    terms = topic_terms(q, vocabulary)
    if not terms:
        return hits, {"topic_words": []}
    kept = [h for h in hits if on_topic(terms, h)]
    return kept, {"topic_words": [" ".join(sorted(t.names[0])) for t in terms], "off_topic_hits": len(hits) - len(kept)}


def _asking_offsets(text: str, words) -> set[int]:
    """Start offsets of the words an intent or population cue matches on their own or with their
    neighbours ("treatment", "first-line", "drug of choice", "older adults"): they say what is
    asked or for whom, not about what. A cue is tried on one to three words, never on the whole
    question, and a word counts only when the cue needs it: "Will Xyzal work?" matches a cue
    with any word in the middle, so "Xyzal" stays a topic word."""
    patterns = (
        [pattern for _, _, pattern in wording.INTENT_CUES]
        + list(wording.MODIFIERS.values())
        + [wording.TAKING_MEDICINE]
    )
    found: set[int] = set()
    for i in range(len(words)):
        for n in range(1, min(_LONGEST_CUE, len(words) - i) + 1):
            span = words[i : i + n]
            written = text[span[0].start : span[-1].end]
            for pattern in patterns:
                if pattern.fullmatch(written):
                    found.update(w.start for w in span if not pattern.fullmatch(_without(written, w, span[0].start)))
    return found


def _without(written: str, word, offset: int) -> str:
    """The span with one word replaced by a word no cue names."""
    return written[: word.start - offset] + _PLACEHOLDER + written[word.end - offset :]


def _concept_at(q: Question, offset: int, vocabulary: Vocabulary | None) -> str:
    match = next((m for m in q.matches if m.start <= offset < m.end), None) if vocabulary else None
    return match.mesh_id if match else ""


def _names_of(written: str, concept_id: str, vocabulary: Vocabulary | None) -> tuple[frozenset[str], ...]:
    names = [word_set(fold(written))]
    if concept_id and vocabulary is not None:
        names += [word_set(fold(name)) for name in vocabulary.expansions_for(concept_id)]
    return tuple(dict.fromkeys(n for n in names if n))
