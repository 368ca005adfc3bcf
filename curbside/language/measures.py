"""The patient's measures a message gives, and the ranges of them a passage is written for.

"64M, ... CrCl 85" gives an age of 64, a man, and a creatinine clearance of 85 mL/min; a passage
headed "Severe Renal Impairment (CrCl < 30 mL/min)", "Children" or "Pregnancy" is not written for
him, and one headed "CrCl 30-50 mL/min" or saying "patients aged 65 years or older" is. Kidney
function as CrCl or eGFR is one measure here: guidelines use either for the same dose bands.

Only ranges stated with their measure are read ("CrCl < 30", "aged 65 years or older",
"weighing less than 60 kg"); a bare "< 3 months" is as often a duration as an age and is left
alone. These are patterns of clinical writing, not facts about any drug or condition.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .vocabulary import expand_abbreviations

AGE, WEIGHT, KIDNEY, BMI, SEX, PREGNANCY = "age", "weight", "kidney", "bmi", "sex", "pregnancy"
RISK = "ten_year_risk"  # an estimated 10-year (cardiovascular) event risk, in percent

_NUMBER = r"(\d+(?:\.\d+)?)"
_RANGE_JOIN = r"\s*(?:-|–|—|to)\s*"
_LESS = r"<|≤|<=|less than|lower than|below|under|younger than|up to|no more than|not more than"
_MORE = r">|≥|>=|greater than|more than|higher than|above|over|older than|at least|of at least"
_AFTER_LESS = r"or (?:less|lower|below|under|younger|fewer)|and (?:below|under|younger)"
_AFTER_MORE = r"or (?:more|greater|higher|above|over|older)|and (?:above|over|older)|or over"
_COMPARE = rf"(?P<cmp>{_LESS}|{_MORE})?\s*"
_TAIL = rf"(?:{_RANGE_JOIN}(?P<high>\d+(?:\.\d+)?))?"
_AGE_UNITS = {
    "year": 1.0,
    "yr": 1.0,
    "month": 1 / 12,
    "mo": 1 / 12,
    "week": 1 / 52.18,
    "wk": 1 / 52.18,
    "day": 1 / 365.25,
}
_AGE_UNIT = r"(?P<unit>years?|yrs?|months?|mos?|weeks?|wks?|days?)"
_AFTER = rf"(?:\s*(?:of age\s*)?(?P<after>{_AFTER_LESS}|{_AFTER_MORE}))?"

# -- the patient -----------------------------------------------------------------------------

_PATIENT_AGE = [
    re.compile(rf"\b{_NUMBER}\s?-?\s?{_AGE_UNIT}[\s-]?old\b", re.IGNORECASE),
    re.compile(rf"\b{_NUMBER}\s?(?P<unit>yo|y/o|y\.o\.)", re.IGNORECASE),
    re.compile(rf"\baged?\s{_NUMBER}\b(?:\s?{_AGE_UNIT})?", re.IGNORECASE),
]
_PATIENT_AGE_SEX = re.compile(
    r"\b(\d{1,3})(M|F)\b"
)  # "64M", "47F": case as written, no space ("101 F" is a temperature)
_PATIENT_WEIGHT = re.compile(rf"(?<![/\d.]){_NUMBER}\s?kg\b(?!\s?/)", re.IGNORECASE)
_KIDNEY_WORDS = r"crcl|clcr|creatinine clearance|e?gfr"
_PATIENT_KIDNEY = re.compile(rf"\b(?:{_KIDNEY_WORDS})\s*(?:of|=|:|is|now)?\s*{_NUMBER}\b", re.IGNORECASE)
_PATIENT_BMI = re.compile(rf"\bbmi\s*(?:of|=|:|is)?\s*{_NUMBER}\b", re.IGNORECASE)
# "PCE 10-yr ASCVD risk 8.5%", "10-year CVD risk of 12%"
_TEN_YEARS = r"10[- ]?(?:yr|year)s?"
_PATIENT_RISK = re.compile(
    rf"\b{_TEN_YEARS}\b[^.;%\d]{{0,30}}?\brisk\b\s*(?:of|=|:|is)?\s*{_NUMBER}\s?%", re.IGNORECASE
)
_MAN = re.compile(r"\b(?:man|male|gentleman|boy|he|him|his)\b", re.IGNORECASE)
_WOMAN = re.compile(r"\b(?:woman|female|lady|girl|she|her|pregnan\w*)\b", re.IGNORECASE)


# A woman pregnant or just delivered, as a case states it ("14 weeks pregnant", "gestational
# diabetes", "post-partum haemorrhage"); "not pregnant" is not.
_PATIENT_PREGNANT = re.compile(
    r"(?<!not )(?<!non-)\b(?:pregnan\w*|gestation\w*|(?:ante|post|peri|intra)-?partum|antenatal|postnatal"
    r"|(?:first|second|third) trimester|breast-?feeding|lactating|(?:pre-?)?eclampsia|birth|delivery|delivered)",
    re.IGNORECASE,
)


_CHILDBEARING_AGE = 10.0


@dataclass(frozen=True)
class Patient:
    """What a message states about the patient's measures (absent when not stated)."""

    values: dict[str, float] = field(default_factory=dict)  # AGE in years, WEIGHT kg, KIDNEY mL/min, BMI, RISK %
    sex: str = ""  # "M" or "F" when stated
    pregnant: bool = False  # stated pregnant or just delivered ("14 weeks pregnant", "post-partum")

    def __bool__(self) -> bool:
        return bool(self.values or self.sex or self.pregnant)


