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

from ..language import words as wording
from ..language.doses import NUMBER_WORDS
from ..language.findings import is_denied, is_relatives, is_reported_result
from ..language.interventions import intervention_vocabulary
from ..language.measures import patient_of
from ..language.vocabulary import Match, Vocabulary, expand_abbreviations, looks_like_drug
from ..language.words import fold, lookup_key, tokens


@dataclass
class Question:
    text: str  # as asked
    normalized: str = ""  # lowercase, British spellings folded, abbreviations expanded in place
    intent: str = "other"  # one of understand_patterns.INTENTS
    intent_scores: dict[str, float] = field(default_factory=dict)
    condition: str = ""  # the condition the question is mainly about, as written (normalized)
    # The finding a case names when `condition` is the diagnosis suspected from it (compose/suspected.py)
    suspected_from: str = ""
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
    continues: str = ""  # the text of the earlier question this one follows up ("" when it stands alone)

    def to_dict(self) -> dict:
        return asdict(self)


# -- the question -----------------------------------------------------------------------------

_EMPTY = Vocabulary()


def understand(
    question: str, vocabulary: Vocabulary | None = None, thread: Sequence[Question] | Question | None = None
) -> Question:
    """Read a question (a clinician's one line or a consumer's whole message).

    `thread` is the earlier questions of the same conversation, oldest first, each already read in
    the light of those before it; a follow-up ("and in pregnancy?", "is it safe for children?",
    "the dose?") is resolved against the last one that names a condition or drug (see `_resolve`).
    """
    vocabulary = vocabulary if vocabulary is not None else _EMPTY
    earlier = [thread] if isinstance(thread, Question) else list(thread or ())
    previous = next((t for t in reversed(earlier) if t.condition or t.drugs), None)
    text = question.strip()
    normalized, abbreviation_spans = expand_abbreviations(text)
    words = tokens(normalized)
    q = Question(text=question, normalized=normalized)
    q.matches = _matches(vocabulary, normalized, words, abbreviation_spans)
    drug_spans = _drug_spans(q.matches, abbreviation_spans, words)
    condition_spans = _condition_spans(normalized, q.matches, abbreviation_spans, words, drug_spans)
    q.drugs = _unique(normalized[s:e] for s, e in _treatment_spans(drug_spans, normalized))
    q.modifiers = _modifiers(normalized)
    # In a thread, an opener ("and what about ...") asks nothing of its own, and "it" may be the earlier drug.
    lead = wording.follow_up_lead(normalized) if previous else 0
    scored = " " * lead + normalized[lead:]
    pointers = (
        [start for kind, start, _ in wording.refers_back(normalized) if kind in _DRUG_POINTERS]
        if previous and previous.drugs
        else []
    )
    q.intent_scores = _structural_scores(
        scored, drug_spans, condition_spans, q.modifiers, _cue_scores(scored), pointers
    )
    q.emergency_reason = wording.emergency_reason(normalized)
    q.is_emergency = bool(q.emergency_reason)
    q.conditions = _unique(normalized[s:e] for s, e, _ in condition_spans)
    q.is_clinical, q.clinical_reason = _clinical(q, words, abbreviation_spans)
    q.intent = _best_intent(q.intent_scores, q.is_clinical, bool(patient_of(question)))
    preferred = _by_preference(condition_spans, normalized, q.intent, drug_spans)
    q.condition = normalized[preferred[0][0] : preferred[0][1]] if preferred else ""
    q.condition_expansions = _condition_names(vocabulary, condition_spans, q.matches, abbreviation_spans, normalized)
    q.expansions = _expansions(vocabulary, q, abbreviation_spans)
    q.keywords = _unique(w.word for w in words if _is_keyword(w.word))
    q.focus_text = _focus_text(normalized, q.condition)
    if previous is not None:
        _resolve(q, previous, lead, condition_spans, drug_spans)
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
    found = [
        m
        for m in vocabulary.match_words(normalized, words)
        if not any(m.start < w.end and w.start < m.end for w in whole)
    ]
    found += [
        m
        for m in _eponyms(vocabulary, normalized)
        if not any(m.start < other.end and other.start < m.end for other in found + whole)
    ]
    return sorted(found + whole, key=lambda m: m.start)


# A disease named after a person, written as the possessive alone ("70M with Parkinson's",
# "early Alzheimer's", "Graves'"): clinicians drop the "disease" the vocabulary's name carries.
_POSSESSIVE = re.compile(r"\b([a-z]{3,})(?:'s|’s|s'|s’)(?![\w'’])")
_EPONYM_NOUNS = ("disease", "syndrome", "phenomenon")


