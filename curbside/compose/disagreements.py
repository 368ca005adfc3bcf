"""Where two sources disagree about the same intervention, say so next to the point.

Four kinds of disagreement are looked for between statements of *different* sources that the
article quotes (every quoted statement, the part-by-part sections' too): the line of therapy
(first-line in one, second-line in another), the direction of the recommendation (for in one,
against in the other), the dose (the same drug, unit, frequency and stage, but a different
amount or range) and how long to give it ("for 5 days" in one, "for 10 days" in another).

A statement is for or against an intervention, or places it in a line, when it names only that
one, as a word of its own; a dose or a duration belongs to the drug named just before it in the
sentence, or, in a row that names none, to the drug its heading names.

The guard against claiming a disagreement that is not one: two statements are compared only when
they are about the same circumstances, read from the sentence, its heading path and its source's
title together: the same special populations (children, pregnancy, renal impairment ...) and the
same settings, severities and purposes (inpatient or outpatient, mild or severe, prophylaxis ...).
A sentence about a contraindication, a combination or adverse effects is not compared either. The
note quotes each side as the source writes it and cites both; nothing is computed or converted.
"""

from __future__ import annotations

import re
from itertools import combinations
from typing import NamedTuple

from ..language.doses import NUMBER_WORDS, Dose
from ..language.drug_names import usual_drug_name
from ..model import Article, Claim, SourcesDiffer
from .extract import Statement, populations_named, roles_named
from .layouts import LINE_ROLES

MAX_NOTES = 6  # an article that disagrees with itself everywhere needs a reviewer, not more notes

_LINE_WORDS = {
    "first_line": "first-line",
    "second_line": "second-line",
    "third_line": "third-line",
    "refractory": "refractory cases",
}
_STAGE_WORDS = {
    "start": "starting dose",
    "loading": "loading dose",
    "maintenance": "maintenance dose",
    "target": "target dose",
}
# A sentence with these roles speaks of a circumstance (a contraindication, a combination, a
# harm), which is not a disagreement with a general recommendation.
_CIRCUMSTANTIAL = {"contraindication", "combination", "adverse_effects"}
# Statements that define or check rather than give: their numbers are criteria and levels.
_MEASURED = {"diagnosis", "monitoring"}
# Settings, severities and purposes that make two recommendations about different patients.
_SETTINGS = {
    "inpatient": re.compile(r"\b(?:in-?patients?|hospitali[sz]\w*|admitted|ward)\b"),
    "outpatient": re.compile(r"\b(?:out-?patients?|ambulatory|primary care|community|office)\b"),
    "intensive care": re.compile(r"\b(?:icu|intensive care|critical(?:ly)? (?:care|ill))\b"),
    "emergency": re.compile(r"\b(?:emergency|ed)\b"),
    "surgery": re.compile(r"\b(?:surg\w*|peri-?operative\w*|post-?operative\w*|pre-?operative\w*)\b"),
    "mild": re.compile(r"\bmild\w*"),
    "moderate": re.compile(r"\bmoderate\w*(?![- ](?:intensity|dose))"),
    "severe": re.compile(r"\bsevere\w*"),
    "high risk": re.compile(r"\bhigh(?:er)?[- ]risk\b"),
    "low risk": re.compile(r"\blow(?:er)?[- ]risk\b"),
    "high dose": re.compile(r"\bhigh(?:er)?[- ](?:intensity|dose)\b"),
    "low dose": re.compile(r"\blow(?:er)?[- ](?:intensity|dose)\b"),
    "moderate dose": re.compile(r"\bmoderate[- ](?:intensity|dose)\b"),
    "acute": re.compile(r"\bacute\b"),
    "chronic": re.compile(r"\bchronic\b"),
    "recurrent": re.compile(r"\b(?:recurren\w*|relaps\w*)\b"),
    "complicated": re.compile(r"\bcomplicated\b"),
    "uncomplicated": re.compile(r"\buncomplicated\b"),
    "prophylaxis": re.compile(r"\b(?:prophyla\w*|prevent\w*)\b"),
    "screening": re.compile(r"\b(?:screening|surveillance)\b"),
    "primary": re.compile(r"\bprimary (?:prophyla\w*|prevent\w*)\b"),
    "secondary": re.compile(r"\bsecondary (?:prophyla\w*|prevent\w*)\b"),
}
# Settings where naming one and not the other is no disagreement, unless they exclude each other
# (an inpatient and an outpatient recommendation are about different patients) ...
_EXCLUSIVE = (
    frozenset({"inpatient", "outpatient", "intensive care", "emergency"}),
    frozenset({"mild", "moderate", "severe"}),
    frozenset({"acute", "chronic", "recurrent"}),
    frozenset({"complicated", "uncomplicated"}),
    frozenset({"high risk", "low risk"}),
    frozenset({"high dose", "moderate dose", "low dose"}),
    frozenset({"primary", "secondary"}),
)
# ... or change what is given on their own: a prophylactic dose is not a treatment dose, and
# screening endoscopy in well patients is not the endoscopy of an acute bleed.
_MUST_MATCH = frozenset({"prophylaxis", "surgery", "screening"})
_NUMBER = r"\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}
# How long a treatment is given, as guidelines write it: "for 5 days", "a 5-day course",
# "10 days of therapy", "duration of 7 days". A bare "for 48 hours" of symptoms is not one: only
# days, weeks and months count, and the sentence must name the drug.
_DURATION = re.compile(
    rf"\b(?:for|over|x|×|duration of|course of)\s(?:(?:at least|a minimum of|up to|a total of)\s)?"
    rf"(?P<low>{_NUMBER})(?:\s?(?:-|–|to|or)\s?(?P<high>{_NUMBER}))?[\s-](?P<unit>day|week|month)s?\b"
    rf"|\b(?P<low2>{_NUMBER})(?:\s?(?:-|–|to)\s?(?P<high2>{_NUMBER}))?[\s-](?P<unit2>day|week|month)s?"
    rf"(?:\s(?:course|regimen|treatment|therapy)|\sof\s(?:treatment|therapy|antibiotics?))\b",
    re.IGNORECASE,
)


