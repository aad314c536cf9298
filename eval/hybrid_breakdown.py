"""Where the hybrid retriever's time goes, one step at a time.

The steps are timed as copies of the Retriever's work, not through assistant/retrieve.py, and the
copies already differ: they rewrite every query with cantonese_to_written, where the Retriever
does so only for Cantonese questions. Timing the Retriever's own stages will replace them.
"""
from __future__ import annotations

from dataclasses import asdict

from eval.timing import one_torch_thread, time_each


def hybrid_breakdown(index, embedder, questions: list[str]) -> dict:
    """Per-question cost of each step the hybrid retriever takes, timed one step at a time."""
    from index.glossary import expand
    from index.normalise import cantonese_to_written, fold
    from index.tokenise import tokens

    expanded = [expand(q) for q in questions]
    qvecs = embedder.encode_queries(expanded)
    pool = min(50, index.vectors.ntotal)
    steps = {
        "glossary_expand": time_each(expand, questions),
        "embed_query": time_each(lambda q: embedder.encode_queries([q]), expanded),
        "embed_query_1_thread": one_torch_thread(lambda: time_each(lambda q: embedder.encode_queries([q]), expanded)),
        "faiss_search": time_each(lambda i: index.vectors.search(qvecs[i:i + 1], pool), range(len(questions))),
        "normalise_tokens": time_each(lambda q: tokens(fold(cantonese_to_written(q))), expanded),
        "bm25_scores": time_each(lambda q: index.lexical.scores(tokens(fold(cantonese_to_written(q)))), expanded),
    }
    return {name: asdict(lat) for name, lat in steps.items()}