def _eponyms(vocabulary: Vocabulary, normalized: str) -> list[Match]:
    found = []
    for m in _POSSESSIVE.finditer(normalized):
        # "Graves'" is Graves disease; "Quellans'" may be a plural possessive of Quellan
        names = [m.group(1) + "s", m.group(1)] if m.group(0).endswith(("s'", "s’")) else [m.group(1)]
        concept = next(
            (
                c
                for name in names
                for noun in _EPONYM_NOUNS
                for c in (vocabulary.lookup(f"{name}'s {noun}"), vocabulary.lookup(f"{name} {noun}"))
                if c is not None and c.category == "condition"
            ),
            None,
        )
        if concept is not None:
            found.append(Match(m.group(0), concept.id, concept.category, m.start(), m.end(), concept.name))
    return found


def _drug_spans(matches: list[Match], abbreviation_spans, words) -> list[tuple[int, int]]:
    spans = [(m.start, m.end) for m in matches if m.category == "drug"]
    for start, end, entry in abbreviation_spans:
        last = entry.expansions[0].lower().split()[-1]
        if last in wording.DRUG_CLASS_HEADS or looks_like_drug(last):
            spans.append((start, end))
    for w in words:
        if looks_like_drug(w.word):
            spans.append((w.start, w.end))
    spans += _listed_drug_spans(words)
    return _without_overlaps(spans)


def _listed_drug_spans(words) -> list[tuple[int, int]]:
    """Drugs and drug classes the team's intervention vocabulary lists (data/drug_classes.tsv:
    "pioglitazone", "tenecteplase"), which MeSH's descriptor names alone do not hold."""
    entries, longest = intervention_vocabulary()
    plain = [w.word for w in words]
    spans, i = [], 0
    while i < len(words):
        for size in range(min(longest.get(plain[i], 0), len(words) - i), 0, -1):
            entry = entries.get(tuple(plain[i : i + size]))
            if entry is not None and entry.kind == "drug" and not entry.acronym:
                spans.append((words[i].start, words[i + size - 1].end))
                i += size - 1
                break
        i += 1
    return spans


def _treatment_spans(spans: list[tuple[int, int]], normalized: str) -> list[tuple[int, int]]:
    """The drug spans that name a treatment, not a test result ("hemoglobin 8.0", "troponin
    negative", "urea breath test positive" in a case description)."""
    return [(start, end) for start, end in spans if not is_reported_result(normalized, end)]


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
        if is_denied(normalized, words[first].start):
            continue  # "no cough", "no history of bleeding": what the patient does not have
        if is_relatives(normalized, words[first].start):
            continue  # "mother had MI at 60": the family's history, not the patient's condition
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
            len(w.word) > 1
            and not w.word[0].isdigit()  # a number, or a case's age and sex ("72m febrile pyelonephritis")
            and w.word not in NUMBER_WORDS  # "two pancreatitis admissions"
            # a species after its genus initial ("E. coli pyelonephritis"): the organism, not a kind of the condition
            and not (i > 0 and len(words[i - 1].word) == 1 and text[words[i - 1].end : words[i - 1].end + 1] == ".")
            and w.word not in wording.STOPWORDS
            and w.word not in wording.NOT_IN_PHRASE
            and not any(s <= w.start < e for s, e in drug_spans)
            and bool(_JOINS_PHRASE.match(text[w.end : words[i + 1].start]))
        )

    while first > 0 and last - first < 5:
        if qualifies(first - 1):
            first -= 1
        elif first > 1 and _TYPED.match(words[first - 1].word) and words[first - 2].word in _TYPING:
            first -= 2  # "type 2 diabetes"
        else:
            break
    if (
        last + 2 < len(words)
        and words[last + 1].word in _TYPING
        and _TYPED.match(words[last + 2].word)
        and _JOINS_PHRASE.match(text[words[last].end : words[last + 2].start])
    ):
        last += 2
    return first, last


# -- intent -----------------------------------------------------------------------------------

# Ties go to the more specific intent.
_PRIORITY = (
    "interactions",
    "contraindications",
    "adverse_effects",
    "dosing",
    "monitoring",
    "diagnosis",
    "prognosis",
    "prevention",
    "symptoms",
    "cause",
    "treatment",
    "definition",
    "other",
)
_CAUSE_VERB = re.compile(
    r"\b(?:cause[sd]?|causing|make (?:me|you|him|her|them)|made (?:me|him|her)|lead to|give (?:me|you))\b"
)
_CONNECTIVE = re.compile(r"\b(?:with|and|together|while|when|plus|or|between)\b|,")
_TAKING = re.compile(r"\b(?:take|taking|took|use|using|mix|mixing|combine|drink|drinking|have|on)\b")
_GENERIC_MEDICINE = re.compile(r"\b(?:meds|medications?|medicines?|pills)\b")
_SAFETY = re.compile(
    r"\b(?:safe|ok|okay|alright|harm\w*|avoid|can (?:i|you|she|he|we) (?:take|use|have|get)|should (?:i|she|he|we) (?:take|use))\b"
)
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


