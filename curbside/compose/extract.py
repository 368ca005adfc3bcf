"""Statements from passages: each sentence with what it is about and which way it points.

A statement is one sentence of a passage, verbatim and with its offsets, tagged with its roles
(first-line, monitoring, contraindication ...), the interventions it names, its doses, its
grade, whether it recommends for or against, and the populations it names. The composer builds
article sections from these tags; nothing here decides what is true, it only reads what the
sentence says. Pure functions over text: no store, no model.

Roles say what a sentence talks about, polarity says which way: "Opioids are not recommended as
first-line treatment" has roles first_line and avoid, polarity "against".

A sentence that is only an evidence rating ("Grade: E (Expert Opinion); ACC/AHA LOE: C") is marked
rating_only: it grades the sentence before it and says nothing a reader could act on alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..language.clean import find_grade
from ..language.doses import Dose, numbers, parse_doses
from ..language.interventions import Entry, intervention_vocabulary
from ..language.sentences import sentence_spans

ROLES = (
    "first_line",
    "second_line",
    "third_line",
    "refractory",
    "combination",
    "non_pharmacological",
    "interventional",
    "avoid",
    "dosing",
    "titration",
    "trial_duration",
    "monitoring",
    "contraindication",
    "adverse_effects",
    "special_population",
    "diagnosis",
    "prognosis",
    "prevention",
    "background",
    "mechanism",
    "definition",
)


# A list of at most this many items and characters (lead-in included) is quoted whole; most
# guideline lists of exclusions, criteria or options fit (synthetic fixtures in tests/test_extract.py).
LIST_ITEMS_WHOLE = 8
LIST_CHARS_WHOLE = 500


@dataclass
class Statement:
    text: str  # the sentence exactly as in the passage: passage_text[start:end] == text
    start: int
    end: int
    roles: list[str] = field(default_factory=list)  # in ROLES order, so output is deterministic
    interventions: list[str] = field(default_factory=list)  # canonical names, in order of mention
    # Named only inside a failure clause ("if metformin fails, add X"): the trigger, not the advice.
    trigger_interventions: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)  # drug/procedure classes named or implied by a member
    doses: list[Dose] = field(default_factory=list)
    grade: str = ""  # the sentence's own grade marker, else the passage's
    polarity: str = "neutral"  # recommend | against | neutral
    strength: str = ""  # strong | weak | conditional, only when stated
    populations: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # doses.numbers() of the sentence
    lead_in: str = ""  # for a list item, the sentence that introduced the list ("Options include:")
    # Only an evidence rating or its field labels, no clinical words (see _only_rates): not a statement to quote.
    rating_only: bool = False
    section: str = ""
    passage_id: str = ""


def _words(*alternatives: str) -> re.Pattern:
    """One pattern from lowercase alternatives; it is run on lowercased text, which is markedly
    faster in Python's re than IGNORECASE."""
    return re.compile("|".join(alternatives))


_N = r"(?:\d+|one|two|three|four|five|six|eight|twelve)"
# Named interventions are overwritten with this letter before the role patterns run (see
# _interventions), so "plus" next to a run of it is "plus" between treatments.
_MASK = "x"
# "if X fails / is not tolerated": what follows is the next line of treatment.
_FAIL_WORD = (
    r"(?:fail(?:s|ed|ing)?\b|failure (?:of|to|on|with)\b|ineffective|not effective|inadequate\w*|insufficient"
    r"|(?:not|poorly) tolerated|(?:cannot|unable to) tolerate|intoleran\w+|contraindicated|unsuccessful"
    r"|not (?:respond\w*|improv\w*|work\w*|controlled)|no (?:response|improvement)"
    r"|partial(?:ly)? respon\w+|non-?respon\w+|unresponsive)\w*"
)
# The clause runs over a list of failure words ("is ineffective, poorly tolerated, or
# contraindicated") so none of them is left behind to read as advice against.
_FAILURE = _words(
    r"\b(?:if|when|where|after|following|(?:in|for) whom"
    r"|(?:in|for) (?:patients|people|those|adults|children|women|men) (?:who|whose|with))\b"
    rf"[^.;]{{0,100}}?\b{_FAIL_WORD}(?:(?:\s*(?:,|\bor\b|\band\b))+\s*(?:(?:is|are|was|were|be|been)\s+)?{_FAIL_WORD})*"
)
_AFTER_TWO = _words(r"second[- ]line|\b(?:two|both|multiple|several|three|2|3)\b")

