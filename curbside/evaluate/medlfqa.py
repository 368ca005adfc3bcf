"""MedLFQA (Jeong et al., 2024): long-form medical questions, each with the statements a good
answer must make, and how many of those statements a curbside article makes.

The three test sets used here are K-QA silver (904 questions), MedicationQA (666) and LiveQA
(100). Each line is one JSON object: "Question", "Free_form_answer", "Must_have" (statements)
and "Nice_to_have".

The matching rule is a proxy, not a judgement. A must-have statement is *found* when one
sentence of the article (the bottom line, every claim and every sources-differ note, split
into sentences) passes both tests:

- its MiniLM cosine with the statement is at least `MatchRule.min_cosine`;
- it holds at least `MatchRule.min_overlap` of the statement's content words. Content words
  are lowercase, with stopwords removed and a plural "s" dropped.

Each test alone lets through sentences that do not say what the statement says. Cosine alone
accepts sentences on the same topic that say something else ("600 IU a day is recommended"
against "the upper limit is 4,000 IU a day"). Word overlap alone accepts a sentence that uses the
right words for another claim. Neither test sees negation: "X is not first-line" can pass as "X
is first-line", so in that respect the share found is an upper bound.

How the thresholds were chosen, in two readings, without looking at what they do to the score:

1. Reference answers. Each must-have statement of the first 80 LiveQA and MedicationQA
   questions was paired with its six nearest sentences from the reference answers (its own and
   other questions'). Samples of each band of cosine and overlap were read. Below an overlap of
   0.5, half or fewer of the pairs say the statement; at cosine >= 0.65 and overlap >= 0.5,
   nearly all do (20 of a random 20).
2. Articles on the demo library. Guideline sentences are long and on the question's topic, so
   the closest one often shares the topic and half the words while saying something else
   ("pregabalin was started at 75 mg twice daily" for "the maximum dose of pregabalin is 300
   mg/day"). At 0.65 and 0.5, about one accepted pair in three said the statement. Below a
   cosine of 0.8 few did. At cosine >= 0.8 and overlap >= 0.5, about two in three did
   (21 of 29 read). No band of these two measures does better.

So "found" means the article probably says the statement: about one match in three is false,
and paraphrases in other words are missed. The rule is strict. The reference answer itself is
scored the same way (`ArticleScore.reference`), and the articles' figure should be read against
it. An abstention finds nothing.

A must-have entry with fewer than two content words ("N/A", "Not applicable.", "2.") states
nothing a sentence could match, and is left out when a set is loaded.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..language.clean import normalize_space
from ..language.sentences import split_sentences
from ..language.words import STOPWORDS, fold
from ..model import Article, Passage
from ..render import render
from ..verify import check_citations
from .metrics import mean

# Set name -> (what a reader calls it, file name in the MedLFQA folder).
SETS = {
    "kqa": ("K-QA silver", "kqa_silver_wogold_test_MedLFQA.jsonl"),
    "medication": ("MedicationQA", "medication_qa_test_MedLFQA.jsonl"),
    "liveqa": ("LiveQA", "live_qa_test_MedLFQA.jsonl"),
}

_WORD = re.compile(r"[a-z0-9]+")
_CITATION_MARKER = re.compile(r"\s*\[\d+(?:[,–-]\s*\d+)*\]")


@dataclass(frozen=True)
class Item:
    """One MedLFQA question, with the statements its answer must and may make."""

    set: str
    line: int  # 1-based line in its file, so a reader can find it there
    question: str
    must_have: tuple[str, ...]
    nice_to_have: tuple[str, ...]
    answer: str  # the reference long-form answer


def load_set(path: Path, name: str) -> list[Item]:
    """Every question in one MedLFQA jsonl file, in file order."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"Cannot read {path} ({exc.strerror}); give the MedLFQA folder with --medlfqa.") from None
    items = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = str(row["Question"]).strip()
            must_have = tuple(s for s in (str(s).strip() for s in row.get("Must_have") or ()) if _is_statement(s))
            nice = tuple(str(s).strip() for s in row.get("Nice_to_have") or () if str(s).strip())
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(
                f"{path} line {number} is not a MedLFQA record ({exc}); each line needs a JSON "
                'object with a "Question".'
            ) from None
        if question:
            items.append(Item(name, number, question, must_have, nice, str(row.get("Free_form_answer") or "")))
    return items