# A threshold a recommendation turns on: the measure, a comparison, and a number with its unit
# ("if the oxyhaemoglobin saturation exceeds 90%", "saturation is persistently less than 92%").
_THRESHOLD = re.compile(
    r"\b(?P<measure>(?:[a-z]{4,}\s)?(?P<measured>[a-z]{4,}))\s(?:(?:is|are|remains?|stays?|persistently|consistently|levels?|falls|drops|rises)\s)*"
    r"(?P<compare>exceeds?|above|below|under|over|(?:less|lower|greater|higher|more) than|[<>≤≥]=?)\s?"
    r"(?P<number>\d+(?:\.\d+)?)\s?(?P<unit>%|mmhg|g/dl|g/l|mmol/l|mg/dl|kpa|[µu]mol/l)",
    re.IGNORECASE,
)


class Quoted(NamedTuple):
    """A claim placed in the article, the statement it quotes, and the source it came from."""

    claim: Claim
    statement: Statement
    source_id: str
    # What it is about when the sentence names no drug itself: the drug its heading names.
    interventions: tuple[str, ...] = ()
    source_title: str = ""  # read with the statement's heading path for the circumstances it is about


def mark_differences(article: Article, quoted: list[Quoted]) -> None:
    """Add a SourcesDiffer note for each disagreement and put it on the bullet holding the first
    side's claim. Claims must already carry their citation numbers; a claim the article does not
    show (no citation) is not a side."""
    notes = find_differences([item for item in quoted if item.claim.citation])[:MAX_NOTES]
    for note, claim in notes:
        article.differ.append(note)
        bullet = _bullet_of(article, claim) or _bullet_about(article, note)
        if bullet is not None and not bullet.differ:
            bullet.differ = note.text