_ROLE_PATTERNS = {
    "first_line": _words(
        r"\b(?:first|1st)[- ]line\b",
        r"\binitial (?:therapy|treatment|management|pharmacolog\w+|choice|drug|agent)",
        r"\bfirst[- ]choice\b",
        r"\b(?:drug|treatment|agent) of (?:first )?choice\b",
        r"\bpreferred (?:agent|option|drug|treatment|therapy|medication|initial)",
        r"\b(?:is|are) preferred\b",
        r"\bmainstay\b",
        r"\b(?:start|begin|initiate) (?:treatment |therapy )?with\b",
    ),
    "second_line": _words(
        r"\b(?:second|2nd)[- ]line\b",
        r"\bswitch(?:ed|ing)? to\b",
        r"\balternative (?:agent|option|treatment|therapy|drug|medication)s?\b",
        r"\bas an alternative\b",
        r"\balternatively\b",
    ),
    "third_line": _words(r"\b(?:third|3rd|fourth|4th)[- ]line\b", r"\blast[- ]resort\b"),
    "refractory": _words(
        r"\brefractory\b",
        r"\b(?:treatment|therapy|drug)[- ]resistant\b",
        r"\bresistant to (?:treatment|therapy|first|standard|conventional)",
        r"\bintractable\b",
        r"\bdespite (?:adequate|optimal|optimised|optimized|maximal|maximum|previous|prior|two|several|multiple)\b",
        r"\bunresponsive\b",
        r"\bnon-?responders?\b",
    ),
    "combination": _words(
        r"\bin combination\b",
        r"\bcombined with\b",
        r"\bcombination (?:therapy|treatment|of|with)\b",
        r"\badd-on\b",
        r"\badjunct\w*",
        r"\baddition of\b",
        r"\baugment\w*",
        r"\badd(?:ed|ing|s)?\b(?! up)",
        r"\bdual therapy\b",
        r"\bconcomitant\w*",
        r"\btogether with\b",
        rf"{_MASK}{{3,}} plus\b",
        rf"\bplus {_MASK}{{3,}}",
    ),
    "non_pharmacological": _words(
        r"\bnon-?pharmacolog\w*",
        r"\bnon-?drug\b",
        r"\blifestyle\b",
        r"\bexercise\b",
        r"\bphysical (?:therapy|activity)\b",
        r"\bphysiotherapy\b",
        r"\bpsycholog\w+ (?:therapy|therapies|intervention|treatment)",
        r"\bcognitive[- ]behaviou?ral\b",
        r"\bdiet(?:ary)?\b",
        r"\bself-management\b",
        r"\bpatient education\b",
    ),
    "interventional": _words(
        r"\bsurg\w+",
        # an injection into a site is a procedure; "insulin injection", "injection drug use" are not
        r"\b(?:epidural|facet(?: joint)?|joint|intra-?articular|trigger[- ]point|nerve|perineural|spinal|"
        r"intradiscal|sacroiliac) injections?\b",
        r"\bnerve blocks?\b",
        r"\bstimulation\b",
        r"\bablation\b",
        r"\bimplant\w*",
        r"\bdecompression\b",
        r"\bneuromodulation\b",
        r"\binterventional\b",
        r"\bintrathecal\b",
    ),
    "titration": _words(
        r"\btitrat\w*",
        r"\bincrease (?:the )?dose\b",
        r"\bdose (?:escalation|increase|reduction|adjustment)s?\b",
        r"\bstart(?:ing)? low\b",
        r"\btaper\w*",
        r"\bincrements?\b",
        r"\bup-?titrat\w*",
        r"\bgradually (?:increas|reduc)\w*",
    ),
    "dosing": _words(r"\bdos(?:e|es|age|ages|ing)\b"),
    "trial_duration": _words(
        r"\badequate trial\b",
        r"\btrial of\b",
        rf"\b{_N}[- ]week trial\b",
        rf"\b(?:for|after) (?:at least|a minimum of) {_N}(?:\s?(?:-|–|to)\s?{_N})? (?:weeks?|months?)\b",
        rf"\b(?:assess|reassess|review|evaluate)\w* (?:the )?(?:response|efficacy|benefit)?\s?(?:after|at|within) {_N}",
        rf"\bresponse (?:within|after|by) {_N}",
        rf"\ballow {_N}",
        r"\bbefore (?:switching|concluding|deciding|judging)\b",
        r"\bonset of (?:action|effect)\b",
        rf"\btakes? (?:up to )?{_N}(?:\s?(?:-|–|to)\s?{_N})? (?:weeks?|months?)\b",
    ),
    "monitoring": _words(
        r"\bmonitor\w*",
        r"\becgs?\b",
        r"\belectrocardiogra\w+",
        r"\bbaseline\b",
        r"\bcheck(?:ed|ing|s)?\b",
        r"\bmeasure(?:d|ment)?\b",
        r"\b(?:blood|serum|plasma) (?:levels?|concentrations?|tests?)\b",
        r"\b(?:liver|renal|kidney|thyroid) function\b",
        r"\bfollow-?up\b",
        r"\breassess\w*",
        r"\breview(?:ed)? (?:regularly|at|after|every|within)\b",
        r"\binr\b",
    ),
    "contraindication": _words(
        r"\bcontraindicat\w*",
        r"\bcaution\w*",
        r"\b(?:should|must) not be (?:used|given|prescribed) (?:in|to|for|with|during)\b",
        r"\bavoid\w* (?:\S+ ){0,3}?(?:in|during|with) "
        r"(?:patients|people|those|women|men|adults|children|renal|hepatic|liver|kidney|severe|pregnan)",
        r"\bunsafe\b",
    ),
    "adverse_effects": _words(
        r"\badverse\b",
        r"\bside[- ]effects?\b",
        r"\btoxicit\w+",
        r"\btolerab\w+",
        r"\bharms?\b",
        r"\bsafety\b",
        r"\b(?:well|poorly|better|less) tolerated\b",
        r"\bcomplications?\b",
        r"\bincreased? risk of\b",
        r"\bwithdrawal symptoms\b",
        r"\bdependence\b",
        r"\boverdose\b",
        r"\bdiscontinu\w+ (?:due to|because of)\b",
    ),
    "diagnosis": _words(
        # "infants with a diagnosis of bronchiolitis", "diagnosed with": who the patient is, not a test
        r"\bdiagnos\w*\b(?! (?:of|with)\b)",
        r"\btest(?:s|ing)?\b",
        r"\bscreen(?:ing)?\b",
        r"\bcriteria\b",
        r"\bimaging\b",
        r"\bbiops\w+",
        r"\bsensitivity\b",
        r"\bspecificity\b",
        r"\bdifferential\b",
        r"\bconfirm\w*",
    ),
    "prognosis": _words(
        r"\bprognos\w*",
        r"\bmortality\b",
        r"\bsurvival\b",
        r"\bnatural history\b",
        r"\blife expectancy\b",
        r"\brecurren\w+",
        r"\bprogression\b",
        r"\bresolves? spontaneously\b",
        r"\blong-term course\b",
    ),
    "prevention": _words(
        r"\bprevent\w*",
        r"\bprophyla\w*",
        r"\breduc\w+ the risk of\b",
        r"\brisk reduction\b",
        r"\bvaccin\w*",
        r"\bimmuni[sz]\w*",
    ),
    "background": _words(
        r"\bprevalen\w+",
        r"\bincidence\b",
        r"\bepidemiolog\w*",
        r"\baffects? (?:about|approximately|up to|around|an estimated)\b",
        r"\b(?:is|are) (?:a |the )?(?:common|rare|leading|frequent|major)\b",
        r"\bestimated\b",
        r"\bcaused by\b",
        r"\brisk factors?\b",
        r"\ba?etiolog\w*",
    ),
    "mechanism": _words(
        r"\bmechanisms?\b",
        r"\bmode of action\b",
        r"\b(?:acts?|works?) (?:by|on|as)\b",
        r"\b(?:inhibits|blocks|binds|activates|modulates)\b",
        r"\b(?:agonist|antagonist) (?:at|of)\b",
        r"\bpathophysiolog\w*",
        r"\bmediated by\b",
        r"\breuptake of\b",
    ),
    "definition": _words(
        r"\b(?:is|are) defined (?:as|by)\b",
        r"\bdefinitions?\b",
        r"\brefers? to\b",
        r"\bcharacteri[sz]ed by\b",
        r"\b(?:is|are) known as\b",
        r"\balso called\b",
    ),
}
# Lines of treatment: a heading's line applies only to sentences that do not state their own.
_LINES = {"first_line", "second_line", "third_line", "refractory"}
# The roles a list's lead-in passes to its items ("Second-line options include:").
_INHERITED_ROLES = {
    "first_line",
    "second_line",
    "third_line",
    "refractory",
    "combination",
    "non_pharmacological",
    "interventional",
    "avoid",
    "contraindication",
    "monitoring",
    "adverse_effects",
    "prevention",
}