def _is_statement(text: str) -> bool:
    return len(content_words(text)) >= 2


def load_sets(folder: Path, names: Sequence[str], limit: int | None = None) -> dict[str, list[Item]]:
    """The named sets (keys of SETS), each cut to its first `limit` questions."""
    unknown = [name for name in names if name not in SETS]
    if unknown:
        raise InputError(f"Unknown MedLFQA set {', '.join(unknown)}; choose from {', '.join(SETS)}.")
    return {name: load_set(folder / SETS[name][1], name)[:limit] for name in names}


# -- the matching rule ------------------------------------------------------------------------


def content_words(text: str) -> frozenset[str]:
    """Folded words without stopwords, a plural 's' dropped so "tablets" meets "tablet"."""
    words = (w for w in _WORD.findall(fold(text)) if w not in STOPWORDS)
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def word_overlap(statement: str, sentence: str) -> float:
    """Share of the statement's content words the sentence holds (0 when it has none)."""
    wanted = content_words(statement)
    return len(wanted & content_words(sentence)) / len(wanted) if wanted else 0.0


@dataclass(frozen=True)
class MatchRule:
    # Chosen by reading pairs at several levels of each, not by their effect on scores (module docstring).
    min_cosine: float = 0.8
    min_overlap: float = 0.5

    def accepts(self, cosine: float, overlap: float) -> bool:
        return cosine >= self.min_cosine and overlap >= self.min_overlap

    def describe(self) -> str:
        return (
            f"a must-have statement is found when one article sentence has MiniLM cosine >= {self.min_cosine} "
            f"with it and holds >= {self.min_overlap:.0%} of its content words (a proxy)"
        )


@dataclass(frozen=True)
class Match:
    """A statement and the article sentence closest to saying it. The sentence is the accepted
    one with the highest cosine, or the highest-cosine sentence when none is accepted; it is ""
    when the article has no sentences."""

    statement: str
    sentence: str
    cosine: float
    overlap: float
    found: bool


def article_sentences(article: Article) -> list[str]:
    """What the article says, one sentence each: bottom line, claims and sources-differ notes,
    citation markers removed. An abstention says nothing."""
    if article.kind != "article":
        return []
    texts = [claim.text for claim in article.all_claims()]
    texts += [note.text for note in article.differ]
    texts += [bullet.differ for section in article.sections for bullet in section.bullets if bullet.differ]
    return _sentences(_CITATION_MARKER.sub("", text) for text in texts)


def answer_sentences(item: Item) -> list[str]:
    """The reference answer's sentences: what the rule finds there is the most an article could expect."""
    return _sentences([item.answer])


def _sentences(texts: Iterable[str]) -> list[str]:
    sentences = (normalize_space(s) for text in texts for s in split_sentences(text))
    return list(dict.fromkeys(s for s in sentences if s))


