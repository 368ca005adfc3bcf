"""The shape of an article for each kind of question: its title, its sections, and which
statements feed each section.

A layout is the article's skeleton: its sections in reading order, each naming the statement
roles (extract.ROLES) that belong in it, and optionally words a sentence must contain (a plain
English cue such as "differential" or "refer", never a clinical fact). Titles are structural
headings, never clinical claims. A question that is not about treatment never gets the
treatment skeleton.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..language.words import MODIFIERS

# Roles that give a line of therapy, in the order a clinician follows them.
LINE_ROLES = ("first_line", "second_line", "third_line", "refractory")
# A statement the extractor marks as recommending for an intervention, with no more specific
# role a layout takes: compose gives it this role so a plain recommendation is not lost.
RECOMMENDED = "recommended"

SECTION_LIMIT = 6  # bullets per section
CLAIM_LIMIT = 3  # claims per bullet that make its point
DETAIL_LIMIT = 2  # further claims per bullet giving its dose and titration
BOTTOM_LINE_LIMIT = 3


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    roles: frozenset[str]  # a statement with any of these roles may go here
    words: re.Pattern | None = None  # ... and, when set, whose sentence contains one of these words
    against: bool = False  # recommendations against something; they go nowhere else
    populations: bool = False  # statements about a population the question did not ask about
    numbered: bool = False
    by_intervention: bool = True  # one bullet per intervention; otherwise one bullet per statement
    attach: frozenset[str] = frozenset()  # roles that join an existing bullet for the same intervention


def _spec(key: str, title: str, roles: str, words: str = "", **options) -> SectionSpec:
    pattern = re.compile(words, re.IGNORECASE) if words else None
    return SectionSpec(key, title, frozenset(roles.split()), pattern, **options)


_AVOID = _spec("avoid", "What to avoid", "", against=True)
_MONITORING = _spec("monitoring", "Monitoring and follow-up", "monitoring", by_intervention=False)
_POPULATIONS = _spec("populations", "Special populations", "special_population", populations=True)
_DOSE_DETAILS = frozenset({"dosing", "titration"})

LAYOUTS: dict[str, tuple[SectionSpec, ...]] = {
    "treatment": (
        _spec("first_line", "First-line options", "first_line", attach=_DOSE_DETAILS),
        _spec("second_line", "Second-line and alternatives", "second_line", attach=_DOSE_DETAILS),
        _spec("refractory", "Refractory / third-line options", "third_line refractory", attach=_DOSE_DETAILS),
        _spec("combination", "Combination therapy", "combination"),
        _spec("recommended", "Other recommended options", RECOMMENDED, attach=_DOSE_DETAILS),
        _spec(
            "non_pharmacological",
            "Non-pharmacological and interventional options",
            "non_pharmacological interventional",
        ),
        _spec("algorithm", "Treatment algorithm", "", numbered=True),  # filled by compose from the line roles
        _spec(
            "considerations",
            "Important clinical considerations",
            "trial_duration contraindication special_population",
            by_intervention=False,
        ),
        _AVOID,
        _MONITORING,
    ),
    "dosing": (
        _spec("dosing", "Dosing", "dosing titration trial_duration"),
        _spec("adjustments", "Adjustments and special populations", "special_population", populations=True),
        _MONITORING,
        _spec("cautions", "Cautions", "contraindication adverse_effects", by_intervention=False),
        _AVOID,
    ),
    "adverse_effects": (
        _spec("adverse_effects", "Common and serious adverse effects", "adverse_effects"),
        _MONITORING,
        _spec("management", "Management", "titration second_line", by_intervention=False),
        _spec("contraindications", "Contraindications and cautions", "contraindication", by_intervention=False),
        _AVOID,
    ),
    "contraindications": (
        _spec("contraindications", "Contraindications and cautions", "contraindication"),
        _POPULATIONS,
        _spec("risks", "Risks and adverse effects", "adverse_effects"),
        _AVOID,
        _MONITORING,
    ),
    "interactions": (
        _spec("interactions", "Interactions", "combination contraindication"),
        _spec("risks", "Risks and adverse effects", "adverse_effects"),
        _MONITORING,
        _AVOID,
    ),
    "monitoring": (
        _spec("monitoring", "Monitoring and follow-up", "monitoring", by_intervention=False),
        _spec("review", "When to reassess", "trial_duration", by_intervention=False),
        _spec("cautions", "Cautions", "contraindication adverse_effects", by_intervention=False),
    ),
    "diagnosis": (
        _spec("diagnosis", "Diagnostic criteria and tests", "diagnosis", by_intervention=False),
        _spec(
            "differential",
            "Differential diagnosis and referral",
            "diagnosis monitoring background",
            r"\b(?:differential|distinguish\w*|mimic\w*|rule out|exclude|refer\w*|specialist)\b",
            by_intervention=False,
        ),
        _spec("background", "Background", "definition background", by_intervention=False),
    ),
    "symptoms": (
        _spec(
            "presentation",
            "Clinical features",
            "definition background diagnosis prognosis",
            r"\b(?:symptoms?|signs?|present\w*|manifest\w*|features?|complain\w*)\b",
            by_intervention=False,
        ),
        _spec("diagnosis", "Diagnosis", "diagnosis", by_intervention=False),
        _spec("background", "Background", "definition background", by_intervention=False),
    ),
    "prognosis": (
        _spec("prognosis", "Course and outcome", "prognosis", by_intervention=False),
        _spec("complications", "Complications", "adverse_effects", r"\bcomplications?\b", by_intervention=False),
        _MONITORING,
    ),
    "prevention": (
        _spec("prevention", "Prevention", "prevention"),
        _spec("screening", "Screening", "diagnosis", r"\bscreen\w*", by_intervention=False),
        _AVOID,
    ),
    "cause": (
        _spec(
            "causes",
            "Causes and risk factors",
            "background",
            r"\b(?:caus\w*|risk factors?|a?etiolog\w*|due to|associated with)\b",
            by_intervention=False,
        ),
        _spec("mechanism", "Mechanism", "mechanism", by_intervention=False),
        _spec("prevention", "Prevention", "prevention"),
    ),
    "definition": (
        _spec("overview", "Overview", "definition background", by_intervention=False),
        _spec("mechanism", "Mechanism", "mechanism", by_intervention=False),
        _spec("diagnosis", "Diagnosis", "diagnosis", by_intervention=False),
        _spec("management", "Management", f"first_line second_line non_pharmacological {RECOMMENDED}"),
    ),
}
# What the intent reader could not place (costs, storage, comparisons) gets the overview.
LAYOUTS["other"] = LAYOUTS["definition"]

# The sections the treatment bottom line quotes, one sentence from each group in turn: what to
# start with, what to do when it fails, what to avoid.
_TREATMENT_BOTTOM_LINE = (
    ("first_line", "recommended", "non_pharmacological"),
    ("second_line", "refractory", "combination"),
    ("avoid",),
)
# When the question is about refractory disease, the escalation it asks about comes first.
_REFRACTORY_BOTTOM_LINE = (
    ("first_line", "recommended", "non_pharmacological"),
    ("refractory", "combination", "second_line"),
    ("avoid",),
)


def layout_for(intent: str) -> tuple[SectionSpec, ...]:
    return LAYOUTS.get(intent, LAYOUTS["definition"])


def place(
    layout: tuple[SectionSpec, ...], roles: set[str], sentence: str, against: bool, other_population: bool
) -> SectionSpec | None:
    """The section a statement belongs in, or None when the layout has no place for it.

    A recommendation against goes to "What to avoid" when the layout has one; a statement about
    a population the question did not ask about goes to the special-populations section when
    the layout has one; otherwise the first section whose roles it carries, trying sections that
    also need particular words first (they are the narrower fit)."""
    if against:
        for spec in layout:
            if spec.against:
                return spec
    if other_population:
        for spec in layout:
            if spec.populations:
                return spec
    narrow = [spec for spec in layout if spec.words is not None]
    broad = [spec for spec in layout if spec.words is None]
    for spec in narrow + broad:
        if spec.against or spec.numbered or not spec.roles & roles:
            continue
        if spec.words is None or spec.words.search(sentence):
            return spec
    return None


def bottom_line_plan(intent: str, modifiers: list[str], present: list[str]) -> tuple[tuple[str, ...], ...]:
    """Which sections each bottom-line sentence is drawn from, given the keys of the sections
    the article has. Beyond treatment: the two best points of the leading section and the best
    of the next, since the leading section is the direct answer."""
    if intent == "treatment":
        return _REFRACTORY_BOTTOM_LINE if "refractory" in modifiers else _TREATMENT_BOTTOM_LINE
    keys = [key for key in present if key not in ("avoid", "algorithm")]
    plan = [(keys[0],), (keys[0],), (keys[1],)] if len(keys) > 1 else [(key,) for key in keys[:1] * 2]
    return tuple(plan[:BOTTOM_LINE_LIMIT])


# -- titles -----------------------------------------------------------------------------------

_TITLES = {
    "treatment": "{lead}Treatment of {subject}",
    "dosing": "Dosing of {subject}",
    "adverse_effects": "Adverse Effects of {subject}",
    "interactions": "Interactions of {subject}",
    "contraindications": "Contraindications and Cautions for {subject}",
    "monitoring": "Monitoring of {subject}",
    "diagnosis": "Diagnosis of {subject}",
    "symptoms": "Clinical Features of {subject}",
    "prognosis": "Prognosis of {subject}",
    "prevention": "Prevention of {subject}",
    "cause": "Causes of {subject}",
    "definition": "{subject}: Overview",
    "other": "{subject}",
}
# Intents about a drug rather than a condition: their subject is the drug when one is named.
_DRUG_INTENTS = {"dosing", "adverse_effects", "interactions", "contraindications", "monitoring"}
_LEADS = {"first_line": "First-Line ", "non_pharmacological": "Non-Pharmacological "}
_POPULATION_PHRASES = {"pregnancy": "during pregnancy", "breastfeeding": "during breastfeeding"}
_SMALL_WORDS = frozenset("a an and as at by during for in of on or the to with versus vs".split())
_WORD = re.compile(r"[A-Za-z0-9][\w'-]*")


def title_for(question) -> str:
    """The question restated as a topic: "Treatment of Refractory Diabetic Peripheral Neuropathy".
    A question that names no condition and no drug the vocabulary reads is titled with its own
    words: the first thing it asks ("Full Septic Screen?"), or its first words, not a string of
    its keywords ("Diagnosis of Term Temp Looks Focus Full Septic")."""
    condition, drugs = question.condition, question.drugs
    if not condition and not drugs:
        # A drug the message names only as context ("Starting lithium. Baseline bloods?") is the
        # subject of a question that names nothing else.
        drugs = list(dict.fromkeys(m.term for m in question.matches if m.category == "drug"))[:2]
        if not drugs:
            return _own_words_title(question.text)
    if question.intent in _DRUG_INTENTS and drugs:
        context = " in " if question.intent == "contraindications" else " for "
        subject = " and ".join(drugs[:2]) + (context + condition if condition else "")
    elif condition:
        refractory = "refractory " if "refractory" in question.modifiers and question.intent == "treatment" else ""
        subject = refractory + condition
    elif drugs:
        subject = " and ".join(drugs[:2])
    else:
        subject = " ".join(question.keywords[:6]) or question.text.strip().rstrip("?")
    # A population the condition itself names ("chronic kidney disease" is renal impairment) is not repeated.
    populations = [
        population_phrase(m)
        for m in question.modifiers
        if m in POPULATION_MODIFIERS and not MODIFIERS[m].search(condition)
    ]
    if populations:
        subject += " " + " and ".join(populations)
    lead = next((_LEADS[m] for m in question.modifiers if m in _LEADS), "")
    template = _TITLES.get(question.intent, "{subject}")
    return title_case(template.format(lead=lead, subject=subject), question.text)


def _own_words_title(text: str) -> str:
    from ..search.facets import facets

    asks = [facet.text.strip(" ,;.") for facet in facets(text) if facet.asks]
    words = (asks[0] if asks else text.strip()).rstrip("?").split()
    shown = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    return title_case(shown[:1].upper() + shown[1:], text) + ("?" if asks else "")


# Question modifiers that name a population; `extract` names the same populations with spaces.
POPULATION_MODIFIERS = (
    "children",
    "adolescents",
    "pregnancy",
    "breastfeeding",
    "older_adults",
    "renal_impairment",
    "hepatic_impairment",
)


def population_phrase(population: str) -> str:
    """ "in older adults", "during pregnancy": a population as the end of a phrase."""
    name = population.replace("_", " ")
    return _POPULATION_PHRASES.get(name, f"in {name}")


def as_written(text: str, question_text: str) -> str:
    """`text` with each word an acronym in the question spelled as the question spells it
    ("copd" -> "COPD"), so lowercase normalised names read naturally."""
    written = {w.lower(): w for w in _WORD.findall(question_text) if sum(c.isupper() for c in w) >= 2}
    return _WORD.sub(lambda m: written.get(m.group(0).lower(), m.group(0)), text)


def title_case(text: str, question_text: str = "") -> str:
    """Headline case that keeps acronyms: small words stay lowercase except first."""
    text = as_written(text, question_text)

    def cap(match: re.Match) -> str:
        word = match.group(0)
        if match.start() and word.lower() in _SMALL_WORDS:
            return word.lower()
        if sum(c.isupper() for c in word) >= 2:
            return word
        return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))

    return _WORD.sub(cap, text)