_NEUTRAL = _words(
    r"\b(?:insufficient|inadequate|not enough|limited|inconclusive) evidence\b",
    r"\bevidence (?:is|was|remains) (?:insufficient|inconclusive|lacking|limited)\b",
    r"\bfor or against\b",
    r"\binconclusive\b",
    r"\bunclear whether\b",
    r"\bno recommendation\b",
)
_AGAINST = _words(
    r"\b(?:should|must|do|does|need) not (?:be )?(?!(?:be )?(?:delayed|stopped abruptly|discontinued abruptly|withdrawn abruptly))"
    r"(?:use|used|offer|offered|give|given|prescribe|prescribed|start|started|initiate|initiated|recommend|recommended|routinely|"
    r"administer|administered|combine|combined|consider|considered)\b",
    r"\bnot (?:\w+ )?(?:recommended|advised|indicated|suggested|supported|endorsed)\b",
    # the subjunctive of a recommendation: "recommends that acamprosate not be used"
    r"\bthat (?:[\w,()-]+ ){1,12}not be (?:used|given|offered|prescribed|administered|started|initiated|combined)\b",
    r"\b(?:recommends?|suggests?|advises?) against\b",
    r"\b(?:suggests?|recommends?) not\b",
    r"\bavoid(?<!\bto avoid)(?<!\bhelp avoid)(?<!\bhelps avoid)(?:ed|ing|s|ance)?\b",
    r"\bineffective\b",
    r"\bnot (?:been shown to be )?effective\b",
    r"\bno (?:(?:significant|clinically (?:important|meaningful|significant)|proven|additional|clear|consistent|good)\s)?(?:evidence of (?:a )?)?(?:benefit|efficacy)\b",
    r"\bof no benefit\b",
    r"\bdiscourage\w*",
    r"\bno (?:longer )?(?:role|place)\b",
    r"\bno longer recommended\b",
    r"\bharmful\b",
)
_CONTRAINDICATED = _words(r"\bcontraindicated\b")
_RECOMMEND = _words(
    r"\brecommend(?:s|ed|ation)?\b",
    r"\bsuggest(?:s|ed)?\b",
    r"\bfirst[- ]line\b",
    r"\boffer\b",
    r"\bconsider\b",
    r"\bshould (?:be )?(?:offer|offered|use|used|give|given|consider|considered|prescribe|prescribed|start|started|initiate|initiated|receive|treated|continue|continued)\b",
    r"\b(?:is|are) (?:\w+ )?(?:effective|efficacious|beneficial|indicated|preferred)\b",
    r"\b(?:treatment|drug) of choice\b",
)
_STRENGTH = re.compile(
    r"\b(strong|weak|conditional)(?:ly)? recommend\w*|\brecommendation\s*[:(]?\s*(strong|weak|conditional)\b|[\[(]\s*(strong|weak|conditional)\b"
)

