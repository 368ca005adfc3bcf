"""Understanding a question: what it asks (intent), about what (condition, drugs), for whom
(modifiers), with which words to search (keywords, expansions), and whether it is an emergency
or not clinical at all.

Works from the team's abbreviation list alone; with a `Vocabulary` (MeSH and the library's own
synonyms, loaded once per library) it also names concepts and their synonyms. Deterministic:
the same text and vocabulary always give the same `Question`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from . import understand_patterns as wording
from .understand_patterns import fold, lookup_key, tokens
from .vocabulary import Match, Vocabulary, expand_abbreviations, looks_like_drug


@dataclass
class Question:
    text: str  # as asked
    normalized: str = ""  # lowercase, British spellings folded, abbreviations expanded in place
    intent: str = "other"  # one of understand_patterns.INTENTS
    intent_scores: dict[str, float] = field(default_factory=dict)
    condition: str = ""  # the condition the question is mainly about, as written (normalized)
    conditions: list[str] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)
    modifiers: list[str] = field(default_factory=list)  # refractory, children, pregnancy ...
    expansions: list[str] = field(default_factory=list)  # extra search terms: abbreviations, synonyms
    condition_expansions: list[str] = field(default_factory=list)  # other names of the conditions
    keywords: list[str] = field(default_factory=list)  # content words, chatter removed
    focus_text: str = ""  # the asking part of the message, for the sentence encoder
    matches: list[Match] = field(default_factory=list)
    is_emergency: bool = False
    emergency_reason: str = ""
    is_clinical: bool = True
    clinical_reason: str = ""
    inherited: list[str] = field(default_factory=list)  # fields taken from the thread

    def to_dict(self) -> dict:
        return asdict(self)


# -- the question -----------------------------------------------------------------------------

_EMPTY = Vocabulary()


def understand(question: str, vocabulary: Vocabulary | None = None, thread: Sequence[Question] | Question | None = None) -> Question:
    """Read a question (a clinician's one line or a consumer's whole message).

    `thread` is the earlier questions of the same conversation, oldest first; a follow-up that
    names no condition ("and in pregnancy?") takes the condition, drugs and intent of the last one.
    """
    vocabulary = vocabulary if vocabulary is not None else _EMPTY
    text = question.strip()
    normalized, abbreviation_spans = expand_abbreviations(text)
    words = tokens(normalized)
    q = Question(text=question, normalized=normalized)
    q.matches = _matches(vocabulary, normalized, words, abbreviation_spans)
    drug_spans = _drug_spans(q.matches, abbreviation_spans, words)
    condition_spans = _condition_spans(normalized, q.matches, abbreviation_spans, words, drug_spans)
    q.drugs = _unique(normalized[s:e] for s, e in drug_spans)
    q.modifiers = _modifiers(normalized)
    q.intent_scores = _structural_scores(normalized, drug_spans, condition_spans, q.modifiers, _cue_scores(normalized))
    q.emergency_reason = wording.emergency_reason(normalized)
    q.is_emergency = bool(q.emergency_reason)
    q.conditions = _unique(normalized[s:e] for s, e, _ in condition_spans)
    q.is_clinical, q.clinical_reason = _clinical(q, words, abbreviation_spans)
    q.intent = _best_intent(q.intent_scores, q.is_clinical)
    preferred = _by_preference(condition_spans, normalized, q.intent)
    q.condition = normalized[preferred[0][0]:preferred[0][1]] if preferred else ""
    q.condition_expansions = _condition_names(vocabulary, condition_spans, q.matches, abbreviation_spans, normalized)
    q.expansions = _expansions(vocabulary, q, abbreviation_spans)
    q.keywords = _unique(w.word for w in words if _is_keyword(w.word))
    q.focus_text = _focus_text(normalized, q.condition)
    if thread:
        _inherit(q, [thread] if isinstance(thread, Question) else list(thread))
    return q


def detect_intent(text: str) -> tuple[str, dict[str, float]]:
    """The intent of a text from its wording alone (used on passage headings too)."""
    scores = _cue_scores(expand_abbreviations(text)[0])
    return _best_intent(scores, False), scores


def _unique(items) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _matches(vocabulary: Vocabulary, normalized: str, words, abbreviation_spans) -> list[Match]:
    """Vocabulary concepts in the text; an expanded abbreviation is matched as a whole by any of
    its expansions ("CKD" is "chronic renal insufficiency" even though its first expansion is not)."""
    whole = []
    for start, end, entry in abbreviation_spans:
        concept = next((c for c in map(vocabulary.lookup, entry.expansions) if c is not None), None)
        if concept is not None:
            whole.append(Match(normalized[start:end], concept.id, concept.category, start, end, concept.name))
    found = [m for m in vocabulary.match_words(normalized, words)
             if not any(m.start < w.end and w.start < m.end for w in whole)]
    return sorted(found + whole, key=lambda m: m.start)


def _drug_spans(matches: list[Match], abbreviation_spans, words) -> list[tuple[int, int]]:
    spans = [(m.start, m.end) for m in matches if m.category == "drug"]
    for start, end, entry in abbreviation_spans:
        last = entry.expansions[0].lower().split()[-1]
        if last in wording.DRUG_CLASS_HEADS or looks_like_drug(last):
            spans.append((start, end))
    for w in words:
        if looks_like_drug(w.word):
            spans.append((w.start, w.end))
    return _without_overlaps(spans)


def _without_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _condition_spans(normalized, matches, abbreviation_spans, words, drug_spans) -> list[tuple[int, int, str]]:
    """(start, end, concept id) of each condition phrase, widened to the words that qualify it."""
    seeds: list[tuple[int, int, str]] = []
    for m in matches:
        if m.category == "condition" and lookup_key(m.term) not in wording.GENERIC_CONDITION_WORDS:
            seeds.append((m.start, m.end, m.mesh_id))
    for start, end, entry in abbreviation_spans:
        if any(wording.looks_like_condition(w.word) for w in tokens(fold(entry.expansions[0]))):
            seeds.append((start, end, ""))
    seeds += [(w.start, w.end, "") for w in words if wording.looks_like_condition(w.word)]
    found = []
    for start, end, concept_id in seeds:
        if any(s <= start < e for s, e in drug_spans):
            continue  # "hepatitis" in "hepatitis B vaccine" names the vaccine, not a condition
        first = next(i for i, w in enumerate(words) if w.start >= start)
        last = max(i for i, w in enumerate(words) if w.end <= end)
        first, last = _widen(normalized, words, first, last, drug_spans)
        if first == last and words[first].word in wording.GENERIC_CONDITION_WORDS:
            continue  # "a disease", "the syndrome": nothing named
        found.append((words[first].start, words[last].end, concept_id))
    # Overlapping phrases are one phrase ("type 2 diabetes mellitus" + "diabetes mellitus neuropathy");
    # it names the concept of its longest known part.
    merged: list[list] = []
    for start, end, concept_id in sorted(found, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            if concept_id and (not last[2] or end - start > last[3]):
                last[2], last[3] = concept_id, end - start
            last[1] = max(last[1], end)
            continue
        merged.append([start, end, concept_id, end - start if concept_id else 0])
    return [(start, end, concept_id) for start, end, concept_id, _ in merged]


_TYPED = re.compile(r"^(?:[0-9]+[a-z]?|i{1,3}|iv|v|vi|[a-d])$")
_TYPING = ("type", "stage", "grade", "class")
_JOINS_PHRASE = re.compile(r"^[ \-']*$")  # only spaces or hyphens between two words of one phrase


def _widen(text: str, words, first: int, last: int, drug_spans) -> tuple[int, int]:
    """Take in the qualifying words before a condition ("giant cell", "chronic") and a stated
    type after it ("type 2"), never people, chatter, treatments, drugs or punctuation."""

    def qualifies(i: int) -> bool:
        w = words[i]
        return (
            len(w.word) > 1 and not w.word.isdigit() and w.word not in wording.STOPWORDS
            and w.word not in wording.NOT_IN_PHRASE and not any(s <= w.start < e for s, e in drug_spans)
            and bool(_JOINS_PHRASE.match(text[w.end:words[i + 1].start]))
        )

    while first > 0 and last - first < 5:
        if qualifies(first - 1):
            first -= 1
        elif first > 1 and _TYPED.match(words[first - 1].word) and words[first - 2].word in _TYPING:
            first -= 2  # "type 2 diabetes"
        else:
            break
    if (last + 2 < len(words) and words[last + 1].word in _TYPING
            and _TYPED.match(words[last + 2].word) and _JOINS_PHRASE.match(text[words[last].end:words[last + 2].start])):
        last += 2
    return first, last


# -- intent -----------------------------------------------------------------------------------

# Ties go to the more specific intent.
_PRIORITY = ("interactions", "contraindications", "adverse_effects", "dosing", "monitoring", "diagnosis",
             "prognosis", "prevention", "symptoms", "cause", "treatment", "definition", "other")
_CAUSE_VERB = re.compile(r"\b(?:cause[sd]?|causing|make (?:me|you|him|her|them)|made (?:me|him|her)|lead to|give (?:me|you))\b")
_CONNECTIVE = re.compile(r"\b(?:with|and|together|while|when|plus|or|between)\b|,")
_TAKING = re.compile(r"\b(?:take|taking|took|use|using|mix|mixing|combine|drink|drinking|have|on)\b")
_GENERIC_MEDICINE = re.compile(r"\b(?:meds|medications?|medicines?|pills)\b")
_SAFETY = re.compile(r"\b(?:safe|ok|okay|alright|harm\w*|avoid|can (?:i|you|she|he|we) (?:take|use|have|get)|should (?:i|she|he|we) (?:take|use))\b")
_POPULATION_RISKS = {"pregnancy", "breastfeeding", "renal_impairment", "hepatic_impairment", "allergy"}


def _asking_at(sentences, position: int) -> bool:
    return any(start <= position < end and asks for start, end, asks in sentences)


def _cue_scores(text: str) -> dict[str, float]:
    """Each cue pattern counts once: in full in a sentence that asks, half in the story around it."""
    sentences = wording.sentences(text)
    everywhere = not any(asks for _, _, asks in sentences)
    scores: dict[str, float] = {}
    for intent, weight, pattern in wording.INTENT_CUES:
        best = 0.0
        for m in pattern.finditer(text):
            best = max(best, weight if everywhere or _asking_at(sentences, m.start()) else weight / 2)
            if best == weight:
                break
        if best:
            scores[intent] = scores.get(intent, 0.0) + best
    return scores


def _structural_scores(text, drug_spans, condition_spans, modifiers, scores) -> dict[str, float]:
    """What the wording alone misses: "does <drug> cause X" asks about a side effect; two
    medicines in one sentence about taking them asks about an interaction; a safety question
    for a pregnant, nursing, allergic or impaired person asks about contraindications."""
    scores = dict(scores)
    for m in _CAUSE_VERB.finditer(text):
        sentence_start = max(text.rfind(c, 0, m.start()) for c in ".?!\n") + 1
        drugs_before = [e for s, e in drug_spans if sentence_start <= s and e <= m.start()]
        if drugs_before and not any(max(drugs_before) <= s < m.start() for s, _, _ in condition_spans):
            scores["adverse_effects"] = scores.get("adverse_effects", 0.0) + 4.5  # outweighs the "cause" cue
            break
    sentences = wording.sentences(text)
    everywhere = not any(asks for _, _, asks in sentences)
    for start, end, asks in sentences:
        if not (asks or everywhere):
            continue  # "he is taking A and B" tells the story; the question is elsewhere
        sentence = text[start:end]
        things = sum(1 for s, _ in drug_spans if start <= s < end)
        things += sum(1 for w in tokens(sentence) if w.word in wording.SUBSTANCES)
        things += 1 if _GENERIC_MEDICINE.search(sentence) else 0
        if things >= 2 and _CONNECTIVE.search(sentence) and _TAKING.search(sentence):
            scores["interactions"] = scores.get("interactions", 0.0) + 3
            break
    if _POPULATION_RISKS & set(modifiers) and _SAFETY.search(text):
        scores["contraindications"] = scores.get("contraindications", 0.0) + 2.5
    return {k: round(v, 2) for k, v in sorted(scores.items())}


def _best_intent(scores: dict[str, float], clinical: bool) -> str:
    if not scores:
        return "definition" if clinical else "other"  # "metformin?" asks what it is
    return max(scores, key=lambda intent: (scores[intent], -_PRIORITY.index(intent)))


def _by_preference(condition_spans, text: str, intent: str) -> list[tuple[int, int, str]]:
    """The condition the question is about: in a sentence that asks, the first one after the words
    that carry its intent ("treatment of X in patients with Y" is about X), a known concept."""
    sentences = wording.sentences(text)
    cue_at = min((m.start() for i, _, p in wording.INTENT_CUES if i == intent for m in p.finditer(text)
                  if _asking_at(sentences, m.start())), default=-1)
    after_cue = next((s for s, _, _ in condition_spans if cue_at >= 0 and s >= cue_at), None)

    def preference(span) -> tuple[float, int]:
        start, _, concept_id = span
        score = 2.0 * _asking_at(sentences, start) + (start == after_cue) + 0.5 * bool(concept_id)
        return -score, start

    return sorted(condition_spans, key=preference)


# -- who, which words, which flags ------------------------------------------------------------


def _modifiers(text: str) -> list[str]:
    found = {name for name, pattern in wording.MODIFIERS.items() if pattern.search(text)}
    for m in wording.AGE_YEARS.finditer(text):
        age = int(m.group(1) or m.group(2))
        found.add("children" if age < 12 else "adolescents" if age < 18 else "older_adults" if age >= 65 else "")
    if wording.AGE_INFANT.search(text):
        found.add("children")
    return [name for name in wording.MODIFIERS if name in found]


def _condition_names(vocabulary, condition_spans, matches, abbreviation_spans, text) -> list[str]:
    names: list[str] = []
    for start, end, concept_id in condition_spans:
        if concept_id:
            names += vocabulary.expansions_for(concept_id)
        names += [fold(e) for s, e_, entry in abbreviation_spans if start <= s < end for e in entry.expansions]
    phrases = {lookup_key(text[s:e]) for s, e, _ in condition_spans}
    return _unique(n for n in names if lookup_key(n) not in phrases)


def _expansions(vocabulary, q: Question, abbreviation_spans) -> list[str]:
    names = [fold(e) for _, _, entry in abbreviation_spans for e in entry.expansions]
    names += q.condition_expansions
    for m in q.matches:
        if m.category == "drug":
            names += [n for n in vocabulary.expansions_for(m.mesh_id) if lookup_key(n) != lookup_key(m.term)]
    return _unique(names)


def _is_keyword(word: str) -> bool:
    return len(word) > 1 and not word.isdigit() and word not in wording.STOPWORDS


def _focus_text(text: str, condition: str, max_words: int = 60) -> str:
    """The sentences that ask, without greetings and thanks; the condition first if they omit it."""
    sentences = [(text[s:e].strip(), asks) for s, e, asks in wording.sentences(text)]
    content = [(s, asks) for s, asks in sentences if any(_is_keyword(w.word) for w in tokens(s))]
    chosen = [s for s, asks in content if asks] or [s for s, _ in content]
    focus = " ".join(" ".join(chosen).split()[:max_words])
    if condition and condition not in focus:
        focus = f"{condition}: {focus}" if focus else condition
    return focus


_MEDICAL_CATEGORIES = {"condition", "drug", "procedure", "anatomy", "organism"}


# Intents whose wording points to a health question ("what dose", "will it work", "side effects");
# cause and definition cues do not ("why is the sky blue", "what is the capital of France").
_MEDICAL_INTENTS = {"treatment", "dosing", "adverse_effects", "interactions", "contraindications", "monitoring",
                    "diagnosis", "symptoms", "prognosis", "prevention"}


def _clinical(q: Question, words, abbreviation_spans) -> tuple[bool, str]:
    """Clinical unless nothing in it is medical: refusing a real question costs more than
    answering a stray one with "little evidence found"."""
    evidence = [m.term for m in q.matches if m.category in _MEDICAL_CATEGORIES]
    evidence += q.conditions + q.drugs + [q.normalized[s:e] for s, e, _ in abbreviation_spans]
    evidence += [w.word for w in words if w.word in wording.MEDICAL_WORDS]
    evidence += [m.group(1).lower() for m in wording.BRAND_AFTER_VERB.finditer(q.text)]
    evidence += [m.group() for m in wording.TAKING_MEDICINE.finditer(q.normalized)]
    evidence += [f"{intent} wording" for intent, score in q.intent_scores.items() if intent in _MEDICAL_INTENTS and score >= 2]
    if q.is_emergency:
        return True, f"emergency: {q.emergency_reason}"
    if evidence:
        return True, "medical terms: " + ", ".join(_unique(evidence)[:5])
    return False, "no medical terms found"


def _inherit(q: Question, thread: list[Question]) -> None:
    """A follow-up that names no condition or drug continues the last question that did."""
    previous = next((t for t in reversed(thread) if t.condition or t.drugs), None)
    if previous is None or q.condition or q.drugs:
        return
    q.condition, q.conditions, q.drugs = previous.condition, list(previous.conditions), list(previous.drugs)
    q.condition_expansions = list(previous.condition_expansions)
    q.expansions = _unique(q.expansions + previous.expansions)
    q.inherited = ["condition", "drugs"]
    if not q.intent_scores:
        q.intent, q.inherited = previous.intent, q.inherited + ["intent"]
    q.focus_text = _focus_text(q.normalized, q.condition)
    q.is_clinical, q.clinical_reason = True, f"follow-up on {q.condition or ', '.join(q.drugs)}"
