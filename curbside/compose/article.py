"""The article, composed from the statements of the retrieved passages (no language model).

Every sentence in the article is a sentence of a cited passage, quoted whole. Composing is
choosing and arranging: which statements answer this question, which section each belongs in
(layouts.py), how they group by intervention, which come first (guidelines, systematic reviews
and graded statements, then retrieval rank), what the bottom line quotes, where sources
disagree (differ.py), how references are numbered (references.py) and which follow-ups the
evidence could answer (followups.py). For a patient, which of the statements that answer equally
well are shown is patient_selection.py's choice: the readable ones. When nothing usable is found
the article says so and shows what was found; it never fills a gap.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple

from ..language.clean import GRADE_UNREAD, grade_rank
from ..language.interventions import intervention_vocabulary
from ..language.measures import AGE, fit, patient_of
from ..language.vocabulary import expand_abbreviations
from ..language.words import COURSE_WORDS, MODIFIERS, STOPWORDS, fold, looks_like_condition, word_set
from ..model import Article, Bullet, Claim, Hit, Section
from ..search.facets import answers_by_part, ask_title, asked_drugs, asked_text, facets
from ..search.understand import Question
from .audience import LEADS, lead_sections, rewrite_claims
from .candidates import Candidate, Draft
from .disagreements import Quoted, mark_differences
from .extract import ROLES, Statement, named_in, passage_statements
from .followups import suggest_follow_ups
from .layouts import (
    CLAIM_LIMIT,
    DETAIL_LIMIT,
    POPULATION_MODIFIERS,
    RECOMMENDED,
    SECTION_LIMIT,
    SectionSpec,
    bottom_line_plan,
    layout_for,
    place,
    title_for,
)
from .patient import PatientSelection
from .references import cite, closest_sources
from .topic_reading import STRONG_KINDS, names_topic, source_topic_words, topic_names_of, written_for_others

INSUFFICIENT = "The library does not hold enough evidence to answer this question."
DISCLAIMERS = {
    "professional": (
        "This article is decision support for health professionals and does not replace clinical "
        "judgement; check the cited sources before acting on it."
    ),
    "patient": (
        "This information is not a substitute for advice from your own doctor, nurse or pharmacist, who "
        "know your situation; ask them before changing any treatment. If symptoms are severe or come on "
        "suddenly, get urgent medical care."
    ),
}
_CIRCUMSTANTIAL = {"contraindication", "special_population"}
# Sentences that are not statements: cross-references, and text that is a flow chart drawn in characters.
_BOILERPLATE = re.compile(
    r"^(?:see|refer to|for more (?:information|details)|click|visit|call|these resources)\b|-->|->|<--"
    # a tool or product the summary advertises ("OpenMedicine Calculators: ... available via MCP")
    r"|\bcalculators?\b[^.]*\bavailable\b|\bavailable (?:via|through|from) (?:the )?(?:app|api|mcp)\b"
    # the clearinghouse's own editorial note on a summary ("Note from the National Guideline
    # Clearinghouse (NGC): This guideline was developed by ..."); a drug alert listed under it is
    # read as a statement of its own
    r"|^note from the national guideline clearinghouse\b",
    re.IGNORECASE,
)
_DANGLING = re.compile(r"(?:these|this|they|those|it|such|both|either|neither)\b", re.IGNORECASE)
# Treatments named elsewhere ("Data are insufficient to recommend one agent over the other"):
# quoted without the sentence that names them, nobody knows which.
_POINTS_BACK = re.compile(
    r"\b(?:these|those|such|both|either|neither|the other|one of (?:these|them|the))\s+"
    r"(?:agents?|drugs?|medications?|medicines?|options?|treatments?|therap(?:y|ies)|interventions?)\b"
    r"|\bone (?:agent|drug|medication|option|treatment) over (?:the )?others?\b",
    re.IGNORECASE,
)
# A row of a scoring tool's table ("Parameter: Systolic BP (mmHg); Criteria: 90-99; Score: 2",
# "Component: Age; 0 Points: < 45 years; 1 Point: 45-64 years", "Criteria: 5-12; Points: 1"): a
# criterion for adding up a score, not something to do. A case's measured values (BP 94/58, Hb 8.0) drew such rows into its
# articles as if they were recommendations (bench/clinician.py: 11 quoted in 4 of 40 articles). A
# row that bands a score ("Category: Remission; CDAI Threshold: <= 2.8") defines the score too.
_SCORE_ROW = re.compile(
    r"(?:^|;\s*)(?:(?:score|points?):\s*[\d<>≤≥]|\d+\s+points?:|category:[^;]*;\s*[\w-]+\s+threshold:\s*[\d<>≤≥])",
    re.IGNORECASE,
)
_RECOMMENDS_FIELD = re.compile(
    r"(?:^|;\s*)[^:;]*\b(?:recommend\w*|action\w*|implication\w*|management|strategy)\b[^:;]*:", re.IGNORECASE
)
# A row of a guideline's table of evidence ("Recommendation: Azelaic acid; Strength of
# Recommendation: A; Level of Evidence: I; References: Cunliffe & Holland, 1989"): it grades a
# recommendation written elsewhere and lists the studies behind it; quoted, it reads as advice
# it does not give (the acne guideline's 20 such rows filled the isotretinoin case's article).
_EVIDENCE_TABLE_ROW = re.compile(r"^Recommendation:[^;]{1,120};.*;\s*References:", re.IGNORECASE)
_ASKS_SCORE = re.compile(r"\b(?:scores?|points?|scoring)\b", re.IGNORECASE)
_TRAILING_JOIN = re.compile(r"(?:\b(?:and|or|and/or|but|with|plus)|,)\s*$", re.IGNORECASE)
_CHART_STEP = re.compile(r"[→⇒➔]|-+>|=>")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_WORD = re.compile(r"[a-z0-9]+")
_MIN_WORDS = 4
_STEM = 5  # letters that make two words one for overlap ("asthma", "asthmatic")
_PART = "part_"  # key prefix of the sections that answer a question part by part
_PART_CLAIMS = 9  # quotes per part answered (with topic_reading's per_ask 10; see there)
_PART_PER_PASSAGE = 2
# Quotes in a case's "further recommendations": the whole question's passages and the facts',
# in the order the topic reading ranked them. Earlier, with the facts' passages first and 9
# quotes: 143 must-haves in 1,098 claims; the whole question's first and 9: 144; 12: 148 in 1,164;
# 15: 149 in 1,205. In reading order (session 8): 12 found 165 in 1,168 claims, 13 found 166 in
# 1,193 (claims citing the question's sources 0.704), 14 found 166 in 1,211 (0.700); the whole
# question's first and 12 found 164 in 1,171 (bench/clinician.py, demo library).
_FURTHER_CLAIMS = 13
BOTTOM_LINE_PARTS = 2
_NO_RECOMMENDATION = 3  # grade_rank of "insufficient evidence", Level U, expert opinion only
BOTTOM_LINE_OTHER_CONDITION = 3  # a condition the case does not name costs as much as a recommendation gains
# The first thing a case asks is what its bottom line answers first: a quote chosen for it counts
# as three more of the case's words (bench/clinician.py: 34 -> 36 must-haves in the bottom line at
# 3 and at 6, none lost elsewhere).
BOTTOM_LINE_FIRST_ASK = 3
_ABOUT_ITS_DRUG = frozenset({"monitoring", "adverse_effects", "interactions"})
BOTTOM_LINE_RECOMMENDS = 3  # a recommendation outweighs three more of the case's words in a bottom line
_PATIENT = _PART + "patient"
_ON_TOPIC, _MENTIONS = "on topic", "mentions"
# The algorithm's steps: the order a clinician follows the lines of therapy.
_ALGORITHM_STEPS = (("first_line",), ("second_line",), ("third_line", "refractory"))


def compose(
    question: Question,
    hits: list[Hit],
    *,
    audience: str = "physician",
    today_year: int,
    superseded_after_years: int = 5,
    vocabulary=None,
) -> Article:
    """The article answering `question` from `hits` (best first)."""
    article = Article(
        question=question.text,
        title=title_for(_as_titled(question)),
        audience=audience,
        intent=question.intent,
        condition=question.condition,
        superseded_after_years=superseded_after_years,
        disclaimer=DISCLAIMERS["patient" if audience == "patient" else "professional"],
    )
    hits = _unique_hits(hits)
    considered, relevant = _relevant_candidates(question, hits, vocabulary, audience)
    layout = layout_for(question.intent)
    by_part, used = _part_sections(question, relevant, vocabulary) if answers_by_part(question.text) else ([], set())
    part_candidates = [c for c in relevant if id(c) in used]
    patient = (
        PatientSelection((*question.drugs, *question.conditions), _spread_over_sources)
        if audience == "patient"
        else None
    )
    # A case answered part by part is answered by its parts, the further recommendations on it and
    # the patient's circumstances. The intent's generic sections after them (management, diagnosis,
    # cautions ...) held 250 of 1,127 claims over the clinician development set and first gave 7 of
    # its 236 must-have facts: mostly what the case is not about (bench/clinician.py). A patient's
    # article keeps them: its readable choices are made there (patient.py).
    rest = (
        [] if by_part and quotes_topic_sources_only(question, audience) else [c for c in relevant if id(c) not in used]
    )
    drafts = _draft_sections(question, layout, rest)
    sections = {spec.key: _section(spec, drafts[spec.key], patient) for spec in layout if drafts.get(spec.key)}
    if question.intent == "treatment" and (algorithm := _algorithm(layout, drafts)) is not None:
        sections[algorithm.key] = algorithm
    article.sections = by_part + [sections[spec.key] for spec in layout if spec.key in sections]
    if audience in LEADS:
        article.sections = lead_sections(
            audience, [(c.statement, c.hit) for c in relevant], article.sections, _claim_maker(relevant)
        )
    article.explain = _explain(question, considered, relevant, drafts)
    if not article.sections:
        article.kind, article.message = "insufficient", INSUFFICIENT
        article.closest_sources = closest_sources(
            hits, today_year=today_year, superseded_after_years=superseded_after_years
        )
        return article
    article.bottom_line = (
        _case_bottom_line(question, part_candidates, vocabulary)
        if by_part and patient is None
        else _bottom_line(question, article.sections, patient, bool(by_part))
    )
    _drop_from_body(article)
    source_of = {hit.passage.id: hit.source for hit in hits}
    cite(article, article.all_claims(), source_of, today_year=today_year)
    mark_differences(article, _quoted(layout, drafts, part_candidates))
    article.follow_ups = suggest_follow_ups(question, [c.statement for c in relevant], article)
    rewrite_claims(article, audience, protected=[*question.drugs, *question.conditions])
    return article


# -- choosing statements ----------------------------------------------------------------------


def quotes_topic_sources_only(question: Question, audience: str) -> bool:
    """Whether an article on `question` quotes only the passages its topic reading chose: a case
    answered part by part, for a professional (a patient's article keeps the generic sections)."""
    return audience != "patient" and answers_by_part(question.text)


def _as_titled(question: Question) -> Question:
    """A case description is titled by what it asks: its drugs named where it asks ("Can I use
    apixaban?") and its populations named there, not every substance and finding it reports
    ("troponin negative, CrCl 85")."""
    if not answers_by_part(question.text):
        return question
    asked = asked_text(question.text).lower()
    modifiers = [m for m in question.modifiers if m not in POPULATION_MODIFIERS or MODIFIERS[m].search(asked)]
    return replace(question, drugs=asked_drugs(question), modifiers=modifiers)


def _unique_hits(hits: list[Hit]) -> list[Hit]:
    seen, kept = set(), []
    for hit in hits:
        if hit.passage.id not in seen:
            seen.add(hit.passage.id)
            kept.append(hit)
    return kept


class _Reading(NamedTuple):
    """A statement with the forms of its text that matching needs, computed once."""

    statement: Statement
    folded: str
    words: frozenset[str]
    key: str  # its words only: the same sentence in two passages has one key


def _relevant_candidates(
    question: Question, hits: list[Hit], vocabulary, audience: str = "physician"
) -> tuple[list[Candidate], list[Candidate]]:
    """(every statement considered, those about the question that are real statements), each
    sentence once, in evidence order."""
    by_part = answers_by_part(question.text)
    own = [words for name in question.conditions if (words := word_set(fold(name)))]
    others = [words for name in question.condition_expansions if (words := word_set(fold(name)))]
    # Another name that is only part of the condition as asked ("peripheral neuropathy" for
    # "painful diabetic peripheral neuropathy") is a broader one: a myeloma guideline's section on
    # peripheral neuropathy is not about the diabetic kind. A case description keeps them, its
    # condition phrases often carrying words of the case ("72m febrile pyelonephritis").
    names = own + [n for n in others if by_part or not any(n < mine for mine in own)]
    drugs = {drug.lower() for drug in question.drugs}
    patient = patient_of(question.text)
    considered, relevant, seen = [], [], set()
    for rank, hit in enumerate(hits):
        # A source's first condition is what it is about; the rest of its list names complications
        # and comorbidities ("Type 1 diabetes ... neuropathy"), which do not make every passage
        # of it about them.
        heading, heading_words = _heading(hit.source.title, hit.passage.section, tuple(hit.source.conditions[:1]))
        heading_matches = _names_condition(names, heading_words, loosely=True)
        heading_names_drug = any(drug in heading for drug in drugs)
        for reading in _read(hit.passage.id, hit.passage.text, hit.passage.section, hit.passage.grade, vocabulary):
            statement = reading.statement
            interventions = (
                statement.interventions
                or _heading_interventions(hit.passage.section, vocabulary)
                or [drug for drug in question.drugs if drug.lower() in heading]
            )
            candidate = Candidate(statement, hit, (), set(statement.roles), interventions)
            considered.append(candidate)
            lead_with_rows = hit.explain.get("rows_follow", 0.0) >= 1.0 and statement.text.rstrip().endswith(":")
            if reading.key in seen or (_is_boilerplate(statement) and not lead_with_rows):
                continue
            if _is_score_row(statement.text) and not _ASKS_SCORE.search(question.text):
                continue  # a scoring criterion, quoted only when the question asks about the score
            if _EVIDENCE_TABLE_ROW.search(statement.text):
                continue
            if statement.doses and not interventions:
                continue  # a dose is never shown without its drug ("Reduce to 2.5 mg BID if ...")
            if fit(patient, statement.text, hit.passage.section).excludes:
                continue  # written for other patients ("CrCl < 30" for CrCl 85, "Children" for 64M)
            # In a case answered part by part, a passage the topic reading chose for a part, from
            # a source about the case, answers that part whatever drug or class it names
            # (topic_reading.py): the case's named findings are often not what sources are about.
            # A single question's evidence must still be about its condition.
            chosen_for_part = by_part and hit.explain.get("topic_source", 0.0) >= 1.0
            about = (
                _ON_TOPIC
                if chosen_for_part
                else _is_about(question, reading, names, drugs, heading_matches, heading_names_drug)
            )
            if about:
                seen.add(reading.key)
                candidate.order = (about != _ON_TOPIC, *_evidence_order(statement, hit, rank, audience))
                relevant.append(candidate)
    relevant.sort(key=lambda c: c.order)
    return considered, relevant


_BETWEEN_STATEMENTS = re.compile(r"[\s\-–•*;]*")


def _continues_with_dose(before: Statement, statement: Statement, text: str) -> bool:
    """Whether `statement` is a dose that names no drug ("Dose: Start 6.25 mg daily") right after
    a statement of the same passage that names one, with nothing but spacing or a list mark between."""
    return (
        bool(statement.doses)
        and not statement.interventions
        and bool(before.interventions)
        and not before.doses
        and _adjacent(before, statement, text)
    )


def _adjacent(before: Statement, after: Statement, text: str) -> bool:
    """Whether `after` follows `before` in the passage with nothing but spacing or a list mark between."""
    return before.end <= after.start and _BETWEEN_STATEMENTS.fullmatch(text[before.end : after.start]) is not None


# A sentence that goes on from the one before it ("Then rechallenge with the same statin at a lower
# dose"): quoted alone, nobody knows after what.
_GOES_ON = re.compile(
    r"(?:then|thereafter|after that|afterwards|if not|otherwise|if this fails|if ineffective)\b", re.IGNORECASE
)


def _continues(before: Statement, statement: Statement, text: str) -> bool:
    return _GOES_ON.match(statement.text) is not None and _adjacent(before, statement, text)


def _joined(before: Statement, after: Statement, text: str) -> Statement:
    """One statement quoting both, as the passage writes them (text[start:end] stays verbatim)."""
    return replace(
        before,
        text=text[before.start : after.end],
        end=after.end,
        interventions=list(dict.fromkeys([*before.interventions, *after.interventions])),
        doses=[*before.doses, *after.doses],
        numbers=[*before.numbers, *after.numbers],
        roles=[role for role in ROLES if role in set(before.roles) | set(after.roles)],
    )


@lru_cache(maxsize=8192)
def _read(passage_id: str, text: str, section: str, grade: str, vocabulary) -> tuple[_Reading, ...]:
    """The statements of a passage, read once. Passages are immutable once stored (a changed
    document is a new version with new ids) and the same passages answer many questions on one
    topic, so this saves most of compose's time. Callers must not change what it returns."""
    readings = []
    statements: list[Statement] = []
    for statement in passage_statements(passage_id, text, section, grade, vocabulary):
        if statements and (
            _continues_with_dose(statements[-1], statement, text) or _continues(statements[-1], statement, text)
        ):
            # "Carvedilol is the preferred NSBB ... Dose: Start 6.25 mg daily": the dose is quoted
            # with the sentence that names its drug, as one quote of the passage's own text.
            statements[-1] = _joined(statements[-1], statement, text)
        else:
            statements.append(statement)
    for statement in statements:
        folded = fold(statement.text)
        readings.append(_Reading(statement, folded, word_set(folded), " ".join(_WORD.findall(folded))))
    return tuple(readings)


@lru_cache(maxsize=8192)
def _heading_interventions(section: str, vocabulary) -> list[str]:
    """The drug the nearest heading names, for a statement that names none itself (the row
    "Dose reduction for CrCl < 30 mL/min: 1 mg/kg once daily" under "LMWH › Enoxaparin")."""
    for heading in reversed(section.split("›")):
        if named := named_in(heading, vocabulary):
            return named[:1]
    return []


@lru_cache(maxsize=8192)
def _heading(title: str, section: str, conditions: tuple[str, ...]) -> tuple[str, frozenset[str]]:
    folded = fold(" ".join([title, section, *conditions]))
    return folded, word_set(folded)


def _evidence_order(statement: Statement, hit: Hit, rank: int, audience: str = "physician") -> tuple:
    """Strongest evidence first: a graded guideline or systematic-review statement, then any
    guideline, review or graded statement, then the rest; within each, a stated strong
    recommendation, then the strongest grade, then retrieval rank, then reading order. A patient reads sources written for
    patients first, when the library holds some on the question."""
    strong_kind = hit.source.kind in STRONG_KINDS
    graded = bool(statement.grade or statement.strength)
    tier = 0 if strong_kind and graded else 1 if strong_kind or graded else 2
    written_for_reader = audience != "patient" or hit.source.kind == "consumer"
    # Passages chosen from the sources the question is about (topic.py) come first, in the
    # order their facets chose them.
    topic = hit.explain.get("topic_source", 0.0) >= 1.0
    return (
        not topic,
        not written_for_reader,
        tier,
        statement.strength != "strong",
        # The strongest grade first (Level A before B before U), whatever system prints it.
        grade_rank(statement.grade) if statement.grade else GRADE_UNREAD,
        rank,
        hit.passage.id,
        statement.start,
    )


def _starts_with_intervention(statement: Statement) -> bool:
    """ "apixaban 5 mg twice daily": a row may start with its drug in lower case."""
    first = statement.text.strip().split(" ", 1)[0].lower()
    return any(name.lower().startswith(first) or first.startswith(name.lower()) for name in statement.interventions)


def _is_score_row(text: str) -> bool:
    """A row of a scoring tool's criteria, not one that says what to do at a score ("Risk Group:
    High Risk; Score: 5-7; Actionable Recommendation: ...")."""
    return bool(_SCORE_ROW.search(text)) and not _RECOMMENDS_FIELD.search(text)


def _is_boilerplate(statement: Statement) -> bool:
    text = statement.text.strip()
    if _BOILERPLATE.search(text) or text.endswith(":") or statement.rating_only:
        return True  # a cross-reference, a lead-in without its list, or only a rating of the sentence before
    if (_DANGLING.match(text) or _POINTS_BACK.search(text)) and not statement.interventions:
        return True  # "These should be reserved for ...": quoted alone, nobody knows what "these" are
    if text.rstrip(".)]").endswith("?") or text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        return True  # a question, or a piece of a longer sentence cut at a bracket, states nothing
    if _CHART_STEP.match(text):
        return True  # "→ YES → Start ...": a flow chart's branch, whose question is elsewhere
    if _TRAILING_JOIN.search(text):
        return True  # "Emptying of the bladder and": one item of a list whose other items and lead-in are elsewhere
    if text[:1].islower() and not statement.lead_in and not _starts_with_intervention(statement):
        return True  # "moderate bleeding risk ..., the panel suggests": the rest of a sentence split across passages
    words = len(_WORD.findall(_BRACKETED.sub(" ", text).lower()))
    # A short list item is a statement when its lead-in says what the list is ("Options include:").
    # A short list item ("Amifostine") means what its lead-in says of it ("... are not
    # recommended:"); shown alone nobody can tell, so a short list is quoted whole (extract.py)
    # and a short item of a long list not at all.
    return words < _MIN_WORDS


def _is_about(
    question: Question,
    reading: _Reading,
    names: list[frozenset[str]],
    drugs: set[str],
    heading_matches: bool,
    heading_names_drug: bool,
) -> str:
    """How a statement is about the question: _ON_TOPIC when it names one of the question's
    drugs or comes from a passage whose source or heading is about its condition; _MENTIONS
    when it only names the condition in passing (a guideline on another disease listing it as a
    comorbidity), which ranks after every on-topic statement; "" when it is not about it. A
    question about a drug's dose, effects or interactions keeps only statements about that drug
    (or naming no intervention, in a passage headed by it) for its condition."""
    interventions = {i.lower() for i in reading.statement.interventions}
    names_drug = bool(drugs & interventions) or any(drug in reading.folded for drug in drugs)
    names_condition = _names_condition(names, reading.words)
    # The drug for another condition is not an answer: a Lyme disease regimen of amoxicillin is
    # not the dose for otitis media.
    for_condition = not names or heading_matches or names_condition
    if drugs and question.intent in ("dosing", "adverse_effects", "interactions", "contraindications"):
        return _ON_TOPIC if (names_drug or (not interventions and heading_names_drug)) and for_condition else ""
    if (not names and not drugs) or heading_matches or (names_drug and for_condition):
        return _ON_TOPIC
    return _MENTIONS if names_condition else ""


def _names_condition(names: list[frozenset[str]], words: frozenset[str], loosely: bool = False) -> bool:
    """A condition name is named when its words are there, leaving out words for its course or
    severity ("gout" names "acute gout"). Loosely, for a source's title and headings, which
    name the topic of everything under them: a name of three or more words may miss one more
    ("Diabetic Neuropathy" heads a passage on "diabetic peripheral neuropathy")."""
    for name in names:
        core = name - COURSE_WORDS or name
        if len(core - words) <= (1 if loosely and len(core) >= 3 else 0):
            return True
    return False


# -- arranging them ---------------------------------------------------------------------------


def _draft_sections(
    question: Question, layout: tuple[SectionSpec, ...], relevant: list[Candidate]
) -> dict[str, list[Draft]]:
    """Each relevant statement in its section, grouped into bullets. A statement no section
    takes may still give the dose of an intervention that has a bullet, and joins it; failing
    that, a plain recommendation of an intervention goes to the layout's catch-all section."""
    asked = {m.replace("_", " ") for m in question.modifiers if m in POPULATION_MODIFIERS}
    drafts: dict[str, list[Draft]] = {}

    def placed(candidate: Candidate) -> bool:
        statement = candidate.statement
        # "Not in pregnancy" or "contraindicated in X" is a consideration for some patients, not a
        # treatment to avoid altogether.
        against = statement.polarity == "against" and not candidate.roles & _CIRCUMSTANTIAL
        spec = place(layout, candidate.roles, statement.text, against, bool(set(statement.populations) - asked))
        if spec is not None:
            _add(drafts.setdefault(spec.key, []), candidate, spec.by_intervention)
        return spec is not None

    leftover = _attach_details(layout, drafts, [c for c in relevant if not placed(c)])
    for candidate in leftover:
        if candidate.statement.polarity == "recommend" and candidate.interventions:
            candidate.roles.add(RECOMMENDED)
            placed(candidate)
    _attach_details(layout, drafts, [c for c in leftover if RECOMMENDED not in c.roles])
    return drafts


def _add(drafts: list[Draft], candidate: Candidate, by_intervention: bool) -> None:
    interventions = candidate.interventions if by_intervention else []
    key = tuple(i.lower() for i in interventions) or (f"#{candidate.hit.passage.id}:{candidate.statement.start}",)
    for draft in drafts:
        if draft.key == key:
            draft.main.append(candidate)
            return
    drafts.append(Draft(key, _label(interventions), [candidate]))


def _part_label(candidate: Candidate) -> str:
    """A part's bullet quotes one statement: it is labelled only when the statement names no
    intervention itself, with what its heading names ("Dabigatran" over "Reduce to 75 mg BID if
    CrCl 15-30"). Repeating the sentence's own subjects ("Alginate: Consider using alginate
    dressings ...") was clutter; a word read as an intervention ("Bed" of "ulcer bed") a wrong
    subject; and a class spelled out over a row about another drug ("Low-molecular-weight
    heparin: Drug: Edoxaban; Lead-In Phase: LMWH ...") a misleading one."""
    return "" if candidate.statement.interventions else _label(candidate.interventions)


def _keeps_case(name: str) -> bool:
    """An acronym or a name written with capitals of its own in its first word ("eGFR", "DOAC")
    keeps its case; "vitamin K antagonist" starts a label with a capital."""
    first = name.split()[0] if name.split() else name
    return any(c.isupper() for c in first)


def _label(interventions: list[str]) -> str:
    """The interventions as the source names them; a lowercase name gets a capital, an acronym keeps its own.
    A name that is only a word of another one listed ("sodium" of "sodium valproate") is left out."""
    words = [set(name.lower().split()) for name in interventions]
    interventions = [
        name
        for i, name in enumerate(interventions)
        if not any(j != i and words[i] < words[j] for j in range(len(interventions)))
    ]
    shown = [name if _keeps_case(name) else name[:1].upper() + name[1:] for name in interventions[:3]]
    if len(interventions) > 3:
        shown[-1] += ", …"
    return ", ".join(shown)


def _attach_details(
    layout: tuple[SectionSpec, ...], drafts: dict[str, list[Draft]], candidates: list[Candidate]
) -> list[Candidate]:
    """A dose or titration statement joins the bullet of its intervention, preferring a bullet
    about that intervention alone, in the first section that takes such details. Returns the
    statements that found no bullet."""
    leftover = []
    for candidate in candidates:
        name = candidate.interventions[0].lower() if candidate.interventions else ""
        targets = [
            draft
            for spec in layout
            if spec.attach & candidate.roles
            for draft in drafts.get(spec.key, [])
            if name in draft.key
        ]
        if targets:
            target = next((draft for draft in targets if draft.key == (name,)), targets[0])
            target.details.append(candidate)
        else:
            leftover.append(candidate)
    return leftover


def _section(spec: SectionSpec, drafts: list[Draft], patient: PatientSelection | None = None) -> Section:
    """The section's bullets, strongest evidence first, each with its best claims: one per
    source before a second from the same source, so agreement across sources shows. A patient's
    are chosen among those answering equally well by how they read (patient_selection.py)."""
    if patient is not None:
        chosen = patient.bullets(spec, drafts)
    else:
        chosen = [
            (
                draft,
                _spread_over_sources(draft.main, CLAIM_LIMIT)
                + sorted(draft.details, key=lambda c: c.order)[:DETAIL_LIMIT],
            )
            for draft in sorted(drafts, key=lambda d: d.main[0].order)[:SECTION_LIMIT]
        ]
    bullets = [Bullet(draft.label, [_claim(candidate) for candidate in candidates]) for draft, candidates in chosen]
    return Section(spec.key, spec.title, bullets, numbered=spec.numbered)


def _spread_over_sources(candidates: list[Candidate], limit: int, key=lambda c: c.order) -> list[Candidate]:
    ordered = sorted(candidates, key=key)
    firsts, seen = [], set()
    for candidate in ordered:
        if candidate.hit.source.id not in seen:
            seen.add(candidate.hit.source.id)
            firsts.append(candidate)
    first_ids = {id(c) for c in firsts}
    rest = [c for c in ordered if id(c) not in first_ids]
    return sorted((firsts + rest)[:limit], key=key)


def _claim(candidate: Candidate) -> Claim:
    statement = candidate.statement
    candidate.claim = Claim(
        text=statement.text,
        citation=0,
        passage_id=candidate.hit.passage.id,
        quote_start=statement.start,
        quote_end=statement.end,
        grade=statement.grade,
        roles=list(statement.roles),
        doses=[dose.text for dose in statement.doses],
    )
    return candidate.claim


def _claim_maker(relevant: list[Candidate]):
    """(statement, hit) -> its claim: the one the body already quotes, so a quote that moves to an
    audience's leading section keeps its place in the sources-differ notes, else a new one."""
    by_key = {(c.hit.passage.id, c.statement.start): c for c in relevant}

    def make(statement, hit) -> Claim:
        candidate = by_key[(hit.passage.id, statement.start)]
        return candidate.claim or _claim(candidate)

    return make


def _copy(claim: Claim) -> Claim:
    """The same quote as a separate object, for the bottom line and the algorithm."""
    return Claim(**{**claim.__dict__, "roles": list(claim.roles), "doses": list(claim.doses)})


def _algorithm(layout: tuple[SectionSpec, ...], drafts: dict[str, list[Draft]]) -> Section | None:
    """Numbered steps in the order of the lines of therapy, each the strongest statement the
    article quotes for that line, only when the sources give at least two lines."""
    spec = next((spec for spec in layout if spec.numbered), None)
    # A step is a recommendation when one is quoted for that line; a sentence that only
    # mentions the line (a list of agents, a definition) is the fallback.
    shown = sorted(
        (
            c
            for ds in drafts.values()
            for d in ds
            for c in d.main
            if c.claim is not None and c.statement.polarity != "against"
        ),
        key=lambda c: (c.statement.polarity != "recommend", c.order),
    )
    steps, used = [], set()
    for roles in _ALGORITHM_STEPS:
        best = next((c for c in shown if c.roles & set(roles) and id(c) not in used), None)
        if best is not None:
            used.add(id(best))
            steps.append(Bullet(_label(best.interventions), [_copy(best.claim)]))
    if spec is None or len(steps) < 2:
        return None
    return Section(spec.key, spec.title, steps, numbered=True)


def _bottom_line(
    question: Question, sections: list[Section], patient: PatientSelection | None = None, by_part: bool = False
) -> list[Claim]:
    """One to three quotes answering the question directly, each from a different bullet. A
    patient's is the most readable lead quote of the first few bullets each part of it could use.
    An article answering part by part leads with the first answer to each of its first parts."""
    if by_part:
        answers = [section for section in sections if section.key.startswith(_PART) and section.key != _PATIENT]
        return [_strongest(section) for section in answers[:BOTTOM_LINE_PARTS]]
    by_key = {section.key: section for section in sections}
    chosen: list[Claim] = []
    used_bullets: set[int] = set()
    for group in bottom_line_plan(question.intent, question.modifiers, [section.key for section in sections]):
        bullets = [
            b
            for key in group
            if key in by_key
            for b in by_key[key].bullets
            if id(b) not in used_bullets and _can_lead(b.claims[0], b.label)
        ]
        if bullets:
            best = bullets[0] if patient is None else patient.most_readable(bullets)
            used_bullets.add(id(best))
            chosen.append(best.claims[0])  # the quote itself: it leaves the body (_drop_from_body)
    return chosen


def _can_lead(claim: Claim, label: str) -> bool:
    """Whether a quote can stand in the bottom line: it names its own drug when it gives a dose,
    it recommends something (a grade of "insufficient evidence" recommends nothing), and it is not
    a lead-in whose list the bottom line would not show ("The following IV agents are preferred:")."""
    return (
        _says_its_drug(claim, label)
        and not (claim.grade and grade_rank(claim.grade) >= _NO_RECOMMENDATION)
        and not _is_lead_in(claim.text)
    )


def _is_lead_in(text: str) -> bool:
    return text.rstrip().endswith(":")


def _says_its_drug(claim: Claim, label: str) -> bool:
    """Whether a quote can stand in the bottom line, which shows no bullet label: a dose must name
    its drug in its own words ("Starting dose: 100 mg/day" under "Allopurinol" cannot)."""
    names = [name.strip(" …").lower() for name in label.split(",") if name.strip(" …")]
    return not claim.doses or not names or any(name in claim.text.lower() for name in names)


def _case_bottom_line(question: Question, candidates: list[Candidate], vocabulary=None) -> list[Claim]:
    """For a case answered part by part: the recommendations that fit this patient best, one or
    two from different parts. Fit is how many of the case's own words a recommendation uses
    ("bilateral", "younger than 24 months", "without severe signs"); a graded or stated
    recommendation for or against counts for more than a statement of fact."""
    case = word_set(fold(question.text))
    parts_asked = facets(question.text)
    told = {float(i) for i, f in enumerate(parts_asked) if not f.asks}
    # A passage read for a fact of the case answers the case only where it speaks to the patient's
    # circumstances (a contraindication, a statement against); the rest is background.
    parts = [
        c
        for c in candidates
        if c.claim is not None
        and (
            c.hit.explain.get("facet", -1.0) not in told
            or bool(c.roles & _CIRCUMSTANTIAL)
            or c.statement.polarity == "against"
        )
    ]
    own = {m.mesh_id for m in question.matches if m.category == "condition"}
    first_ask = next((float(i) for i, f in enumerate(parts_asked) if f.asks), None)
    asked = _with_classes(asked_drugs(question)) if answers_by_part(question.text) else set()
    its_drug = set()
    if not asked and question.intent in _ABOUT_ITS_DRUG:
        # "Starting isotretinoin. What labs?": a question about monitoring, harms or interactions is about
        # the drug the case names even when the asking sentence does not repeat it; a statement
        # about another drug only ("labs before starting hydroxyurea") is not its bottom line.
        asked = its_drug = _with_classes(question.drugs)

    def other_conditions(text: str) -> int:
        """MeSH conditions the vocabulary finds in `text` (abbreviations spelled out: "NAFLD") that
        the case does not name. A topic only the library's metadata names ("antiphospholipid
        antibody syndrome") has no tree to tell it from the case's own MeSH condition, so it is
        not counted."""
        if vocabulary is None:
            return 0
        return len(
            {
                m.mesh_id
                for m in vocabulary.match(expand_abbreviations(text)[0])
                if m.category == "condition" and m.mesh_id not in own and vocabulary.concepts[m.mesh_id].tree_numbers
            }
        )

    def fit(c: Candidate) -> tuple:
        recommends = c.statement.polarity != "neutral" or bool(c.statement.grade or c.statement.strength)
        words = word_set(fold(c.statement.text))
        overlap = len(case & words)
        # A recommendation for patients with a condition the case does not have ("active cancer",
        # "NAFLD") is not this patient's, however many of the case's words it shares.
        other = max(sum(1 for w in words - case if looks_like_condition(w)), other_conditions(c.statement.text))
        first = first_ask is not None and c.hit.explain.get("facet", -1.0) == first_ask
        # A case that asks about a drug ("Can I still give alteplase?") is answered about that drug
        # or its class, not with another drug's regimen from a guideline on another condition.
        named = {n.lower() for n in (*c.interventions, *c.statement.classes)}
        other_drug = bool(asked) and not (named & asked)
        return (
            -(
                overlap
                + BOTTOM_LINE_RECOMMENDS * recommends
                - BOTTOM_LINE_OTHER_CONDITION * other
                - BOTTOM_LINE_OTHER_CONDITION * other_drug
                + BOTTOM_LINE_FIRST_ASK * first
            ),
            c.hit.explain.get("facet_order", 0.0),
            c.statement.start,
        )

    # What a caution for this patient's circumstances rules out ("DOACs are NOT recommended for
    # patients with antiphospholipid antibody syndrome") is not the bottom line's advice.
    ruled_out = set()
    for caution in _cautions_for_case(
        question, [c for c in candidates if c.hit.explain.get("topic_source", 0.0) >= 1.0]
    ):
        ruled_out |= _cautioned(caution)
    chosen, facets_used = [], set()
    for c in sorted(parts, key=fit):
        facet = c.hit.explain.get("facet", -1.0)
        # The bottom line shows no bullet label: a dose there must name its drug itself.
        if (
            facet in facets_used
            or (c.statement.doses and not c.statement.interventions)
            or _is_lead_in(c.statement.text)
        ):
            continue
        named = {n.lower() for n in (*c.statement.interventions, *c.statement.classes)}
        if c.statement.polarity != "against" and named & ruled_out:
            continue
        if its_drug and named and not named & its_drug:
            continue
        facets_used.add(facet)
        chosen.append(c.claim)
        if len(chosen) == BOTTOM_LINE_PARTS:
            break
    return chosen


def _with_classes(drugs: list[str]) -> set[str]:
    """The drugs, lower case, with the classes the intervention vocabulary puts them in."""
    entries = intervention_vocabulary()[0]
    names = {d.lower() for d in drugs}
    for drug in list(names):
        entry = entries.get(tuple(drug.split()))
        if entry is not None:
            names |= {c.lower() for c in entry.classes}
    return names


def _strongest(section: Section) -> Claim:
    """The section's first graded or recommending quote, else its first."""
    claims = [claim for bullet in section.bullets for claim in bullet.claims]
    whole = [claim for claim in claims if not _is_lead_in(claim.text)] or claims
    return next((c for c in whole if c.grade or RECOMMENDED in c.roles or "first_line" in c.roles), whole[0])


def _drop_from_body(article: Article) -> None:
    """No sentence is said twice. The bottom line's quotes leave the body, and so do the
    algorithm's steps (copies of body quotes, in the order of the lines of therapy) — the
    algorithm keeps only steps that are not the bottom line, and only if two remain. A bullet or
    section left empty goes."""
    said = {id(claim) for claim in article.bottom_line}
    in_bottom_line = {(claim.passage_id, claim.quote_start) for claim in article.bottom_line}
    steps: set[tuple[str, int]] = set()
    for section in article.sections:
        if section.numbered:
            section.bullets = [b for b in section.bullets if _at(b.claims[0]) not in in_bottom_line]
            if len(section.bullets) < 2:
                section.bullets = []  # one step is no sequence
            steps |= {_at(b.claims[0]) for b in section.bullets}
    for section in article.sections:
        if section.numbered:
            continue
        for bullet in section.bullets:
            bullet.claims = [c for c in bullet.claims if id(c) not in said and _at(c) not in steps]
        section.bullets = [b for b in section.bullets if b.claims]
    article.sections = [s for s in article.sections if s.bullets]


def _at(claim: Claim) -> tuple[str, int]:
    return claim.passage_id, claim.quote_start


def _part_sections(question: Question, relevant: list[Candidate], vocabulary=None) -> tuple[list[Section], set[int]]:
    """A section for each thing the question asks, quoting the statements of the passages the
    topic reading chose for it (topic.py), then one for what the sources say about the patient's
    circumstances it gives (kidney function, pregnancy, a past event) when they say something
    specific to them. Returns the sections and the ids of the candidates they use."""
    parts = facets(question.text)
    by_facet: dict[int, list[Candidate]] = {}
    for candidate in relevant:
        explain = candidate.hit.explain
        if explain.get("topic_source", 0.0) >= 1.0:
            by_facet.setdefault(int(explain.get("facet", -1.0)), []).append(candidate)
    sections, used = [], set()
    cautions = _cautions_for_case(question, [c for c in relevant if c.hit.explain.get("topic_source", 0.0) >= 1.0])

    def bullet(c: Candidate) -> Bullet:
        """A quote, with the first caution its own source gives for this patient about what it names
        ("DOACs are NOT recommended for patients with antiphospholipid antibody syndrome" next to
        an apixaban dose), when that caution is not shown already."""
        claims = [_claim(c)]
        named = {n.lower() for n in (*c.interventions, *c.statement.classes)}
        if c.statement.polarity != "against":
            for caution in cautions:
                if (
                    id(caution) not in used
                    and caution is not c
                    and caution.hit.source.id == c.hit.source.id
                    and named & _cautioned(caution)
                ):
                    used.add(id(caution))
                    claims.append(_claim(caution))
                    break
        return Bullet(_part_label(c), claims)

    asked = _stems(_expanded_question(question.text))
    # A statement written for other patients ("In patients with DVT of the leg or PE and cancer"
    # in a case without cancer) goes after every one that may be this patient's: shown only when
    # the part has room left (bench/clinician.py: 156 must-haves either way, 20 -> 15 such
    # statements quoted; leaving them out entirely found 154). Read once per statement: the
    # circumstances' candidates are chosen from twice.
    others = {
        id(c)
        for candidates in by_facet.values()
        for c in candidates
        if written_for_others(c.statement.text, question, vocabulary)
    }

    def chosen(candidates: list[Candidate], keep) -> list[Candidate]:
        out, per_passage = [], Counter()
        # A passage's statements that share most words with the question first ("Avoid
        # 15-methylprostaglandin F2a in asthmatic patients" for a case with asthma), then in order.
        for c in sorted(
            candidates,
            key=lambda c: (
                id(c) in others,
                c.hit.explain.get("facet_order", 0.0),
                -_shared(c, asked),
                c.statement.start,
            ),
        ):
            if id(c) in used or not keep(c) or per_passage[c.hit.passage.id] >= _PART_PER_PASSAGE:
                continue
            per_passage[c.hit.passage.id] += 1
            out.append(c)
            used.add(id(c))
        return out[:_PART_CLAIMS]

    for index, facet in enumerate(parts):
        if facet.asks and (answer := _together(chosen(by_facet.get(index, []), lambda c: True))):
            sections.append(
                Section(
                    f"{_PART}{index}",
                    ask_title(facet.text),
                    [bullet(c) for c in answer],
                )
            )
    # What the sources say specifically about the patient's circumstances is chosen first; the
    # other passages read for those facts ("creatinine 1.0 -> 1.4 mg/dL" brought the AKI
    # definition) then join the passages close to the whole question.
    circumstances = [c for index, facet in enumerate(parts) if not facet.asks for c in by_facet.get(index, [])]
    specific = chosen(circumstances, lambda c: bool(c.roles & _CIRCUMSTANTIAL) or c.statement.polarity == "against")
    # The passages closest to the whole question (often the guideline's key recommendation on the
    # case as a whole) and what the facts' passages say beyond the patient's circumstances, in the
    # order the topic reading ranked them: a fact's passage ranked high ("sPESI 0" brought "Low-risk
    # PE may be considered for home treatment") is not crowded out by the whole question's later ones.
    further = sorted(
        chosen(by_facet.get(-1, []), lambda c: True) + chosen(circumstances, lambda c: True),
        key=lambda c: (id(c) in others, c.hit.explain.get("facet_order", 0.0)),
    )[:_FURTHER_CLAIMS]
    further = _together(further)
    if further:
        # Passages close to the whole question that no single part took: often the guideline's
        # key recommendation on the case as a whole.
        sections.append(
            Section(
                f"{_PART}further",
                "Further recommendations from these sources",
                [bullet(c) for c in further],
            )
        )
    if specific:
        sections.append(
            Section(
                _PATIENT,
                "This patient's circumstances",
                [Bullet(_part_label(c), [_claim(c)]) for c in specific],
            )
        )
    return sections, used


def _stems(text: str) -> frozenset[str]:
    return frozenset(word[:_STEM] for word in _WORD.findall(fold(text)) if len(word) > 2 and word not in STOPWORDS)


@lru_cache(maxsize=64)
def _expanded_question(text: str) -> str:
    return expand_abbreviations(text)[0]


def _shared(candidate: Candidate, asked: frozenset[str]) -> int:
    """How many of the question's words the statement shares (bench/clinician.py: 148 -> 149
    must-haves; 4, 5 or 6 letters to a stem give the same)."""
    return len(_stems(candidate.statement.text) & asked)


def _together(candidates: list[Candidate]) -> list[Candidate]:
    """Two statements chosen from one passage that follow each other there ("- Avoid
    methylergonovine if patient is hypertensive. - Avoid 15-methylprostaglandin F2a in asthmatic
    patients.") are quoted as one, in the passage's order: one point, not two fragments.
    bench/clinician.py: the same 149 must-haves in 1,032 claims instead of 1,163."""
    out: list[Candidate] = []
    for candidate in candidates:
        for i, earlier in enumerate(out):
            if earlier.hit.passage.id != candidate.hit.passage.id:
                continue
            text = candidate.hit.passage.text
            first, second = sorted((earlier, candidate), key=lambda c: c.statement.start)
            if _adjacent(first.statement, second.statement, text):
                out[i] = replace(
                    earlier,
                    statement=_joined(first.statement, second.statement, text),
                    roles=earlier.roles | candidate.roles,
                    interventions=list(dict.fromkeys([*first.interventions, *second.interventions])),
                    claim=None,
                )
                break
        else:
            out.append(candidate)
    return out


def _cautions_for_case(question: Question, candidates: list[Candidate]) -> list[Candidate]:
    """The statements against a treatment for a circumstance this patient has: a condition the
    case names, named in the sentence itself ("... NOT recommended for patients with
    antiphospholipid antibody syndrome"), or a range of kidney function, weight or BMI that holds
    the patient, in the sentence or its heading ("CrCl < 30 mL/min" for CrCl 26). An age range
    ("adults 21 years or older") holds for most patients and makes no caution theirs."""
    patient = patient_of(question.text)
    names = [name for condition in question.conditions for name in topic_names_of(condition)]
    out = []
    for c in candidates:
        statement = c.statement
        if statement.polarity != "against" or not _cautioned(c):
            continue
        said = source_topic_words(c.hit.source, [statement.text]) - source_topic_words(c.hit.source, [])
        fitting = fit(patient, statement.text, c.hit.passage.section)
        if fitting.excludes:
            continue  # written for other patients ("In women with a BMI > 27" for a man)
        if (names and names_topic(names, said)) or fitting.holds - {AGE}:
            out.append(c)
    return out


def _cautioned(candidate: Candidate) -> set[str]:
    """What a caution is against: the treatments and classes it names itself (lower case)."""
    return {n.lower() for n in candidate.statement.interventions}


def _quoted(
    layout: tuple[SectionSpec, ...], drafts: dict[str, list[Draft]], part_candidates: list[Candidate]
) -> list[Quoted]:
    """The statements the article quotes, in reading order (the part-by-part sections come
    first), for the sources-differ check."""
    shown = [c for c in part_candidates if c.claim is not None]
    for spec in layout:
        for draft in sorted(drafts.get(spec.key, []), key=lambda d: d.main[0].order):
            shown += [c for c in sorted(draft.main + draft.details, key=lambda c: c.order) if c.claim is not None]
    return [Quoted(c.claim, c.statement, c.hit.source.id, tuple(c.interventions), c.hit.source.title) for c in shown]


def _explain(
    question: Question, considered: list[Candidate], relevant: list[Candidate], drafts: dict[str, list[Draft]]
) -> dict:
    kept = [c for ds in drafts.values() for d in ds for c in d.main + d.details if c.claim is not None]
    return {
        "intent": question.intent,
        "condition": question.condition,
        "statements_considered": len(considered),
        "statements_relevant": len(relevant),
        "statements_kept": len(kept),
        "considered_by_role": _role_counts(considered),
        "kept_by_role": _role_counts(kept),
    }


def _role_counts(candidates: list[Candidate]) -> dict[str, int]:
    counts = Counter(role for c in candidates for role in c.roles)
    return dict(sorted(counts.items()))