@lru_cache(maxsize=1024)
def patient_of(message: str) -> Patient:
    """The measures a clinician's message gives about its patient. Read once per message (the
    topic reading and compose each ask); callers must not change what it returns."""
    values: dict[str, float] = {}
    sex = ""
    for pattern in _PATIENT_AGE:
        if m := pattern.search(message):
            unit = (m.groupdict().get("unit") or "year").lower()
            values[AGE] = float(m.group(1)) * _age_factor(unit)
            break
    if m := _PATIENT_AGE_SEX.search(message):
        values.setdefault(AGE, float(m.group(1)))
        sex = m.group(2)
    if m := _PATIENT_WEIGHT.search(message):
        values[WEIGHT] = float(m.group(1))
    if m := _PATIENT_KIDNEY.search(message):
        values[KIDNEY] = float(m.group(1))
    if m := _PATIENT_BMI.search(message):
        values[BMI] = float(m.group(1))
    if m := _PATIENT_RISK.search(message):
        values[RISK] = float(m.group(1))
    if not sex:
        man, woman = bool(_MAN.search(message)), bool(_WOMAN.search(message))
        sex = "M" if man and not woman else "F" if woman and not man else ""
    # Abbreviations spelled out: "GDM", "PPH" are a pregnancy and a delivery.
    pregnant = (
        sex != "M"
        and values.get(AGE, _CHILDBEARING_AGE) >= _CHILDBEARING_AGE  # a child's "birth weight" is no delivery
        and bool(_PATIENT_PREGNANT.search(expand_abbreviations(message)[0]))
    )
    return Patient(values, sex, pregnant)


def _age_factor(unit: str) -> float:
    for prefix, factor in _AGE_UNITS.items():
        if unit.startswith(prefix):
            return factor
    return 1.0


# -- the ranges a passage is written for -------------------------------------------------------

