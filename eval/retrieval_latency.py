"""Retriever.search latency on the bundled report: per mode in this process, profiled, and served."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from eval.asked import read_asked
from eval.hybrid_breakdown import hybrid_breakdown
from eval.threads import threads_in_use
from eval.timing import BENCH_WARMUP, time_each
from index.defaults import PROJECT_ROOT


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


def serving_child(argv: list[str]) -> None:
    """In a fresh process, as the app and `legco-rag ask` serve: dense and hybrid search latency
    over the questions in file argv[1], with the index at argv[0]."""
    from assistant.retrieve import Retriever, Settings

    questions = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    out = {mode: asdict(time_each(Retriever.open(Path(argv[0]), settings=Settings(mode=mode)).search, questions,
                                  warmup=3))
           for mode in ("dense", "hybrid")}
    print(json.dumps({**out, "torch_imported": "torch" in sys.modules}))


def hybrid_child(argv: list[str]) -> None:
    """In a fresh process, as `legco-rag ask` and the app serve: hybrid search with the question
    embedded, over the questions in file argv[1] (follow-ups after their history), index at argv[0]."""
    from assistant.followup import search_with_history
    from assistant.retrieve import Retriever
    from eval.query_embedding import engine_in_use
    from index.model_folder import materialise_default_model
    from index.serving import prepare_to_serve

    asked = read_asked(Path(argv[1]))
    retriever = Retriever.open(Path(argv[0]))
    prepare_to_serve()  # as the app does before its first question
    lat = time_each(lambda a: search_with_history(retriever, a.question, a.history, k=5), asked,
                    warmup=BENCH_WARMUP)
    engine, known_by = engine_in_use(retriever.embedder)
    print(json.dumps({"search": asdict(lat), "k": 5, "engine": engine, "engine_known_by": known_by,
                      "model": retriever.index.model, "model_folder": str(materialise_default_model()),
                      "torch_imported": "torch" in sys.modules, "threads": threads_in_use()}))