def _structural_scores(text, drug_spans, condition_spans, modifiers, scores, pointers=()) -> dict[str, float]:
    """What the wording alone misses: "does <drug> cause X" asks about a side effect; two
    medicines in one sentence about taking them asks about an interaction; a safety question
    for a pregnant, nursing, allergic or impaired person asks about contraindications.
    `pointers` are offsets of words standing for an earlier drug ("can they take it with warfarin?")."""
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
        things += sum(1 for p in pointers if start <= p < end)
        if things >= 2 and _CONNECTIVE.search(sentence) and _TAKING.search(sentence):
            scores["interactions"] = scores.get("interactions", 0.0) + 3
            break
    if _POPULATION_RISKS & set(modifiers) and _SAFETY.search(text):
        scores["contraindications"] = scores.get("contraindications", 0.0) + 2.5
    return {k: round(v, 2) for k, v in sorted(scores.items())}


def _best_intent(scores: dict[str, float], clinical: bool, case: bool = False) -> str:
    if not scores:
        # "metformin?" asks what it is; a case ("49F gallstone pancreatitis ... Antibiotics? ERCP?")
        # asks how to manage it.
        return ("treatment" if case else "definition") if clinical else "other"
    return max(scores, key=lambda intent: (scores[intent], -_PRIORITY.index(intent)))


# A condition followed by the drug it is treated with: "... breast cancer on tamoxifen".
_TREATED_WITH = re.compile(r"\s+(?:on|taking|receiving|treated with)\s+")
# ... or said to be under treatment where the case is told: "(day 5 of PE treatment)".
_UNDER_TREATMENT = re.compile(r"\s+(?:treatment|therapy)\b")


def _by_preference(condition_spans, text: str, intent: str, drug_spans=()) -> list[tuple[int, int, str]]:
    """The condition the question is about: in a sentence that asks, the first one after the words
    that carry its intent ("treatment of X in patients with Y" is about X), a known concept, not
    one the patient is already treated for ("ER-positive breast cancer on tamoxifen, 12 hot
    flushes a day" is about the hot flushes; "day 5 of PE treatment ... ICH" about the ICH)."""
    drug_starts = {start for start, _ in drug_spans}
    sentences = wording.sentences(text)
    cue_at = min(
        (
            m.start()
            for i, _, p in wording.INTENT_CUES
            if i == intent
            for m in p.finditer(text)
            if _asking_at(sentences, m.start())
        ),
        default=-1,
    )
    after_cue = next((s for s, _, _ in condition_spans if cue_at >= 0 and s >= cue_at), None)

    def preference(span) -> tuple[float, int]:
        start, end, concept_id = span
        score = 2.0 * _asking_at(sentences, start) + (start == after_cue) + 0.5 * bool(concept_id)
        treated = _TREATED_WITH.match(text, end)
        under_treatment = not _asking_at(sentences, start) and _UNDER_TREATMENT.match(text, end)
        score -= 1.0 * bool((treated and treated.end() in drug_starts) or under_treatment)
        return -score, start

    return sorted(condition_spans, key=preference)


# -- who, which words, which flags ------------------------------------------------------------


def _modifiers(text: str) -> list[str]:
    found = {name for name, pattern in wording.MODIFIERS.items() if pattern.search(text)}
    # "when first-line drugs fail" asks what comes after the first line, not for the first line.
    failed = wording.MODIFIERS["refractory"].search(text)
    first = wording.MODIFIERS["first_line"].search(text)
    if failed and first and failed.start() <= first.start() < failed.end():
        found.discard("first_line")
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
_MEDICAL_INTENTS = {
    "treatment",
    "dosing",
    "adverse_effects",
    "interactions",
    "contraindications",
    "monitoring",
    "diagnosis",
    "symptoms",
    "prognosis",
    "prevention",
}


