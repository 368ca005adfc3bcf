"""The team's intervention vocabulary (data/drug_classes.tsv): classes of drugs and procedures,
their other names and typical members, as words to recognise in text. Read once, shared by the
reading of passages (compose/extract.py) and of questions (search/understand.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_TOKEN = re.compile(r"[^\W_]+")  # words; a hyphen or a space separates them alike
_ACRONYM = re.compile(r"[A-Z0-9][A-Za-z0-9-]{1,7}")


@dataclass(frozen=True)
class Entry:
    name: str  # canonical: the class or member as the vocabulary file writes it
    classes: tuple[str, ...]
    kind: str
    acronym: str = ""  # an acronym matches only as written, in capitals: TENS is not "tens"


@lru_cache(maxsize=1)
def intervention_vocabulary() -> tuple[dict[tuple[str, ...], Entry], dict[str, int]]:
    """Entries keyed by their lowercased words, and for each first word the longest entry that
    starts with it, so a sentence is scanned with one dictionary look-up per word."""
    rows = resources.files("curbside").joinpath("data/drug_classes.tsv").read_text(encoding="utf-8").splitlines()
    parsed = [line.split("\t") for line in rows if line.strip() and not line.startswith("#")][1:]
    member_classes: dict[str, list[str]] = {}
    for name, _, _, members in parsed:
        for member in _split(members):
            member_classes.setdefault(member, []).append(name)
    entries: dict[tuple[str, ...], Entry] = {}
    for name, kind, synonyms, members in parsed:
        terms = [(term, (name,), name) for term in [name, *_split(synonyms)]]
        terms += [(member, tuple(member_classes[member]), member) for member in _split(members)]
        for term, classes, canonical in terms:
            acronym = term if _ACRONYM.fullmatch(term) and sum(c.isupper() for c in term) >= 2 else ""
            entries.setdefault(tuple(_TOKEN.findall(term.lower())), Entry(canonical, classes, kind, acronym))
    longest: dict[str, int] = {}
    for words in entries:
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return entries, longest


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def class_names(name: str) -> list[str]:
    """A class's other names and its members, lowercased ("antiplatelet" -> "p2y12 inhibitor",
    "aspirin", "clopidogrel" ...), the class named by any of its names ("reversal agent" for
    "anticoagulant reversal agent"); a name that is no class gives nothing."""
    entries, _ = intervention_vocabulary()
    wanted = tuple(_TOKEN.findall(name.lower()))
    entry = entries.get(wanted)
    if entry is None or entry.classes != (entry.name,):
        return []
    return sorted(
        " ".join(words) for words, other in entries.items() if entry.name in other.classes and words != wanted
    )


def classes_of(name: str) -> list[str]:
    """The classes a drug belongs to, with their other names, lowercased ("prednisone" ->
    "corticosteroid", "steroid", "glucocorticoid", "systemic corticosteroid")."""
    entries, _ = intervention_vocabulary()
    entry = entries.get(tuple(_TOKEN.findall(name.lower())))
    if entry is None:
        return []
    classes = [c for c in entry.classes if c.lower() != entry.name.lower()]
    synonyms = [
        " ".join(words) for words, other in entries.items() if other.name in classes and other.classes == (other.name,)
    ]
    return list(dict.fromkeys([c.lower() for c in classes] + synonyms))


def class_acting_on(name: str, drug: str) -> str:
    """The class `name` names, written as it is, when that class is defined by what it does to
    another class `drug` belongs to ("reversal agent" is the "anticoagulant reversal agent" for
    apixaban, an anticoagulant); else ""."""
    entries, _ = intervention_vocabulary()
    entry = entries.get(tuple(_TOKEN.findall(name.lower())))
    if entry is None or entry.classes != (entry.name,):
        return ""  # a member, or no class
    own = tuple(_TOKEN.findall(entry.name.lower()))
    for other in classes_of(drug):
        words = tuple(_TOKEN.findall(other))
        if words != own and any(own[i : i + len(words)] == words for i in range(len(own))):
            return entry.name.lower()
    return ""
