"""Topic-first evidence: which sources are about the question, and which of their passages
answer each thing it asks.

Search ranks passages across the whole library, and the passages that carry a guideline's key
recommendation are often not among the first 40 even when the guideline itself is the top hit
(clinician development set: the right source is among the top-10 hits' sources for 0.86 of the
must-have facts, the quoted passage among the top 40 passages for 0.32). So the article first
decides which one to a few sources are *about* the question (its condition in their title,
conditions or headings; guidelines and systematic reviews first for professionals, pages written
for patients first for patients) and then reads those sources whole, choosing for each thing the
question asks ("which anticoagulant and dose?", "do I stop at 3 months?") and for each fact it
gives about the patient ("CrCl 28", "MI in 2019") the passages closest to it, by meaning
(the passage vectors) and by words (BM25 within the source).
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..language.ask_kinds import ask_kinds, gives_kinds
from ..language.clean import find_grade
from ..language.findings import is_denied, is_past_event
from ..language.interventions import class_acting_on, classes_of
from ..language.local_abbreviations import defined_abbreviations, long_forms_in
from ..language.measures import fit, patient_of
from ..language.vocabulary import expand_abbreviations, is_below
from ..language.words import fold
from ..model import Hit, Source
from ..search.facets import Facet, content_words, facets, told_text
from ..search.understand import Question
from ..store import sources as store
from .extract import named_in, passage_statements

STRONG_KINDS = ("guideline", "systematic_review")  # what a professional reader is answered from first
_SHORTEST_PREFIX = 4  # "pain" in "painful"; shorter words ("pe", "ra") are abbreviations
_SHARED_STEM = 6  # "diabet" in "diabetic" and "diabetes"
# Words that ask without saying about what: an ask made only of these and _ASKING_WORDS is about
# the case it follows. (An ask of at most two content words was, before: 140 must-haves; naming
# a vocabulary subject exempted, 143 in 1,069 claims; this list, 143 in 1,098 claims citing the
# question's sources 0.689 against 0.680; bench/clinician.py, demo library.)
_GENERIC_ASK_WORDS = frozenset(
    """
come comes continue continued change changes work works worked working improve improves doesn don isn ok okay
long total duration regimen prescribe prescribing else anything going keep step agent agents right now first
""".split()
)
# Words that say what kind of answer is wanted, not what it is about: they pick no source.
_ASKING_WORDS = frozenset(
    """