def _clinical(q: Question, words, abbreviation_spans) -> tuple[bool, str]:
    """Clinical unless nothing in it is medical: refusing a real question costs more than
    answering a stray one with "little evidence found"."""
    evidence = [m.term for m in q.matches if m.category in _MEDICAL_CATEGORIES]
    evidence += q.conditions + q.drugs + [q.normalized[s:e] for s, e, _ in abbreviation_spans]
    evidence += [w.word for w in words if w.word in wording.MEDICAL_WORDS]
    evidence += [m.group(1).lower() for m in wording.BRAND_AFTER_VERB.finditer(q.text)]
    evidence += [m.group() for m in wording.TAKING_MEDICINE.finditer(q.normalized)]
    evidence += [
        f"{intent} wording" for intent, score in q.intent_scores.items() if intent in _MEDICAL_INTENTS and score >= 2
    ]
    if q.is_emergency:
        return True, f"emergency: {q.emergency_reason}"
    if evidence:
        return True, "medical terms: " + ", ".join(_unique(evidence)[:5])
    return False, "no medical terms found"


# -- follow-ups -------------------------------------------------------------------------------

_DRUG_POINTERS = ("drug", "thing")  # "it", "this drug", "that": the earlier drug when there was one
_CARRIED_ORDER = ("condition", "drugs", "intent", "modifiers")
_DRUG_INTENTS = ("dosing", "adverse_effects", "interactions", "contraindications")


def _resolve(q: Question, previous: Question, lead: int, condition_spans, drug_spans) -> None:
    """Resolve a thread question against `previous`, the last earlier question naming a subject.

    - It names a condition of its own as its subject ("what about asthma?", "How is gout
      diagnosed?"): a new topic. It takes only the earlier intent, when it has no intent words,
      and the earlier drug when a pointer before the new condition stands for it ("does it work
      for migraine?").
    - It names no subject ("and in pregnancy?", "the dose?", "is it safe for children?"), or a
      condition only as a circumstance ("and in patients with heart failure?"), or a drug with
      follow-up wording ("what if they are on warfarin?", "what about naproxen?"): it continues the
      earlier subject. Its own intent words replace the earlier intent, else the intent is kept;
      the patient's populations are kept unless it names others ("what about in children?").
    - A drug question with intent words of its own and no follow-up wording stands alone.
    """
    text = q.normalized
    references = wording.refers_back(text)
    own_intent = bool(q.intent_scores)
    asked = [(s, e) for s, e in drug_spans if not _is_circumstance_drug(text, s, e)]
    # A condition is the patient's circumstance only in a question that leans on the thread: one
    # with an opener, a pointer or no intent of its own, or one about a drug that names none
    # ("what is the dose in chronic kidney disease?"); "How is chronic kidney disease diagnosed?"
    # asks about the condition itself.
    leans = bool(
        lead
        or references
        or not own_intent
        or wording.FOLLOW_UP_TAIL.search(text.rstrip(" ?.!"))
        or (q.intent in _DRUG_INTENTS and not asked)
    )
    circumstances = [(s, e) for s, e, _ in condition_spans if leans and _is_circumstance(text, s, e)]
    topics = [(s, e) for s, e, _ in condition_spans if (s, e) not in circumstances]
    carried: list[str] = []
    if topics:
        before_topic = [r for r in references if r[0] in _DRUG_POINTERS and r[1] < topics[0][0]]
        if before_topic and previous.drugs and not asked:
            q.drugs = list(previous.drugs)
            q.expansions = _unique(q.expansions + previous.expansions)
            q.keywords = _unique(q.keywords + _subject_words(previous.drugs))
            carried.append("drugs")
        if not own_intent:
            q.intent = previous.intent
            carried.append("intent")
        if carried:
            _record(q, previous, carried, _focus_of_follow_up(q, lead, references, previous, carried))
        return
    worded = bool(lead) or wording.is_follow_up_wording(text) or bool(references)
    if asked and own_intent and not worded:
        return  # "What are the side effects of metformin?": a question of its own
    if not (q.drugs or worded or q.is_clinical or q.modifiers):
        return  # "Who won the match last night?": not about the thread at all
    adds = bool(wording.FOLLOW_UP_ADDS.search(text))
    own_conditions = _unique(text[s:e] for s, e in circumstances)
    if not asked:  # "and in penicillin allergy?" names a drug only as what the patient cannot take
        q.drugs = list(previous.drugs)
        carried.append("drugs")
    elif (
        previous.drugs
        and not wording.FOLLOW_UP_REPLACES.search(text)
        and (adds or any(wording.CO_MEDICATION_BEFORE.search(text[lead:s]) for s, _ in asked))
    ):
        q.drugs = _unique(previous.drugs + q.drugs)  # "what if they are on warfarin?"
        carried.append("drugs")
    if previous.condition or not (own_conditions or asked):
        carried.append("condition")
    q.condition = previous.condition or (own_conditions[0] if own_conditions else "")
    q.conditions = _unique(previous.conditions + own_conditions)
    if not own_intent:
        q.intent = previous.intent
        carried.append("intent")
    kept = _kept_modifiers(previous.modifiers, q.modifiers, adds)
    if kept:
        q.modifiers = [m for m in wording.MODIFIERS if m in q.modifiers or m in kept]
        carried.append("modifiers")
    if not carried:
        return
    if "condition" in carried:
        q.condition_expansions = _unique(q.condition_expansions + previous.condition_expansions)
    q.expansions = _unique(
        q.expansions + (previous.expansions if "drugs" in carried else previous.condition_expansions)
    )
    subject = ([previous.condition] if "condition" in carried else []) + (previous.drugs if "drugs" in carried else [])
    q.keywords = _unique(q.keywords + _subject_words(subject) + _modifier_words(previous, kept))
    _record(q, previous, carried, _focus_of_follow_up(q, lead, references, previous, carried))


