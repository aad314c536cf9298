"""Lexical search: BM25 over the question's tokens, plus CC-CEDICT translations for an English question."""
from __future__ import annotations

import functools

import numpy as np

from assistant.hit import Hit, Key
from assistant.query import Query
from index.lexical import top_rows
from index.tokenise import folded_tokens
from ingest.passage import Passage


@functools.lru_cache(maxsize=4096)
def _translation_tokens(word: str) -> tuple[str, ...]:
    """A CC-CEDICT translation's BM25 tokens: the same few hundred words come back question after question."""
    return tuple(folded_tokens(word))


class LexicalSearch:
    """Ranked passages by BM25, each scored by its best chunk's score over the best of all (0..1].

    `lexical` is any index with `.scores(tokens)`, `.document_frequency(token)` and `len()`;
    document i is chunk i of `chunk_keys`.
    """

    def __init__(self, lexical, chunk_keys: list[Key], by_label: dict[Key, Passage]):
        self.lexical = lexical
        self.chunk_keys = chunk_keys
        self.by_label = by_label

    def query_tokens(self, query: Query) -> list[str]:
        """The question's tokens, then, for an English question, the Chinese words CC-CEDICT gives for
        its words outside the glossary's names, those the index knows ("ambulance" then matches 救護車).

        Each translation is tokenised as the index and a Chinese question are (救護車 → 救護, 護車,
        救護車 …), so an English word weighs what the same word asked in Chinese would. Every known
        translation of a word is kept but a compound holding another of them, which adds a modifier the
        English word did not say (初創公司 "start-up company" beside 公司 for "company"): the report's
        vocabulary already drops most wrong senses, and splitting a word's weight among its
        translations (a share each, or Pirkola's one pseudo-term) ranked worse on the dev questions
        (README, "Answers a user can trust")."""
        known = self.lexical.document_frequency
        out = list(query.tokens)
        for _, chinese in query.translated:
            used = [word for word in chinese if known(word)]
            out += [token for word in used if not any(other != word and other in word for other in used)
                    for token in _translation_tokens(word)]
        return out

    def search(self, query: Query, pool: int, rows: np.ndarray | None = None) -> list[Hit]:
        """The `pool` best-scoring chunks' passages, best first; none when no token matches.
        `rows` (a mask over chunks, Papers.rows) keeps to some papers' chunks."""
        return [Hit(self.by_label[key], score) for key, score in self.scored(query, pool, rows).items()]

    def scored(self, query: Query, pool: int, rows: np.ndarray | None = None) -> dict[Key, float]:
        """search's passages as {(doc, label): score}, best first, without reading a passage: fusion
        needs only keys, and reading the pool's passages cost a million-passage index 1–2 ms a question."""
        bm = self.lexical.scores(self.query_tokens(query))
        if rows is not None:
            bm = np.where(rows, bm, 0.0)
        top = float(bm.max()) if bm.size else 0.0
        if top <= 0:
            return {}
        best: dict[Key, float] = {}
        candidates = top_rows(bm, pool)
        for i, score in zip(candidates.tolist(), bm[candidates].tolist()):
            key = self.chunk_keys[i]
            best[key] = max(best.get(key, 0.0), score / top)
        return dict(sorted(best.items(), key=lambda kv: -kv[1]))
