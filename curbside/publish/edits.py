"""An editor's (or author's) changes to an article's text, accepted only when the result verifies.

An article is the library's words: each claim quotes a passage and cites it. An edit may change
the wording readers are shown (`Claim.plain`), delete a claim, retitle the article, or add a
sentence quoted from a library passage; it may never make a claim say something its quote does
not. So every edit works on a copy, numbers references through `references` (the one place they
are decided), runs the verifier, and is refused whole, with one sentence naming the claim and the
reason, if the verifier would drop anything or a citation would not resolve. Nothing is half-applied.

Wording is checked more strictly than the verifier checks it: the new wording may hold only the
numbers of its own quote (digits or number words), not any number elsewhere in the cited passage,
because a reader takes the number next to a citation to be what that sentence of the source says.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..compose.references import reference_for, renumber
from ..errors import InputError
from ..language.clean import normalize_space
from ..language.doses import NUMBER_WORDS, numbers, parse_doses
from ..model import Article, Bullet, Claim, Passage, Source
from ..verify import check_citations, verify

# Passage id -> (the passage, its source), or None when the library does not hold it.
PassageSource = Callable[[str], tuple[Passage, Source] | None]

MAX_NOTE_CHARS = 500
MAX_WORDING_CHARS = 1000  # a claim is one sentence; a page of text is not a rewording
MAX_TITLE_CHARS = 200
MAX_LABEL_CHARS = 100

_CITATION_MARKER = re.compile(r"\[\s*\d+\s*\]")
_WORD = re.compile(r"[A-Za-z]+")
# Words that state a count or a frequency as plainly as a digit does ("take two", "twice daily"),
# which `doses.numbers` does not read; a new wording may use one only if its quote does.
_COUNT_WORDS = {
    "eleven",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "dozen",
    "half",
    "quarter",
    "double",
    "triple",
    "twice",
    "thrice",
}


@dataclass
class ClaimEdit:
    """Change the shown wording of one claim, or delete it."""

    address: str  # "bottom_line/0" or "sections/<section key>/<bullet index>/<claim index>"
    text: str | None = None  # new wording shown to readers (Claim.plain); "" or the quote itself = back to the quote
    delete: bool = False


@dataclass
class NewClaim:
    """Add a sentence quoted from a library passage."""

    section: str  # an existing section key
    passage_id: str
    quote: str  # verbatim (whitespace-normalised) in the passage
    label: str = ""  # bullet label; joins an existing bullet with that label, else a new bullet


@dataclass
class ArticleEdits:
    title: str | None = None
    claims: list[ClaimEdit] = field(default_factory=list)
    add: list[NewClaim] = field(default_factory=list)
    note: str = ""  # the editor's summary of the change (required, <= MAX_NOTE_CHARS)


def claim_addresses(article: Article) -> list[tuple[str, str, Claim]]:
    """(address, a label a person reads, claim) for every claim, in reading order."""
    found = [
        (f"bottom_line/{index}", f"Bottom line, claim {index + 1}", claim)
        for index, claim in enumerate(article.bottom_line)
    ]
    for section in article.sections:
        for bullet_index, bullet in enumerate(section.bullets):
            point = bullet.label or f"point {bullet_index + 1}"
            for claim_index, claim in enumerate(bullet.claims):
                found.append(
                    (
                        f"sections/{section.key}/{bullet_index}/{claim_index}",
                        f"{section.title} › {point}, claim {claim_index + 1}",
                        claim,
                    )
                )
    return found


def apply_edits(
    article: Article,
    edits: ArticleEdits,
    passage_source: PassageSource,
    *,
    today_year: int,
    superseded_after_years: int,
) -> Article:
    """The edited, verified article (with `verification` set); `article` itself is never changed.
    Raises InputError, naming the claim and the reason, when any part of the edit is refused."""
    _check_note(edits.note)
    if article.kind != "article":
        _refuse(
            f"only an article that answers with cited claims can be edited, and this one is {article.kind!r}; "
            "ask the question again to get one."
        )
    edited = copy.deepcopy(article)
    targets = _targets(edited, edits.claims)
    for edit, address, claim in targets:
        if edit.text is not None and not edit.delete:
            _reword(edited, address, claim, edit.text)
    for edit, address, claim in targets:
        if edit.delete:
            _delete(edited, address, claim)
    for new in edits.add:
        _add(edited, new, passage_source, today_year=today_year, superseded_after_years=superseded_after_years)
    _drop_empty(edited)
    if edits.title is not None:
        _retitle(edited, edits.title, old_title=article.title)
    if not edited.all_claims():
        _refuse("the article would have no claims left; keep at least one quoted claim or retract the article instead.")
    if _content(edited) == _content(article):
        _refuse("nothing would change; change the title, a claim's wording, delete a claim or add a quote.")
    renumber(edited)
    return _verified(edited, passage_source)


# -- what the edit names ----------------------------------------------------------------------


def _check_note(note: str) -> None:
    text = normalize_space(note or "")
    if not text:
        _refuse("say in the note what you changed and why; the note is kept with this version.")
    if len(text) > MAX_NOTE_CHARS:
        _refuse(f"the note is {len(text)} characters; keep it to {MAX_NOTE_CHARS}.")


def _targets(article: Article, claim_edits: list[ClaimEdit]) -> list[tuple[ClaimEdit, str, Claim]]:
    """Each edit with the claim its address names, all resolved before anything changes so the
    addresses mean what the editor saw."""
    by_address = {address: claim for address, _label, claim in claim_addresses(article)}
    targets, seen = [], set()
    for edit in claim_edits:
        address = (edit.address or "").strip()
        if address not in by_address:
            _refuse(
                f"there is no claim at {address or '(empty address)'}; addresses look like bottom_line/0 or "
                "sections/<section key>/<bullet>/<claim>, as the edit form lists them."
            )
        if address in seen:
            _refuse(f"{address} is edited twice; give one change per claim.")
        seen.add(address)
        targets.append((edit, address, by_address[address]))
    return targets


# -- the changes ------------------------------------------------------------------------------


def _reword(article: Article, address: str, claim: Claim, text: str) -> None:
    """Set the shown wording of the claim and of every copy of the same quote (the bottom line
    repeats section claims), so a reader never meets one quote worded two ways."""
    wording = normalize_space(text)
    if wording == normalize_space(claim.text):
        wording = ""  # the quote itself is shown as the quote, with nothing to check twice
    if len(wording) > MAX_WORDING_CHARS:
        _refuse(
            f"the new wording of {address} is {len(wording)} characters; keep one sentence of at most "
            f"{MAX_WORDING_CHARS}."
        )
    if _CITATION_MARKER.search(wording):
        _refuse(
            f"the new wording of {address} writes a citation marker like [1]; leave the markers out, "
            "they are added from the claim's citation."
        )
    added = _numbers_not_in(wording, claim.text)
    if added:
        _refuse(
            f"the new wording of {address} says {added[0]}, which its citation [{claim.citation}] does not "
            "contain; keep the numbers the quote gives."
        )
    for twin in _twins(article, claim):
        twin.plain = wording


def _delete(article: Article, address: str, claim: Claim) -> None:
    """Remove the claim at `address`; a section claim also leaves the bottom line that repeats it.
    Removing it from the bottom line alone leaves the section's copy."""
    article.bottom_line = [c for c in article.bottom_line if c is not claim]
    if address.startswith("bottom_line/"):
        return
    key = _key(claim)
    article.bottom_line = [c for c in article.bottom_line if _key(c) != key]
    for section in article.sections:
        for bullet in section.bullets:
            bullet.claims = [c for c in bullet.claims if c is not claim]