def _is_circumstance(text: str, start: int, end: int) -> bool:
    """A condition said of the patient, not asked about: one the modifiers name ("chronic kidney
    disease", "cirrhosis") or one the patient has ("in patients with heart failure")."""
    if any(m.start() < end <= m.end() for pattern in wording.MODIFIERS.values() for m in pattern.finditer(text)):
        return True
    return bool(wording.CIRCUMSTANCE_BEFORE.search(text[:start]))


def _is_circumstance_drug(text: str, start: int, end: int) -> bool:
    """A drug named as part of the patient's state ("penicillin allergy", "allergic to penicillin")."""
    return any(
        m.start() <= start and end <= m.end() for pattern in wording.MODIFIERS.values() for m in pattern.finditer(text)
    )


def _kept_modifiers(earlier: list[str], own: list[str], adds: bool) -> list[str]:
    """The earlier patient modifiers that still hold: a population named anew replaces the earlier
    ones ("what about in children?") unless the wording adds to them ("what if she is also ...")."""
    populations = [m for m in own if m in wording.PATIENT_MODIFIERS and m != "refractory"]
    return [
        m
        for m in earlier
        if m in wording.PATIENT_MODIFIERS and m not in own and (adds or m == "refractory" or not populations)
    ]


def _subject_words(names: list[str]) -> list[str]:
    return [w.word for name in names for w in tokens(name) if _is_keyword(w.word)]


def _modifier_words(question: Question, modifiers: list[str]) -> list[str]:
    """The words that stated a kept modifier in the earlier question (or that it carried), for the lexical search."""
    return _unique(
        w.word
        for m in modifiers
        for source in (question.normalized, " ".join(question.keywords))
        for found in wording.MODIFIERS[m].finditer(source)
        for w in tokens(found.group())
        if _is_keyword(w.word)
    )


def _focus_of_follow_up(q: Question, lead: int, references, previous: Question, carried: list[str]) -> str:
    """The follow-up restated for the sentence encoder: its own words without the opener, "it" and
    "this drug" replaced by what they stand for, and the subject and an inherited intent first
    ("gout treatment: in pregnancy?")."""
    text = q.normalized
    if "drugs" in carried and previous.drugs:
        stands_for = {"drug": " and ".join(previous.drugs[:2]), "condition": q.condition}
    elif "condition" in carried and q.condition:
        # With no earlier drug, "it" is the condition, or its treatment when asked about as a drug ("is it safe?").
        it = f"{q.condition} treatment" if q.intent in _DRUG_INTENTS else q.condition
        stands_for = {"drug": it, "condition": q.condition}
    else:
        stands_for = {"condition": q.condition}
    own = text[lead:]
    for kind, start, end in sorted(references, key=lambda r: -r[1]):
        if start >= lead and stands_for.get(kind):
            own = own[: start - lead] + stands_for[kind] + own[end - lead :]
    own = _focus_text(own, "")
    missing = [d for d in q.drugs if d not in own][:2]
    subject = " and ".join(missing)
    if q.condition and q.condition not in own:
        subject = f"{subject} for {q.condition}" if subject else q.condition
    phrase = wording.INTENT_PHRASES.get(q.intent, "") if "intent" in carried else ""
    restated = " ".join(part for part in (subject, phrase) if part)
    return f"{restated}: {own}" if restated and own else restated or own


def _record(q: Question, previous: Question, carried: list[str], focus: str) -> None:
    q.inherited = [name for name in _CARRIED_ORDER if name in carried]
    q.continues = previous.text
    q.focus_text = focus
    q.is_clinical = True
    subject = q.condition or ", ".join(q.drugs) or previous.condition or ", ".join(previous.drugs)
    q.clinical_reason = f"follow-up on {subject}"