treat treatment treatments treating therapy therapies manage management managing option options first line
second third choice drug drugs medication medications medicine dose doses dosing dosage start starting
stop stopping use using give giving prescribe recommended recommend best next step steps patient patients
what which when how long should can could would do does need needs needed take taking after before
""".split()
)


@dataclass(frozen=True)
class TopicReading:
    """How many sources are read whole and how many of their passages each facet of the
    question takes. Figures from the clinician development set (bench/clinician.py)."""

    max_sources: int = 3  # the first 2 / 4 guideline or review sources hold 0.68 / 0.83 of must-haves
    scan_hits: int = 60  # search hits looked through for on-topic sources
    rank_offset: float = 10.0  # a source's weight: sum of 1 / (rank + offset) over its hits
    # A source's weight x (1 + this) when its title or conditions name the topic: 0 found 126
    # must-haves, 0.5 and 1 found 128, 2 found fewer (bench/clinician.py, before a case's generic
    # sections were dropped: 131, 131, 128).
    title_weight: float = 1.0
    share_floor: float = 0.5  # weight x (floor + share of the condition's words the source names)
    # Passages for each thing the question asks. With facets that no longer lose a turn to a
    # passage another took (focused_hits) and adjacent statements quoted as one: per_ask 7 found
    # 151 must-haves in 1,105 claims, 8 found 154 in 1,167, 9 found 156 in 1,196 (claims citing
    # the question's sources 0.680), 10 found 153 in 1,207 (bench/clinician.py, demo library).
    per_ask: int = 9
    per_fact: int = 2  # passages for each fact it gives about the patient (3: 152 must-haves in 1,261 claims)
    whole_question: int = 6  # then the passages closest to the whole question
    lexical_weight: float = 0.4  # BM25 (normalised to the best passage) added to the cosine
    recommendation_prior: float = 0.1  # added for a passage that recommends for or against, graded
    # Added for a passage written for a range that holds the patient ("CrCl 30-50" for CrCl 38):
    # 0.1 found 129 must-haves, 0.2 found 126 (bench/clinician.py, demo library).
    patient_fit: float = 0.1
    # Added x the share of the kinds of answer an ask wants (a dose, a duration) that a passage
    # gives: 0 found 123 must-haves, 0.15 found 127, 0.3 found 127 with 24 more claims.
    kind_weight: float = 0.15
    # How many of each ranking's first passages are read statement by statement for the priors
    # above (reading a passage's statements is most of an ask's time; the rest keep their score).
    read_closely: int = 30  # 30 found 129 must-haves at ask p50 426 ms; reading all, 129 at 544 ms


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _terms(text: str) -> list[str]:
    return [_stem(w) for w in content_words(text)]


# -- which sources ----------------------------------------------------------------------------


def topic_names(q: Question) -> list[frozenset[str]]:
    """What the question is about, as word sets: its condition names and the drugs it names
    (an adverse-effect question is about its drug), else its content words that are not about
    the kind of answer wanted (a condition the vocabulary does not know)."""
    names = [frozenset(_name_terms(name)) for name in [*q.conditions, *q.condition_expansions, *q.drugs]]
    names = [name for name in names if name]
    return names or _content_names(q)


def _content_names(q: Question) -> list[frozenset[str]]:
    words = frozenset(_stem(w) for w in q.keywords if w not in _ASKING_WORDS and not w.isdigit())
    return [frozenset([w]) for w in sorted(words)]


def topic_names_of(condition: str) -> list[frozenset[str]]:
    """A condition phrase as the word set topic matching uses."""
    name = frozenset(_name_terms(condition))
    return [name] if name else []


def source_topic_words(source: Source, headings: list[str]) -> frozenset[str]:
    return frozenset(_terms(" ".join([source.title, *source.conditions, *headings])))


def _name_terms(name: str) -> list[str]:
    """A condition name's words without the patient details a vignette runs into it ("72m")."""
    return [w for w in _terms(name) if w.isalpha()]


def names_topic(names: list[frozenset[str]], words: frozenset[str]) -> bool:
    """A name is named when at least half its words are there ("febrile pyelonephritis" is
    the topic of a guideline on pyelonephritis; "first unprovoked pulmonary embolism" of one on
    pulmonary embolism)."""
    return topic_share(names, words) >= 0.5


def topic_share(names: list[frozenset[str]], words: frozenset[str]) -> float:
    """The largest share of one name's words that `words` hold, a word counting when it is the
    same word in another form ("neuropathic" for "neuropathy", "diabetes" for "diabetic")."""
    best = 0.0
    for name in names:
        if name:
            held = sum(1 for word in name if any(same_word(word, other) for other in words))
            best = max(best, held / len(name))
    return best


def same_word(a: str, b: str) -> bool:
    """The same word in another form: equal, one a prefix of the other ("pain", "painful"), or
    sharing all but the last two letters of the shorter and at least `_SHARED_STEM` letters."""
    if a == b:
        return True
    if a[:1] != b[:1]:
        return False  # most pairs: decided without the slower checks below
    short, long = sorted((a, b), key=len)
    if len(short) >= _SHORTEST_PREFIX and long.startswith(short):
        return True
    shared = len(os.path.commonprefix((a, b)))
    return shared >= _SHARED_STEM and shared >= len(short) - 2


@dataclass(frozen=True)
class TopicChoice:
    sources: list[Source]  # best first
    named: frozenset[str]  # ids of those whose title, conditions or headings name the question's condition or drug


