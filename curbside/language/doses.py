"""Drug doses in a sentence, and the numbers a verifier checks against a cited passage.

A dose is an amount with a unit a drug is given in ("37.5 mg", "0.5 mg/kg/day", "2 puffs").
Measurements and thresholds are not doses: a concentration ("LDL-C 190 mg/dL", "ACR 30 mg/g"),
a clearance ("CrCl 30 mL/min"), a pressure ("140/90 mmHg"), a target ("HbA1c < 7%"), or any
amount that follows a measured quantity ("urine albumin excretion 30-300 mg/24 hours").
Everything keeps its exact offsets so a verifier can compare a bullet's dose with the passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}


@dataclass
class Dose:
    """One dose as written. For a sequence ("start 30 mg/day for one week, then 60 mg/day") the
    dose spans the whole sequence, its own fields describe the first step, and `titration`
    holds every step in order (each a Dose without steps of its own)."""

    text: str  # exactly as in the sentence: sentence[start:end] == text
    start: int
    end: int
    amount: float | None
    amount_high: float | None = None  # top of a range, in `unit` ("500 mg-1 g" gives 500, 1000 mg)
    unit: str = ""  # mg, g, mcg, mg/kg, mg/m2, units, IU, mL, mmol, mEq, %, puffs, tablets ...
    per: str = ""  # the time a unit is counted over: "/day" in "300-600 mg/day"
    frequency: str = ""  # normalized: "twice daily", "every 8 hours", "at night", "as needed" ...
    route: str = ""  # normalized: oral, IV, IM, SC, topical, inhaled, intranasal, rectal ...
    duration: str = ""  # as written: "for one week", "for 5 days"
    timing: str = ""  # as written, when a step is given relative to another: "1 hour later"
    stage: str = ""  # start | loading | maintenance | target, when the sentence says so
    max: bool = False  # "maximum 60 mg/day", "up to 3600 mg/day"
    titration: list[Dose] = field(default_factory=list)

    @property
    def full_unit(self) -> str:
        """The unit with its time base, as a reader would write it: "mg/kg/day"."""
        return self.unit + self.per


_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_NUM_RE = re.compile(rf"(?<![\w.,/^])(?:{_NUM}|(?:{'|'.join(NUMBER_WORDS)})\b)", re.IGNORECASE)

# Spelling as written (lowercased) -> the unit we report. Longest spellings are tried first.
_UNITS = {
    "mg": "mg",
    "mgs": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "g": "g",
    "gm": "g",
    "gram": "g",
    "grams": "g",
    "mcg": "mcg",
    "µg": "mcg",
    "μg": "mcg",
    "ug": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "ng": "ng",
    "mmol": "mmol",
    "meq": "mEq",
    "iu": "IU",
    "international units": "IU",
    "units": "units",
    "unit": "units",
    "u": "units",
    "million units": "million units",
    "ml": "mL",
    "millilitre": "mL",
    "millilitres": "mL",
    "milliliter": "mL",
    "milliliters": "mL",
    "l": "L",
    "litre": "L",
    "litres": "L",
    "liter": "L",
    "liters": "L",
    "%": "%",
}
# Units counted in whole items; these alone may follow a number word ("two puffs").
_COUNT_UNITS = {
    "puff": "puffs",
    "puffs": "puffs",
    "tablet": "tablets",
    "tablets": "tablets",
    "tab": "tablets",
    "tabs": "tablets",
    "capsule": "capsules",
    "capsules": "capsules",
    "drop": "drops",
    "drops": "drops",
    "spray": "sprays",
    "sprays": "sprays",
    "sachet": "sachets",
    "sachets": "sachets",
    "patch": "patches",
    "patches": "patches",
    "suppository": "suppositories",
    "suppositories": "suppositories",
    "inhalation": "inhalations",
    "inhalations": "inhalations",
}
_ALL_UNITS = {**_UNITS, **_COUNT_UNITS}
_UNIT_RE = re.compile(
    r"(?:\s?-?\s?)(" + "|".join(re.escape(u) for u in sorted(_ALL_UNITS, key=len, reverse=True)) + r")(?![\w])",
    re.IGNORECASE,
)
_MASSES = {"mg": 1.0, "g": 1000.0, "mcg": 0.001, "ng": 0.000001}

# What may follow a unit after "/" or "per": body size, time, a volume with a number (a
# preparation's strength, "250 mg/5 mL"), or a volume/mass without one (a concentration).
_DENOMINATOR = re.compile(
    r"\s?(?:/|\bper\b)\s?(?:"
    r"(?P<body>kg|m\s?2|m²|m\^2)"
    r"|(?P<time>24\s?h(?:ours?|rs?)?|d|days?|h|hrs?|hours?|min(?:utes?)?|wk|weeks?|mo|months?|y|yrs?|years?|dose)"
    r"|(?P<strength>\d+(?:\.\d+)?\s?(?:ml|mL|l|L))"
    r"|(?P<concentration>dl|dL|l|L|litres?|liters?|ml|mL|mmol|mol|g|kg\s?/\s?min|min|1\.73)"
    r")(?![A-Za-z])",
    re.IGNORECASE,
)
_TIME_BASES = {
    "d": "/day",
    "day": "/day",
    "h": "/hour",
    "hr": "/hour",
    "hour": "/hour",
    "min": "/minute",
    "minute": "/minute",
    "wk": "/week",
    "week": "/week",
    "mo": "/month",
    "month": "/month",
    "y": "/year",
    "yr": "/year",
    "year": "/year",
    "dose": "/dose",
}

_FROM = re.compile(r"\bfrom\s$", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s$")
_BETWEEN_AND = re.compile(r"\sand\s")
_RANGE_JOIN = re.compile(r"\s?(?:--|-|–|—|‐|‑|\bto\b)\s?")  # "--" is a dash typed in plain text ("40--80 mg")
# A percentage is a dose only as the strength of a preparation: "1% cream", "enema 10%".
_PREPARATIONS = (
    r"(?:creams?|ointments?|gels?|lotions?|solutions?|sprays?|drops?|patch(?:es)?|foams?|shampoos?|"
    r"mouthwash(?:es)?|enemas?|dextrose|saline|w/v|w/w|eye|ear|nasal|topical)"
)
_PERCENT_AFTER = re.compile(rf"\s?(?:[A-Za-z-]+\s)?{_PREPARATIONS}\b", re.IGNORECASE)
_PERCENT_BEFORE = re.compile(rf"\b{_PREPARATIONS}\s?\(?$", re.IGNORECASE)
# A measured quantity before an amount makes it a measurement, not a dose.
_MEASURED = re.compile(
    r"\b(?:levels?|concentrations?|clearance|CrCl|e?GFR|excretion|output|volume|weight|intake|loss|"
    r"HbA1c|A1c|BP|pressure|LDL(?:-C)?|HDL(?:-C)?|cholesterol|triglycerides?|creatinine|albumin\w*|"
    r"proteinuria|ACR|PCR|ha?emoglobin|Hb)\b[^;,.]{0,12}$",
    re.IGNORECASE,
)

_FREQUENCIES = [
    (
        r"once[- ](?:a|per)[- ]day|once[- ]daily|\bq\.?d\.?(?![a-z])|\bo\.?d\.?(?![a-z])|\bevery day\b|\beach day\b|\bdaily\b|\bqam\b",
        "once daily",
    ),
    (
        r"twice[- ](?:a|per)[- ]day|twice[- ]daily|two times (?:a|per) day|two times daily|\bb\.?i\.?d\.?(?![a-z])|\bb\.?d\.?(?![a-z])",
        "twice daily",
    ),
    (
        r"(?:three times|thrice) (?:a|per) day|(?:three times|thrice)[- ]daily|\bt\.?i\.?d\.?(?![a-z])|\bt\.?d\.?s\.?(?![a-z])",
        "three times daily",
    ),
    (r"four times (?:a|per) day|four times daily|\bq\.?i\.?d\.?(?![a-z])|\bq\.?d\.?s\.?(?![a-z])", "four times daily"),
    (
        r"\bq\.?\s?(?P<h>\d+(?:\s?(?:-|–|to)\s?\d+)?)\s?h(?:rs?|ours?)?\b"
        r"|\bevery (?P<h2>\S+(?: (?:to|or|-|–) \S+)?) h(?:rs?|ours?)?\b"
        r"|\b(?P<h3>\d+(?:\s?(?:-|–|to)\s?\d+)?)[- ]hourly\b",
        "every {} hours",
    ),
    (r"\bevery other day\b|\balternate days\b", "every other day"),
    (r"\bq\.?\s?(?P<w>\d+)\s?w(?:ee)?ks?\b|\bq(?P<w2>\d)w\b|\bevery (?P<w3>\S+) weeks\b", "every {} weeks"),
    (r"\bq\.?\s?(?P<d>\d+)\s?days?\b|\bevery (?P<d2>\S+) days\b", "every {} days"),
    (r"\bevery (?P<m>\S+) months\b", "every {} months"),
    (r"twice[- ](?:weekly|a week|per week)", "twice weekly"),
    (r"\b(?:once[- ])?weekly\b|once (?:a|per|every) week|\bevery week\b", "weekly"),
    (r"\b(?:once[- ])?monthly\b|once (?:a|per|every) month|\bevery month\b", "monthly"),
    (r"once (?:a|per|every) year|\bannually\b|\byearly\b", "yearly"),
    (r"\bat (?:night|bedtime)\b|\bnocte\b|\bq\.?h\.?s\.?(?![a-z])|\bh\.s\.|\bin the evening\b", "at night"),
    (r"\bin the morning\b|\bmane\b", "in the morning"),
    (
        r"\bp\.?r\.?n\.?(?![a-z])|\bas (?:needed|required)\b|\bwhen (?:needed|required)\b|\bif needed\b|\bon demand\b",
        "as needed",
    ),
    (r"\bsingle dose\b|\bonce only\b|[×x] ?1\b", "single dose"),
    (r"\bstat\b", "immediately"),
]
_FREQUENCY_RES = [(re.compile(p, re.IGNORECASE), label) for p, label in _FREQUENCIES]
# Route words match in any case; abbreviations only in capitals (PR, SL, IM are words otherwise).
_ROUTES = [
    (r"(?i:\b(?:orally|oral|by mouth|per os)\b|\bp\.o\.)|\bPO\b", "oral"),
    (r"(?i:\bintravenous(?:ly)?\b|\bi\.v\.)|\bIV\b", "IV"),
    (r"(?i:\bintramuscular(?:ly)?\b|\bi\.m\.)|\bIM\b", "IM"),
    (r"(?i:\b(?:subcutaneous(?:ly)?|subcut)\b|\bs\.c\.)|\bS[CQ]\b", "SC"),
    (r"(?i:\bsublingual(?:ly)?\b)|\bSL\b", "sublingual"),
    (r"(?i:\b(?:inhaled|by inhalation|nebuli[sz]ed|via (?:an )?inhaler)\b)", "inhaled"),
    (r"(?i:\b(?:intranasal(?:ly)?|nasal spray)\b)", "intranasal"),
    (r"(?i:\b(?:rectal(?:ly)?|per rectum)\b)|\bPR\b", "rectal"),
    (r"(?i:\btransdermal(?:ly)?\b)", "transdermal"),
    (r"(?i:\btopical(?:ly)?\b)", "topical"),
    (r"(?i:\bintrathecal(?:ly)?\b)", "intrathecal"),
    (r"(?i:\bepidural(?:ly)?\b)", "epidural"),
    (r"(?i:\bintra-articular(?:ly)?\b)", "intra-articular"),
    (r"(?i:\bbuccal(?:ly)?\b)", "buccal"),
    (r"(?i:\bvaginal(?:ly)?\b)", "vaginal"),
]
_ROUTE_RES = [(re.compile(p), label) for p, label in _ROUTES]
_DURATION = re.compile(
    rf"\b(?:for|over|x|×)\s?(?:(?:at least|a minimum of|up to|a further|another)\s)?(?:{_NUM}|{'|'.join(NUMBER_WORDS)}|a|an)"
    rf"(?:\s?(?:-|–|to)\s?(?:{_NUM}))?\s?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?)\b",
    re.IGNORECASE,
)
_TIMING = re.compile(
    rf"(?:\b(?:{_NUM}|{'|'.join(NUMBER_WORDS)}|an?)\s?(?:minutes?|hours?|days?|weeks?)\s(?:later|after)\b"
    rf"|\bafter\s(?:{_NUM}|{'|'.join(NUMBER_WORDS)}|an?)\s?(?:minutes?|hours?|days?|weeks?)\b"
    rf"|\bon days?\s[\d,&and\s-]+\b)",
    re.IGNORECASE,
)
_STAGE_AFTER = re.compile(
    r"\s?(?:as (?:a|the) )?(loading|maintenance|starting|initial|target)\s(?:dose|doses)\b", re.IGNORECASE
)
_STAGE_BEFORE = re.compile(
    r"\b(?:(?P<loading>loading)|(?P<maintenance>maintenance)|(?P<start>start(?:ing)?|initial(?:ly)?|begin(?:ning)?|initiate)|(?P<target>target))"
    r"(?:\s(?:dose|dosage|therapy|treatment))?(?:\s(?:at|with|of|is|on|from))?\s?:?\s?(?:(?:a|the)\s)?(?:dose\sof\s)?"
    r"(?:[A-Za-z-]{3,}\s)?$",
    re.IGNORECASE,
)  # one word may name the drug: "start duloxetine 30 mg"
_STAGE_WORDS = {
    "starting": "start",
    "initial": "start",
    "loading": "loading",
    "maintenance": "maintenance",
    "target": "target",
}
_MAX_BEFORE = re.compile(
    r"(?:\bmax(?:imum|imal)?\.?(?:\s(?:recommended\s)?(?:total\s)?(?:daily\s)?(?:dose|dosage))?(?:\s(?:of|is))?\s?:?|\bup to|"
    r"\bnot (?:to )?exceed(?:ing)?|\bno more than|\bat most|≤|<=)\s?$",
    re.IGNORECASE,
)
# "60 mg/day maximum"; not "30 mg, maximum 60 mg", where the maximum is the next dose.
_MAX_AFTER = re.compile(r"\s?\(?(?:max(?:imum)?|maximal)\b(?![^\d;.]{0,25}\d)", re.IGNORECASE)

# Between two doses, words that make the second a later step of the first; any other word (a
# drug name, "or") means the two are separate doses.
_STEP_CONNECTORS = re.compile(
    r"\b(?:then|followed|thereafter|subsequently|increas\w*|titrat\w*|escalat\w*|"
    r"rais\w*|reduc\w*|decreas\w*|taper\w*|to)\b",
    re.IGNORECASE,
)
_STEP_FILLER = set(
    """then followed by thereafter subsequently and increase increased increasing increases titrate
