"""Ranking metrics over judged runs: graded and binary nDCG, precision, reciprocal rank.

A run is, per question, a ranked list of document ids; judgements are, per question, a grade
per judged document (TREC style: 1 = incorrect ... 4 = excellent). Two rules hold throughout:

- a document repeated in a ranking counts once, at its first rank; a repeat keeps its slot but
  adds nothing (showing the same answer twice does not help a reader) and is not "unjudged";
- an unjudged document counts as not relevant, and `unjudged` says how many there were, since a
  run that finds good documents nobody judged is under-scored by exactly those.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

# The placeholder a repeated document becomes: judged (known to add nothing), gain 0.
_REPEAT = object()


def first_occurrences(ranking: Sequence[str]) -> list[object]:
    """The ranking with every repeat of an earlier document replaced by a gainless placeholder."""
    seen: set[str] = set()
    out: list[object] = []
    for doc in ranking:
        out.append(_REPEAT if doc in seen else doc)
        seen.add(doc)
    return out


def dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain with the log2(rank + 1) discount (rank from 1)."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg(ranking: Sequence[str], gains: Mapping[str, float], k: int = 10) -> float:
    """nDCG@k; the ideal ranking is every judged document of the question by gain.

    0.0 when no judged document has a positive gain (trec_eval's convention), so a question
    whose judged answers are all wrong scores 0 for every run alike.
    """
    ideal = dcg(sorted((g for g in gains.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    got = dcg(gains.get(doc, 0.0) for doc in first_occurrences(ranking)[:k])  # a repeat has no gain
    return got / ideal


def precision(ranking: Sequence[str], relevant: set[str], k: int = 5) -> float:
    """Share of the first k slots holding a (first occurrence of a) relevant document."""
    return sum(1 for doc in first_occurrences(ranking)[:k] if doc in relevant) / k


def reciprocal_rank(ranking: Sequence[str], relevant: set[str], depth: int = 10) -> float:
    """1 / rank of the first relevant document within the first `depth`, else 0."""
    for rank, doc in enumerate(first_occurrences(ranking)[:depth], start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def unjudged(ranking: Sequence[str], judged: Mapping[str, object], k: int = 10) -> int:
    """How many of the first k documents nobody judged for this question (repeats excluded)."""
    return sum(1 for doc in first_occurrences(ranking)[:k] if doc is not _REPEAT and doc not in judged)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between order statistics."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


@dataclass
class RunScores:
    """A run's means, each over the questions it is defined for (counts alongside)."""

    ndcg10: float  # graded, gain = grade - 1, over questions with any judged document
    ndcg10_binary: float  # gain 1 for relevant, over questions with a relevant document
    ndcg10_relevant_questions: float  # graded, but over questions with a relevant document
    p5: float  # over questions with a relevant document
    p5_upper: float  # P@5 if every unjudged document in the top 5 were relevant: what unjudged may hide
    mrr: float  # first relevant within the top 10, over questions with a relevant document
    unjudged10: float  # mean unjudged documents in the top 10, over questions with any judged document
    questions_graded: int
    questions_binary: int

    def to_dict(self) -> dict[str, float | int]:
        return {key: round(value, 4) if isinstance(value, float) else value for key, value in asdict(self).items()}


def score_run(
    run: Mapping[object, Sequence[str]],
    judgements: Mapping[object, Mapping[str, int]],
    *,
    relevant_from: int = 3,
) -> RunScores:
    """Score a run against graded judgements (grade 1..4; gain = grade - 1).

    Questions without any judgement are left out of every mean; questions without a document
    graded `relevant_from` or above are left out of the binary measures. A question the run
    has no ranking for counts as an empty ranking.
    """
    graded, graded_relevant, binary, p5, p5_upper, rr, missing = [], [], [], [], [], [], []
    for question, grades in judgements.items():
        if not grades:
            continue
        ranking = list(run.get(question, ()))
        gains = {doc: float(grade - 1) for doc, grade in grades.items()}
        graded.append(ndcg(ranking, gains, 10))
        missing.append(unjudged(ranking, grades, 10))
        relevant = {doc for doc, grade in grades.items() if grade >= relevant_from}
        if not relevant:
            continue
        graded_relevant.append(graded[-1])
        binary.append(ndcg(ranking, {doc: 1.0 for doc in relevant}, 10))
        p5.append(precision(ranking, relevant, 5))
        top5_unjudged = {doc for doc in ranking[:5] if doc not in grades}  # repeats of judged docs stay out
        p5_upper.append(precision(ranking, relevant | top5_unjudged, 5))
        rr.append(reciprocal_rank(ranking, relevant, 10))
    return RunScores(
        ndcg10=mean(graded),
        ndcg10_binary=mean(binary),
        ndcg10_relevant_questions=mean(graded_relevant),
        p5=mean(p5),
        p5_upper=mean(p5_upper),
        mrr=mean(rr),
        unjudged10=mean(missing),
        questions_graded=len(graded),
        questions_binary=len(binary),
    )