def topic_sources(
    q: Question, hits: list[Hit], audience: str, reading: TopicReading = TopicReading(), vocabulary=None
) -> TopicChoice:
    """The sources about the question among the first hits, best first: the reader's preferred
    kind (guidelines and reviews for professionals, consumer pages for patients), then how much
    of the search they hold."""
    names = topic_names(q)
    # Understanding may name a symptom where the clinician means a diagnosis ("gambling" in a
    # Parkinson's question): a source that only the question's other content words name still
    # qualifies, after every source its condition or drug names.
    loose = _content_names(q)
    if not names and not loose:
        return TopicChoice([], frozenset())
    headings: dict[str, list[str]] = {}
    weight: dict[str, float] = {}
    by_id: dict[str, Source] = {}
    for rank, hit in enumerate(hits[: reading.scan_hits]):
        sid = hit.source.id
        by_id.setdefault(sid, hit.source)
        # A source the search keeps returning is central to the question, not one lucky passage.
        weight[sid] = weight.get(sid, 0.0) + 1.0 / (rank + reading.rank_offset)
        headings.setdefault(sid, []).append(hit.passage.section)
    words = {sid: source_topic_words(by_id[sid], headings[sid]) for sid in by_id}
    named = {sid for sid in by_id if names_topic(names, words[sid])}
    # How much of the condition as the clinician named it a source names: its other names
    # (broader MeSH terms among them) only decide whether a source is about it at all.
    main = [frozenset(_name_terms(q.condition))] if q.condition else names
    share = {sid: topic_share(main, words[sid]) for sid in by_id}
    # A guideline whose title is for other patients ("... in children" for a 67-year-old) is not
    # about this one, however much of the search it holds.
    patient = patient_of(q.text)
    # A condition the case gives as a past event ("MI in 2019" in an osteoporosis case) is a
    # circumstance of the patient: a source that names only it is not about the question.
    past = _past_condition_names(q, vocabulary)
    present = [name for name in names if name not in past]
    denied = _denied_conditions(q, vocabulary)
    about = [
        sid
        for sid in by_id
        if (sid in named or names_topic(loose, words[sid]))
        and not (past and names_topic(past, words[sid]) and not names_topic(present, words[sid]))
        and not (denied and _titled_for(by_id[sid].title, denied, vocabulary))
        and not fit(patient, "", by_id[sid].title).excludes
        and not for_other_patients(by_id[sid].title, q, vocabulary)
    ]

    def preference(sid: str) -> tuple:
        kind = by_id[sid].kind
        preferred = kind == "consumer" if audience == "patient" else kind in STRONG_KINDS
        # A source naming more of the condition ("painful diabetic neuropathy") before one naming
        # less ("peripheral neuropathy" in chemotherapy), then how much of the search it holds.
        # A source whose own title or conditions name the topic ("Statin use for the primary
        # prevention of ...") before one that names it only in the headings the search met.
        titled = 1 + reading.title_weight * names_topic(names, source_topic_words(by_id[sid], []))
        # A suspected diagnosis was read from guideline titles; the case's other conditions are
        # the background it was told apart from, so a source titled for the diagnosis comes first.
        off_diagnosis = bool(q.suspected_from) and not names_topic(main, source_topic_words(by_id[sid], []))
        return (not preferred, off_diagnosis, -weight[sid] * (reading.share_floor + share[sid]) * titled, sid)

    chosen = [by_id[sid] for sid in sorted(about, key=preference)[: reading.max_sources]]
    return TopicChoice(chosen, frozenset(s.id for s in chosen if s.id in named))


def _denied_conditions(q: Question, vocabulary) -> set[str]:
    """The conditions the case says the patient does not have ("no diabetes"), with their
    narrower forms: a guideline titled for one ("Standards of Care in Diabetes") is for other
    patients."""
    if vocabulary is None:
        return set()
    told = (q.normalized or q.text).lower()
    said: dict[bool, set[str]] = {True: set(), False: set()}
    for m in vocabulary.match(told):
        if m.category == "condition":
            said[is_denied(told, m.start)].add(m.mesh_id)
    denied = said[True] - said[False]  # "no PE before; now a PE": the PE is the case's
    return denied | {n for cid in denied for n in vocabulary.narrower(cid)}


