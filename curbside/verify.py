"""The last gate before an article is shown: every claim is the source's own wording, every number
in it is in the passage it cites, and every citation number resolves to exactly one reference.

`verify` repairs rather than refuses: a claim that fails is dropped (with one line saying which and
why), what it leaves empty goes with it, and the references are renumbered by first use through
`references.renumber`, the one place numbers are decided. `check_citations` only reports, so tests
and the bench can measure an article's integrity before and after.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from .compose.references import renumber
from .language.clean import normalize_space
from .language.doses import numbers, parse_doses
from .model import Article, Claim, Passage, Reference, SourcesDiffer, Verification

# Passage id -> the passage, or None when the library does not hold it (the renderers take the same).
PassageLookup = Callable[[str], Passage | None]

_CITATION_MARKER = re.compile(r"\[(\d+)\]")
_SHOWN_CHARS = 60  # enough of a claim to recognise it in a problem line


def verify(article: Article, passage_lookup: PassageLookup) -> Article:
    """A copy of `article` with failing claims dropped, citations repaired and `verification` set."""
    checked = copy.deepcopy(article)  # the caller's article stays as composed, for comparison
    problems: list[str] = []
    claims = _unique(checked.all_claims())
    passages = {claim.passage_id: passage_lookup(claim.passage_id) for claim in claims if claim.passage_id}
    failing = set()
    for claim in claims:
        passage = passages.get(claim.passage_id)
        reasons = _claim_problems(claim, passage)
        if not reasons:
            reasons, repair = _repair_citation(claim, passage, checked.references)
            problems += [repair] if repair else []
        if reasons:
            failing.add(id(claim))
            problems.append(f"dropped {_describe(claim)}: {'; '.join(reasons)}")
    _drop_claims(checked, failing)
    problems += _drop_unsupported_notes(checked, passage_lookup)
    problems += _uncited_references(checked)
    notes = list(checked.differ)
    renumber(checked)
    kept = {id(note) for note in checked.differ}
    problems += [
        f"removed sources-differ note on {note.topic!r}: a side it cites lost every claim"
        for note in notes
        if id(note) not in kept
    ]
    remaining = check_citations(checked)  # empty unless renumber itself missed a case
    checked.verification = Verification(
        claims_checked=len(claims),
        claims_dropped=len(failing),
        problems=problems + remaining,
        citations_resolve=not remaining,
    )
    return checked


def check_citations(article: Article) -> list[str]:
    """Every way the article's numbering is broken, one line each; [] when every citation number
    resolves to exactly one reference, every reference is cited, and numbers follow first use."""
    problems = []
    numbers_listed = [reference.number for reference in article.references]
    if numbers_listed != list(range(1, len(numbers_listed) + 1)):
        problems.append(f"references are numbered {numbers_listed}, not 1 to {len(numbers_listed)}")
    by_number = {reference.number: reference for reference in article.references}
    first_use: list[int] = []
    for claim in _unique(article.all_claims()):
        reference = by_number.get(claim.citation)
        if reference is None:
            problems.append(f"{_describe(claim)} cites [{claim.citation}], which is no reference")
            continue
        if claim.passage_id not in reference.passage_ids:
            problems.append(
                f"{_describe(claim)} cites [{claim.citation}], whose passages do not include "
                f"{claim.passage_id or 'its (missing) passage'}"
            )
        if claim.citation not in first_use:
            first_use.append(claim.citation)
    for note in article.differ:
        for number in sorted(set(note.citations) | _markers(note.text)):
            if number not in by_number:
                problems.append(f"sources-differ note on {note.topic!r} cites [{number}], which is no reference")
    for section in article.sections:
        for bullet in section.bullets:
            for number in sorted(_markers(bullet.differ) - set(by_number)):
                problems.append(f"sources-differ note on {bullet.label!r} cites [{number}], which is no reference")
    for number in sorted(set(by_number) - set(first_use)):
        problems.append(f"reference [{number}] ({by_number[number].title!r}) is cited by no claim")
    if first_use != sorted(first_use):  # a gap in the order is already reported as an uncited reference
        problems.append(f"references are not numbered by first use: the text cites them in the order {first_use}")
    return problems


# -- one claim ----------------------------------------------------------------------------------


def _claim_problems(claim: Claim, passage: Passage | None) -> list[str]:
    """Why a claim cannot be shown as the source's words, or [] when it can."""
    if claim.citation is None or claim.citation <= 0:
        return ["it carries no citation number"]
    if not claim.passage_id:
        return ["it names no passage"]
    if passage is None:
        return [f"its passage {claim.passage_id} is not in the library"]
    wording = normalize_space(claim.text)
    if not wording:
        return ["it is empty"]
    reasons = []
    passage_numbers = set(numbers(passage.text))
    for number in dict.fromkeys(numbers(claim.text)):
        if number not in passage_numbers:
            reasons.append(f"unsupported number {_as_written(claim.text, number)}")
    for number in dict.fromkeys(numbers(claim.plain)):
        if number not in passage_numbers:
            reasons.append(f"its plain-words version adds the number {_as_written(claim.plain, number)}")
    if wording not in normalize_space(passage.text):
        reasons.append("reworded: not the cited passage's wording")
    elif (
        claim.quote_end > claim.quote_start
        and normalize_space(passage.text[claim.quote_start : claim.quote_end]) != wording
    ):
        reasons.append(f"reworded: characters {claim.quote_start}-{claim.quote_end} of the passage say something else")
    return reasons


