"""The clinician question set (../shared/eval/clinician): terse questions as clinicians ask them,
each with the guideline sentences a specialist would insist on, quoted from the demo library, and
how a curbside article measures up against them.

What is measured per article (bench/clinician.py prints it):

- must-haves found. A must-have's `quote` is *said* by one claim of the article when the claim
  holds at least 70 % of the quote's content words, or when the claim's own content words lie at
  least 90 % inside the quote and cover at least 40 % of it (a claim quoting part of a long
  quote). Content words are medlfqa's: folded lower-case alphanumeric words without its
  stopwords, a plural "s" dropped. That stoplist also drops "not", "no" and time words ("days",
  "weeks"), so, as with MedLFQA, negation is invisible and the share found is an upper bound;
- whether the must-have's source is among the article's references;
- abstained: the article has kind "insufficient", curbside's "the library does not hold enough
  evidence" answer. An emergency or out-of-scope reply is not an abstention; any kind other than
  "article" on an answerable question is a refusal;
- doses without a drug: a claim shown somewhere (the bottom line shows claims without a label, a
  bullet with its label) holding a dose by `language.doses.parse_doses` while neither its text nor its label
  names an intervention by `compose.extract.extract_statements` (the team's drug-class vocabulary,
  drug-name endings and the library's MeSH drug and procedure names);
- repeated claims: the same claim text (folded, spaces and end punctuation ignored) shown twice in
  one article, the bottom line counting as a place it is shown;
- claims citing one of the question's listed sources (a precision proxy);
- disagreement notes ("sources differ") on the questions whose note names a disagreement.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..compose.extract import extract_statements
from ..errors import InputError
from ..language.clean import normalize_space
from ..language.doses import parse_doses
from ..language.words import fold
from ..model import Article, Claim
from .medlfqa import content_words

MIN_QUOTE_SHARE = 0.70  # of the quote's content words the claim holds
MIN_INSIDE = 0.90  # of the claim's own content words that lie inside the quote ...
MIN_COVER = 0.40  # ... when they cover at least this share of the quote

RULE = (
    f"a must-have is found when one claim holds >= {MIN_QUOTE_SHARE:.0%} of its quote's content words, or its "
    f"own words lie >= {MIN_INSIDE:.0%} inside the quote and cover >= {MIN_COVER:.0%} of it"
)

# A note naming where the set's guidelines disagree ("Sources disagree", "differs by setting").
_DISAGREEMENT = re.compile(r"\b(?:disagree\w*|differ\w*)\b", re.IGNORECASE)
_END_PUNCTUATION = " .;:,"


@dataclass(frozen=True)
class MustHave:
    fact: str
    source: str
    quote: str


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    intent: str
    expect: str  # answer | abstain
    sources: tuple[str, ...]
    must_have: tuple[MustHave, ...]
    note: str = ""

    @property
    def half(self) -> str:
        """The set's two halves are told apart by their id's first letters (da.., db..)."""
        return self.id[:2]

    @property
    def names_disagreement(self) -> bool:
        return bool(_DISAGREEMENT.search(self.note))


def load_questions(path: Path) -> list[Question]:
    """Every question in the jsonl file, in file order."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(
            f"Cannot read {path} ({exc.strerror}); give the clinician questions file with --questions."
        ) from None
    questions = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(
                Question(
                    id=str(row["id"]),
                    question=str(row["question"]),
                    intent=str(row.get("intent") or ""),
                    expect=str(row["expect"]),
                    sources=tuple(row.get("sources") or ()),
                    must_have=tuple(
                        MustHave(str(m["fact"]), str(m["source"]), str(m["quote"])) for m in row.get("must_have") or ()
                    ),
                    note=str(row.get("note") or ""),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(
                f"{path} line {number} is not a clinician question ({exc!r}); each line needs a JSON "
                "object with id, question, expect and must_have."
            ) from None
    return questions


# -- the matching rule ------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteMatch:
    """A must-have against the claim that says it (or, when none does, the claim closest to it)."""

    must_have: MustHave
    claim: str  # "" when the article has no claims
    quote_share: float  # of the quote's content words the claim holds
    inside: float  # of the claim's content words that lie inside the quote
    found: bool
    in_bottom_line: bool = False  # found by a bottom-line claim
    source_referenced: bool = False  # the must-have's source is among the article's references


def measure(quote: str, claim: str) -> tuple[float, float, bool]:
    """(quote share, inside share, found) for one claim against one quote."""
    wanted, said = content_words(quote), content_words(claim)
    common = len(wanted & said)
    quote_share = common / len(wanted) if wanted else 0.0
    inside = common / len(said) if said else 0.0
    found = quote_share >= MIN_QUOTE_SHARE or (inside >= MIN_INSIDE and quote_share >= MIN_COVER)
    return quote_share, inside, bool(wanted) and found


def match_quote(must_have: MustHave, claims: Sequence[str], bottom_line: Sequence[str] = ()) -> QuoteMatch:
    """The must-have against every claim text; the best found claim wins, else the closest miss."""
    best: tuple[tuple[bool, float, float], str] | None = None
    for claim in claims:
        share, inside, found = measure(must_have.quote, claim)
        if best is None or (found, share, inside) > best[0]:
            best = ((found, share, inside), claim)
    if best is None:
        return QuoteMatch(must_have, "", 0.0, 0.0, False)
    (found, share, inside), claim = best
    in_bottom = any(measure(must_have.quote, text)[2] for text in bottom_line)
    return QuoteMatch(must_have, claim, round(share, 4), round(inside, 4), found, in_bottom)


# -- what the article shows -------------------------------------------------------------------


def shown_claims(article: Article) -> list[tuple[str, Claim]]:
    """(label, claim) for every place a claim is shown: bottom line first (no label), then each bullet."""
    if article.kind != "article":
        return []
    shown = [("", claim) for claim in article.bottom_line]
    shown += [
        (bullet.label, claim) for section in article.sections for bullet in section.bullets for claim in bullet.claims
    ]
    return shown


def normalised(text: str) -> str:
    return fold(normalize_space(text)).strip(_END_PUNCTUATION)


def names_intervention(text: str, vocabulary: Any = None) -> bool:
    return any(statement.interventions for statement in extract_statements(text, vocabulary=vocabulary))


def doses_without_drug(article: Article, vocabulary: Any = None) -> list[str]:
    """Each claim holding a dose that is shown somewhere without a drug in its text or its label;
    a claim counts once however often it is shown (showing it twice is counted as a repeat)."""
    unnamed: dict[str, str] = {}
    for label, claim in shown_claims(article):
        key = normalised(claim.shown)
        if key in unnamed or not parse_doses(claim.shown):
            continue
        if not names_intervention(f"{label}. {claim.shown}" if label else claim.shown, vocabulary):
            unnamed[key] = claim.shown
    return list(unnamed.values())


def repeated_claims(article: Article) -> list[str]:
    """Each claim text shown more than once, once per extra showing."""
    seen: set[str] = set()
    repeats = []
    for _, claim in shown_claims(article):
        key = normalised(claim.shown)
        if key in seen:
            repeats.append(claim.shown)
        seen.add(key)
    return repeats


def cited_source(article: Article, claim: Claim) -> str:
    return next((ref.source_id for ref in article.references if ref.number == claim.citation), "")


# -- one question, and the set ----------------------------------------------------------------


@dataclass
class QuestionScore:
    id: str
    expect: str
    kind: str
    ms: float
    matches: list[QuoteMatch] = field(default_factory=list)
    claims: int = 0
    claims_citing_sources: int = 0  # claims whose reference is one of the question's listed sources
    doses_without_drug: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    names_disagreement: bool = False
    differ_notes: list[str] = field(default_factory=list)

    @property
    def found(self) -> int:
        return sum(match.found for match in self.matches)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "expect": self.expect,
            "kind": self.kind,
            "ms": round(self.ms, 1),
            "must_have": len(self.matches),
            "found": self.found,
            "found_in_bottom_line": sum(m.found and m.in_bottom_line for m in self.matches),
            "source_referenced": sum(m.source_referenced for m in self.matches),
            "claims": self.claims,
            "claims_citing_sources": self.claims_citing_sources,
            "doses_without_drug": self.doses_without_drug,
            "repeated": self.repeated,
            "names_disagreement": self.names_disagreement,
            "differ_notes": self.differ_notes,
            "matches": [
                {
                    "fact": m.must_have.fact,
                    "found": m.found,
                    "in_bottom_line": m.in_bottom_line,
                    "source_referenced": m.source_referenced,
                    "quote_share": m.quote_share,
                    "inside": m.inside,
                    "claim": m.claim,
                }
                for m in self.matches
            ],
        }


def score(question: Question, article: Article, ms: float, vocabulary: Any = None) -> QuestionScore:
    claims = article.all_claims() if article.kind == "article" else []
    texts = [claim.shown for claim in claims]
    bottom = [claim.shown for claim in article.bottom_line] if article.kind == "article" else []
    referenced = {ref.source_id for ref in article.references} if article.kind == "article" else set()
    matches = [
        replace(match_quote(m, texts, bottom), source_referenced=m.source in referenced) for m in question.must_have
    ]
    notes = [note.text for note in article.differ] if article.kind == "article" else []
    return QuestionScore(
        id=question.id,
        expect=question.expect,
        kind=article.kind,
        ms=ms,
        matches=matches,
        claims=len(claims),
        claims_citing_sources=sum(cited_source(article, claim) in question.sources for claim in claims),
        doses_without_drug=doses_without_drug(article, vocabulary),
        repeated=repeated_claims(article),
        names_disagreement=question.names_disagreement,
        differ_notes=notes,
    )


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarise(scores: Sequence[QuestionScore]) -> dict:
    answerable = [s for s in scores if s.expect == "answer"]
    abstain = [s for s in scores if s.expect == "abstain"]
    matches = [m for s in answerable for m in s.matches]
    found = sum(m.found for m in matches)
    halves = {}
    for half in dict.fromkeys(s.id[:2] for s in answerable):
        half_matches = [m for s in answerable if s.id[:2] == half for m in s.matches]
        halves[half] = {
            "must_have": len(half_matches),
            "found": sum(m.found for m in half_matches),
            "found_share": share(sum(m.found for m in half_matches), len(half_matches)),
        }
    disagreeing = [s for s in answerable if s.names_disagreement]
    claims = sum(s.claims for s in answerable)
    return {
        "questions": len(scores),
        "answerable": len(answerable),
        "abstain_questions": len(abstain),
        "must_have": len(matches),
        "found": found,
        "found_share": share(found, len(matches)),
        "found_in_bottom_line": sum(m.found and m.in_bottom_line for m in matches),
        "found_in_bottom_line_share": share(sum(m.found and m.in_bottom_line for m in matches), len(matches)),
        "halves": halves,
        "source_referenced_share": share(sum(m.source_referenced for m in matches), len(matches)),
        "abstained": sum(s.kind == "insufficient" for s in abstain),
        "abstained_ids": [s.id for s in abstain if s.kind == "insufficient"],
        "refused": sum(s.kind != "article" for s in answerable),
        "refused_ids": [s.id for s in answerable if s.kind != "article"],
        "doses_without_drug": sum(len(s.doses_without_drug) for s in scores),
        "repeated": sum(len(s.repeated) for s in scores),
        "claims": claims,
        "claims_citing_sources": sum(s.claims_citing_sources for s in answerable),
        "claims_citing_sources_share": share(sum(s.claims_citing_sources for s in answerable), claims),
        "disagreement_questions": len(disagreeing),
        "disagreement_shown": sum(bool(s.differ_notes) for s in disagreeing),
        "disagreement_ids": [s.id for s in disagreeing],
    }
