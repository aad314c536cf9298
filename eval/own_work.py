"""Our own work per question: everything `legco-rag ask` does except embedding the query.

Each question is searched (with its history, as `eval run` does) and answered extractively by the
real code; the query embedder is replaced by the vectors it gave for the same texts beforehand, so
what is timed is analysis, BM25, fusion, links, the checks and the answer alone. With --profile it
also prints cProfile's top functions and the calls of the functions a question should call once.

    python -m eval.own_work [--split all] [--repeat 3] [--profile 25]

Times are given twice: by the wall clock, and by this process's CPU time (time.process_time), which
leaves out the time other processes held the CPU and so says more on a shared machine; it counts the
lexical search's worker thread too. The caches are prepared as a server prepares them
(index.serving.prepare_to_serve) before anything is timed.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict

import numpy as np

from eval.timing import latency

# Functions whose call count per question says whether a question is analysed once.
COUNTED = ("detect_lang", "fold", "expand", "cantonese_to_written", "convert", "tokenize", "get_scores", "compile",
           "turns", "sentences")


class PrecomputedEmbedder:
    """The real embedder's query vectors, asked once per text beforehand and then only looked up."""

    def __init__(self, embedder):
        self.name, self.dim = embedder.name, embedder.dim
        self._embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        self.recording = True

    def encode_queries(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        missing = [t for t in texts if t not in self._vectors]
        if missing and not self.recording:
            raise KeyError(f"query vector not precomputed for {missing[0]!r}")
        if missing:
            self._vectors.update(zip(missing, self._embedder.encode_queries(missing)))
        return np.stack([self._vectors[t] for t in texts])


def own_work(retriever, questions: list[dict], k: int = 10,
             clock=time.perf_counter) -> tuple[list[float], list[float]]:
    """One pass of search (with history) then extractive answer per question: the seconds of each, by
    `clock` (time.thread_time counts only this thread's CPU time: steadier on a busy machine)."""
    from assistant.answer import compose
    from assistant.followup import search_with_history

    search, answer = [], []
    for q in questions:
        start = clock()
        result = search_with_history(retriever, q["question"], q.get("history"), k=k)
        searched = clock()
        compose(result)
        search.append(searched - start)
        answer.append(clock() - searched)
    return search, answer


def call_counts(stats, names=COUNTED) -> dict[str, int]:
    """Total calls of each named function in a pstats.Stats (summed over modules)."""
    counts = dict.fromkeys(names, 0)
    for (_, _, fn), (cc, nc, *_rest) in stats.stats.items():
        if fn in counts:
            counts[fn] += nc
    return counts


def main(argv: list[str] | None = None) -> int:
    from assistant.open_index import open_retriever
    from assistant.retrieve import Retriever
    from eval.run import load_questions
    from index.serving import prepare_to_serve

    ap = argparse.ArgumentParser(prog="python -m eval.own_work", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="all", choices=["dev", "test", "all"])
    ap.add_argument("--index", default=None)
    ap.add_argument("--repeat", type=int, default=3, help="timed passes over the questions (default: %(default)s)")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="also print cProfile's top N functions")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    opened = open_retriever(args.index)
    embedder = PrecomputedEmbedder(opened.embedder)
    retriever = Retriever(opened.index, embedder, opened.settings)
    questions = load_questions(split=args.split)
    prepare_to_serve()  # as the app does before its first question
    own_work(retriever, questions)  # records every query vector, and warms the caches
    embedder.recording = False
    out = {"questions": len(questions), "repeat": args.repeat, "load_average": list(os.getloadavg())}
    for name, clock in (("wall", time.perf_counter), ("cpu", time.process_time)):
        search, answer = [], []
        for _ in range(args.repeat):
            s, a = own_work(retriever, questions, clock=clock)
            search += s
            answer += a
        out[name] = {"own_work": asdict(latency([s + a for s, a in zip(search, answer)])),
                     "search": asdict(latency(search)), "answer": asdict(latency(answer))}
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(own_work, retriever, questions)
        stats = pstats.Stats(profiler)
        out["calls_per_question"] = {name: round(n / len(questions), 2) for name, n in call_counts(stats).items()}
        out["function_calls_per_question"] = round(stats.total_calls / len(questions), 1)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"{out['questions']} questions × {args.repeat}, load average "
              f"{' '.join(f'{x:.2f}' for x in out['load_average'])}")
        for name in ("wall", "cpu"):
            for part in ("own_work", "search", "answer"):
                lat = out[name][part]
                print(f"  {name:4} {part:9} p50 {lat['p50_ms']:.3f} ms  p95 {lat['p95_ms']:.3f} ms  "
                      f"mean {lat['mean_ms']:.3f} ms")
        if args.profile:
            print("calls per question:", out["calls_per_question"], "· all function calls:",
                  out["function_calls_per_question"])
            stats.sort_stats("tottime").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