def _add(
    article: Article, new: NewClaim, passage_source: PassageSource, *, today_year: int, superseded_after_years: int
) -> None:
    section = next((s for s in article.sections if s.key == (new.section or "").strip()), None)
    if section is None:
        keys = ", ".join(s.key for s in article.sections) or "none"
        _refuse(f"the article has no section {new.section!r} to add a quote to; use one of: {keys}.")
    passage_id = (new.passage_id or "").strip()
    found = passage_source(passage_id) if passage_id else None
    if found is None:
        _refuse(
            f"passage {passage_id or '(empty)'} is not in this library; passage ids look like SOURCE@VERSION#N, "
            "as the source browser shows them."
        )
    passage, source = found
    span = _locate(new.quote, passage.text)
    if span is None:
        _refuse(
            f"the new quote for {section.key} is not in passage {passage_id} word for word; copy the sentence "
            "from the passage as it is written."
        )
    start, end = span
    claim = Claim(
        text=passage.text[start:end],
        citation=0,
        passage_id=passage_id,
        quote_start=start,
        quote_end=end,
        grade=passage.grade,
        doses=[dose.text for dose in parse_doses(passage.text[start:end])],
    )
    existing = [a for a, _label, c in claim_addresses(article) if _key(c) == _key(claim)]
    if existing:
        _refuse(f"the article already quotes that sentence at {existing[0]}; edit that claim instead.")
    claim.citation = _citation_number(
        article, source, passage_id, today_year=today_year, superseded_after_years=superseded_after_years
    )
    label = normalize_space(new.label or "")
    if len(label) > MAX_LABEL_CHARS:
        _refuse(f"the bullet label {label[:40]!r}… is {len(label)} characters; keep it to {MAX_LABEL_CHARS}.")
    bullet = next((b for b in section.bullets if label and b.label.casefold() == label.casefold()), None)
    if bullet is None:
        section.bullets.append(Bullet(label=label, claims=[claim]))
    else:
        bullet.claims.append(claim)


def _citation_number(
    article: Article, source: Source, passage_id: str, *, today_year: int, superseded_after_years: int
) -> int:
    """The number of the reference for this source version, adding one when the article has none.
    A provisional number past every other; `renumber` then orders them all by first use."""
    for reference in article.references:
        if reference.source_id == source.id and reference.source_version == source.version:
            return reference.number
    number = max([r.number for r in article.references] + [c.citation for c in article.all_claims()] + [0]) + 1
    article.references.append(
        reference_for(
            source, number, [passage_id], today_year=today_year, superseded_after_years=superseded_after_years
        )
    )
    return number


