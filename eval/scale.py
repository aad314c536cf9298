"""The scale section: the chosen ANN index and BM25 over synthetic collections of growing size.

Per size: vectors drawn around real embeddings (eval/synthetic.py), exact search as the ground
truth, the index the build would choose (build s, disk MB, recall@10, p50 with and without the
query embedded), BM25 over synthetic passages, the project's Retriever over them, and the
resident memory of it all measured in a fresh process.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from eval.fresh_process import in_fresh_process, say
from eval.memory import folder_mb, peak_rss_mb, rss_mb
from eval.timing import time_each

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
SCALE_QUERIES = 200  # synthetic query vectors per size, for recall and latency
RETRIEVER_QUESTIONS = 20  # questions timed through the project's Retriever at scale
RETRIEVER_FROM_FOLDER_QUESTIONS = 100  # questions timed, embedded, through a Retriever opened from a folder


def scale(sizes: list[int], anchors: np.ndarray, embedder, questions: list[str], workdir: Path,
          compare_hnsw_up_to: int = 100_000, lexical: bool = True, retriever_up_to: int = 100_000,
          open_from_folder: bool = True) -> dict:
    """Build and measure the chosen ANN index and the BM25 index at each size; see the module docstring.

    `open_from_folder`: also write each collection up to `retriever_up_to` as an index folder and open it
    as the app does, in a fresh process that loads the index's own model (so not with a test's fake)."""
    from eval.synthetic import neighbour_cosines, report_sentences

    tokenize = _lexical_tokenizer()
    asked = _Asked(questions, [tokenize(q) for q in questions], embedder.encode_queries(questions))
    sentences = report_sentences()
    results = {"anchors": len(anchors), "anchor_neighbours": neighbour_cosines(anchors), "sizes": {}}
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"scale-{n}-", dir=workdir))
        row, index = _dense_at_size(n, anchors, embedder, asked, work, compare_hnsw_up_to)
        if lexical:
            row.update(_lexical_at_size(n, sentences, tokenize, index, embedder, asked, work, retriever_up_to))
        del index
        if lexical and open_from_folder and n <= retriever_up_to:
            say(f"scale {n:,}: an index folder, opened by the Retriever in a fresh process")
            row["retriever_from_folder"] = _retriever_from_folder(n, anchors, embedder, sentences, tokenize,
                                                                  questions, work)
        say(f"scale {n:,}: measuring in a fresh process")
        row.update(in_fresh_process("eval.scale", "scale_child", str(work)))
        results["sizes"][str(n)] = row
        shutil.rmtree(work, ignore_errors=True)
        say(f"scale {n:,}: {json.dumps({k: row[k] for k in ('dense', 'memory_mb')})}")
    return results


class _Asked:
    """The timed questions as text, as the lexical index's tokens, and as query vectors."""

    def __init__(self, texts: list[str], tokens: list[list[str]], vectors: np.ndarray):
        self.texts, self.tokens, self.vectors = texts, tokens, vectors


def _dense_at_size(n: int, anchors: np.ndarray, embedder, asked: _Asked, work: Path,
                   compare_hnsw_up_to: int) -> tuple[dict, object]:
    """n synthetic vectors: exact ground truth, the chosen ANN index built and measured, and the
    files scale_child reads written to `work`. Returns the row so far and the ANN index."""
    import faiss

    from eval.synthetic import neighbour_cosines, synthetic_queries, synthetic_vectors
    from index.ann import Reranked, build_ann, choose_index, flat_spec, hnsw_spec, ivf_spec, recall_at_k

    say(f"scale {n:,}: generating vectors")
    start = time.perf_counter()
    vectors = synthetic_vectors(anchors, n)
    queries = synthetic_queries(anchors, n, SCALE_QUERIES)
    row = {"generate_seconds": round(time.perf_counter() - start, 1),
           "neighbours": neighbour_cosines(vectors, sample=300)}
    start = time.perf_counter()
    flat = build_ann(flat_spec(), vectors)  # exact search: the ground truth, and its latency
    truth = flat.search(queries, 10)[1]
    real_truth = flat.search(asked.vectors, 10)[1]
    row["exact_ground_truth_seconds"] = round(time.perf_counter() - start, 1)
    row["exact"] = _exact_latency(flat, queries[:100])
    del flat
    spec = choose_index(n, vectors.shape[1])
    say(f"scale {n:,}: building {spec.factory}")
    start = time.perf_counter()
    index = build_ann(spec, vectors)
    row["ann"] = {**spec.to_json(), "build_seconds": round(time.perf_counter() - start, 1)}
    faiss.write_index(index, str(work / "vectors.faiss"))
    if spec.lossy:  # searched as an index folder searches it: codes, then the exact vectors re-score
        np.save(work / "vectors.npy", vectors)
        index = Reranked(index, np.load(work / "vectors.npy", mmap_mode="r"))
    row["ann"]["disk_mb"] = folder_mb(work / "vectors.faiss")
    row["recall_at_10_real_questions"] = round(recall_at_k(index.search(asked.vectors, 10)[1], real_truth), 4)
    if spec.kind == "ivf":
        row["nprobe_sweep"] = _nprobe_sweep(index, spec, queries, truth, asked.vectors, real_truth)
    row["dense_with_embedding"] = asdict(time_each(
        lambda q, ann=index: ann.search(embedder.encode_queries([q]), 10), asked.texts, warmup=3))
    if spec.kind != "ivf" and n >= 1000:
        row["ivf_for_comparison"] = _compare(vectors, queries, truth, ivf_spec(n))
    if n <= compare_hnsw_up_to:
        row["hnsw_for_comparison"] = _compare(vectors, queries, truth, hnsw_spec())
    (work / "spec.json").write_text(json.dumps(spec.to_json()))
    np.save(work / "queries.npy", queries)
    np.save(work / "truth.npy", truth)
    (work / "token_queries.json").write_text(json.dumps(asked.tokens, ensure_ascii=False), encoding="utf-8")
    return row, index


