"""A sparse BM25 index over token lists (bm25s), saved as a plain folder.

The folder also keeps each indexed text's tokens (tokens.jsonl, row i ↔ text i), so adding one
document to a library rebuilds BM25 from stored tokens instead of tokenising every document again.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

TOKENS = "tokens.jsonl"


class LexicalIndex:
    """BM25 over pre-tokenised passages; tokenising is the caller's job (see index.normalise.tokens)."""

    def __init__(self, bm25, token_lists: list[list[str]] | None = None):
        self._bm25 = bm25
        self._token_lists = token_lists

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> "LexicalIndex":
        import bm25s

        bm25 = bm25s.BM25()
        # bm25s refuses an empty token list; a passage with no tokens simply never matches.
        bm25.index([tokens or [""] for tokens in token_lists], show_progress=False)
        return cls(bm25, list(token_lists))  # the lists themselves, not copies: at 1M passages a copy is GBs

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        """The saved index, its score arrays memory-mapped: a query reads only its tokens' postings,
        so a million passages' BM25 (about 0.9 GB) is not read into memory whole."""
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=True))

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder))
        if self._token_lists is not None:
            with open(Path(folder) / TOKENS, "w", encoding="utf-8") as f:
                for tokens in self._token_lists:
                    f.write(json.dumps(tokens, ensure_ascii=False) + "\n")

    @staticmethod
    def stored_tokens(folder: Path) -> list[list[str]] | None:
        """The token lists a saved index was built from, or None for an index saved without them."""
        try:
            with open(Path(folder) / TOKENS, encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.strip()]
        except (OSError, ValueError):
            return None

    def __len__(self) -> int:
        return int(self._bm25.scores["num_docs"])

    def document_frequency(self, token: str) -> int:
        """How many indexed texts (passages and their sentences) hold `token`; 0 for one never seen."""
        i = self._bm25.vocab_dict.get(token)
        indptr = self._bm25.scores["indptr"]
        return 0 if i is None else int(indptr[i + 1] - indptr[i])

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query tokens (unknown tokens score nothing)."""
        known = [t for t in tokens if t in self._bm25.vocab_dict]
        if not known:
            return np.zeros(self._bm25.scores["num_docs"], dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
