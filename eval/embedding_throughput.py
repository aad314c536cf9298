"""Passages embedded per second, by batch size, length ordering, precision and torch threads."""
from __future__ import annotations

import time

import numpy as np

from eval.fresh_process import say


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
        say(f"  embedding {name}: {runs[-1]['passages_per_second']} passages/s")

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
