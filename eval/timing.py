"""Latency of repeated calls: percentiles in milliseconds, and timing with one torch thread."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

BENCH_WARMUP = 3  # untimed calls before timing, the same for every side of a comparison


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


def one_torch_thread(fn):
    """fn() with torch limited to one thread (a busy machine makes 2-thread inference stall)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return fn()
    finally:
        torch.set_num_threads(threads)