def _retitle(article: Article, title: str, *, old_title: str) -> None:
    text = normalize_space(title)
    if not text:
        _refuse("the new title is empty; give the article a title.")
    if len(text) > MAX_TITLE_CHARS:
        _refuse(f"the new title is {len(text)} characters; keep it to {MAX_TITLE_CHARS}.")
    # A title is read as a summary of the claims under it, so it states no number they do not.
    quoted = " ".join([old_title] + [claim.text for claim in article.all_claims()])
    added = _numbers_not_in(text, quoted)
    if added:
        _refuse(
            f"the new title says {added[0]}, which no quoted claim of the article contains; "
            "keep to the numbers the quotes give."
        )
    article.title = text


def _drop_empty(article: Article) -> None:
    """Bullets left without claims go, and sections left without bullets, as `verify` does."""
    for section in article.sections:
        section.bullets = [bullet for bullet in section.bullets if bullet.claims]
    article.sections = [section for section in article.sections if section.bullets]


# -- the gate ---------------------------------------------------------------------------------


def _verified(edited: Article, passage_source: PassageSource) -> Article:
    """`verify` the edited article; refuse, naming the claim, if it drops anything or numbers break."""

    def lookup(passage_id: str) -> Passage | None:
        found = passage_source(passage_id)
        return found[0] if found else None

    verified = verify(edited, lookup)
    if verified.verification.claims_dropped:
        kept = {_key(claim) + (claim.plain,) for claim in verified.all_claims()}
        for address, _label, claim in claim_addresses(edited):
            if _key(claim) + (claim.plain,) not in kept:
                _refuse(
                    f"verification would drop the claim at {address} ({_drop_reason(verified, claim)}); "
                    "change or delete that claim."
                )
        _refuse(f"verification would drop a claim ({verified.verification.problems[0]}); change or delete that claim.")
    broken = check_citations(verified)
    if not verified.verification.citations_resolve or broken:
        problem = (broken or verified.verification.problems or ["a citation does not resolve"])[0]
        _refuse(f"the citations would not resolve ({problem}); undo the change that broke them.")
    return verified


def _drop_reason(verified: Article, claim: Claim) -> str:
    """The verifier's reason for dropping this claim, from its problem line ("dropped claim ... (id): why")."""
    marker = f"({claim.passage_id or 'no passage'}): "
    for problem in verified.verification.problems:
        if problem.startswith("dropped claim") and marker in problem:
            return problem.split(marker, 1)[1]
    return "it no longer matches its cited passage"


# -- small helpers ----------------------------------------------------------------------------


def _refuse(reason: str) -> None:
    raise InputError(f"Edit refused: {reason}")


def _key(claim: Claim) -> tuple[str, str]:
    """What makes two claim objects the same quote: its passage and its words."""
    return claim.passage_id, normalize_space(claim.text)


def _twins(article: Article, claim: Claim) -> list[Claim]:
    key = _key(claim)
    return [c for _address, _label, c in claim_addresses(article) if c is claim or _key(c) == key]


def _content(article: Article) -> dict:
    content = article.to_dict()
    content.pop("verification", None)
    return content


def _locate(quote: str, passage_text: str) -> tuple[int, int] | None:
    """Where `quote` stands in the passage, whatever whitespace either uses; None when it does not."""
    words = normalize_space(quote or "").split(" ")
    if words == [""]:
        return None
    match = re.search(r"\s+".join(re.escape(word) for word in words), passage_text)
    return (match.start(), match.end()) if match else None


def _number_values(text: str) -> dict[str, str]:
    """Every number `text` states, normalised -> as written: each dose's amount with its unit, digits
    as `doses.numbers` reads them (shown with their unit, "20 mg"), and number words ("two" -> "2",
    "twice" -> "twice")."""
    values: dict[str, str] = {}
    doses = parse_doses(text)
    for dose in doses:  # the same number in another unit ("20 g" for "20 mg") is another number
        if dose.amount is not None:
            values.setdefault(f"dose {dose.amount} {dose.amount_high} {dose.unit}", dose.text)
    for number in numbers(text):
        written = next((dose.text for dose in doses if number in numbers(dose.text)), None)
        values.setdefault(number, written or _with_next_word(text, number))
    for word in _WORD.findall(text):
        lowered = word.lower()
        if lowered in NUMBER_WORDS:
            values.setdefault(str(NUMBER_WORDS[lowered]), word)
        elif lowered in _COUNT_WORDS:
            values.setdefault(lowered, word)
    return values


def _with_next_word(text: str, number: str) -> str:
    """A number that is not a dose, with the word after it as the reader sees it ("4 weeks")."""
    match = re.search(rf"(?<![\w.]){re.escape(number)}(?:\s*[A-Za-z]+)?", text)
    return match.group(0) if match else number


def _numbers_not_in(wording: str, quote: str) -> list[str]:
    """The numbers `wording` states that `quote` does not, as written in `wording`."""
    allowed = _number_values(quote)
    return [written for value, written in _number_values(wording).items() if value not in allowed]