_RANGE_PATTERNS: dict[str, list[re.Pattern]] = {
    KIDNEY: [
        re.compile(
            rf"\b(?:{_KIDNEY_WORDS})\b[^.;\d<>≤≥]{{0,15}}?{_COMPARE}{_NUMBER}{_TAIL}(?:\s*ml/min(?:/1\.73\s?m2)?)?{_AFTER}"
        ),
    ],
    AGE: [
        re.compile(rf"\b(?:aged?|age of|ages)\s*{_COMPARE}{_NUMBER}{_TAIL}\s*{_AGE_UNIT}?{_AFTER}"),
        re.compile(
            rf"(?P<cmp>younger than|older than|under|over|less than|more than)\s+{_NUMBER}{_TAIL}\s*{_AGE_UNIT}\s+(?:of age|old)"
        ),
        re.compile(
            rf"\b(?:children|infants|babies|neonates|patients|adults|people|persons|women|men)\s+(?P<cmp>under|over|younger than|older than|below|above|aged)\s+{_NUMBER}{_TAIL}\s*{_AGE_UNIT}?"
        ),
        re.compile(rf"(?P<cmp>younger than|older than)\s+{_NUMBER}{_TAIL}\s*{_AGE_UNIT}"),
        re.compile(rf"\b{_NUMBER}{_TAIL}\s*{_AGE_UNIT}\s+(?:of age|old)\s*(?P<after>{_AFTER_LESS}|{_AFTER_MORE})"),
        re.compile(rf"\b{_NUMBER}{_TAIL}\s*{_AGE_UNIT}\s+(?P<after>{_AFTER_LESS}|{_AFTER_MORE})"),
    ],
    WEIGHT: [
        re.compile(
            rf"\b(?:weight|weighing|weighs?|body weight)\b[^.;\d<>≤≥]{{0,12}}?{_COMPARE}{_NUMBER}{_TAIL}\s*kg{_AFTER}"
        ),
        re.compile(rf"(?P<cmp><|≤|<=|>|≥|>=)\s*{_NUMBER}\s*kg\b"),
        re.compile(rf"\b{_NUMBER}{_TAIL}\s*kg\s+(?P<after>{_AFTER_LESS}|{_AFTER_MORE})"),
        re.compile(rf"(?<![/\d.]){_NUMBER}{_RANGE_JOIN}(?P<high>\d+(?:\.\d+)?)\s*kg\b(?!\s?/)"),  # "60-69 kg"
    ],
    BMI: [re.compile(rf"\bbmi\b[^.;\d<>≤≥]{{0,10}}?{_COMPARE}{_NUMBER}{_TAIL}{_AFTER}")],
}
# Every range pattern above needs one of these words (or a number before an age unit or "kg").
_MAY_STATE_RANGE = re.compile(
    r"crcl|clcr|creatinine clearance|gfr|\bage|older|younger|\b(?:under|over|below|above)\s+\d"
    r"|\d\s*(?:years?|yrs?|months?|mos?|weeks?|wks?|days?)\b|kg\b|weigh|bmi|risk"
)
# A band of 10-year risk, after the measure ("10-year ASCVD risk of 5% to <7.5%", "10-Year ASCVD
# Risk: < 5%", "risk >= 7.5%") or before it ("a 7.5% to 10% 10-year CVD event risk", "10% or
# greater 10-year risk").
_PERCENT_BAND = (
    r"(?P<cmp>[<>≤≥]=?|less than|greater than|more than|at least)?\s*(?P<low>\d+(?:\.\d+)?)\s?%"
    r"(?:\s*(?:-|–|to)\s*(?P<open><|less than)?\s*(?P<high>\d+(?:\.\d+)?)\s?%)?"
    r"(?:\s*(?P<after>or (?:greater|higher|more|above)|or (?:less|lower|below)))?"
)
_RISK_BANDS = (
    re.compile(rf"\b{_TEN_YEARS}\b[^.;%\d]{{0,40}}?\brisk\b\s*(?:of|is|=|:)?\s*{_PERCENT_BAND}"),
    re.compile(rf"{_PERCENT_BAND}\s+{_TEN_YEARS}\b[^.;%\d]{{0,30}}?\brisk\b"),
)


def _risk_bands(low: str) -> list[tuple[float, float, bool]]:
    """The 10-year risk bands `low` (lower case) states, in percent: (low, high, whether high is in)."""
    bands = []
    for pattern in _RISK_BANDS:
        for m in pattern.finditer(low):
            first = float(m["low"])
            if m["high"]:
                bands.append((first, float(m["high"]), not m["open"]))
            elif (m["cmp"] or "").startswith(("<", "≤", "less")) or (m["after"] or "").startswith("or l"):
                bands.append((0.0, first, (m["cmp"] or "") in ("<=", "≤") or bool(m["after"])))
            elif m["cmp"] or m["after"]:
                bands.append((first, math.inf, True))
    return bands


# Populations a heading names, as the ages they cover (years): "Neonates", "Paediatric dosing".
# "Adults" is read only as holding an adult patient: guidelines file statements for everyone under
# it when a children's section lists only what differs.
_POPULATION_AGES = [
    (re.compile(r"\b(?:neonat\w*|newborns?)\b"), (0.0, 28 / 365.25, False)),
    (re.compile(r"\binfan\w*\b"), (0.0, 1.0, False)),
    (re.compile(r"\b(?:child\w*|p(?:a)?ediatric\w*|paediatric\w*)\b"), (0.0, 18.0, False)),
    (re.compile(r"\badolescen\w*\b"), (10.0, 19.0, False)),
    (re.compile(r"\b(?:older adults?|elderly|older people|older patients|geriatric\w*)\b"), (65.0, math.inf, True)),
]
_ADULT = 18.0
_ADULTS = re.compile(r"(?<!older )\badults?\b")
_POPULATION_AGES.append((_ADULTS, (_ADULT, math.inf, True)))
# "In women with a BMI > 27 ... seeking contraception": written for women only.
_FOR_WOMEN = re.compile(
    r"^(?!.*\b(?:men|man|males?|boys?)\b).*\b(?:in|for) (?:pregnant |postmenopausal |premenopausal )?(?:women|girls)\b",
    re.S,
)
# A heading or an opening about women alone ("Epilepsy and Women's Health › Contraception", "D -
# Women with epilepsy who require emergency contraception ..."): not for a man.
_WOMEN_ONLY = re.compile(r"^(?!.*\b(?:men|man|males?|boys?)\b).*\b(?:women|woman|female)(?:'s)?\b", re.S)
_PREGNANCY = re.compile(
    r"\b(?:pregnan\w*|obstetric\w*|antenatal|intrapartum|peripartum|postpartum|lactat\w*|breastfeeding)\b"
)
# A sentence whose first words name childbirth ("D - Intrapartum generalised tonic-clonic seizures
# ...") is about a woman giving birth, whatever its heading.
_OPENING_WORDS = 6


