"""Hybrid retrieval, composed of stages over one Query and one Hit type:

    Query.parse → DenseSearch, LexicalSearch → fuse → Links.spread → SpeakerPreference (the reply
                over the question) → Links.pointed_to (an appendix over the paragraph pointing to it)
                → rank → LabelLookup (named passages first) → Links.linked → Judge.verdict

LexicalSearch runs on a worker thread while DenseSearch embeds the question and searches the vectors.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from assistant.abstain import Judge, asked
from assistant.dense_search import DenseSearch
from assistant.fuse import fuse, rank
from assistant.hit import Hit, Key, SearchResult
from assistant.label_lookup import LabelLookup
from assistant.lexical_search import LexicalSearch
from assistant.links import Links
from assistant.papers import Papers
from assistant.query import MAX_QUESTION_CHARS, Query, check_question
from assistant.settings import Settings
from assistant.speaker_preference import SpeakerPreference, side_asked
from ingest.passage import InputError, Passage

__all__ = ["MAX_QUESTION_CHARS", "Hit", "Retriever", "SearchResult", "Settings", "check_question"]


class Retriever:
    """Answers `search(question)` over one loaded index with one embedder; the app and CLI share it.

    `index.vectors` is any store with `.search(qvec, k) -> (scores, ids)` and `.ntotal`;
    `index.lexical` any index with `.scores(tokens)`, `.document_frequency(token)` and `len()`.
    """

    def __init__(self, index, embedder, settings: Settings = Settings()):
        if embedder.dim != index.manifest["dimension"]:
            raise InputError(f"index '{index.folder}' was built with model {index.model} "
                             f"(dim {index.manifest['dimension']}) but the query model {embedder.name} has dim "
                             f"{embedder.dim}: use --model {index.model} or rebuild with legco-rag build")
        self.index = index
        self.embedder = embedder
        self.settings = settings
        table = getattr(index, "keys", None)  # the index's key table: set-up reads no passage
        if table is None:
            chunk_keys = [(c.doc, c.label) for c in index.chunks]
            self.links, self.papers = Links(index.passages), Papers(index.passages, index.chunks)
        else:
            chunk_keys = table.chunk_keys()
            self.links, self.papers = Links.from_table(index.passages, table), Papers.from_table(index.passages, table)
        self.dense = DenseSearch(embedder, index.vectors, chunk_keys, self.links.by_label)
        self.lexical = LexicalSearch(index.lexical, chunk_keys, self.links.by_label)
        # One passage per (doc, label): a bilingual paper's two versions are one paragraph to look up.
        self.lookup = LabelLookup.from_keys(self.links.by_label)
        self.judge = Judge(index.lexical, self.links, index.passages, table.names if table is not None else None)
        self.preference = SpeakerPreference(self.links)
        # One thread kept for the lexical search of each question (see search), not one made per question.
        self._lexical_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lexical-search")

    @classmethod
    def open(cls, folder: Path, model: str | None = None, settings: Settings = Settings()) -> "Retriever":
        """Load the index at `folder` and the model it was built with (or `model`, which must match)."""
        from index.embed import load_embedder
        from index.store import load_index

        import faiss

        # One search at a time per process: a second OpenMP thread only stalls on a busy machine and
        # is slower even on a quiet one (docs/benchmarks.md).
        faiss.omp_set_num_threads(1)
        index = load_index(folder)
        if model and model != index.model:
            raise InputError(f"index '{folder}' was built with model {index.model}, not {model}: "
                             f"drop --model, or rebuild with: legco-rag build --model {model} --index {folder}")
        try:
            embedder = load_embedder(index.model)
        except InputError as e:
            raise InputError(f"index '{folder}' was built with model {index.model}, which cannot be loaded here "
                             f"({e}); rebuild it with a model you have: legco-rag build --index {folder}") from None
        return cls(index, embedder, settings)

    @property
    def by_label(self) -> dict[Key, Passage]:
        """Every passage by (doc, label)."""
        return self.links.by_label

    def linked(self, p: Passage) -> tuple[Passage, ...]:
        """Passages a reader wants beside `p` (see Links.linked)."""
        return self.links.linked(p)

    def search(self, question: str, k: int = 5, docs: tuple[str, ...] | list[str] | None = None,
               speaker: str = "", own: str = "") -> SearchResult:
        """The k best passages for a question, those it names first, and whether the report answers it.

        `docs` (paper numbers) restricts dense search, lexical search and label lookup to those papers,
        so a restricted question still gets k passages of them. A bilingual paper's paragraph is one
        hit, shown in the question's language where the paper has that version.

        For a follow-up resolved against its conversation: `speaker` ("members", "administration",
        "subcommittee") is the side it asks for ("政府點答？"; by default read from the question), and
        `own` the question as asked when `question` carries words from earlier turns (its own words
        must be found for it to be answered).
        """
        s = self.settings
        query = Query.parse(question, s.normalise)
        rows = self.papers.rows(docs)
        # Lexical search needs no embedding: it runs beside the query's encoding and the vector search
        # (both release the GIL, as numpy's scoring does), which at a million passages hid most of its time.
        lexical = None if s.mode == "dense" else self._lexical_worker.submit(self.lexical.scored, query, s.pool, rows)
        dense = self.dense.scored(query, s.pool, rows)
        top_cosine = max(dense.values(), default=0.0)
        scores = self._scores(dense, lexical.result() if lexical is not None else {})
        side = speaker or side_asked(query.searched_folded)
        scores = self.preference.apply(scores, rank(scores, self.links.position), side, asked(query) == "person")
        scores = self.links.pointed_to(scores, rank(scores, self.links.position), query.searched_folded)
        named = self.lookup.search(query, scores, docs)
        hits = [self._in_language(h, query.lang) for h in self._take(named, scores, k)]
        verdict = self.judge.verdict(query, [h.passage for h in hits[:3]], top_cosine, bool(named), s,
                                     Query.parse(own, s.normalise) if own else None)
        return SearchResult(query.text, verdict.answerable, tuple(hits), verdict.evidence, verdict.unknown,
                            verdict.not_given, query, verdict.verdict, verdict.gives, papers=len(self.papers),
                            side=speaker)

    def _in_language(self, hit: Hit, lang: str) -> Hit:
        """The hit with its passage and linked passages in the question's language where they have it."""
        p = self.papers.version(hit.passage, lang)
        return replace(hit, passage=p, linked=tuple(self.papers.version(q, lang) for q in self.links.linked(p)))

    def _scores(self, dense: dict[Key, float], lexical: dict[Key, float]) -> dict[Key, float]:
        """Score per passage: dense cosine + weighted normalised BM25, then link propagation (hybrid),
        or one search's own scores (the "dense" and "lexical" ablations)."""
        s = self.settings
        if s.mode == "dense":
            return dense
        if s.mode == "lexical":
            return lexical
        fused = fuse(dense, lexical, s.lexical_weight)
        return self.links.spread(fused, s.link_bonus) if s.link_bonus else fused

    def _take(self, named: list[Hit], scores: dict[Key, float], k: int) -> list[Hit]:
        """The named passages, then the best-scoring others, k in all."""
        hits = list(named)
        taken = {h.key for h in hits}
        for key in rank(scores, self.links.position):
            if len(hits) >= k:
                break
            if key not in taken:
                hits.append(Hit(self.by_label[key], scores[key]))
                taken.add(key)
        return hits[:k]