_POPULATIONS = {
    "children": _words(
        r"\b(?:child(?:ren|hood)?(?!-pugh)|paediatric|pediatric|infants?|neonat\w*|newborns?|adolescents?|toddlers?)\b"
    ),
    # The same words as a question's pregnancy (language/words.py), and pre-eclampsia, which only
    # a pregnancy has.
    "pregnancy": _words(
        r"\bpregnan\w*", r"\bgestation\w*", r"\btrimester\b", r"\b(?:ante|pre)natal\b", r"\b(?:pre-?)?eclampsi\w*"
    ),
    "breastfeeding": _words(r"\bbreast-?feeding\b", r"\blactat\w*", r"\bnursing mothers\b"),
    "older adults": _words(
        r"\bolder (?:adults|people|patients|persons|women|men)\b",
        r"\belderly\b",
        r"\bgeriatric\b",
        r"\b(?:aged|age|over|older than|above) (?:the age of )?(?:≥|>|>=)?\s?(?:65|70|75|80)\b",
    ),
    "renal impairment": _words(
        r"\b(?:renal|kidney) (?:impairment|insufficiency|failure|disease|dysfunction)\b",
        r"\bckd\b",
        r"\bdialysis\b",
        r"\bha?emodialysis\b",
        r"\bcrcl\b",
        r"\bcreatinine clearance\b",
        r"\begfr\b",
    ),
    "hepatic impairment": _words(
        r"\b(?:hepatic|liver) (?:impairment|insufficiency|failure|disease|dysfunction)\b", r"\bcirrhosis\b"
    ),
    "cardiac disease": _words(
        r"\bheart failure\b",
        r"\bcardiac disease\b",
        r"\bcoronary (?:artery|heart) disease\b",
        r"\bischa?emic heart disease\b",
        r"\barrhythmi\w*",
        r"\bqtc? prolongation\b",
        r"\bmyocardial infarction\b",
    ),
    "women of childbearing potential": _words(r"\bchild-?bearing\b", r"\breproductive age\b"),
}

# Words that end like a drug's INN stem (see _STEMS) but are not drugs.
_NOT_DRUGS = re.compile(r"(?:peptides?|nucleotides?|itides|sterols?|enterol|magazines?|plosone|metavir)$")


