"""The library as retrieval sees it: which chunks are each paper's (to search some papers only), and
the language versions of a bilingual paper's passages (to answer in the question's language).

    papers = Papers(index.passages, index.chunks)
    mask = papers.rows(("CB(2)1292/2025",))          # chunk rows of that paper, for dense and lexical search
    scores, ids = nearest(index.vectors, qvec, 50, mask)
    papers.version(passage, "en")                     # its English version, if the paper has one
"""
from __future__ import annotations

import numpy as np

from index.key_table import KeyTable, PassagesByKey, parallel_rows
from index.library import parallels
from ingest.charsets import form
from ingest.passage import Passage


class Papers:
    """Paper ids in index order, each paper's chunk rows, and each passage's other-language version."""

    def __init__(self, passages: tuple[Passage, ...] | list[Passage], chunks: tuple[Passage, ...] | list[Passage]):
        self.ids: tuple[str, ...] = tuple(dict.fromkeys(p.doc for p in passages))
        self._docs = np.array([c.doc for c in chunks], dtype=object)
        self._pairs = parallels(passages)

    @classmethod
    def from_table(cls, passages, table: KeyTable) -> "Papers":
        """The same, from an index's key table: a parallel passage is read by row when asked for."""
        papers = cls((), ())
        papers.ids = tuple(table.docs[i] for i in dict.fromkeys(table.passage_doc.tolist()))
        papers._docs = np.array(table.docs, dtype=object)[table.chunk_doc]
        papers._pairs = PassagesByKey(parallel_rows(table), passages)
        return papers

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, docs: tuple[str, ...] | list[str] | None) -> np.ndarray | None:
        """A boolean mask over chunk rows: True for the chunks of `docs`; None (no restriction) for None."""
        if docs is None:
            return None
        return np.isin(self._docs, list(docs))

    def parallel(self, p: Passage) -> Passage | None:
        """The same-labelled passage of the paper's version in the other language, or None."""
        return self._pairs.get((p.doc, p.label, p.lang))

    def version(self, p: Passage, lang: str) -> Passage:
        """`p` in the language of `lang` ("en", "zh-Hant", "yue", …) when the paper has that version, else `p`."""
        other = self.parallel(p)
        return other if other is not None and p.lang and form(p.lang) != form(lang) else p


def nearest(vectors, qvec: np.ndarray, pool: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The `pool` nearest chunk vectors (scores, ids as 1-d arrays), among the rows `mask` allows.

    Restricted, the search widens (doubling k) until `pool` allowed chunks are found or every vector
    has been looked at: a paper's chunks may all lie below the first `pool` of the whole library.
    """
    n = vectors.ntotal
    if mask is None:
        cos, ids = vectors.search(qvec, min(pool, n))
        return cos[0], ids[0]
    want = min(pool, int(mask.sum()))
    k = min(n, max(pool, pool * n // max(want, 1)))
    while True:
        cos, ids = vectors.search(qvec, k)
        keep = (ids[0] >= 0) & mask[np.clip(ids[0], 0, n - 1)]
        if keep.sum() >= want or k >= n:
            return cos[0][keep][:pool], ids[0][keep][:pool]
        k = min(n, k * 2)