def _repair_citation(claim: Claim, passage: Passage, references: list[Reference]) -> tuple[list[str], str]:
    """Point a claim's number at its own passage's reference. Returns (reasons to drop it, a line
    reporting a repair): a number past the list or naming another source is fixed when the right
    reference is there, and the claim is dropped when it is not."""
    reference = _reference_of(claim.passage_id, passage, references)
    if reference is None:
        return [f"no reference lists its source {passage.source_id}"], ""
    if reference.number == claim.citation:
        return [], ""
    repair = (
        f"repaired {_describe(claim)}: [{claim.citation}] is not the reference of its source; "
        f"it now cites {reference.title!r}"
    )
    claim.citation = reference.number
    return [], repair


def _reference_of(passage_id: str, passage: Passage, references: list[Reference]) -> Reference | None:
    """The reference for a passage: the one listing it, else the only one for its source."""
    for reference in references:
        if passage_id in reference.passage_ids:
            return reference
    of_source = [reference for reference in references if reference.source_id == passage.source_id]
    return of_source[0] if len(of_source) == 1 else None


def _as_written(text: str, number: str) -> str:
    """The dose a normalised number came from, so a problem line reads "45 mg daily", not "45"."""
    for dose in parse_doses(text):
        if number in numbers(dose.text):
            return dose.text
    return number


# -- repairs ------------------------------------------------------------------------------------


def _drop_claims(article: Article, failing: set[int]) -> None:
    """Remove failing claims, then bullets left without claims and sections left without bullets."""
    article.bottom_line = [claim for claim in article.bottom_line if id(claim) not in failing]
    for section in article.sections:
        for bullet in section.bullets:
            bullet.claims = [claim for claim in bullet.claims if id(claim) not in failing]
        section.bullets = [bullet for bullet in section.bullets if bullet.claims]
    article.sections = [section for section in article.sections if section.bullets]


def _drop_unsupported_notes(article: Article, passage_lookup: PassageLookup) -> list[str]:
    """Remove sources-differ notes that cite a missing reference, carry a "[n]" marker they do not
    list, or state a number none of their cited passages give (a note's doses obey the same rule
    as a claim's). `renumber` then removes notes whose sides lost every claim."""
    by_number = {reference.number: reference for reference in article.references}
    problems, kept = [], []
    for note in article.differ:
        reason = _note_problem(note, by_number, passage_lookup)
        if reason:
            problems.append(f"dropped sources-differ note on {note.topic!r}: {reason}")
        else:
            kept.append(note)
    kept_texts = {note.text for note in kept}
    for section in article.sections:
        for bullet in section.bullets:
            if bullet.differ and bullet.differ not in kept_texts:
                bullet.differ = ""
    article.differ = kept
    return problems


def _note_problem(note: SourcesDiffer, by_number: dict[int, Reference], passage_lookup: PassageLookup) -> str:
    missing = sorted(number for number in set(note.citations) | _markers(note.text) if number not in by_number)
    if missing:
        return f"it cites {', '.join(f'[{n}]' for n in missing)}, which is no reference"
    stray = sorted(_markers(note.text) - set(note.citations))
    if stray:
        return f"its text cites {', '.join(f'[{n}]' for n in stray)}, which it does not list"
    supported: set[str] = set()
    for number in note.citations:
        for passage_id in by_number[number].passage_ids:
            passage = passage_lookup(passage_id)
            if passage is not None:
                supported.update(numbers(passage.text))
    unsupported = [n for n in dict.fromkeys(numbers(_CITATION_MARKER.sub(" ", note.text))) if n not in supported]
    if unsupported:
        return f"unsupported number {', '.join(unsupported)}"
    return ""


def _uncited_references(article: Article) -> list[str]:
    """Name the references no remaining claim cites; `renumber` removes them."""
    cited = {claim.citation for claim in article.all_claims()}
    return [
        f"removed reference [{reference.number}] ({reference.title!r}): no remaining claim cites it"
        for reference in article.references
        if reference.number not in cited
    ]


# -- small helpers ------------------------------------------------------------------------------


def _unique(claims: list[Claim]) -> list[Claim]:
    """Each claim object once: the bottom line may hold the very object a section holds."""
    return list({id(claim): claim for claim in claims}.values())


def _markers(text: str) -> set[int]:
    return {int(number) for number in _CITATION_MARKER.findall(text or "")}


def _describe(claim: Claim) -> str:
    text = normalize_space(claim.text)
    shown = text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"
    return f'claim "{shown}" [{claim.citation}] ({claim.passage_id or "no passage"})'
