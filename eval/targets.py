"""The performance targets, each checked against a bench result."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One target of the performance issue: what was measured against what limit."""

    name: str
    value: float | None
    limit: float
    unit: str
    at_most: bool = True  # False: the value must be at least the limit

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value <= self.limit if self.at_most else self.value >= self.limit


def targets(results: dict) -> list[Target]:
    """The issue's targets checked against a bench result (missing sections give value None)."""
    hybrid = get_path(results, "retrieve", "hybrid", "p50_ms")
    lc = get_path(results, "langchain", "search", "p50_ms")
    served = lambda mode: get_path(results, "serving", mode, "p50_ms")
    big = max((int(s) for s in get_path(results, "scale", "sizes", default={})), default=None)
    at = (lambda *p: get_path(results, "scale", "sizes", str(big), *p)) if big else (lambda *p: None)
    label = f"{big:,}" if big else "largest size"
    fair = lambda key: get_path(results, "versus_langchain", key)
    return [
        Target("hybrid p50 ÷ LangChain p50 (whole eval set, each in a fresh process, query embedded)",
               fair("ratio_p50"), 0.5, "×"),
        Target("hybrid p95 ÷ LangChain p95 (same run)", fair("ratio_p95"), 0.6, "×"),
        Target("legco-rag ask: process start → answer printed (median of 5)",
               get_path(results, "ask_cold", "median_seconds"), 1, "s"),
        Target("hybrid retrieve p50 (bundled report)", hybrid, 25, "ms"),
        Target("cold start (process start → first answer)", get_path(results, "cold", "seconds"), 5, "s"),
        Target("index build ÷ LangChain build", ratio(get_path(results, "build", "seconds"),
                                                      get_path(results, "langchain", "build_seconds")), 1, "×"),
        Target("dense retrieve p50 ÷ LangChain p50 (each in its own process)", ratio(served("dense"), lc), 1, "×"),
        Target("hybrid retrieve p50 ÷ LangChain p50 (each in its own process)", ratio(served("hybrid"), lc), 1, "×"),
        Target(f"query p50 at {label}, query embedded", at("dense", "p50_ms"), 50, "ms"),
        Target(f"query p50 at {label}, including embedding", at("dense_with_embedding", "p50_ms"), 50, "ms"),
        Target(f"recall@10 vs exact at {label}", at("dense", "recall_at_10"), 0.95, "", at_most=False),
        Target(f"recall@10 vs exact at {label}, real questions", at("recall_at_10_real_questions"), 0.95, "",
               at_most=False),
        Target(f"resident memory at {label} (vectors + BM25)", at("memory_mb"), 4096, "MB"),
    ]


def ratio(a, b):
    """a / b to 3 places, or None where either is missing (or b is zero)."""
    return None if a is None or not b else round(a / b, 3)


def get_path(d: dict, *path, default=None):
    """d[path[0]][path[1]]…, or default where a key is missing."""
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d
