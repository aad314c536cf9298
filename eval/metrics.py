"""Retrieval metrics over plain qrels/run dicts, one function per metric (ranx-style).

qrels: {qid: {label: relevance}}; a label counts as relevant when relevance > 0 (binary).
run:   {qid: {label: score}} (ranked by score, highest first; ties by label) or
       {qid: [label, ...]} (already ranked, best first).

Per-query functions take the relevant labels and one ranked list; `evaluate` averages them
over the queries whose relevant set is non-empty (an empty set means "the report does not
answer this": those queries measure abstention, not ranking, and are left out here).

    >>> evaluate({"q1": {"15": 1, "fn6": 1}}, {"q1": ["15", "14", "fn6"]}, ["hit@1", "recall@2"])
    {'hit@1': 1.0, 'recall@2': 0.5}
"""
from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

Qrels = Mapping[str, Mapping[str, float]]
Run = Mapping[str, "Mapping[str, float] | Sequence[str]"]

METRICS = ("hit", "recall", "mrr", "ndcg")


def ranked_labels(result: Mapping[str, float] | Sequence[str]) -> list[str]:
    """The labels of one query's result, best first, each once.

    A score dict is sorted by score descending, then by label so ties are deterministic.
    A repeated label keeps only its first (best) position, so recall never exceeds 1.
    """
    if isinstance(result, Mapping):
        order = sorted(result, key=lambda label: (-result[label], label))
    elif isinstance(result, str):
        raise ValueError(f"a run entry must be a list of labels or a {{label: score}} dict, got the string {result!r}")
    else:
        order = list(result)
    seen: set[str] = set()
    unique = []
    for label in order:
        if label not in seen:
            seen.add(label)
            unique.append(label)
    return unique


def _check_k(k: int) -> None:
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")


def hit_at_k(relevant: Collection[str], ranked: Sequence[str], k: int) -> float:
    """1.0 if any relevant label is among the first k, else 0.0.

    hit@k = 1[ |{ranked[:k]} ∩ R| > 0 ]
    """
    _check_k(k)
    return 1.0 if any(label in relevant for label in ranked[:k]) else 0.0


def recall_at_k(relevant: Collection[str], ranked: Sequence[str], k: int) -> float:
    """The share of relevant labels found among the first k.

    recall@k = |{ranked[:k]} ∩ R| / |R|     (0.0 when R is empty)
    """
    _check_k(k)
    if not relevant:
        return 0.0
    found = {label for label in ranked[:k] if label in relevant}
    return len(found) / len(set(relevant))


def reciprocal_rank(relevant: Collection[str], ranked: Sequence[str], k: int) -> float:
    """One over the rank of the first relevant label within the first k (MRR@k per query).

    RR@k = 1 / min{ i ≤ k : ranked[i] ∈ R }   (ranks start at 1; 0.0 if none in the top k)
    """
    _check_k(k)
    for rank, label in enumerate(ranked[:k], start=1):
        if label in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(relevant: Collection[str], ranked: Sequence[str], k: int) -> float:
    """Normalised discounted cumulative gain with binary relevance.

    DCG@k  = Σ_{i=1..k} rel_i / log2(i + 1),   rel_i = 1 if ranked[i] ∈ R else 0
    IDCG@k = Σ_{i=1..min(k, |R|)} 1 / log2(i + 1)
    nDCG@k = DCG@k / IDCG@k                    (0.0 when R is empty)
    """
    _check_k(k)
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank, label in enumerate(ranked[:k], start=1) if label in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(set(relevant))) + 1))
    return dcg / ideal


_FUNCTIONS = {"hit": hit_at_k, "recall": recall_at_k, "mrr": reciprocal_rank, "ndcg": ndcg_at_k}


def parse_metric(name: str) -> tuple[str, int]:
    """Split a metric name such as "ndcg@10" into ("ndcg", 10)."""
    base, sep, k_text = name.partition("@")
    if base not in _FUNCTIONS or not sep or not k_text.isdigit() or int(k_text) < 1:
        raise ValueError(
            f"unknown metric {name!r}: use one of {', '.join(m + '@k' for m in METRICS)} with k a positive integer, e.g. 'ndcg@10'"
        )
    return base, int(k_text)


def evaluate(qrels: Qrels, run: Run, metrics: Sequence[str]) -> dict[str, float]:
    """Average each metric over the queries of `qrels` that have at least one relevant label.

    A query missing from `run` counts as an empty ranking (scores 0). Queries in `run` but not
    in `qrels` are ignored.

        >>> evaluate({"q1": {"a": 1}, "q2": {}}, {"q1": {"a": 0.9, "b": 0.1}}, ["mrr@10"])
        {'mrr@10': 1.0}
    """
    if isinstance(metrics, str):
        metrics = [metrics]
    parsed = [(name, *parse_metric(name)) for name in metrics]
    judged = {qid: {label for label, grade in labels.items() if grade > 0} for qid, labels in qrels.items()}
    judged = {qid: relevant for qid, relevant in judged.items() if relevant}
    if not judged:
        raise ValueError("no query in qrels has a relevant label: nothing to average (queries with [] are for abstention)")
    rankings = {qid: ranked_labels(run.get(qid, ())) for qid in judged}
    return {
        name: sum(_FUNCTIONS[base](judged[qid], rankings[qid], k) for qid in judged) / len(judged)
        for name, base, k in parsed
    }


# ---- selective answering: the judge's verdicts, measured as risk against coverage ----------------
#
# verdicts: {qid: "answered" | "uncertain" | "not_answered"}; qrels as above, a query with no relevant
# label being one the report does not answer; first_quote: {qid: the label of the answer's first quote}.

ANSWERED = "answered"


def _relevant(qrels: Qrels, qid: str) -> set[str]:
    return {label for label, grade in qrels.get(qid, {}).items() if grade > 0}


def answered_precision(verdicts: Mapping[str, str], qrels: Qrels, first_quote: Mapping[str, str | None]) -> float:
    """Of the queries answered, the share the report answers *and* whose first quote is from a relevant passage.

    precision = |{q answered : R_q ≠ ∅ and first_quote_q ∈ R_q}| / |{q answered}|   (0.0 when none is answered)
    """
    answered = [qid for qid, verdict in verdicts.items() if verdict == ANSWERED]
    if not answered:
        return 0.0
    right = [qid for qid in answered if first_quote.get(qid) in _relevant(qrels, qid)]
    return len(right) / len(answered)


def answer_coverage(verdicts: Mapping[str, str], qrels: Qrels) -> float:
    """The share of the queries the report answers (R_q ≠ ∅) that were answered (0.0 when there are none).

    coverage = |{q : R_q ≠ ∅, answered}| / |{q : R_q ≠ ∅}|
    """
    answerable = [qid for qid in qrels if _relevant(qrels, qid)]
    if not answerable:
        return 0.0
    return sum(verdicts.get(qid) == ANSWERED for qid in answerable) / len(answerable)


def none_answered(verdicts: Mapping[str, str], qrels: Qrels) -> float:
    """The share of the queries the report does not answer (R_q = ∅) that were answered anyway (0.0 when
    there are none).

    none_answered = |{q : R_q = ∅, answered}| / |{q : R_q = ∅}|
    """
    none = [qid for qid in qrels if not _relevant(qrels, qid)]
    if not none:
        return 0.0
    return sum(verdicts.get(qid) == ANSWERED for qid in none) / len(none)