def _titled_for(title: str, concepts: set[str], vocabulary) -> bool:
    return any(m.mesh_id in concepts for m in vocabulary.match(title) if m.category == "condition")


def _past_condition_names(q: Question, vocabulary) -> list[frozenset[str]]:
    """The word sets of the conditions, other than the one asked about, that the case tells as
    past events, with their other names."""
    told = q.normalized or q.text.lower()
    names: list[frozenset[str]] = []
    for condition in q.conditions:
        at = told.find(condition)
        if condition == q.condition or at < 0 or not is_past_event(told, at, at + len(condition)):
            continue
        names += topic_names_of(condition)
        concept = vocabulary.lookup(condition) if vocabulary is not None else None
        if concept is not None:
            names += [name for other in vocabulary.expansions_for(concept.id) for name in topic_names_of(other)]
    return list(dict.fromkeys(names))


# "... in patients undergoing treatment for solid tumours", "... in people with atrial fibrillation"
_FOR_PATIENTS = re.compile(
    r"\b(?:in|for|among)\s+(?:(?:adult|older|pregnant|hospitali[sz]ed|critically ill)\s+)?"
    r"(?:patients|people|persons|adults|women|men|individuals|those)\s+(?:\w+\s+){0,2}?"
    r"(?:with|undergoing|receiving|who have|treated for|at risk (?:of|for))\b(?P<rest>.*)",
    re.IGNORECASE,
)


def for_other_patients(title: str, q: Question, vocabulary) -> bool:
    """A guideline titled for patients with a condition the case does not have ("VTE in patients
    undergoing treatment for solid tumours" for a PE without cancer; "stroke prevention in people
    with atrial fibrillation" for a PE) is for other patients, as one titled "in children" is for
    a 64-year-old. (bench/clinician.py: 156 -> 155 must-haves, two questions' sources changed.)"""
    if vocabulary is None:
        return False
    match = _FOR_PATIENTS.search(title)
    if match is None:
        return False
    asked = {m.mesh_id for m in q.matches if m.category == "condition"}
    related = (
        asked
        | {b for cid in asked for b in vocabulary.broader(cid)}
        | {n for cid in asked for n in vocabulary.narrower(cid)}
    )
    told = fold(q.normalized or q.text)
    rest = fold(match["rest"])
    for m in vocabulary.match(match["rest"]):
        denied = _DENIED_BEFORE.search(rest, 0, m.start)  # "... and no cancer", "without diabetes"
        if m.category == "condition" and m.mesh_id not in related and m.term not in told and not denied:
            return True
    return False


_DENIED_BEFORE = re.compile(r"\b(?:no|not|without|non)[\s-]+(?:\w+\s+){0,2}$")


# The population a statement is written for: "In patients with DVT of the leg or PE and cancer, ..."
_STATEMENT_POPULATION = re.compile(
    r"^\W*(?:in|for|among)\s+(?:\w+\s+){0,2}?(?:patients|people|persons|adults|women|men|children|those)\s+"
    r"(?:\w+\s+){0,2}?(?:with|who have|who had)\s+(?P<who>[^,;:]+)",
    re.IGNORECASE,
)
_ALTERNATIVES = re.compile(r"\s+(?:or|and/or)\s+|/", re.IGNORECASE)