def find_differences(quoted: list[Quoted]) -> list[tuple[SourcesDiffer, Claim]]:
    """Every disagreement, in the order the article first quotes its intervention."""
    about: dict[str, list[Quoted]] = {}
    names: dict[str, str] = {}
    for item in quoted:
        named = _subject(item)
        if named is not None:
            about.setdefault(usual_drug_name(named), []).append(item)
            names.setdefault(usual_drug_name(named), named)
    for item in quoted:
        for named in _drugs_dosed(item):
            names.setdefault(usual_drug_name(named), named)
    found: list[tuple[SourcesDiffer, Claim]] = []
    for key, name in names.items():
        items = about.get(key, [])
        found.extend(_line_difference(name, items))
        found.extend(_polarity_difference(name, items))
        found.extend(_dose_differences(name, _dosed(quoted, key)))
        found.extend(_duration_difference(name, _durations(quoted, key)))
    for key, measured in _thresholds(quoted).items():
        found.extend(_threshold_difference(names.get(key, key), measured))
    return found


def _subject(item: Quoted) -> str | None:
    """The one intervention a statement recommends for or against, or places in a line: the
    sentence must name exactly one, as a word of its own. A heading's drug does not count (a
    heading "Alcohol Use Disorder" does not make its rows about alcohol), nor does a name
    inside a compound ("alcohol-related liver disease", "statin-treated patients")."""
    named = item.statement.interventions
    if len(named) != 1 or not re.search(rf"(?<![\w-]){re.escape(named[0])}(?![\w-])", item.statement.text, re.I):
        return None
    return named[0]


# -- comparability ----------------------------------------------------------------------------


def _populations(item: Quoted) -> frozenset[str]:
    """The special populations the statement is about: its own words (and a list item's lead-in),
    its heading path and its source's title (a guideline for children is about children in every sentence)."""
    statement = item.statement
    text = " ".join([statement.lead_in, statement.text, statement.section, item.source_title]).lower()
    return frozenset(populations_named(text))


def _settings(item: Quoted) -> frozenset[str]:
    """The settings, severities and purposes the statement is about: its own words and its heading
    path. A title's are not read: "Prevention and management of X" does not make every sentence
    about prevention."""
    text = " ".join([item.statement.lead_in, item.statement.text, item.statement.section]).lower()
    return frozenset(name for name, pattern in _SETTINGS.items() if pattern.search(text))


def _comparable(a: Quoted, b: Quoted) -> bool:
    """Different sources about the same patients: the same special populations, the same named
    settings where a setting changes what is given, and no two settings that exclude each other
    (inpatient and outpatient, mild and severe ...). A setting one side names and the other leaves
    unsaid is compatible unless it is one that changes what is given on its own (prophylaxis,
    surgery)."""
    if a.source_id == b.source_id or _populations(a) != _populations(b):
        return False
    settings_a, settings_b = _settings(a), _settings(b)
    if (settings_a ^ settings_b) & _MUST_MATCH:
        return False
    return all(
        not (group & settings_a) or not (group & settings_b) or group & settings_a == group & settings_b
        for group in _EXCLUSIVE
    )


def _given(items: list[Quoted]) -> list[Quoted]:
    """Statements whose amounts and durations are what is given: a criterion or a level to check
    ("urine output < 0.5 mL/kg/h for 6 hours" under staging) is not a dose."""
    return [item for item in _general(items) if not _MEASURED & set(item.statement.roles)]


def _general(items: list[Quoted]) -> list[Quoted]:
    """Statements that are not about a circumstance by their own words: a heading such as
    "Preventing pre-eclampsia and its complications" does not make its dose rows about harms."""
    return [item for item in items if not _CIRCUMSTANTIAL & roles_named(item.statement.text)]


# -- the four kinds ---------------------------------------------------------------------------


def _line_difference(name: str, items: list[Quoted]) -> list[tuple[SourcesDiffer, Claim]]:
    lined = [
        (item, {role for role in item.statement.roles if role in LINE_ROLES})
        for item in _general(items)
        if item.statement.polarity != "against"
    ]
    lined = [(item, lines) for item, lines in lined if lines]
    for (a, lines_a), (b, lines_b) in combinations(lined, 2):
        if _comparable(a, b) and not lines_a & lines_b:
            text = (
                f"Sources differ on the line of therapy for {name}: {_lines(lines_a)} [{a.claim.citation}] "
                f"versus {_lines(lines_b)} [{b.claim.citation}]."
            )
            return [(_note(name, text, a, b), a.claim)]
    return []


