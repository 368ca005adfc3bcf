"""Ranking metrics on tiny cases computed by hand."""

import math

import pytest

from curbside.evaluate.metrics import (
    dcg,
    first_occurrences,
    ndcg,
    percentile,
    precision,
    reciprocal_rank,
    score_run,
    unjudged,
)


def test_dcg_uses_log2_of_rank_plus_one():
    # 3/log2(2) + 2/log2(3) + 0 + 1/log2(5)
    assert dcg([3, 2, 0, 1]) == pytest.approx(3 + 2 / math.log2(3) + 1 / math.log2(5))


def test_ndcg_against_ideal_from_all_judged_documents():
    gains = {"a": 3.0, "b": 2.0, "c": 0.0, "d": 1.0}  # d was judged but never retrieved
    ranking = ["b", "x", "a"]
    got = 2 + 0 + 3 / 2  # log2(4) = 2
    ideal = 3 + 2 / math.log2(3) + 1 / 2
    assert ndcg(ranking, gains) == pytest.approx(got / ideal)


def test_ndcg_is_one_for_the_ideal_order_and_zero_without_positive_gain():
    gains = {"a": 3.0, "b": 1.0}
    assert ndcg(["a", "b"], gains) == pytest.approx(1.0)
    assert ndcg(["a", "b"], {"a": 0.0, "b": 0.0}) == 0.0


def test_ndcg_cuts_at_k():
    gains = {"a": 1.0}
    assert ndcg(["x", "a"], gains, k=1) == 0.0
    assert ndcg(["x", "a"], gains, k=2) == pytest.approx(1 / math.log2(3))


def test_a_repeated_document_counts_once():
    assert first_occurrences(["a", "b", "a"])[:2] == ["a", "b"]
    assert first_occurrences(["a", "b", "a"])[2] != "a"
    gains = {"a": 1.0, "b": 1.0}
    assert ndcg(["a", "a"], gains) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert precision(["a", "a", "a", "a", "a"], {"a"}, 5) == pytest.approx(0.2)
    assert unjudged(["x", "x", "a"], {"a": 1}) == 1


def test_precision_at_5_divides_by_five_even_for_short_rankings():
    assert precision(["a", "x", "b"], {"a", "b"}, 5) == pytest.approx(0.4)


def test_reciprocal_rank_within_depth():
    assert reciprocal_rank(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "y", "a"], {"a"}, depth=2) == 0.0
    assert reciprocal_rank([], {"a"}) == 0.0


def test_unjudged_counts_documents_nobody_judged_in_the_top_k():
    judged = {"a": 1, "b": 4}
    assert unjudged(["a", "x", "b", "y"], judged, k=10) == 2
    assert unjudged(["a", "x", "b", "y"], judged, k=2) == 1


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert percentile([5], 95) == 5
    assert percentile([0, 10], 95) == pytest.approx(9.5)


def test_score_run_uses_the_right_question_subsets():
    judgements = {
        1: {"a": 4, "b": 2, "c": 1},  # has a relevant answer
        2: {"d": 2},  # judged, nothing relevant: graded measures only
        3: {},  # no judgement: left out of everything
    }
    run = {1: ["b", "a", "z"], 2: ["d"], 3: ["q"]}
    scores = score_run(run, judgements)
    assert scores.questions_graded == 2
    assert scores.questions_binary == 1
    q1_graded = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert scores.ndcg10 == pytest.approx((q1_graded + 1.0) / 2)
    assert scores.ndcg10_relevant_questions == pytest.approx(q1_graded)
    assert scores.ndcg10_binary == pytest.approx((1 / math.log2(3)) / 1)
    assert scores.p5 == pytest.approx(1 / 5)
    assert scores.p5_upper == pytest.approx(2 / 5)  # z, unjudged, might have been relevant
    assert scores.mrr == pytest.approx(1 / 2)
    assert scores.unjudged10 == pytest.approx((1 + 0) / 2)


def test_score_run_counts_a_missing_ranking_as_empty():
    scores = score_run({}, {1: {"a": 3}})
    assert (scores.ndcg10, scores.p5, scores.mrr, scores.unjudged10) == (0.0, 0.0, 0.0, 0.0)