def written_for_others(text: str, q: Question, vocabulary) -> bool:
    """A statement written for patients the case's patient is not: its opening population ("In
    patients with DVT of the leg or PE and cancer, ...") names conditions, and no alternative of
    it ("DVT of the leg" / "PE and cancer") holds only conditions the case has (the same, a kind
    of them or a class they belong to) or denies ("PE and no cancer")."""
    if vocabulary is None:
        return False
    match = _STATEMENT_POPULATION.match(text)
    if match is None:
        return False
    case_trees = tuple(t for m in q.matches if m.category == "condition" for t in _trees(vocabulary, m.mesh_id))
    told = fold(q.normalized or q.text)

    def the_cases(m) -> bool:
        """The case's condition, a kind of it or a class it belongs to ("heart disease" for an MI)."""
        trees = _trees(vocabulary, m.mesh_id)
        return (
            m.term in told
            or bool(set(trees) & set(case_trees))
            or is_below(trees, case_trees)
            or is_below(case_trees, trees)
        )

    named = False
    # A bracket's words belong to their alternative: "(DVT)", "(including acute pyelonephritis)".
    for alternative in _ALTERNATIVES.split(re.sub(r"[()\[\]]", " ", match["who"])):
        alternative = _expanded(alternative)  # "PE" is the pulmonary embolism the case names
        low = fold(alternative)
        conditions = [m for m in vocabulary.match(alternative) if m.category == "condition"]
        named = named or bool(conditions)
        if not any(the_cases(m) for m in conditions):
            continue
        if all(the_cases(m) or _DENIED_BEFORE.search(low, 0, m.start) for m in conditions):
            return False
    return named  # a population of no named condition ("moderate disease activity") may be anyone's


def _trees(vocabulary, mesh_id: str) -> tuple[str, ...]:
    concept = vocabulary.concepts.get(mesh_id)
    return concept.tree_numbers if concept is not None else ()


# -- which of their passages ------------------------------------------------------------------


def focused_hits(searcher, q: Question, sources: list[Source], reading: TopicReading = TopicReading()) -> list[Hit]:
    """The passages of `sources` that answer the question's facets, in the order they were
    chosen: for each facet in turn its best passages, asks before facts, then the passages
    closest to the whole question."""
    if not sources:
        return []
    conn = searcher.library.db.connection()
    passages = store.current_passages_of_sources(conn, [s.id for s in sources])
    # A passage written for patients the question's patient is not ("CrCl < 30" for CrCl 85,
    # "Children" for a 64-year-old) answers none of its parts; one written for a range that
    # holds the patient ("CrCl 30-50" for CrCl 38) answers them first.
    patient = patient_of(q.text)
    fits = {pk: fit(patient, p.text, p.section) for pk, (p, _) in passages.items()}
    passages = {pk: value for pk, value in passages.items() if not fits[pk].excludes}
    if not passages:
        return []
    pks = np.array(sorted(passages), dtype=np.int64)
    encoder = searcher.library.encoder
    vectors = searcher.vectors
    # And the abbreviations a guideline coins for itself count in their long form too ("PDN" is
    # "painful diabetic neuropathy" in that guideline's own words).
    coined = {
        source.id: _coined(tuple(p.text for p, src in passages.values() if src.id == source.id)) for source in sources
    }
    terms = {}
    for pk, (passage, source) in passages.items():
        counts, length = _passage_words(passage.text, passage.section)
        extra = _terms(" ".join(long_forms_in(passage.text, coined[source.id])))
        terms[pk] = (counts + Counter(extra), length + len(extra)) if extra else (counts, length)
    lexical = _SourceBM25(terms)
    fitting = {pk: reading.patient_fit if fits[pk].holds else 0.0 for pk in passages}
    parts = facets(q.text)
    # Each ranking first by meaning, words and fit alone; then the passages near its top are read
    # statement by statement (the costly part) for what they recommend and the kinds of answer
    # they give, and re-ranked with those priors.
    queries = [(index, reading.per_ask, facet) for index, facet in enumerate(parts) if facet.asks]
    queries += [(index, reading.per_fact, facet) for index, facet in enumerate(parts) if not facet.asks]
    base = [
        _scores(_about(facet, q, searcher.vocabulary), encoder, vectors, pks, lexical, fitting, reading)
        for _, _, facet in queries
    ]
    whole_base = _scores(q.text, encoder, vectors, pks, lexical, fitting, reading)
    near = set()
    for score in [*base, whole_base]:
        near.update(sorted(score, key=lambda pk: (-score[pk], pk))[: reading.read_closely])
    traits = {}
    for pk in near:
        passage = passages[pk][0]
        traits[pk] = _passage_traits(passage.id, passage.text, passage.section, passage.grade, searcher.vocabulary)
    # (facet index in `parts`, passages it takes, its ranking), asks before facts
    rankings: list[tuple[int, int, list[int]]] = []
    for (index, take, facet), score in zip(queries, base, strict=True):
        wanted = ask_kinds(facet.text) if facet.asks else frozenset()
        rankings.append((index, take, _reranked(score, traits, wanted, reading)))
    whole = _reranked(whole_base, traits, frozenset(), reading)
    chosen, facet_of = _share_out(rankings)  # facet_of: passage pk -> facet index; -1 for the whole question
    extra = 0
    for pk in whole:
        if extra >= reading.whole_question:
            break
        if pk not in facet_of:
            chosen.append(pk)
            facet_of[pk] = -1
            extra += 1
    # A lead-in brings the rows of its list (bench/clinician.py: the same 156 must-haves, IDSA's
    # "selecting among the following:" for non-sepsis cUTI now quoted with its three agents).
    chosen, leads = _with_rows(chosen, facet_of, passages)
    hits = []
    for order, pk in enumerate(chosen):
        passage, source = passages[pk]
        explain = {"topic_source": 1.0, "facet_order": float(order), "facet": float(facet_of[pk])}
        if pk in leads:
            explain["rows_follow"] = 1.0
        hits.append(Hit(passage=passage, source=source, score=1.0 / (1 + order), explain=explain))
    return hits


