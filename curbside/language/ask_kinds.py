"""What kind of answer an ask wants, and what kinds of answer a passage gives.

"Which anticoagulant and dose?" wants a drug choice and a dose; "do I stop at 3 months?" a
duration; "Is gentamicin OK?" a safety statement; "how often do I check levels?" monitoring. A
passage that gives the kind of answer asked for (a dose row, a "for 6 weeks", a "should not be
used") is a better answer to that ask than one that only shares its words. These are words of
asking and of clinical writing in general, not of any one topic.
"""

from __future__ import annotations

import re

DOSE, DURATION, SAFETY, MONITORING, CHOICE, TIMING, TARGET = (
    "dose",
    "duration",
    "safety",
    "monitoring",
    "choice",
    "timing",
    "target",
)

_ASKS = {
    DOSE: re.compile(r"\b(?:dos(?:e|es|ing|age)|how much|regimen|titrat\w*|mg)\b"),
    DURATION: re.compile(
        r"\bhow long\b|\bduration\b|\bhow many (?:days|weeks|months)\b|\bstop\b|\bkeep going\b|\bcontinue\b"
        r"|\bdrug holiday\b|\bfor how long\b"
    ),
    SAFETY: re.compile(
        r"\bsafe\w*\b|\bok(?:ay)?\b|\bavoid\b|\bcontraindicat\w*|\bwarnings?\b|\bside effects?\b|\brisks?\b"
        r"|\bcan i (?:still )?(?:use|give|start|prescribe)\b|\breasonable\b|\ballowed\b"
    ),
    MONITORING: re.compile(r"\bmonitor\w*|\bcheck\w*|\blabs?\b|\blevels?\b|\bbloods?\b|\bfollow[- ]?up\b|\bconfirm\b"),
    CHOICE: re.compile(
        r"\bwhich\b|\bwhat (?:drug|agent|antibiotic|regimen|treatment|therapy|medication|do i (?:start|give|use|prescribe))"
        r"|\bfirst[- ]line\b|\bnext step\b|\bor\b"
    ),
    TIMING: re.compile(r"\bwhen\b|\bhow (?:quickly|soon|fast)\b|\btiming\b|\bbefore\b|\bafter\b"),
    TARGET: re.compile(r"\btargets?\b|\bgoals?\b|\bcut-?offs?\b|\bthresholds?\b"),
}


def ask_kinds(ask: str) -> frozenset[str]:
    """The kinds of answer a question part asks for (none for a vague ask)."""
    text = ask.lower()
    return frozenset(kind for kind, pattern in _ASKS.items() if pattern.search(text))


_GIVES_DURATION = re.compile(
    r"\b(?:for|over|at least|minimum of|up to|total of|continue\w* for)\s(?:\S+\s){0,2}?\d+(?:\s?(?:-|–|to)\s?\d+)?\s?"
    r"(?:days?|weeks?|months?|years?)\b|\b\d+(?:\s?(?:-|–|to)\s?\d+)?[- ](?:day|week|month|year)s?\b(?! ago)"
    r"|\bindefinite\w*|\blong-term\b|\bextended\b|\bdiscontinu\w*|\bstop\w*"
)
_GIVES_TIMING = re.compile(
    r"\bwithin\s\d|\bafter\s\d|\bbefore\b|\bimmediately\b|\bearly\b|\bdelay\w*|\bonset\b|\b\d+\s?(?:hours?|h)\b"
)
_GIVES_TARGET = re.compile(r"\btargets?\b|\bgoals?\b|\bcut-?offs?\b|\bthresholds?\b|[<>≤≥]\s?\d")


def gives_kinds(text: str, *, doses: bool, against: bool, recommends_agent: bool, roles: set[str]) -> frozenset[str]:
    """The kinds of answer a passage gives: from its text and what its statements were read as
    (doses parsed, a statement against, a recommendation naming a treatment, their roles)."""
    low = text.lower()
    kinds = set()
    if doses:
        kinds.add(DOSE)
    if _GIVES_DURATION.search(low) or "trial_duration" in roles:
        kinds.add(DURATION)
    if against or roles & {"avoid", "contraindication", "adverse_effects"}:
        kinds.add(SAFETY)
    if "monitoring" in roles:
        kinds.add(MONITORING)
    if recommends_agent:
        kinds.add(CHOICE)
    if _GIVES_TIMING.search(low):
        kinds.add(TIMING)
    if _GIVES_TARGET.search(low):
        kinds.add(TARGET)
    return frozenset(kinds)
