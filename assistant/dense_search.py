"""Dense search: the question's embedding against the vector store, best chunk per passage."""
from __future__ import annotations

import numpy as np

from assistant.hit import Hit, Key
from assistant.papers import nearest
from assistant.query import Query
from ingest.passage import Passage


class DenseSearch:
    """Ranked passages by cosine similarity of their best chunk to the searched question.

    `vectors` is any store with `.search(qvec, k) -> (scores, ids)` and `.ntotal` (FAISS or another
    engine behind the same seam); id i is chunk i of `chunk_keys`.
    """

    def __init__(self, embedder, vectors, chunk_keys: list[Key], by_label: dict[Key, Passage]):
        self.embedder = embedder
        self.vectors = vectors
        self.chunk_keys = chunk_keys
        self.by_label = by_label

    def search(self, query: Query, pool: int, rows: np.ndarray | None = None) -> list[Hit]:
        """The passages of the `pool` nearest chunks, best first, each scored by its best chunk;
        `rows` (a mask over chunks, Papers.rows) keeps to some papers' chunks."""
        return [Hit(self.by_label[key], score) for key, score in self.scored(query, pool, rows).items()]

    def scored(self, query: Query, pool: int, rows: np.ndarray | None = None) -> dict[Key, float]:
        """search's passages as {(doc, label): cosine}, best first, without reading a passage (fusion
        needs only keys)."""
        qvec = self.embedder.encode_queries([query.searched])[0:1].astype(np.float32)
        cos, ids = nearest(self.vectors, qvec, pool, rows)
        best: dict[Key, float] = {}
        for c, i in zip(cos.tolist(), ids.tolist()):
            if i >= 0:
                key = self.chunk_keys[i]
                best[key] = max(best.get(key, -1.0), c)
        return dict(sorted(best.items(), key=lambda kv: -kv[1]))