def _polarity_difference(name: str, items: list[Quoted]) -> list[tuple[SourcesDiffer, Claim]]:
    general = _general(items)
    for a, b in combinations(general, 2):
        if {a.statement.polarity, b.statement.polarity} == {"recommend", "against"} and _comparable(a, b):
            text = (
                f"Sources differ on whether to use {name}: {_direction(a)} [{a.claim.citation}] "
                f"versus {_direction(b)} [{b.claim.citation}]."
            )
            return [(_note(name, text, a, b), a.claim)]
    return []


def _dose_differences(name: str, dosed: list[tuple[Dose, Quoted]]) -> list[tuple[SourcesDiffer, Claim]]:
    """One note per kind of dose (starting, maximum ...) on which two sources give different amounts."""
    found, noted = [], set()
    for (dose_a, a), (dose_b, b) in _recommendations_first(combinations(dosed, 2)):
        key = _dose_key(dose_a)
        if key in noted or key != _dose_key(dose_b) or _span(dose_a) == _span(dose_b) or not _comparable(a, b):
            continue
        text = (
            f"Sources differ on the {_dose_kind(dose_a)} of {name}: {dose_a.text} "
            f"[{a.claim.citation}] versus {dose_b.text} [{b.claim.citation}]."
        )
        found.append((_note(name, text, a, b), a.claim))
        noted.add(key)
    return found


def _duration_difference(name: str, timed: list[tuple[str, tuple, Quoted]]) -> list[tuple[SourcesDiffer, Claim]]:
    for (text_a, span_a, a), (text_b, span_b, b) in combinations(timed, 2):
        if span_a != span_b and _comparable(a, b):
            text = (
                f"Sources differ on how long to give {name}: {text_a} [{a.claim.citation}] "
                f"versus {text_b} [{b.claim.citation}]."
            )
            return [(_note(name, text, a, b), a.claim)]
    return []


def _threshold_difference(name: str, measured: list[tuple[re.Match, Quoted]]) -> list[tuple[SourcesDiffer, Claim]]:
    """The same measure in the same unit with a different number: when to give or withhold it."""
    for (match_a, a), (match_b, b) in _recommendations_first(combinations(measured, 2)):
        same_measure = _measure_key(match_a) == _measure_key(match_b)
        if same_measure and float(match_a["number"]) != float(match_b["number"]) and _comparable(a, b):
            text = (
                f"Sources differ on the threshold for {name}: {match_a.group(0)} [{a.claim.citation}] "
                f"versus {match_b.group(0)} [{b.claim.citation}]."
            )
            return [(_note(name, text, a, b), a.claim)]
    return []


def _thresholds(quoted: list[Quoted]) -> dict[str, list[tuple[re.Match, Quoted]]]:
    """The first threshold each statement turns on, by the one intervention it names outside the
    measure ("supplemental oxygen if the oxyhemoglobin saturation exceeds 90%" is about oxygen)."""
    found: dict[str, list[tuple[re.Match, Quoted]]] = {}
    for item in _general(quoted):
        match = _THRESHOLD.search(item.statement.text)
        if match is None:
            continue
        outside = {
            usual_drug_name(name)
            for name in item.statement.interventions
            if any(
                not match.start() <= m.start() < match.end()
                for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", item.statement.text, re.IGNORECASE)
            )
        }
        if len(outside) == 1:
            found.setdefault(outside.pop(), []).append((match, item))
    return found


def _measure_key(match: re.Match) -> tuple[str, str]:
    return match["measured"].lower(), match["unit"].lower().replace("µ", "u")


# -- doses and durations, each with the drug it belongs to ------------------------------------


def _drugs_dosed(item: Quoted) -> list[str]:
    return [drug for drug, _ in _owned(item, [(dose.start, dose) for dose in item.statement.doses])]


def _dosed(quoted: list[Quoted], key: str) -> list[tuple[Dose, Quoted]]:
    return [
        (dose, item)
        for item in _given(quoted)
        for drug, dose in _owned(item, [(dose.start, dose) for dose in item.statement.doses])
        if usual_drug_name(drug) == key
    ]


