"""Where two sources disagree about the same intervention, say so next to the point.

Three kinds of disagreement are looked for between statements of *different* sources that the
article quotes: the line of therapy (first-line in one, second-line in another), the dose
(the same drug, unit, frequency and stage, but a different amount or range) and the direction
of the recommendation (for in one, against in the other). Only statements naming exactly one
intervention and no special population are compared, so a sentence about several drugs, or
about pregnancy, is never read as contradicting a general one. The note quotes each side's
dose as the source writes it and cites both; nothing is computed or converted.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from ..language.doses import Dose
from ..model import Article, Claim, SourcesDiffer
from .extract import Statement
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
# A sentence with these roles recommends against something only in a circumstance (a
# contraindication, a combination), which is not a disagreement with a general recommendation.
_CIRCUMSTANTIAL = {"contraindication", "combination", "special_population", "adverse_effects"}


class Quoted(NamedTuple):
    """A claim placed in the article, the statement it quotes, and the source it came from."""

    claim: Claim
    statement: Statement
    source_id: str


def mark_differences(article: Article, quoted: list[Quoted]) -> None:
    """Add a SourcesDiffer note for each disagreement and put it on the bullet holding the first
    side's claim. Claims must already carry their citation numbers."""
    notes = find_differences(quoted)[:MAX_NOTES]
    for note, claim in notes:
        article.differ.append(note)
        bullet = _bullet_of(article, claim) or _bullet_about(article, note)
        if bullet is not None and not bullet.differ:
            bullet.differ = note.text


def find_differences(quoted: list[Quoted]) -> list[tuple[SourcesDiffer, Claim]]:
    """Every disagreement, in the order the article first quotes its intervention."""
    by_intervention: dict[str, list[Quoted]] = {}
    for item in quoted:
        if len(item.statement.interventions) == 1 and not item.statement.populations:
            by_intervention.setdefault(item.statement.interventions[0].lower(), []).append(item)
    found: list[tuple[SourcesDiffer, Claim]] = []
    for items in by_intervention.values():
        name = items[0].statement.interventions[0]
        for finder in (_line_difference, _polarity_difference, _dose_differences):
            found.extend(finder(name, items))
    return found


def _line_difference(name: str, items: list[Quoted]) -> list[tuple[SourcesDiffer, Claim]]:
    lines: dict[str, tuple[set[str], Quoted]] = {}
    for item in items:
        roles = {role for role in item.statement.roles if role in LINE_ROLES}
        if roles and item.statement.polarity != "against":
            lines.setdefault(item.source_id, (set(), item))[0].update(roles)
    for (_, (lines_a, a)), (_, (lines_b, b)) in combinations(lines.items(), 2):
        if not lines_a & lines_b:
            text = (
                f"Sources differ on the line of therapy for {name}: {_lines(lines_a)} [{a.claim.citation}] "
                f"versus {_lines(lines_b)} [{b.claim.citation}]."
            )
            return [(SourcesDiffer(name, text, sorted({a.claim.citation, b.claim.citation})), a.claim)]
    return []


def _polarity_difference(name: str, items: list[Quoted]) -> list[tuple[SourcesDiffer, Claim]]:
    general = _general(items)
    for a in general:
        for b in general:
            if a.source_id != b.source_id and a.statement.polarity == "recommend" and b.statement.polarity == "against":
                first, second = (a, b) if _position(items, a) < _position(items, b) else (b, a)
                text = (
                    f"Sources differ on whether to use {name}: {_direction(first)} [{first.claim.citation}] "
                    f"versus {_direction(second)} [{second.claim.citation}]."
                )
                return [(SourcesDiffer(name, text, sorted({a.claim.citation, b.claim.citation})), first.claim)]
    return []


def _dose_differences(name: str, items: list[Quoted]) -> list[tuple[SourcesDiffer, Claim]]:
    """One note per kind of dose (starting, maximum ...) on which two sources give different amounts."""
    seen: dict[tuple, tuple[Dose, Quoted]] = {}
    found, noted = [], set()
    for item in _general(items):
        for dose in item.statement.doses:
            key = _dose_key(dose)
            if key in noted:
                continue
            if key not in seen:
                seen[key] = (dose, item)
                continue
            other_dose, other = seen[key]
            if other.source_id != item.source_id and _span(other_dose) != _span(dose):
                text = (
                    f"Sources differ on the {_dose_kind(dose)} of {name}: {other_dose.text} "
                    f"[{other.claim.citation}] versus {dose.text} [{item.claim.citation}]."
                )
                found.append(
                    (SourcesDiffer(name, text, sorted({other.claim.citation, item.claim.citation})), other.claim)
                )
                noted.add(key)
    return found


def _general(items: list[Quoted]) -> list[Quoted]:
    return [item for item in items if not _CIRCUMSTANTIAL & set(item.statement.roles)]


def _dose_key(dose: Dose) -> tuple:
    """Doses are comparable only when they measure the same thing the same way."""
    return dose.unit, dose.per, dose.frequency, dose.route, dose.stage, dose.max


def _span(dose: Dose) -> tuple[float | None, float | None]:
    return dose.amount, dose.amount_high if dose.amount_high is not None else dose.amount


def _dose_kind(dose: Dose) -> str:
    if dose.max:
        return "maximum dose"
    return _STAGE_WORDS.get(dose.stage, "dose")


def _lines(roles: set[str]) -> str:
    return " and ".join(_LINE_WORDS[role] for role in LINE_ROLES if role in roles)


def _direction(item: Quoted) -> str:
    return "recommended against" if item.statement.polarity == "against" else "recommended"


def _position(items: list[Quoted], item: Quoted) -> int:
    return next(i for i, other in enumerate(items) if other is item)


def _bullet_about(article: Article, note: SourcesDiffer):
    """The body bullet on the note's point that quotes one of its sides, for a note whose first
    side is the bottom line's quote (which is not repeated in the body)."""
    topic = note.topic.lower()
    for section in article.sections:
        for bullet in section.bullets:
            if topic in bullet.label.lower() and any(c.citation in note.citations for c in bullet.claims):
                return bullet
    return None


def _bullet_of(article: Article, claim: Claim):
    for section in article.sections:
        for bullet in section.bullets:
            if any(c is claim for c in bullet.claims):
                return bullet
    return None