def populations_named(lowered: str) -> list[str]:
    """The special populations a lowercased text names (a sentence, a heading path, a title)."""
    return [name for name, pattern in _POPULATIONS.items() if pattern.search(lowered)]


def extract_statements(
    passage_text: str, section: str = "", grade: str = "", vocabulary: Any = None
) -> list[Statement]:
    """One Statement per sentence of `passage_text`. `vocabulary` is optional: any object whose
    ``match(text)`` returns matches with ``.term`` and ``.category``; its 'drug' and
    'procedure' matches are added to the interventions."""
    heading_roles = _heading_roles(section.split("›")[-1].lower()) if section else frozenset()
    statements: list[Statement] = []
    lead_in: Statement | None = None
    for span in sentence_spans(passage_text):
        sentence = passage_text[span.start : span.end]
        statement = _statement(sentence, span.start, span.end, section, grade, vocabulary)
        own = set(statement.roles)
        statement.roles = _ordered(own | (heading_roles - _LINES if own & _LINES else heading_roles))
        if span.list_item and lead_in is not None:
            _inherit(statement, lead_in)
        elif not span.list_item:
            lead_in = statement if sentence.rstrip().endswith(":") else None
        statements.append(statement)
    return _lists_whole(passage_text, statements, section, grade, vocabulary)


def _whole_list(text: str, lead: Statement, items: list[Statement], section: str, grade: str, vocabulary: Any):
    """The lead-in and its items as one statement, knowing every drug, class, role and population
    its parts name (read line by line: a name is found in its own line, not across the breaks)."""
    whole = _statement(text[lead.start : items[-1].end], lead.start, items[-1].end, section, grade, vocabulary)
    parts = [lead, *items]
    whole.interventions = _unique(whole.interventions + [n for p in parts for n in p.interventions])
    whole.trigger_interventions = _unique(
        whole.trigger_interventions + [n for p in parts for n in p.trigger_interventions]
    )
    whole.classes = _unique(whole.classes + [c for p in parts for c in p.classes])
    whole.roles = _ordered(set(whole.roles).union(*(p.roles for p in parts)))
    whole.populations = _unique(whole.populations + [n for p in parts for n in p.populations])
    return whole


@lru_cache(maxsize=16384)
def passage_statements(passage_id: str, text: str, section: str, grade: str, vocabulary: Any) -> tuple[Statement, ...]:
    """`extract_statements` of a stored passage, tagged with its id, read once: the topic reading
    reads every passage of the sources it chose and compose then reads the chosen ones again.
    Passages never change under one id. Callers must not change what it returns."""
    statements = extract_statements(text, section, grade, vocabulary)
    for statement in statements:
        statement.passage_id = passage_id
    return tuple(statements)


@lru_cache(maxsize=4096)
def _heading_roles(heading: str) -> frozenset[str]:
    """Roles a lowercased heading gives its sentences; a source's passages share a few headings."""
    return frozenset((_roles(heading) | _read_failure_clauses(heading)[1]) - {"avoid"})


def _lists_whole(text: str, statements: list[Statement], section: str, grade: str, vocabulary: Any) -> list[Statement]:
    """A short list stays one statement with its lead-in ("Exclusions from DOAC preference: -
    severe renal insufficiency - ... - antiphospholipid syndrome"): its items alone say nothing
    ("Antiphospholipid antibody syndrome"), and the lead-in alone promises a list it lacks. A
    long list keeps its items apart, each knowing its lead-in."""
    out: list[Statement] = []
    i = 0
    while i < len(statements):
        lead = statements[i]
        j = i + 1
        while j < len(statements) and statements[j].lead_in and statements[j].lead_in == lead.text:
            j += 1
        items = statements[i + 1 : j]
        if (
            lead.text.rstrip().endswith(":")
            and items
            and len(items) <= LIST_ITEMS_WHOLE
            and items[-1].end - lead.start <= LIST_CHARS_WHOLE
        ):
            out.append(_whole_list(text, lead, items, section, grade, vocabulary))
            i = j
        else:
            out.append(lead)
            i += 1
    return out


def statements_for(passages: Iterable[Any], vocabulary: Any = None) -> list[Statement]:
    """Statements of every passage (any object with .text, .section, .grade and .id), in order,
    each tagged with the id of the passage it came from."""
    found = []
    for passage in passages:
        for statement in extract_statements(
            passage.text, getattr(passage, "section", ""), getattr(passage, "grade", ""), vocabulary
        ):
            statement.passage_id = getattr(passage, "id", "")
            found.append(statement)
    return found


