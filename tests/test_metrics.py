"""Retrieval metrics: every expected value can be checked by hand (arithmetic in comments)."""
from __future__ import annotations

import math

import pytest

from eval.metrics import (
    evaluate,
    hit_at_k,
    ndcg_at_k,
    parse_metric,
    ranked_labels,
    recall_at_k,
    reciprocal_rank,
)

RELEVANT = {"a", "b"}
RANKED = ["a", "x", "b"]


def test_hit_at_1_counts_only_the_top_label():
    assert hit_at_k(RELEVANT, RANKED, 1) == 1.0  # "a" is first
    assert hit_at_k(RELEVANT, ["x", "a"], 1) == 0.0  # "x" first, "a" only at rank 2
    assert hit_at_k(RELEVANT, ["x", "a"], 2) == 1.0


def test_recall_is_the_share_of_relevant_labels_in_the_top_k():
    assert recall_at_k(RELEVANT, RANKED, 1) == 0.5  # {a} / {a, b} = 1/2
    assert recall_at_k(RELEVANT, RANKED, 2) == 0.5  # {a} again: "x" is not relevant
    assert recall_at_k(RELEVANT, RANKED, 3) == 1.0  # {a, b} / {a, b}


def test_recall_counts_a_repeated_label_once():
    # "a" twice in the top 2 still finds 1 of the 2 relevant labels.
    assert recall_at_k(RELEVANT, ["a", "a", "b"], 2) == 0.5


def test_reciprocal_rank_is_one_over_the_first_relevant_rank_within_k():
    assert reciprocal_rank(RELEVANT, RANKED, 10) == 1.0  # "a" at rank 1
    assert reciprocal_rank(RELEVANT, ["x", "y", "b"], 10) == pytest.approx(1 / 3)  # "b" at rank 3
    assert reciprocal_rank(RELEVANT, ["x", "y", "b"], 2) == 0.0  # rank 3 is beyond k = 2


def test_ndcg_of_a_with_a_gap_before_b():
    # DCG  = 1/log2(2) + 0 + 1/log2(4) = 1 + 0.5 = 1.5
    # IDCG = 1/log2(2) + 1/log2(3)     = 1 + 0.6309... = 1.6309...
    expected = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(RELEVANT, RANKED, 3) == pytest.approx(expected)
    assert ndcg_at_k(RELEVANT, RANKED, 3) == pytest.approx(0.9197, abs=1e-4)


def test_ndcg_ideal_dcg_uses_at_most_k_relevant_labels():
    # k = 1: DCG = 1/log2(2) = 1; IDCG over min(1, 2) = 1 label = 1; nDCG = 1.
    assert ndcg_at_k(RELEVANT, RANKED, 1) == 1.0
    # Perfect order at k = 10: DCG = IDCG = 1 + 1/log2(3).
    assert ndcg_at_k(RELEVANT, ["b", "a", "x"], 10) == pytest.approx(1.0)


def test_ndcg_with_the_only_relevant_label_at_rank_2():
    # DCG = 1/log2(3) = 0.6309...; IDCG = 1/log2(2) = 1.
    assert ndcg_at_k({"b"}, ["x", "b"], 10) == pytest.approx(1 / math.log2(3))


def test_metrics_of_a_ranking_with_no_relevant_label_are_zero():
    for metric in (hit_at_k, recall_at_k, reciprocal_rank, ndcg_at_k):
        assert metric(RELEVANT, ["x", "y"], 10) == 0.0
        assert metric(RELEVANT, [], 10) == 0.0


@pytest.mark.parametrize("k", [0, -1, 1.5, True])
def test_k_must_be_a_positive_integer(k):
    with pytest.raises(ValueError, match="positive integer"):
        hit_at_k(RELEVANT, RANKED, k)


def test_a_score_dict_is_ranked_by_score_then_label():
    assert ranked_labels({"x": 0.2, "a": 0.9, "c": 0.5, "b": 0.5}) == ["a", "b", "c", "x"]


def test_a_ranked_list_keeps_its_order_and_drops_repeats():
    assert ranked_labels(["b", "a", "b"]) == ["b", "a"]