def embed_texts(texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> dict[str, np.ndarray]:
    """One unit vector per distinct text, encoded in one batched call (claims recur across articles)."""
    distinct = list(dict.fromkeys(texts))
    return dict(zip(distinct, encode(distinct), strict=False))


def match_statements(
    statements: Sequence[str], sentences: Sequence[str], vectors: Mapping[str, np.ndarray], rule: MatchRule
) -> list[Match]:
    """For each statement, whether the sentences say it and which sentence comes closest."""
    if not sentences:
        return [Match(statement, "", 0.0, 0.0, False) for statement in statements]
    sentence_matrix = np.stack([vectors[s] for s in sentences])
    matches = []
    for statement in statements:
        cosines = sentence_matrix @ vectors[statement]
        overlaps = [word_overlap(statement, sentence) for sentence in sentences]
        accepted = [i for i in range(len(sentences)) if rule.accepts(float(cosines[i]), overlaps[i])]
        pool = accepted or range(len(sentences))
        best = max(pool, key=lambda i: (float(cosines[i]), -i))  # ties go to the earlier sentence
        matches.append(
            Match(statement, sentences[best], round(float(cosines[best]), 4), round(overlaps[best], 4), bool(accepted))
        )
    return matches


# -- citation integrity -----------------------------------------------------------------------


def citation_problems(article: Article, passage_lookup: Callable[[str], Passage | None]) -> list[str]:
    """Every broken citation, one line each: the numbering problems `check_citations` reports, plus
    each claim whose passage the library does not hold or does not contain the claim's words."""
    problems = check_citations(article)
    for claim in article.all_claims():
        passage = passage_lookup(claim.passage_id) if claim.passage_id else None
        if passage is None:
            problems.append(
                f"claim {claim.text[:60]!r} [{claim.citation}] cites passage "
                f"{claim.passage_id or '(none)'}, which the library does not hold"
            )
        elif normalize_space(claim.text) not in normalize_space(passage.text):
            problems.append(f"claim {claim.text[:60]!r} [{claim.citation}] is not in its passage {claim.passage_id}")
    return problems


# -- one article, and a set of them -----------------------------------------------------------


@dataclass
class ArticleScore:
    set: str
    question: str
    kind: str
    matches: list[Match]  # each must-have statement against the article
    reference: list[Match]  # the same statements against the reference answer
    problems: list[str]  # broken citations
    words: int  # of the rendered text format
    claims: int
    references: int
    ms: float  # how long `ask` took

    @property
    def abstained(self) -> bool:
        return self.kind != "article"

    @property
    def found(self) -> int:
        return sum(match.found for match in self.matches)


def score_article(
    item: Item,
    article: Article,
    ms: float,
    vectors: Mapping[str, np.ndarray],
    rule: MatchRule,
    passage_lookup: Callable[[str], Passage | None],
) -> ArticleScore:
    """`vectors` must hold the item's statements and the sentences of its answer and the article
    (see `embed_texts`)."""
    return ArticleScore(
        set=item.set,
        question=item.question,
        kind=article.kind,
        matches=match_statements(item.must_have, article_sentences(article), vectors, rule),
        reference=match_statements(item.must_have, answer_sentences(item), vectors, rule),
        problems=citation_problems(article, passage_lookup),
        words=len(render(article, "text").split()),
        claims=len(article.all_claims()),
        references=len(article.references),
        ms=ms,
    )


@dataclass
class Summary:
    questions: int
    answered: int
    abstained: float  # share of questions without an article
    kinds: dict[str, int] = field(default_factory=dict)
    must_have: int = 0  # statements over every question
    must_have_found: float = 0.0  # found / statements, over every question (an abstention finds none)
    must_have_found_answered: float = 0.0  # found / statements, over answered questions only
    must_have_found_reference: float = 0.0  # found / statements in the reference answers, over every question
    citations_resolvable: float = 0.0  # share of articles without a broken citation
    broken_articles: int = 0
    words: float = 0.0  # mean over answered articles
    claims: float = 0.0
    references: float = 0.0

    def to_dict(self) -> dict:
        return {key: round(value, 4) if isinstance(value, float) else value for key, value in self.__dict__.items()}


def summarise(scores: Sequence[ArticleScore]) -> Summary:
    answered = [score for score in scores if not score.abstained]
    statements = sum(len(score.matches) for score in scores)
    statements_answered = sum(len(score.matches) for score in answered)
    found = sum(score.found for score in scores)
    kinds = Counter(score.kind for score in scores)
    broken = sum(1 for score in scores if score.problems)
    return Summary(
        questions=len(scores),
        answered=len(answered),
        abstained=(len(scores) - len(answered)) / len(scores) if scores else 0.0,
        kinds=dict(sorted(kinds.items())),
        must_have=statements,
        must_have_found=found / statements if statements else 0.0,
        must_have_found_answered=found / statements_answered if statements_answered else 0.0,
        must_have_found_reference=sum(m.found for s in scores for m in s.reference) / statements if statements else 0.0,
        citations_resolvable=1 - broken / len(scores) if scores else 1.0,
        broken_articles=broken,
        words=mean([s.words for s in answered]),
        claims=mean([s.claims for s in answered]),
        references=mean([s.references for s in answered]),
    )
