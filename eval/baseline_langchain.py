"""The LangChain baseline: the same passages and model through HuggingFaceEmbeddings + FAISS."""
from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from eval.asked import read_asked
from eval.threads import threads_in_use
from eval.timing import BENCH_WARMUP, time_each


def langchain_child(argv: list[str]) -> None:
    """In a fresh process: the LangChain baseline on the chunks of the index at argv[0], questions in file argv[1]
    (LangChain has no notion of a conversation: a follow-up is searched as its own text)."""
    from index.store import load_index

    index = load_index(Path(argv[0]))
    ours = np.stack([index.vectors.reconstruct(i) for i in range(index.vectors.ntotal)])
    questions = [a.question for a in read_asked(Path(argv[1]))]
    print(json.dumps({**langchain_baseline(index.chunks, questions, ours), "threads": threads_in_use()}))


def langchain_baseline(chunks, questions: list[str], our_vectors: np.ndarray | None = None) -> dict:
    """HuggingFaceEmbeddings + FAISS.from_texts on the same model, prompts and texts; build and search."""
    try:
        from langchain_community.vectorstores import FAISS
        from langchain_community.vectorstores.utils import DistanceStrategy
        from langchain_huggingface import HuggingFaceEmbeddings
    except ImportError:
        raise ImportError("the LangChain baseline needs: pip install -e '.[bench]' "
                          "(langchain-community, langchain-huggingface)") from None
    from index.build import dense_text
    from index.model_folder import materialise_default_model

    texts = [dense_text(c) for c in chunks]
    folder = materialise_default_model()
    start = time.perf_counter()
    embeddings = HuggingFaceEmbeddings(
        model_name=str(folder), model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "prompt": "passage: "},
        query_encode_kwargs={"normalize_embeddings": True, "prompt": "query: "})
    load = time.perf_counter() - start
    start = time.perf_counter()
    store = FAISS.from_texts(texts, embeddings, distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT)
    build_s = time.perf_counter() - start
    search = time_each(lambda q: store.similarity_search(q, k=5), questions, warmup=BENCH_WARMUP)
    out = {"model_folder": str(folder), "k": 5, "model_load_seconds": round(load, 2), "build_seconds": round(build_s, 2),
           "chunks_per_second": round(len(texts) / build_s, 1), "search": asdict(search)}
    if our_vectors is not None:  # same model → the same vectors, or the comparison is not fair
        theirs = store.index.reconstruct_n(0, store.index.ntotal)
        out["cosine_to_our_vectors_min"] = round(float(np.einsum("ij,ij->i", theirs, our_vectors).min()), 5)
    return out
