"""A sparse BM25 index over token lists (bm25s), saved as a plain folder.

bm25s builds and saves it. A saved index is read back by `SavedScores` below, not by bm25s: importing
bm25s pulls in scipy (a quarter of a second of `legco-rag ask`'s start), and the saved arrays are all
a query reads. The folder also keeps each indexed text's tokens (tokens.jsonl, row i ↔ text i), so adding one
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
        saved = SavedScores.load(Path(folder))
        if saved is not None:
            return cls(saved)
        import bm25s  # a variant whose scores SavedScores does not add up (bm25l, bm25+)

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


class SavedScores:
    """A saved bm25s index read as bm25s reads it (the same files, the same float32 sums), for the
    variants whose score is the sum of the query tokens' stored postings: every one but bm25l and
    bm25+, which add a non-occurrence term (their folders hold nonoccurrence_array.index.npy)."""

    def __init__(self, vocab_dict: dict[str, int], data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                 num_docs: int):
        self.vocab_dict = vocab_dict
        self.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": num_docs}

    @classmethod
    def load(cls, folder: Path) -> "SavedScores | None":
        """The index saved in `folder`, or None when it needs bm25s itself to score."""
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if (folder / "nonoccurrence_array.index.npy").exists() or params.get("dtype", "float32") != "float32":
            return None
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        arrays = [np.load(folder / f"{name}.csc.index.npy", mmap_mode="r") for name in ("data", "indices", "indptr")]
        return cls(vocab, *arrays, int(params["num_docs"]))

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        """Each document's score: the sum of the tokens' postings, added token by token as bm25s does."""
        data, indices, indptr = self.scores["data"], self.scores["indices"], self.scores["indptr"]
        scores = np.zeros(self.scores["num_docs"], dtype=np.float32)
        for token in tokens:
            i = self.vocab_dict[token]
            start, end = indptr[i], indptr[i + 1]
            np.add.at(scores, indices[start:end], data[start:end])
        return scores


def top_rows(scores: np.ndarray, k: int, stride: int = 64) -> np.ndarray:
    """Rows of the k highest positive scores, in no order (fewer when fewer are positive).

    The same rows as np.argpartition(-scores, k)[:k] keeps of the positive ones (which of several equal
    scores at the k-th place is kept may differ). A million scores' full argpartition took 1.6 ms; the
    k-th highest of every `stride`-th score is at most the k-th highest of all, so only the rows at or
    above it (a few thousand) are partitioned: 0.4 ms.

    >>> sorted(top_rows(np.array([0.0, 3.0, 1.0, 2.0], dtype=np.float32), 2).tolist())
    [1, 3]
    """
    sample = scores[::stride]
    floor = np.partition(sample, -k)[-k] if sample.size > k else 0.0
    rows = np.flatnonzero(scores >= floor) if floor > 0 else np.flatnonzero(scores > 0)
    return rows[np.argpartition(-scores[rows], k)[:k]] if rows.size > k else rows