def _durations(quoted: list[Quoted], key: str) -> list[tuple[str, tuple, Quoted]]:
    """(the duration as written, its span in days, the statement) for each statement that says how
    long to give the drug: a dose's own duration, else a treatment duration in the sentence."""
    timed = []
    for item in _given(quoted):
        if item.statement.polarity == "against":
            continue
        text = item.statement.text
        written = [(m.start(), m) for m in _DURATION.finditer(text)]
        for drug, match in _owned(item, written):
            if usual_drug_name(drug) == key:
                timed.append((match.group(0), _days(match), item))
                break  # one duration per statement: a second is a later step, not an alternative
    return timed


def _owned(item: Quoted, placed: list[tuple[int, object]]) -> list[tuple[str, object]]:
    """Each thing at a position in the sentence with its drug: the one drug the sentence (or, naming
    none, its heading) is about, else the drug named last before it; a thing before any of
    several drugs is named belongs to none."""
    named = item.statement.interventions or list(item.interventions)
    if len(named) == 1:
        return [(named[0], thing) for _, thing in placed]
    lowered = item.statement.text.lower()
    starts = sorted((m.start(), drug) for drug in named for m in re.finditer(re.escape(drug.lower()), lowered))
    owned = []
    for position, thing in placed:
        before = [drug for start, drug in starts if start < position]
        if before:
            owned.append((before[-1], thing))
    return owned


def _days(match: re.Match) -> tuple[float, float]:
    low = match.group("low") or match.group("low2")
    high = match.group("high") or match.group("high2") or low
    per = _UNIT_DAYS[(match.group("unit") or match.group("unit2")).lower()]
    return _number(low) * per, _number(high) * per


def _number(written: str) -> float:
    return float(NUMBER_WORDS.get(written.lower(), written))


def _dose_key(dose: Dose) -> tuple:
    """Doses are comparable only when they measure the same thing the same way ("81 mg/d" and
    "100 mg daily" both count a day's amount)."""
    per, frequency = dose.per, dose.frequency
    if (per, frequency) == ("", "once daily"):
        per, frequency = "/day", ""
    return dose.unit, per, frequency, dose.route, dose.stage, dose.max


def _span(dose: Dose) -> tuple[float | None, float | None]:
    return dose.amount, dose.amount_high if dose.amount_high is not None else dose.amount


def _dose_kind(dose: Dose) -> str:
    if dose.max:
        return "maximum dose"
    return _STAGE_WORDS.get(dose.stage, "dose")


def _recommendations_first(pairs) -> list:
    """Pairs of (thing, statement) whose both sides recommend first, then one side, then the rest:
    a dose a guideline recommends beats one a trial summary reports."""
    return sorted(pairs, key=lambda pair: -sum(side[1].statement.polarity == "recommend" for side in pair))


# -- the note ---------------------------------------------------------------------------------


def _note(name: str, text: str, a: Quoted, b: Quoted) -> SourcesDiffer:
    return SourcesDiffer(name, text, sorted({a.claim.citation, b.claim.citation}))


def _lines(roles: set[str]) -> str:
    return " and ".join(_LINE_WORDS[role] for role in LINE_ROLES if role in roles)


def _direction(item: Quoted) -> str:
    return "recommended against" if item.statement.polarity == "against" else "recommended"


def _bullet_about(article: Article, note: SourcesDiffer):
    """The body bullet on the note's point that quotes one of its sides, for a note whose first
    side is the bottom line's quote (which is not repeated in the body)."""
    topic = note.topic.lower()
    bullets = [bullet for section in article.sections for bullet in section.bullets]
    for bullet in bullets:
        if topic in bullet.label.lower() and any(c.citation in note.citations for c in bullet.claims):
            return bullet
    # A bullet without the drug in its label (a part-by-part answer) that quotes a side naming it.
    for bullet in bullets:
        if any(c.citation in note.citations and topic in c.text.lower() for c in bullet.claims):
            return bullet
    return None


def _bullet_of(article: Article, claim: Claim):
    for section in article.sections:
        for bullet in section.bullets:
            if any(c is claim for c in bullet.claims):
                return bullet
    return None