_MAX_ROWS = 8


def _with_rows(chosen: list[int], facet_of: dict[int, int], passages: dict) -> tuple[list[int], set[int]]:
    """A chosen lead-in whose list is in the passages after it ("... the IDSA suggests initially
    selecting among the following:" then one passage per agent) brings those rows with it, for
    the same facet, right after it. Returns the passages and the lead-ins that brought rows."""
    at = {(source.id, passage.order): pk for pk, (passage, source) in passages.items()}
    rows_of: dict[int, list[int]] = {}
    for pk in chosen:
        passage, source = passages[pk]
        if not passage.text.rstrip().endswith(":"):
            continue
        rows = []
        for step in range(1, _MAX_ROWS + 1):
            row = at.get((source.id, passage.order + step))
            if row is None or passages[row][0].section != passage.section or row in rows_of:
                break
            rows.append(row)
        if rows:
            rows_of[pk] = rows
    moved = {row for rows in rows_of.values() for row in rows}
    out = []
    for pk in chosen:
        if pk in moved:
            continue  # shown after its lead-in
        out.append(pk)
        for row in rows_of.get(pk, []):
            out.append(row)
            facet_of[row] = facet_of[pk]
    return out, set(rows_of)


def _share_out(rankings: list[tuple[int, int, list[int]]]) -> tuple[list[int], dict[int, int]]:
    """The passages each facet takes, in the order taken, and the facet that took each. Round by
    round each facet takes its next passage no facet has taken yet, until it has its share: a
    passage two facets want goes to the first, and the other takes its next one (it used to lose
    that turn: 149 must-haves in 1,032 claims; now 156 in 1,196 with per_ask 9)."""
    chosen: list[int] = []
    facet_of: dict[int, int] = {}
    taken = [0] * len(rankings)
    cursor = [0] * len(rankings)
    for _ in range(max((take for _, take, _ in rankings), default=0)):
        for i, (index, take, ranked) in enumerate(rankings):
            if taken[i] >= take:
                continue
            while cursor[i] < len(ranked) and ranked[cursor[i]] in facet_of:
                cursor[i] += 1
            if cursor[i] < len(ranked):
                chosen.append(ranked[cursor[i]])
                facet_of[ranked[cursor[i]]] = index
                taken[i] += 1
    return chosen, facet_of