def _lexical_at_size(n: int, sentences, tokenize, index, embedder, asked: _Asked, work: Path,
                     retriever_up_to: int) -> dict:
    """BM25 over n synthetic passages, built and saved to `work`; the Retriever timed up to a size."""
    from eval.synthetic import synthetic_corpus
    from index.lexical import LexicalIndex

    say(f"scale {n:,}: BM25 over synthetic passages")
    row = {}
    corpus = synthetic_corpus(n, sentences)
    (work / "corpus.json").write_text(json.dumps({"n": n, "seed": 0}))
    start = time.perf_counter()
    token_lists = list(corpus.token_lists(tokenize))
    row["lexical_tokenise_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    bm25 = LexicalIndex.build(token_lists)
    row["lexical_build_seconds"] = round(time.perf_counter() - start, 1)
    row["lexical_tokens_per_passage"] = round(sum(map(len, token_lists)) / max(1, n), 1)
    del token_lists
    bm25.save(work / "lexical")
    row["lexical_disk_mb"] = folder_mb(work / "lexical")
    if n <= retriever_up_to:
        say(f"scale {n:,}: the project's Retriever over the synthetic collection")
        row["retriever"] = retriever_at_scale(corpus, index, bm25, embedder, asked.texts[:RETRIEVER_QUESTIONS])
    return row


def _retriever_from_folder(n: int, anchors, embedder, sentences, tokenize, questions: list[str],
                           work: Path) -> dict:
    """The synthetic collection written as an index folder (as a build writes it), then opened and
    searched by `retriever_child` in a fresh process: set-up, p50/p95 with the query embedded, peak RSS."""
    from eval.synthetic import synthetic_corpus, synthetic_vectors

    folder, asked = work / "index", work / "retriever_questions.json"
    manifest = write_synthetic_index(folder, synthetic_corpus(n, sentences), synthetic_vectors(anchors, n),
                                     embedder.name, tokenize)
    disk_mb = folder_mb(folder)
    asked.write_text(json.dumps(questions[:RETRIEVER_FROM_FOLDER_QUESTIONS], ensure_ascii=False), encoding="utf-8")
    out = in_fresh_process("eval.scale", "retriever_child", str(folder), str(asked))
    shutil.rmtree(folder, ignore_errors=True)
    return {**out, "ann": manifest.get("ann"), "disk_mb": disk_mb}


def _nprobe_sweep(index, spec, queries, truth, real_queries, real_truth) -> list[dict]:
    """Recall@10 (synthetic queries and the real eval questions) and p50 for a range of nprobe."""
    from index.ann import apply_search_params, recall_at_k

    rows = []
    for nprobe in (32, 64, 128, 256):
        apply_search_params(index, {"nprobe": nprobe})
        lat = time_each(lambda i: index.search(queries[i:i + 1], 10), range(min(100, len(queries))))
        rows.append({"nprobe": nprobe, "p50_ms": lat.p50_ms,
                     "recall_at_10": round(recall_at_k(index.search(queries, 10)[1], truth), 4),
                     "recall_at_10_real_questions": round(recall_at_k(index.search(real_queries, 10)[1], real_truth), 4)})
    apply_search_params(index, spec.search)
    return rows


def _exact_latency(flat, queries: np.ndarray) -> dict:
    """Exact (flat) search latency, one query at a time, with the default thread count and with one thread."""
    import faiss

    threads = faiss.omp_get_max_threads()
    out = {f"{threads}_threads": asdict(time_each(lambda i: flat.search(queries[i:i + 1], 10), range(len(queries))))}
    faiss.omp_set_num_threads(1)
    try:
        out["1_thread"] = asdict(time_each(lambda i: flat.search(queries[i:i + 1], 10), range(len(queries))))
    finally:
        faiss.omp_set_num_threads(threads)
    return out


def _compare(vectors, queries, truth, spec) -> dict:
    from index.ann import build_ann, recall_at_k

    start = time.perf_counter()
    index = build_ann(spec, vectors)
    build_s = time.perf_counter() - start
    lat = time_each(lambda i: index.search(queries[i:i + 1], 10), range(min(100, len(queries))))
    return {**spec.to_json(), "build_seconds": round(build_s, 1), **asdict(lat),
            "recall_at_10": round(recall_at_k(index.search(queries, 10)[1], truth), 4)}


def _lexical_tokenizer():
    """The tokens the lexical index sees for a piece of text (as index.build.lexical_tokens does)."""
    from index.normalise import fold
    from index.tokenise import tokens

    return lambda text: tokens(fold(text))


def scale_child(argv: list[str]) -> None:
    """In a fresh process: load a FAISS file (+ search params) and a BM25 folder; time and measure them."""
    import faiss

    from index.ann import AnnSpec, Reranked, apply_search_params, recall_at_k
    from index.lexical import LexicalIndex

    work = Path(argv[0])
    spec = AnnSpec.from_json(json.loads((work / "spec.json").read_text()))
    queries = np.load(work / "queries.npy")
    truth = np.load(work / "truth.npy")
    token_queries = json.loads((work / "token_queries.json").read_text(encoding="utf-8"))
    base = rss_mb()
    start = time.perf_counter()
    index = faiss.read_index(str(work / "vectors.faiss"))
    apply_search_params(index, spec.search)
    if spec.lossy:
        index = Reranked(index, np.load(work / "vectors.npy", mmap_mode="r"))
    load_s = time.perf_counter() - start
    vectors_mb = rss_mb() - base
    dense = time_each(lambda i: index.search(queries[i:i + 1], 10), range(len(queries)), warmup=5)
    found = index.search(queries, 10)[1]
    out = {"load_seconds": round(load_s, 2), "dense": {**asdict(dense), "recall_at_10": round(recall_at_k(found, truth), 4)},
           "vectors_rss_mb": round(vectors_mb, 1)}
    if (work / "lexical").exists():
        before = rss_mb()
        start = time.perf_counter()
        lexical = LexicalIndex.load(work / "lexical")
        out["lexical_load_seconds"] = round(time.perf_counter() - start, 2)
        out["lexical_rss_mb"] = round(rss_mb() - before, 1)

        def top_k(tokens, k=50):  # the top of BM25 without sorting every document
            scores = lexical.scores(tokens)
            part = np.argpartition(-scores, k)[:k]
            return part[np.argsort(-scores[part])]

        out["lexical"] = asdict(time_each(top_k, token_queries, warmup=3))
        out["lexical_full_argsort"] = asdict(time_each(lambda t: np.argsort(-lexical.scores(t))[:50],
                                                       token_queries[:50], warmup=2))
        pairs = list(zip(range(len(token_queries)), token_queries))
        out["hybrid_no_embedding"] = asdict(time_each(
            lambda p: (index.search(queries[p[0] % len(queries):p[0] % len(queries) + 1], 50), top_k(p[1])),
            pairs, warmup=3))
    out["memory_mb"] = round(rss_mb() - base, 1)
    if (work / "corpus.json").exists():  # the passages as the Retriever holds them (Passage objects)
        from eval.synthetic import report_sentences, synthetic_corpus

        plan = json.loads((work / "corpus.json").read_text())
        corpus = synthetic_corpus(plan["n"], report_sentences(), seed=plan["seed"])
        before = rss_mb()
        passages = tuple(corpus.passages())
        out["passages_rss_mb"] = round(rss_mb() - before, 1)
        out["passages_chars"] = sum(len(p.text) for p in passages)
        del passages
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def retriever_at_scale(corpus, vectors_index, bm25, embedder, questions: list[str]) -> dict:
    """Retriever.search p50/p95 (hybrid, default settings) over an in-memory synthetic index.

    The vectors are not the embeddings of the synthetic texts, so what is found means nothing;
    what it costs is what the real retriever would cost on a collection this large.
    """
    from assistant.retrieve import Retriever
    from index.key_table import KeyTable
    from index.store import Index

    passages = tuple(corpus.passages())
    embedder = _Memo(embedder)
    index = Index(folder=Path("synthetic"), manifest={"model": embedder.name, "dimension": embedder.dim,
                                                       "count": len(passages), "chunks": len(passages)},
                  passages=passages, chunks=passages, vectors=vectors_index, lexical=bm25,
                  keys=KeyTable.of(passages, passages, names=corpus.names()))  # as a built index has it
    start = time.perf_counter()
    retriever = Retriever(index, embedder)
    setup = time.perf_counter() - start
    # every question once untimed, so the timed runs reuse the query vectors: what is timed is what
    # grows with the collection (search, fusion, links, abstention), not the model
    return {"setup_seconds": round(setup, 2), "questions": len(questions), "query_embedding": "excluded",
            "hybrid": asdict(time_each(retriever.search, questions, warmup=len(questions)))}


class _Memo:
    """An embedder whose query vectors are computed once per text (passages pass through)."""

    def __init__(self, embedder):
        self._embedder, self.name, self.dim = embedder, embedder.name, embedder.dim
        self._cache: dict[str, np.ndarray] = {}

    def encode_queries(self, texts, batch_size: int = 32) -> np.ndarray:
        missing = [t for t in texts if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, self._embedder.encode_queries(missing)))
        return np.stack([self._cache[t] for t in texts])

    def encode_passages(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        return self._embedder.encode_passages(texts, batch_size=batch_size, show_progress=show_progress)


def write_synthetic_index(folder: Path, corpus, vectors: np.ndarray, model: str, tokenize,
                          ann=None) -> dict:
    """An index folder (index.store.write_index, as a build writes it) over a synthetic collection:
    its passages, `vectors` (one per passage) and BM25 over the passages' tokens. Returns the manifest."""
    from index.key_table import KeyTable
    from index.lexical import LexicalIndex
    from index.store import write_index
    from index.vectors import engine_for_build
    from ingest.passage import Document

    passages = corpus.passages()
    lexical = LexicalIndex.build(list(corpus.token_lists(tokenize)))
    documents = [Document(doc_id=d, title=f"synthetic report {d}", lang="")
                 for d in dict.fromkeys(p.doc for p in passages)]
    return write_index(folder, passages=passages, chunks=passages, vectors=vectors, lexical=lexical,
                       model=model, documents=documents, engine=engine_for_build(ann=ann),
                       keys=KeyTable.of(passages, passages, names=corpus.names()))


def retriever_child(argv: list[str]) -> None:
    """In a fresh process: open an index folder as the app does (load_index, then the Retriever over
    it) and time `Retriever.search` with each question embedded; argv: folder, questions JSON file.

    Set-up is load_index + Retriever(...), without loading the model; peak RSS includes the model.
    """
    import faiss

    from assistant.retrieve import Retriever
    from index.embed import load_embedder
    from index.serving import prepare_to_serve
    from index.store import load_index

    folder, questions = Path(argv[0]), json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    faiss.omp_set_num_threads(1)  # as Retriever.open serves
    base = rss_mb()
    start = time.perf_counter()
    index = load_index(folder)
    load_s = time.perf_counter() - start
    loaded_mb = rss_mb() - base
    embedder = load_embedder(index.model)
    start = time.perf_counter()
    retriever = Retriever(index, embedder)
    setup_s = time.perf_counter() - start
    embedder.encode_queries(questions[:3])  # the encoder's first calls compile and warm up
    prepare_to_serve()  # as the app does before its first question
    cpu = time.process_time()
    hybrid = time_each(retriever.search, questions, warmup=3)
    # The work of a question: CPU time of every thread (the warm-up questions included), which other
    # programs on a busy machine do not inflate as they do wall time.
    cpu_ms = (time.process_time() - cpu) * 1000 / (len(questions) + 3)
    out = {"load_index_seconds": round(load_s, 2), "retriever_seconds": round(setup_s, 2),
           "setup_seconds": round(load_s + setup_s, 2), "index_rss_mb": round(loaded_mb, 1),
           "query_engine": getattr(embedder, "query_engine", "unknown"), "questions": len(questions),
           "query_embedding": "included", "hybrid": asdict(hybrid), "hybrid_cpu_ms_per_question": round(cpu_ms, 2),
           "load_average": round(os.getloadavg()[0], 2), "peak_rss_mb": peak_rss_mb()}
    print(json.dumps(out))
