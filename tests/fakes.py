"""Fakes for fast tests: a deterministic embedder with no model, and the small fixture report."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini-report.zh-Hant.txt"


class HashEmbedder:
    """Deterministic unit vectors from a hash of each text (no model, no torch)."""

    name = "hash-fake"
    dim = 16

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode_passages(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts, batch_size: int = 32) -> np.ndarray:
        return np.stack([self._vec("query: " + t) for t in texts])