def _about(facet: Facet, q: Question, vocabulary=None) -> str:
    """A facet as a query: its words with abbreviations spelled out, and the question's condition
    when it does not name it ("Which anticoagulant and dose?" is asked about the PE). An ask with
    hardly a word of its own ("What do I change?", "Is this the drug?") is about the case it
    follows: it is read with the facts the message gives. A condition it names brings the name of
    the disease class one level up the MeSH tree, the words guidelines file it under ("gambling"
    is among the impulse control disorders of a Parkinson's guideline). A drug an ask names
    brings its classes ("prednisone" brings glucocorticoid)."""
    text = _expanded(facet.text)
    if facet.asks and _is_vague(facet.text):
        text = f"{text} {_expanded(told_text(q.text))}"
    if vocabulary is not None:
        text = " ".join([text, *_disease_classes(q, text, vocabulary)])
    if facet.asks:
        text = " ".join([text, *_drug_classes(text), *_acting_on_case_drugs(text, q)])
    return text if not q.condition or q.condition in text else f"{text} {q.condition}"


def _drug_classes(text: str) -> list[str]:
    """The classes of the drugs an ask names, the words guidelines recommend by ("Should I bridge
    with prednisone?" is answered by a recommendation on glucocorticoids). bench/clinician.py:
    147 -> 149 must-haves; the members of a class an ask names instead gave 146."""
    low = text.lower()
    found = [name for drug in named_in(text) for name in classes_of(drug) if name not in low]
    return list(dict.fromkeys(found))


def _acting_on_case_drugs(text: str, q: Question) -> list[str]:
    """An ask for a class defined by what it does to the case's drug ("Reversal agent and dose?"
    for a patient on apixaban) is about that drug: the class's full name and the drug join it."""
    found = []
    for name in named_in(text):
        for drug in q.drugs:
            if acting := class_acting_on(name, drug):
                found += [acting, drug]
    return [name for name in dict.fromkeys(found) if name not in text.lower()]


def _is_vague(ask: str) -> bool:
    """An ask with no word of its own beyond asking words ("Dose?", "What do I change?", "Next
    step?") is about the case it follows. One that names its subject ("Antibiotics?", "ERCP?",
    "When can she eat?") is read on its own: the case's facts would drown it, their findings
    pulling in passages of their own."""
    words = content_words(ask)
    return not (set(words) - _ASKING_WORDS - _GENERIC_ASK_WORDS)


def _disease_classes(q: Question, text: str, vocabulary) -> list[str]:
    """The broader condition names of the conditions `text` names (lower case, once each)."""
    low = text.lower()
    names = []
    for match in q.matches:
        if match.category != "condition" or match.term.lower() not in low or match.mesh_id not in vocabulary.concepts:
            continue
        for parent_id in vocabulary.broader(match.mesh_id):
            parent = vocabulary.concepts[parent_id]
            if parent.category == "condition" and parent.name.lower() not in low:
                names.append(parent.name.lower())
    return list(dict.fromkeys(names))


def _expanded(text: str) -> str:
    return expand_abbreviations(text)[0]


@lru_cache(maxsize=65536)
def _passage_words(text: str, section: str) -> tuple[Counter, int]:
    """A passage's words for BM25, counted, and how many: its text and its own heading with
    abbreviations spelled out (a heading says what the passage is about, "PE — Home vs Hospital",
    and "PE" there meets "pulmonary embolism" in the question). Cached: callers must not change
    what it returns."""
    words = _terms(f"{text} {_expanded(section.split('›')[-1])}")
    return Counter(words), len(words)


@lru_cache(maxsize=64)
def _coined(texts: tuple[str, ...]) -> dict[str, str]:
    """The abbreviations one source version defines for itself, read once per version (its
    passages never change). Cached: callers must not change what it returns."""
    return defined_abbreviations(texts)


