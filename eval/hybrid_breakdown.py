"""Where the hybrid retriever's time goes: each of the Retriever's own stages, timed alone.

The stages are the ones `Retriever.search` composes (assistant/retrieve.py), called on the same
`Query` objects it would make, so the breakdown cannot drift from what is served. The first six
keys are the steps the bench has always reported; the rest are the stages after them.
"""
from __future__ import annotations

from dataclasses import asdict

from eval.timing import one_torch_thread, time_each


def hybrid_breakdown(index, embedder, questions: list[str]) -> dict:
    """Per-question cost of each stage of a hybrid search, timed one stage at a time."""
    from assistant.fuse import fuse, rank
    from assistant.query import Query
    from assistant.retrieve import Retriever
    from index.glossary import expand

    retriever = Retriever(index, embedder)
    s = retriever.settings
    queries = [Query.parse(q, s.normalise) for q in questions]
    qvecs = embedder.encode_queries([q.expanded for q in queries])
    n = range(len(queries))
    dense = [retriever.dense.scored(q, s.pool) for q in queries]
    lexical = [retriever.lexical.scored(q, s.pool) for q in queries]
    fused = [fuse(d, l, s.lexical_weight) for d, l in zip(dense, lexical)]
    spread = [retriever.links.spread(f, s.link_bonus) for f in fused]
    top = [[retriever.by_label[key] for key in rank(scores, retriever.links.position)[:3]] for scores in spread]
    steps = {
        "glossary_expand": time_each(expand, questions),
        "embed_query": time_each(lambda q: embedder.encode_queries([q.expanded]), queries),
        "embed_query_1_thread": one_torch_thread(
            lambda: time_each(lambda q: embedder.encode_queries([q.expanded]), queries)),
        "faiss_search": time_each(lambda i: index.vectors.search(qvecs[i:i + 1], min(s.pool, index.vectors.ntotal)), n),
        "normalise_tokens": time_each(lambda q: Query.parse(q, s.normalise), questions),  # the whole analysis
        "bm25_scores": time_each(lambda q: retriever.lexical.scored(q, s.pool), queries),
        "fuse_and_links": time_each(lambda i: retriever.links.spread(fuse(dense[i], lexical[i], s.lexical_weight),
                                                                     s.link_bonus), n),
        "rank": time_each(lambda i: rank(spread[i], retriever.links.position), n),
        "label_lookup": time_each(lambda i: retriever.lookup.search(queries[i], spread[i]), n),
        "judge": time_each(lambda i: retriever.judge.verdict(queries[i], top[i], 0.9, False, s), n),
    }
    return {name: asdict(lat) for name, lat in steps.items()}