def _statement(sentence: str, start: int, end: int, section: str, passage_grade: str, vocabulary: Any) -> Statement:
    named, classes, kinds, masked = _interventions(sentence, vocabulary)
    triggers = [(m.start(), m.end()) for m in _FAILURE.finditer(masked.lower())]
    in_trigger = lambda start, end: any(a <= start and end <= b for a, b in triggers)  # noqa: E731
    interventions = _unique([name for start, end, name in named if not in_trigger(start, end)])
    trigger_interventions = [
        name for name in _unique([n for _, _, n in named]) if name.lower() not in {i.lower() for i in interventions}
    ]
    lowered, roles = _read_failure_clauses(masked.lower())
    doses = parse_doses(sentence)
    roles |= _roles(lowered)
    roles |= {kind for kind in kinds if kind in ("non_pharmacological", "interventional")}
    if doses:
        roles.add("dosing")
    if any(dose.titration for dose in doses):
        roles.add("titration")
    populations = populations_named(lowered)
    if populations:
        roles.add("special_population")
    own_grade = find_grade(sentence)
    return Statement(
        text=sentence,
        start=start,
        end=end,
        roles=_ordered(roles),
        interventions=interventions,
        trigger_interventions=trigger_interventions,
        classes=classes,
        doses=doses,
        grade=own_grade or passage_grade,
        polarity=_polarity(lowered, roles),
        strength=_strength(lowered, own_grade.lower()),
        populations=populations,
        numbers=numbers(sentence),
        section=section,
        rating_only=not named and _only_rates(sentence),
    )


def _read_failure_clauses(text: str) -> tuple[str, set[str]]:
    """A failure clause ("if first-line treatment fails", "in whom X is contraindicated") says
    that what follows is the next line; it is read for that and then blanked, so its words are
    not read as first-line or as advice against."""
    roles = set()
    for clause in _FAILURE.finditer(text):
        roles.add("third_line" if _AFTER_TWO.search(clause.group(0)) else "second_line")
        text = text[: clause.start()] + " " * len(clause.group(0)) + text[clause.end() :]
    return text, roles


@lru_cache(maxsize=8192)
def roles_named(text: str) -> frozenset[str]:
    """Roles a sentence names by its own words, without its heading's (asked again and again by
    the sources-differ check, hence the cache)."""
    return frozenset(_roles(text.lower()))


def _roles(text: str) -> set[str]:
    """Roles named by lowercased `text`."""
    roles = {role for role, pattern in _ROLE_PATTERNS.items() if pattern.search(text)}
    if _AGAINST.search(text):
        roles.add("avoid")
    if _CONTRAINDICATED.search(text):
        roles.add("contraindication")
    return roles


def _polarity(text: str, roles: set[str]) -> str:
    """Which way the sentence points; "insufficient evidence to recommend" points nowhere."""
    if _NEUTRAL.search(text):
        return "neutral"
    if "avoid" in roles or _CONTRAINDICATED.search(text):
        return "against"
    return "recommend" if _RECOMMEND.search(text) else "neutral"


def _strength(sentence: str, grade: str) -> str:
    match = _STRENGTH.search(grade) or _STRENGTH.search(sentence)
    return next(group for group in match.groups() if group).lower() if match else ""