titrated titrating escalate escalated escalating raise raised raising reduce reduced reducing decrease decreased
decreasing taper tapered tapering to the dose dosage up down if tolerated needed as at a of in steps step
increments gradually further after""".split()
)
# Where the words describing one dose stop: a new clause or an alternative.
# Words that may sit between a dose and what describes it: "20 mg given by SC injection weekly".
_TAIL_FILLER = set(
    "given taken administered by via as a an the of per single dose doses injection injections infusion "
    "bolus tablet tablets capsule capsules cream ointment gel lotion solution spray drops patch "
    "suppository enema".split()
)
_CLAUSE_BREAK = re.compile(r"[;:()\[\]]|(?<!\.[A-Za-z])\.\s|\s(?:or|and|then|followed by|if|unless)\s", re.IGNORECASE)


def parse_doses(sentence: str) -> list[Dose]:
    """The doses in `sentence`, in order; a titration sequence comes back as one Dose."""
    cores = _dose_cores(sentence)
    doses = [
        _describe(
            sentence, core, cores[i - 1].end if i else 0, cores[i + 1].start if i + 1 < len(cores) else len(sentence)
        )
        for i, core in enumerate(cores)
    ]
    return _join_steps(sentence, doses)


def _dose_cores(sentence: str) -> list[Dose]:
    """Amount, unit, range and time base of every dose; measurements are dropped here."""
    cores, pos = [], 0
    for number in _NUM_RE.finditer(sentence):
        if number.start() < pos:
            continue
        core = _core_at(sentence, number)
        if core is not None:
            cores.append(core)
            pos = core.end
    return cores


def _core_at(sentence: str, number: re.Match) -> Dose | None:
    """The dose whose amount is `number`: "300-600 mg/day", "500 mg-1 g", "0.5 mg/kg/day"."""
    unit, end = _unit_at(sentence, number.end())
    amount, high = _to_number(number.group(0)), None
    join = _RANGE_JOIN.match(sentence, end)
    if join is None and _BETWEEN.search(sentence, max(0, number.start() - 9), number.start()):
        join = _BETWEEN_AND.match(sentence, end)  # "between 60 and 150 mg/d" is one range
    second = _NUM_RE.match(sentence, join.end()) if join else None
    if second and not second.group(0)[0].isalpha():
        high_unit, high_end = _unit_at(sentence, second.end())
        if high_unit and (unit is None or _same_kind(unit, high_unit)):
            base = unit or high_unit
            value = _to_number(second.group(0)) * _mass_factor(high_unit[0]) / _mass_factor(base[0])
            changes = _FROM.search(sentence, max(0, number.start() - 6), number.start())
            if value >= amount and not changes:  # "from 10 mg to 20 mg" is a change of dose, not a range
                unit, end, high = (base[0], high_unit[1] or base[1], base[2] or high_unit[2]), high_end, value
    if unit is None:
        return None
    name, per, kind = unit
    if number.group(0)[0].isalpha() and name not in _COUNT_UNITS.values():
        return None  # "one" and "two" count tablets and puffs, never milligrams
    if kind == "concentration" or (name == "mL" and per == "/minute") or _MEASURED.search(sentence, 0, number.start()):
        return None
    if name == "%" and not (
        _PERCENT_AFTER.match(sentence, end)
        or _PERCENT_BEFORE.search(sentence, max(0, number.start() - 20), number.start())
    ):
        return None
    return Dose(sentence[number.start() : end], number.start(), end, amount, high, name, per)


def _unit_at(sentence: str, pos: int) -> tuple[tuple[str, str, str] | None, int]:
    """(unit, time base, kind) starting at `pos`, and where it ends; kind is "concentration"
    when the denominator makes it a measurement. None when no dose unit follows."""
    match = _UNIT_RE.match(sentence, pos)
    if not match or match.group(1) in ("u", "l"):  # a lone lowercase letter is a word, not a unit
        return None, pos
    name, per, kind, end = _ALL_UNITS[match.group(1).lower()], "", "", match.end()
    while denominator := _DENOMINATOR.match(sentence, end):
        if denominator.group("body"):
            name += "/kg" if denominator.group("body").lower() == "kg" else "/m2"
        elif denominator.group("time"):
            per = _time_base(denominator.group("time"))
        elif denominator.group("strength"):
            name += "/" + denominator.group("strength")
        else:
            kind = "concentration"
        end = denominator.end()
    return (name, per, kind), end


def _time_base(written: str) -> str:
    compact = re.sub(r"\s", "", written.lower())
    if compact.startswith("24h"):
        return "/day"
    return _TIME_BASES.get(compact, _TIME_BASES.get(compact.rstrip("s"), ""))


def _mass_factor(unit: str) -> float:
    return _MASSES.get(unit.split("/")[0], 1.0)


def _same_kind(low: tuple[str, str, str], high: tuple[str, str, str]) -> bool:
    """Both ends of a range measure the same thing: mg and g, or mg/kg and g/kg."""
    low_mass, _, low_rest = low[0].partition("/")
    high_mass, _, high_rest = high[0].partition("/")
    return low[0] == high[0] or (low_mass in _MASSES and high_mass in _MASSES and low_rest == high_rest)


def _to_number(written: str) -> float:
    lowered = written.lower()
    if lowered in NUMBER_WORDS:
        return float(NUMBER_WORDS[lowered])
    return float(written.replace(",", ""))


def _describe(sentence: str, core: Dose, window_start: int, window_end: int) -> Dose:
    """Fill frequency, route, duration, timing, stage and max from the words around the core."""
    clause = _CLAUSE_BREAK.search(sentence, core.end, window_end)
    tail_end = clause.start() if clause else window_end
    end = core.end
    for kind, match in _tail_items(sentence, core.end, tail_end):
        if not _joins(sentence[end : match.start()]):
            break  # "1.1 mcg/kg/d L-T4, higher daily doses": the later words describe something else
        value = match.group(1) if kind == "stage" else match
        _set(core, kind, value)
        end = max(end, match.end())
    core.end, core.text = end, sentence[core.start : end]
    before = sentence[max(window_start, core.start - 40) : core.start]
    if not core.route:
        core.route = _first_route(before)
    if stage := _STAGE_BEFORE.search(before):
        core.stage = next(name for name, value in stage.groupdict().items() if value)
    core.max = core.max or bool(_MAX_BEFORE.search(before))
    return core


def _joins(gap: str) -> bool:
    return len(gap) <= 25 and all(word.lower() in _TAIL_FILLER for word in re.findall(r"[A-Za-z]+", gap))


def _tail_items(sentence: str, start: int, end: int) -> list[tuple[str, re.Match]]:
    found = [("frequency", m) for pattern, _ in _FREQUENCY_RES for m in pattern.finditer(sentence, start, end)]
    found += [("route", m) for pattern, _ in _ROUTE_RES for m in pattern.finditer(sentence, start, end)]
    found += [("duration", m) for m in _DURATION.finditer(sentence, start, end)]
    found += [("timing", m) for m in _TIMING.finditer(sentence, start, end)]
    found += [("stage", m) for m in _STAGE_AFTER.finditer(sentence, start, end)]
    # The window ends at the next dose, so "maximum" is checked against the whole sentence.
    found += [("max", m) for m in _MAX_AFTER.finditer(sentence, start, end) if _MAX_AFTER.match(sentence, m.start())]
    found.sort(key=lambda item: (item[1].start(), -item[1].end()))
    kept, covered = [], start
    for kind, match in found:
        if match.start() >= covered:  # overlapping matches: the earliest, longest one wins
            kept.append((kind, match))
            covered = match.end()
    return kept


def _set(dose: Dose, kind: str, value) -> None:
    if kind == "frequency" and not dose.frequency:
        dose.frequency = _frequency_label(value)
    elif kind == "route" and not dose.route:
        dose.route = _first_route(value.group(0))
    elif kind in ("duration", "timing") and not getattr(dose, kind):
        setattr(dose, kind, value.group(0).strip())
    elif kind == "stage":
        dose.stage = _STAGE_WORDS[value.lower()]
    elif kind == "max":
        dose.max = True


def _frequency_label(match: re.Match) -> str:
    for pattern, label in _FREQUENCY_RES:
        if pattern is match.re:
            count = next((v for v in match.groupdict().values() if v), "")
            count = re.sub(r"\s*(?:-|–|or)\s*", " to ", count)
            count = " ".join(str(NUMBER_WORDS.get(word.lower(), word)) for word in count.split())
            return label.format(count) if "{}" in label else label
    return ""


def _first_route(text: str) -> str:
    hits = [(m.start(), label) for pattern, label in _ROUTE_RES if (m := pattern.search(text))]
    return min(hits)[1] if hits else ""


def _join_steps(sentence: str, doses: list[Dose]) -> list[Dose]:
    """Merge doses linked by "then", "increase to", "followed by" ... into one titration Dose."""
    joined: list[Dose] = []
    for dose in doses:
        previous = joined[-1] if joined else None
        if previous is not None and _is_next_step(sentence[previous.end : dose.start]):
            steps = previous.titration or [_copy_step(previous)]
            steps.append(dose)
            joined[-1] = Dose(
                **{
                    **_copy_step(steps[0]).__dict__,
                    "end": dose.end,
                    "text": sentence[steps[0].start : dose.end],
                    "titration": steps,
                }
            )
        else:
            joined.append(dose)
    return joined


def _is_next_step(gap: str) -> bool:
    if len(gap) > 60 or ". " in gap or not _STEP_CONNECTORS.search(gap):
        return False
    words = re.findall(r"[A-Za-z]+", gap.lower())
    return all(word in _STEP_FILLER or word in NUMBER_WORDS for word in words)


def _copy_step(dose: Dose) -> Dose:
    return Dose(**{**dose.__dict__, "titration": []})


# A number as a verifier compares it: sign, digits, and a ratio or percent sign that belongs to it.
_NUMBER_TOKEN = re.compile(
    r"(?<![\w.,])(?P<sign>[−-])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<ratio>[/:]\d+(?:\.\d+)?(?![\d.,]\d))?(?:\s?(?P<pct>%|percent\b|per cent\b))?(?![.,]?\d)"
)
# Letters that may follow a number without making it part of a name ("5mg", "24h" but not "1B",
# "2nd", "CYP2D6"): unit abbreviations.
_UNIT_SUFFIX = re.compile(
    r"(?:mg|mcg|µg|μg|ug|ng|g|kg|mmol|mol|meq|iu|u|units?|ml|l|dl|h|hrs?|mins?|s|sec|d|wks?|mo|y|yrs?|"
    r"m2?|cm|mm|mmhg|x|fold|gy|mbq|bpm|kcal)(?![a-z])",
    re.IGNORECASE,
)


def numbers(text: str) -> list[str]:
    """Every number, percentage and ratio in `text`, in order, in one normal form so a bullet's
    numbers can be looked up in its cited passage: "1,000" -> "1000", ".5" -> "0.5",
    "7 %"/"7 percent" -> "7%", "−2.5" -> "-2.5", "140/90" stays whole; a range gives both ends.
    Deliberately conservative: trailing zeros are kept ("2.50" is not "2.5") and digits inside
    names ("HbA1c", "CYP2D6", "Grade 1B") are not numbers."""
    found = []
    for match in _NUMBER_TOKEN.finditer(text):
        following = text[match.end() : match.end() + 1]
        if following.isalpha() and not _UNIT_SUFFIX.match(text, match.end()):
            continue
        sign = match.group("sign") or ""
        if sign == "-" and re.search(r"[\d%)]\s*$", text[max(0, match.start() - 3) : match.start()]):
            sign = ""  # a hyphen after a number is a dash ("300 - 600"), not a minus
        value = match.group("num").replace(",", "")
        value = "0" + value if value.startswith(".") else value
        ratio = (match.group("ratio") or "").replace(",", "")
        found.append(("-" if sign else "") + value + ratio + ("%" if match.group("pct") else ""))
    return found