@lru_cache(maxsize=16384)
def _passage_traits(passage_id: str, text: str, section: str, grade: str, vocabulary) -> tuple[bool, frozenset[str]]:
    """(whether a passage makes a graded or stated recommendation for or against, the kinds of
    answer it gives), from its statements. Passages never change under one id."""
    statements = passage_statements(passage_id, text, section, grade, vocabulary)
    # Graded by its own words, not by the passage's grade that the reading gives a sentence without one.
    recommends = any(
        s.polarity != "neutral" and (s.strength or (find_grade(s.text) if grade else s.grade)) for s in statements
    )
    kinds = gives_kinds(
        text,
        doses=any(s.doses for s in statements),
        against=any(s.polarity == "against" for s in statements),
        recommends_agent=any(s.polarity == "recommend" and s.interventions for s in statements),
        roles={r for s in statements for r in s.roles},
    )
    return recommends, kinds


def _scores(
    text: str, encoder, vectors, pks: np.ndarray, lexical: "_SourceBM25", prior: dict[int, float], reading: TopicReading
) -> dict[int, float]:
    """Each passage's closeness to `text`: cosine of the vectors, plus BM25 within the sources, plus `prior`."""
    cosine = dict(vectors.search(encoder.encode_query(text), len(pks), candidate_pks=pks)) if len(vectors) else {}
    words = lexical.scores(text)
    return {
        int(pk): cosine.get(int(pk), 0.0) + reading.lexical_weight * words.get(int(pk), 0.0) + prior[int(pk)]
        for pk in pks
    }


def _reranked(
    score: dict[int, float],
    traits: dict[int, tuple[bool, frozenset[str]]],
    wanted: frozenset[str],
    reading: TopicReading,
) -> list[int]:
    """Passages best first: the score plus, for those read closely, the recommendation prior and
    the share of the kinds of answer `wanted` ("Which drug and dose?": a choice and a dose) they give."""

    def final(pk: int) -> float:
        if pk not in traits:
            return score[pk]
        recommends, gives = traits[pk]
        kind = reading.kind_weight * len(wanted & gives) / len(wanted) if wanted else 0.0
        return score[pk] + (reading.recommendation_prior if recommends else 0.0) + kind

    final_score = {pk: final(pk) for pk in score}
    return sorted(final_score, key=lambda pk: (-final_score[pk], pk))


class _SourceBM25:
    """BM25 over the passages of the chosen sources only: a word common across the whole guideline
    (its condition) weighs little, the word that picks out one passage ("home") weighs much."""

    def __init__(self, terms: dict[int, tuple[dict[str, int], int]], k1: float = 1.2, b: float = 0.75):
        """`terms`: each passage's word counts and its number of words."""
        self.counts = {pk: counts for pk, (counts, _) in terms.items()}
        self.k1, self.b = k1, b
        self.n = len(terms)
        self.avg = sum(length for _, length in terms.values()) / max(self.n, 1) or 1.0
        self.df: dict[str, int] = {}
        for counts in self.counts.values():
            for w in counts:
                self.df[w] = self.df.get(w, 0) + 1
        self.norm = {pk: self.k1 * (1 - self.b + self.b * length / self.avg) for pk, (_, length) in terms.items()}

    def scores(self, text: str) -> dict[int, float]:
        asked = [w for w in set(_terms(text)) if w in self.df]
        idf = {w: math.log(1 + (self.n - self.df[w] + 0.5) / (self.df[w] + 0.5)) for w in asked}
        out = {}
        for pk, counts in self.counts.items():
            score = 0.0
            for w in asked:
                f = counts.get(w)
                if f:
                    score += idf[w] * f * (self.k1 + 1) / (f + self.norm[pk])
            out[pk] = score
        best = max(out.values(), default=0.0) or 1.0
        return {pk: s / best for pk, s in out.items()}