def test_a_string_is_not_taken_for_a_list_of_one_letter_labels():
    with pytest.raises(ValueError, match="list of labels"):
        ranked_labels("15")


def test_evaluate_averages_over_queries_with_relevant_labels_only():
    qrels = {
        "q1": {"a": 1, "b": 1},
        "q2": {"c": 1},
        "q3": {},  # abstention question: excluded
        "q4": {"d": 0},  # grade 0 is not relevant: excluded too
    }
    run = {
        "q1": ["a", "x", "b"],
        "q2": {"x": 0.9, "c": 0.8},
        "q3": ["a"],
    }
    result = evaluate(qrels, run, ["hit@1", "recall@5", "mrr@10", "ndcg@3"])
    assert list(result) == ["hit@1", "recall@5", "mrr@10", "ndcg@3"]
    assert result["hit@1"] == pytest.approx((1 + 0) / 2)  # q1 "a" first; q2 "x" first
    assert result["recall@5"] == pytest.approx((1 + 1) / 2)  # both find all relevant labels
    assert result["mrr@10"] == pytest.approx((1 + 1 / 2) / 2)  # ranks 1 and 2: 0.75
    ndcg_q1 = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    ndcg_q2 = (1 / math.log2(3)) / 1
    assert result["ndcg@3"] == pytest.approx((ndcg_q1 + ndcg_q2) / 2)


def test_evaluate_counts_a_query_missing_from_the_run_as_zero():
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}}
    assert evaluate(qrels, {"q1": ["a"]}, ["hit@1"]) == {"hit@1": 0.5}  # (1 + 0) / 2


def test_evaluate_does_not_mutate_its_arguments():
    qrels = {"q1": {"a": 1, "b": 0}}
    run = {"q1": {"b": 0.2, "a": 0.1}}
    evaluate(qrels, run, ["ndcg@10"])
    assert qrels == {"q1": {"a": 1, "b": 0}}
    assert run == {"q1": {"b": 0.2, "a": 0.1}}


def test_evaluate_needs_at_least_one_query_with_a_relevant_label():
    with pytest.raises(ValueError, match="no query in qrels has a relevant label"):
        evaluate({"q1": {}}, {"q1": ["a"]}, ["hit@1"])


@pytest.mark.parametrize("name", ["ndcg", "ndcg@0", "map@10", "recall@ten", "@5"])
def test_an_unknown_metric_name_says_which_names_work(name):
    with pytest.raises(ValueError, match="e.g. 'ndcg@10'"):
        parse_metric(name)


def test_metric_names_parse_into_base_and_k():
    assert parse_metric("mrr@10") == ("mrr", 10)
    assert parse_metric("hit@1") == ("hit", 1)


# ---- selective answering -------------------------------------------------------------------------

from eval.metrics import answer_coverage, answered_precision, none_answered  # noqa: E402

VERDICTS = {"q1": "answered", "q2": "answered", "q3": "uncertain", "q4": "answered", "q5": "not_answered"}
GOLD = {"q1": {"15": 1}, "q2": {"35": 1}, "q3": {"6": 1}, "q4": {}, "q5": {}}


def test_answered_precision_counts_answers_quoting_a_relevant_passage_first():
    # answered: q1 (quotes 15, gold: right), q2 (quotes 34, gold is 35: wrong), q4 (none: wrong) → 1/3
    first = {"q1": "15", "q2": "34", "q4": "2"}
    assert answered_precision(VERDICTS, GOLD, first) == pytest.approx(1 / 3)


def test_answered_precision_is_zero_when_nothing_is_answered():
    assert answered_precision({"q1": "uncertain"}, GOLD, {}) == 0.0


def test_coverage_is_the_share_of_answerable_questions_answered():
    # answerable: q1, q2, q3; answered: q1, q2 → 2/3 (an uncertain verdict is not an answer)
    assert answer_coverage(VERDICTS, GOLD) == pytest.approx(2 / 3)


def test_none_answered_is_the_share_of_unanswerable_questions_answered():
    # unanswerable: q4 (answered), q5 (not_answered) → 1/2
    assert none_answered(VERDICTS, GOLD) == 0.5
    assert none_answered(VERDICTS, {"q1": {"15": 1}}) == 0.0  # no unanswerable question