@lru_cache(maxsize=65536)
def stated_ranges(text: str) -> dict[str, list[tuple[float, float, bool]]]:
    """The ranges of each measure `text` states ("CrCl < 30" is [0, 30); "aged 65 years or older"
    [65, inf)), ages in years: (low, high, whether high itself is in the range). Cached: callers
    must not change what it returns."""
    low = text.lower()
    out: dict[str, list[tuple[float, float, bool]]] = {}
    if not _MAY_STATE_RANGE.search(low):
        return out  # most sentences name no measure: one search instead of a dozen
    for measure, patterns in _RANGE_PATTERNS.items():
        for pattern in patterns:
            for m in pattern.finditer(low):
                bounds = _bounds(m, measure)
                if bounds:
                    out.setdefault(measure, []).append(bounds)
    if bands := _risk_bands(low):
        out[RISK] = bands
    return out


def _bounds(m: re.Match, measure: str) -> tuple[float, float, bool] | None:
    groups = m.groupdict()
    numbers = [float(g) for g in m.groups() if g and re.fullmatch(r"\d+(?:\.\d+)?", g)]
    if not numbers:
        return None
    factor = _age_factor((groups.get("unit") or "year").lower()) if measure == AGE else 1.0
    first = numbers[0] * factor
    high = float(groups["high"]) * factor if groups.get("high") else None
    words = f"{groups.get('cmp') or ''} {groups.get('after') or ''}".strip()
    if high is not None and words in ("", "aged"):
        return (first, high, True)  # "CrCl 30-50" holds 50
    if high is not None and re.search(rf"^(?:{_LESS})$|{_AFTER_LESS}", words):
        first = high  # "CrCl < 30-35" is below 35 at most
    if not words or words == "aged":
        return None  # a measure named with a single value states no range
    if re.search(rf"^(?:{_LESS})$|{_AFTER_LESS}", words):
        inclusive = bool(re.search(rf"{_AFTER_LESS}|≤|<=|up to|no more than|not more than", words))
        return (0.0, first, inclusive)
    return (first, math.inf, True)


@dataclass(frozen=True)
class Fit:
    """How a passage's stated ranges meet the patient: the measures it states for a range that
    holds the patient, and those whose every stated range leaves the patient out."""

    holds: frozenset[str]
    excludes: frozenset[str]


def fit(patient: Patient, text: str, heading: str = "") -> Fit:
    """How the ranges `heading` and `text` state meet `patient`. A heading's population
    ("Children", "Pregnancy") counts as a range too."""
    if not patient:
        return Fit(frozenset(), frozenset())
    holds, excludes = set(), set()
    ranges = {measure: list(spans) for measure, spans in stated_ranges(f"{heading}\n{text}").items()}
    head = heading.lower()
    # A heading's population is read only when no age range is stated: "children 24 months or
    # older" under "Nonsevere AOM in older children" is for the 2-year-olds, not every child.
    ages = [span for pattern, span in _POPULATION_AGES if pattern.search(head)]
    if (
        AGE not in ranges
        and ages
        and not (AGE in patient.values and patient.values[AGE] < _ADULT and _ADULTS.search(head))
    ):
        ranges[AGE] = ages
    for measure, spans in ranges.items():
        value = patient.values.get(measure)
        if value is None:
            continue
        if any(low <= value and (value <= high if inclusive else value < high) for low, high, inclusive in spans):
            holds.add(measure)
        else:
            excludes.add(measure)
    opening = " ".join(text.split()[:_OPENING_WORDS])
    if patient.sex == "M" and (
        _PREGNANCY.search(head)
        or _PREGNANCY.search(opening.lower())
        or _FOR_WOMEN.search(text.lower())
        or _WOMEN_ONLY.search(head)
        or _WOMEN_ONLY.search(opening.lower())
    ):
        excludes.add(SEX)
    elif not patient.pregnant and _PREGNANCY.search(head):
        excludes.add(PREGNANCY)  # a heading's "Pregnancy" is not for a case that states no pregnancy
    return Fit(frozenset(holds), frozenset(excludes))
