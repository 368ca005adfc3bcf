"""One body of evidence, written for each reader.

Every audience gets the same retrieved evidence and the same verification; what changes is what
leads and how a sentence reads:

- physician: the article as composed.
- pharmacist: leads with dosing and titration, renal and hepatic adjustment, interactions and
  monitoring, quoted from the statements the evidence holds on them.
- nurse: leads with administration, then monitoring and what to watch for.
- student: adds a short "why" from the mechanism sentences the sources contain, and spells out
  abbreviations where they first appear.
- patient: the search already prefers consumer sources (rerank.py); here every sentence is shown
  in plain words (plain.py's glossary, long sentences split, doses left to the clinician), the
  clinician-only treatment algorithm is left out, and sources' own advice on when to get help
  leads a "When to get medical help" section. Every shown sentence keeps its citation, and its
  verbatim quote stays on the claim for the verifier and the passage viewer. Among statements that
  answer equally well, compose shows the patient the ones that read easily (reading_band below),
  never leaving out a warning (is_safety) for being hard.

Sections added here quote statements with a role or wording the audience needs; a statement
already quoted in the body moves to the leading section rather than appearing twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..language.clean import without_footnote_marks
from ..model import Article, Bullet, Claim, Hit, Section
from .extract import Statement

MAX_BULLETS = 6  # per added section: it leads the article, it must stay short


@dataclass(frozen=True)
class LeadSection:
    key: str
    title: str
    wants: Callable[[Statement], bool]


def _mentions(pattern: str) -> Callable[[Statement], bool]:
    compiled = re.compile(pattern, re.IGNORECASE)
    return lambda statement: bool(compiled.search(statement.text))


def _has_roles(*roles: str) -> Callable[[Statement], bool]:
    return lambda statement: bool(set(roles) & set(statement.roles))


def _either(*tests: Callable[[Statement], bool]) -> Callable[[Statement], bool]:
    return lambda statement: any(test(statement) for test in tests)


def _both(*tests: Callable[[Statement], bool]) -> Callable[[Statement], bool]:
    return lambda statement: all(test(statement) for test in tests)


def _states_dose(statement: Statement) -> bool:
    return bool(statement.doses) or "titration" in statement.roles


_RENAL_HEPATIC = _both(
    _mentions(
        r"\b(?:renal|kidney|hepatic|liver|creatinine clearance|crcl|e?gfr|h?a?emodialysis|dialysis|child-pugh)\b"
    ),
    _mentions(
        r"\b(?:dos\w*|adjust\w*|reduc\w*|avoid\w*|contraindicat\w*|caution\w*|clearance|impairment|insufficiency|"
        r"failure|administered after)\b"
    ),
)
_INTERACTIONS = _mentions(
    r"\b(?:interact\w*|co-?administ\w*|concomitant\w*|cyp\s?\w+|inhibitors? of|inducers? of|"
    r"potentiat\w*|serotonin syndrome)\b"
)
_ADMINISTRATION = _mentions(
    r"\b(?:administ\w+|infus\w+|inject\w*|bolus|intravenous\w*|iv|subcutaneous\w*|intramuscular\w*|"
    r"orally|by mouth|with food|empty stomach|dilut\w+|route|inhal\w+|topical\w*|apply|applied)\b"
)
_WATCH_FOR = _mentions(
    r"\b(?:watch(?:ed)? for|warning signs?|report(?:ed)? (?:any|promptly|immediately)|"
    r"stop (?:taking|treatment)|hypotension|bleeding|rash|allergic|anaphyla\w+)\b"
)
_GET_HELP = _mentions(
    r"\b(?:call|contact|see|tell|seek|get|go to)\b[^.]{0,40}\b(?:doctor|health ?care provider|clinician|"
    r"nurse|pharmacist|emergency|urgent|immediate|911|medical (?:help|care|attention|advice))"
)

LEADS: dict[str, tuple[LeadSection, ...]] = {
    "pharmacist": (
        LeadSection("dosing", "Dosing and titration", _states_dose),
        LeadSection("renal_hepatic", "Renal and hepatic adjustment", _RENAL_HEPATIC),
        LeadSection("interactions", "Interactions", _INTERACTIONS),
        LeadSection("monitoring", "Monitoring", _has_roles("monitoring")),
    ),
    "nurse": (
        LeadSection("administration", "Administration", _ADMINISTRATION),
        LeadSection(
            "monitoring",
            "Monitoring and what to watch for",
            _either(_has_roles("monitoring", "adverse_effects"), _WATCH_FOR),
        ),
    ),
    "student": (LeadSection("why", "Why: how it works", _has_roles("mechanism")),),
    "patient": (LeadSection("get_help", "When to get medical help", _GET_HELP),),
}

PATIENT_TITLES = {
    "first_line": "Treatments usually tried first",
    "second_line": "If the first treatment does not work",
    "refractory": "When other treatments have not worked",
    "combination": "Treatments used together",
    "recommended": "Other treatments",
    "non_pharmacological": "Treatments without medicines",
    "considerations": "Things to discuss with your clinician",
    "avoid": "What to avoid",
    "monitoring": "Check-ups and tests",
    "dosing": "Dose",
    "adverse_effects": "Side effects",
    "contraindications": "Who should not use it",
    "diagnosis": "How it is diagnosed",
    "presentation": "Signs and symptoms",
    "prognosis": "What to expect",
    "prevention": "Prevention",
    "causes": "Causes",
    "overview": "Overview",
    "background": "Background",
}
CLINICIAN_ONLY = {"algorithm"}  # a numbered clinician workflow is not the patient's to follow

CARE_ADVICE = (
    "Talk to your doctor, nurse or pharmacist before starting, stopping or changing a treatment; they "
    "decide the dose and what suits you. Get urgent care (call your local emergency number) if symptoms "
    "are severe, come on suddenly or quickly get worse."
)


def lead_sections(
    audience: str,
    evidence: list[tuple[Statement, Hit]],
    sections: list[Section],
    make_claim: Callable[[Statement, Hit], Claim],
) -> list[Section]:
    """The sections this audience reads first, then the body without what they took or what the
    audience should not get. `evidence` is the relevant statements, strongest first."""
    taken: set[tuple[str, int]] = set()
    leading = []
    for lead in LEADS.get(audience, ()):
        bullets = []
        for statement, hit in evidence:
            key = (hit.passage.id, statement.start)
            if key in taken or not _suits(lead, statement, hit, audience):
                continue
            taken.add(key)
            label = statement.interventions[0] if statement.interventions and lead.key != "why" else ""
            bullets.append(Bullet(_capital(label), [make_claim(statement, hit)]))
            if len(bullets) >= MAX_BULLETS:
                break
        if bullets:
            leading.append(Section(lead.key, lead.title, bullets))
    body = [section for section in sections if not (audience == "patient" and section.key in CLINICIAN_ONLY)]
    body = [_without(section, taken) for section in body]
    if audience == "patient":
        for section in body:
            section.title = PATIENT_TITLES.get(section.key, section.title)
    lead_first = audience != "student"  # the student's "why" follows the answer it explains
    ordered = leading + body if lead_first else body + leading
    return [section for section in ordered if section.bullets]


def _suits(lead: LeadSection, statement: Statement, hit: Hit, audience: str) -> bool:
    """A clinical lead section quotes professional sources about a named intervention; the
    patient's and the student's take any source the sentence fits."""
    if not lead.wants(statement):
        return False
    if audience in ("patient", "student"):
        return True
    return bool(statement.interventions) and hit.source.kind != "consumer" and statement.polarity != "against"


def _without(section: Section, taken: set[tuple[str, int]]) -> Section:
    """The section less the quotes a leading section now shows; a bullet left empty goes."""
    bullets = []
    for bullet in section.bullets:
        claims = [c for c in bullet.claims if (c.passage_id, c.quote_start) not in taken]
        if claims:
            bullets.append(Bullet(bullet.label, claims, bullet.differ))
    return Section(section.key, section.title, bullets, numbered=section.numbered)


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:] if label and not any(c.isupper() for c in label) else label


# -- which sentences a patient can read -------------------------------------------------------
# Used by compose to choose, among statements that make the same point, the ones a patient can read.
# Nothing here rewords anything: it only ranks whole cited sentences.

READABLE_GRADE = 8  # the grade patient articles aim at (issue 6): a sentence at or below it reads easily
HARD_GRADE = 12  # above this (past secondary school) a sentence gives way to readable ones on the same point
SAFETY_SECTIONS = frozenset({"get_help", "avoid", "contraindications", "cautions"})
_SAFETY_ROLES = frozenset({"contraindication"})
_WARNING = _mentions(
    r"\b(?:avoid\w*|do not|don't|should not|must not|never|contraindicat\w*|warn\w*|danger\w*|"
    r"allerg\w*|anaphyla\w*|life-threatening|fatal|overdose|emergency|urgent\w*|immediately|stop (?:taking|using|treatment))\b"
)


# A sentence that leans on the one before it ("In fact, you may have it ...") reads well only after it.
_LEANS_ON_PREVIOUS = re.compile(
    r"(?:in fact|however|also|then|therefore|thus|but|and|so|this|these|that|those|it|its|they|"
    r"their|them|he|she|such|both|either|neither|otherwise|instead|in addition|additionally|"
    r"furthermore|moreover|as a result|for this reason)\b",
    re.IGNORECASE,
)
MIN_GRADED_WORDS = 8  # the grade of a shorter text says little: the formula is made for running prose


@lru_cache(maxsize=16384)
def plain_reading(text: str, protected: tuple[str, ...]) -> str:
    """plain.plain_sentence, once per quote: compose grades the candidates, then shows the chosen ones."""
    from .plain import plain_sentence

    return plain_sentence(text, protected=protected)


@lru_cache(maxsize=16384)
def _as_read(text: str, protected: tuple[str, ...]) -> tuple[float, int]:
    """(Flesch–Kincaid grade, words) of a quote as a patient reads it: its plain reading."""
    from .readability import sentence_grade

    plain = plain_reading(text, protected)
    return sentence_grade(plain), len(plain.split())


def reading_grade(text: str, protected: tuple[str, ...] = ()) -> float:
    """The Flesch–Kincaid grade of a quote as a patient reads it."""
    return _as_read(text, protected)[0]


def reading_band(text: str, protected: tuple[str, ...] = (), alone: bool = True) -> int:
    """0 reads easily (grade <= READABLE_GRADE), 1 takes effort, 2 is hard (above HARD_GRADE). Coarse on
    purpose: within a band the stronger evidence still comes first. A few words, a list item shown
    without its lead-in (`alone` False) or a sentence leaning on the one before it are never counted
    easy, however low their grade: what they mean needs what came before."""
    found, words = _as_read(text, protected)
    band = 0 if found <= READABLE_GRADE else 1 if found <= HARD_GRADE else 2
    if not alone or words < MIN_GRADED_WORDS or _LEANS_ON_PREVIOUS.match(text.lstrip()):
        return max(band, 1)
    return band


def is_safety(statement: Statement) -> bool:
    """A warning a patient must not lose for being hard to read: advice against something, a
    contraindication, when to get help, what to watch for."""
    return (
        statement.polarity == "against"
        or bool(_SAFETY_ROLES & set(statement.roles))
        or _GET_HELP(statement)
        or _WATCH_FOR(statement)
        or _WARNING(statement)
    )


# -- how sentences read ------------------------------------------------------------------------


def rewrite_claims(article: Article, audience: str, protected: list[str]) -> None:
    """Set each claim's `plain` reading for the audience (the quote itself is left as it is).
    `protected`: the drug and condition names no rewording may touch."""
    if audience == "patient":
        for claim in article.all_claims():
            reading = plain_reading(without_footnote_marks(claim.text), tuple(protected))
            claim.plain = _only_if_changed(claim.text, reading)
        article.care_advice = CARE_ADVICE
    elif audience == "student":
        from ..language.vocabulary import abbreviations

        meanings = {key: entry.expansions[0] for key, entry in abbreviations().items() if entry.expansions}
        seen: set[str] = set()
        for claim in article.all_claims():
            reading = spell_out_abbreviations(without_footnote_marks(claim.text), meanings, seen)
            claim.plain = _only_if_changed(claim.text, reading)
    else:
        # Professionals read the quote as written, less the marks of footnotes a summary does not
        # carry ("Offer metformin ^3 to women ..."): 15 such marks in the development articles.
        for claim in article.all_claims():
            claim.plain = _only_if_changed(claim.text, without_footnote_marks(claim.text))


def spell_out_abbreviations(text: str, abbreviations: dict[str, str], seen: set[str]) -> str:
    """Spell out each abbreviation the first time the article uses it: "NSAID" -> "NSAID
    (non-steroidal anti-inflammatory drug)". Only upper-case forms of two or more letters, so
    ordinary words are never taken for abbreviations; `seen` carries over between sentences."""

    def spell(match: re.Match) -> str:
        word = match.group(0)
        meaning = abbreviations.get(word.lower()) or abbreviations.get(word.lower().removesuffix("s"))
        if not meaning or word in seen or meaning.lower() == word.lower():
            return word
        seen.add(word)
        already = text[match.end() : match.end() + len(meaning) + 3].lower()
        return word if meaning.lower() in already else f"{word} ({meaning})"

    return re.sub(r"\b[A-Z][A-Z0-9]{1,6}s?\b", spell, text)


def _only_if_changed(quote: str, reading: str) -> str:
    return "" if reading == quote else reading