# -- sentences that only rate the evidence ----------------------------------------------------------
# Guidelines print a recommendation's rating after it, often as a sentence of its own: "NHLBI Grade: B
# (Moderate); ACC/AHA COR: I; ACC/AHA LOE: B (Author et al., 2001)", "(Strength of Evidence = C; Strength
# of Recommendation = Weak positive recommendation)", "Level A recommendations.". Such a sentence is a
# rating when it names a rating system and, once the rating's own words go, fewer than MIN_CONTENT_WORDS
# words are left. A table row that only uses the word ("GOLD Grade: GOLD 2; Severity: Moderate; FEV1 %
# predicted: ...", "Grade: IV; West Haven Criteria: Coma; ...") keeps its field values and stays, and a
# low- or high-grade tumour or fever is not a rating.
MIN_CONTENT_WORDS = 3
_RATING_NAMED = _words(
    r"(?<!low )(?<!low-)(?<!high )(?<!high-)\bgrade[sd]?\b",
    r"\blevels? (?:of evidence|[a-e1-5]\b)",
    r"\bevidence (?:level|quality|grade)",
    r"\bclass (?:i{1,3}|iv)[abc]?\b",
    r"\b(?:strength|quality|certainty) of (?:the )?(?:evidence|recommendations?)\b",
    r"\brecommendation (?:strength|grade|class)\b",
)
_RATING_CODES = re.compile(r"\b(?:LOE|COR|SOR|GRADE)\b")  # level of evidence, class and strength of recommendation
# A rating's words: the scales' names, levels and qualities. The phrases go first, so "of" in "level of
# evidence" is not left to count as a word.
_RATING_PHRASES = _words(
    r"\b(?:levels?|strength|quality|certainty|grades?|class(?:es)?) of (?:the )?(?:evidence|recommendations?)\b",
    r"\b(?:expert|consensus) (?:opinion|consensus)\b",
    r"\bgood practice points?\b",
    r"\bbest practice(?: statements?)?\b",
    r"\bet al\b",
)
_RATING_WORDS = frozenset(
    {
        "grade",
        "grades",
        "graded",
        "grading",
        "ungraded",
        "level",
        "levels",
        "evidence",
        "class",
        "classes",
        "strength",
        "recommendation",
        "recommendations",
        "quality",
        "certainty",
        "rating",
        "rated",
        "statement",
        "loe",
        "cor",
        "sor",
        "gpp",
    }
)
# How strong or good a rating says the evidence is: a rating's words only in a field that names a rating
# ("Quality of evidence: Moderate"), a value of its own elsewhere ("Severity: Moderate").
_RATING_QUALITIES = frozenset(
    {
        "strong",
        "strongly",
        "weak",
        "weakly",
        "conditional",
        "high",
        "moderate",
        "low",
        "very",
        "positive",
        "negative",
        "insufficient",
        "inconclusive",
        "limited",
        "fair",
        "good",
        "poor",
        "expert",
        "opinion",
        "consensus",
    }
)
_RATING_FIELDS = re.compile(r"[;\n]")
# An author-year citation in brackets, "(Author & Other, 1963; Name et al., 1991)": names, not content.
_CITATION_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_INNERMOST_BRACKET = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
# Acronyms written before a rating's name are its system or developer ("ACC/AHA LOE", "NHLBI Grade").
_RATING_SYSTEM = re.compile(
    r"\b[A-Z][A-Z0-9&]+(?:\s*[/-]\s*[A-Z][A-Z0-9&]+)*(?=\s+(?i:grade|loe|cor|sor|class|level|recommendation|"
    r"evidence|strength|quality)\b)"
)
_LEVEL_CODE = re.compile(r"\b[A-E]-(?:NR|R|EO|LD)\b")  # ACC/AHA levels: B-NR, B-R, C-EO, C-LD
_ROMAN = re.compile(r"(?:i{1,3}|iv|v)[abc]?")  # classes and levels I to V, IIa, IIb ...
_CONTENT_WORD = re.compile(r"[^\W\d_]{2,}")


def _only_rates(sentence: str) -> bool:
    """Names a rating system and leaves fewer than MIN_CONTENT_WORDS words once the rating's words go."""
    named = _RATING_NAMED.search(sentence.lower()) or _RATING_CODES.search(sentence)
    return bool(named) and len(_content_words(sentence)) < MIN_CONTENT_WORDS


def _content_words(sentence: str) -> list[str]:
    """The words of a sentence that are not part of an evidence rating: no rating system, level, class,
    grade letter, number or citation."""
    text = _without_citations(sentence)
    text = _LEVEL_CODE.sub(" ", _RATING_SYSTEM.sub(" ", text))
    words = []
    for field_text in _RATING_FIELDS.split(text):
        rates = bool(_RATING_NAMED.search(field_text.lower()) or _RATING_CODES.search(field_text))
        for word in _CONTENT_WORD.findall(
            _RATING_PHRASES.sub(" ", field_text.lower()) if rates else field_text.lower()
        ):
            if word in _RATING_WORDS or _ROMAN.fullmatch(word) or (rates and word in _RATING_QUALITIES):
                continue
            words.append(word)
    return words


def _without_citations(text: str) -> str:
    """The text less its bracketed author-year citations; other brackets lose only their marks, so an
    acronym inside a citation ("(... (ARIC) Study, 1989)") does not keep it whole."""
    while match := _INNERMOST_BRACKET.search(text):
        inner = match.group(1)
        text = text[: match.start()] + (" " if _CITATION_YEAR.search(inner) else f" {inner} ") + text[match.end() :]
    return text


def _inherit(item: Statement, lead_in: Statement) -> None:
    item.lead_in = lead_in.text
    item.roles = _ordered(set(item.roles) | (set(lead_in.roles) & _INHERITED_ROLES))
    if item.polarity == "neutral":
        item.polarity = lead_in.polarity
    item.strength = item.strength or lead_in.strength
    for population in lead_in.populations:
        if population not in item.populations:
            item.populations.append(population)


def _ordered(roles: set[str]) -> list[str]:
    return [role for role in ROLES if role in roles]


_TOKEN = re.compile(r"[^\W_]+")  # words; a hyphen or a space separates them alike
_STEMS = (
    "mab",
    "pril",
    "sartan",
    "olol",
    "statin",
    "azole",
    "cycline",
    "oxacin",
    "gliptin",
    "gliflozin",
    "tide",
    "vir",
    "dipine",
    "parin",
    "triptan",
    "setron",
    "lukast",
    "tinib",
    "caine",
    "afil",
    "dronate",
    "profen",
    "coxib",
    "xaban",
    "gatran",
    "platin",
    "taxel",
    "rubicin",
    "fenac",
    "glitazone",
    "formin",
    "oxetine",
    "triptyline",
    "pramine",
    "azepam",
    "azolam",
    "barbital",
    "terol",
    "tropium",
    "gabalin",
    "pentin",
    "codone",
    "morphone",
    "tadine",
    "cillin",
    "mycin",
    "semide",
    "thiazide",
    "sone",
    "olone",
    "zosin",
    "tidine",
    "prazole",
    "azine",
    "apine",
)


def _vocabulary_hits(sentence: str) -> list[tuple[int, int, Entry]]:
    entries = intervention_vocabulary()[0]
    tokens = list(_TOKEN.finditer(sentence))
    words = [t.group(0).lower() for t in tokens]
    hits, i = [], 0
    while i < len(tokens):
        most = _longest_from(words[i])
        size = _match_size(sentence, tokens, words, i, entries, most) if most else None
        if size:
            start, end = tokens[i].start(), tokens[i + size[0] - 1].end()
            hits.append((start, end, size[1]))
            i += size[0]
            continue
        word = words[i]
        if len(word) > 5 and word.isalpha() and word.rstrip("s").endswith(_STEMS) and not _NOT_DRUGS.search(word):
            hits.append((tokens[i].start(), tokens[i].end(), Entry(words[i], (), "drug")))
        i += 1
    return hits


@lru_cache(maxsize=65536)
def _longest_from(word: str) -> int:
    """The most words of a vocabulary entry starting with `word` or its singular; 0 for none."""
    longest = intervention_vocabulary()[1]
    return max(longest.get(form, 0) for form in _singulars(word))


def _match_size(sentence, tokens, words, i, entries, longest) -> tuple[int, Entry] | None:
    """The longest vocabulary entry starting at word i: (number of words, entry)."""
    for size in range(min(longest, len(tokens) - i), 0, -1):
        gaps_ok = all(tokens[j + 1].start() - tokens[j].end() <= 1 for j in range(i, i + size - 1))
        if not gaps_ok:
            continue
        *head, last = words[i : i + size]
        for form in _singulars(last):
            entry = entries.get((*head, form))
            written = sentence[tokens[i].start() : tokens[i + size - 1].end()]
            if entry and (not entry.acronym or written in (entry.acronym, entry.acronym + "s")):
                return size, entry
    return None


def _singulars(word: str) -> tuple[str, ...]:
    """The word and what it may be the plural of: "statins" -> statin, "classes" -> class."""
    if not word.endswith("s") or len(word) < 4:
        return (word,)
    return (word, word[:-1], word[:-2]) if word.endswith("es") else (word, word[:-1])


def _interventions(sentence: str, vocabulary: Any) -> tuple[list[tuple[int, int, str]], list[str], set[str], str]:
    """(interventions with their spans, classes, kinds, sentence with those names overwritten):
    overwriting keeps a class name such as "ACE inhibitor" from reading as a mechanism ("inhibits")."""
    hits = _vocabulary_hits(sentence)
    found = [(start, end, entry.name) for start, end, entry in hits]
    if vocabulary is not None:
        found += [
            (getattr(m, "start", -1), getattr(m, "end", -1), m.term)
            for m in vocabulary.match(sentence)
            if getattr(m, "category", "") in ("drug", "procedure")
        ]
    masked = sentence
    for start, end, _ in hits:
        masked = masked[:start] + _MASK * (end - start) + masked[end:]
    classes = [c for _, _, entry in hits for c in entry.classes]
    return found, _unique(classes), {entry.kind for _, _, entry in hits}, masked


def _unique(items: list[str]) -> list[str]:
    seen, kept = set(), []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            kept.append(item)
    return kept


def named_in(text: str, vocabulary: Any = None) -> list[str]:
    """The interventions a heading or label names, in order: what a row under "Allopurinol" or
    "LMWH › Enoxaparin" is about when its own words ("Starting dose: 100 mg/day") do not say."""
    found, _, _, _ = _interventions(text, vocabulary)
    return _unique([name for _, _, name in sorted(found)])
