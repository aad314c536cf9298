"""Hybrid retrieval: direct citation lookup, dense + lexical search fused, structure links, abstention."""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.papers import Papers, nearest
from assistant.abstain import asks_for, coverage, english_words, gives, latin_words, question_words, unknown_names
from index.normalise import fold
from ingest.passage import InputError, Passage

MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class Hit:
    """A passage found for a question, with its fused score and how it was found."""

    passage: Passage
    score: float
    via: str = "search"  # "lookup" (the question named it) or "search"
    linked: tuple[Passage, ...] = ()  # footnotes, cited paragraphs, recommendations citing it


@dataclass(frozen=True)
class SearchResult:
    question: str
    answerable: bool
    hits: tuple[Hit, ...]
    top_score: float  # the evidence that decides `answerable` (see assistant.abstain)
    unknown: tuple[str, ...] = ()  # names in the question that the report never mentions
    not_given: str = ""  # "amount" or "date" when the question asks for one and no top passage gives it for its subject
    papers: int = 1  # how many papers the index holds: with more than one, every citation names its paper

    def to_json(self) -> dict:
        """The `legco-rag ask --json` shape."""
        return {
            "question": self.question,
            "answerable": self.answerable,
            "citations": [
                {"doc": h.passage.doc, "label": h.passage.label, "section": list(h.passage.section),
                 "score": round(float(h.score), 4), "text": h.passage.text}
                for h in self.hits
            ],
        }


_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def check_question(question: str) -> str:
    """The question stripped, or an InputError saying why it cannot be asked."""
    if not isinstance(question, str) or not question.strip():
        raise InputError("the question is empty: type a question, e.g. 香港2030年需要多少算力？")
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(question)} characters long; keep it under "
                         f"{MAX_QUESTION_CHARS} characters (ask about one thing at a time)")
    # Lone surrogates (bad bytes in argv, "\ud800" in JSON) cannot be encoded; control and format
    # characters (NUL, escape codes, zero-width marks) carry no words.
    question = _ANSI.sub(" ", question.encode("utf-8", "replace").decode("utf-8"))  # pasted terminal colours
    marks = {"Cc": " ", "Cf": ""}  # a control character separates; a zero-width mark joins
    question = " ".join("".join(marks.get(unicodedata.category(c), c) for c in question).split())
    if not any(c.isalnum() for c in question):
        raise InputError("the question has no words in it (only symbols, emoji or control characters): "
                         "type a question, e.g. 香港2030年需要多少算力？")
    return question


@dataclass(frozen=True)
class Settings:
    """Retrieval knobs, tuned on the dev split only (see eval/)."""

    mode: str = "hybrid"  # "hybrid", "dense" or "lexical" (the last two for ablations)
    normalise: bool = True  # fold scripts/numerals, Cantonese → written, glossary expansion on the query
    pool: int = 50  # candidates taken from each of dense and lexical search
    lexical_weight: float = 0.2  # weight of max-normalised BM25 beside dense cosine
    link_bonus: float = 0.9  # share of a hit's score passed to the passages it links to
    coverage_weight: float = 0.15  # weight of the question's words (rarity-weighted) found in one top passage
    coverage_default: float = 0.5  # coverage assumed when the question has no words to look for
    abstain_below: float = 0.905  # evidence (cosine + weighted coverage) under which the report is taken not to answer
    subject_coverage: float = 0.5  # share of the question's report words a sentence giving the amount/date must hold


class Retriever:
    """Answers `search(question)` over one loaded index with one embedder; the app and CLI share it."""

    def __init__(self, index, embedder, settings: Settings = Settings()):
        if embedder.dim != index.manifest["dimension"]:
            raise InputError(f"index '{index.folder}' was built with model {index.model} "
                             f"(dim {index.manifest['dimension']}) but the query model {embedder.name} has dim "
                             f"{embedder.dim}: use --model {index.model} or rebuild with legco-rag build")
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.by_label = {(p.doc, p.label): p for p in index.passages}
        self.papers = Papers(index.passages, index.chunks)
        self._labelled: dict[str, list[Passage]] = {}  # a bare label ("15") → that passage of each report
        for p in index.passages:
            self._labelled.setdefault(p.label, []).append(p)
        self._labels = set(self._labelled)
        self._chunk_keys = [(c.doc, c.label) for c in index.chunks]
        self._names = set().union(*(latin_words(" ".join(p.section) + " " + p.text) for p in index.passages))
        # Who cites or marks each passage, so linked() does not scan the collection.
        self._pointing: dict[tuple[str, str], list[str]] = {}
        for q in index.passages:
            for label in (*q.refs, *q.footnotes):
                self._pointing.setdefault((q.doc, label), []).append(q.label)

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

    def linked(self, p: Passage) -> tuple[Passage, ...]:
        """Passages a reader wants beside `p`: its footnotes, the paragraphs it cites, what cites it,
        and for a footnote the paragraphs that mark it."""
        keys = [*p.footnotes, *p.refs, *self._pointing.get((p.doc, p.label), ())]
        seen, out = set(), []
        for label in keys:
            q = self.by_label.get((p.doc, label))
            if q is not None and label not in seen:
                seen.add(label)
                out.append(q)
        return tuple(out)

    def search(self, question: str, k: int = 5, docs: tuple[str, ...] | list[str] | None = None) -> SearchResult:
        """The k best passages for a question; `docs` (paper numbers) restricts every stage to those papers."""
        from assistant.lookup import cited_labels

        from index.glossary import expand
        from index.normalise import detect_lang

        question = check_question(question)
        expanded = expand(question) if self.settings.normalise else question
        scores, top_cosine = self._scores(question, expanded, self.papers.rows(docs))
        # Passages the question names outright come first, whatever their similarity.
        named = cited_labels(fold(question), self._labels) or cited_labels(question, self._labels)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        # A label names one passage in each report: the report the rest of the question is about first.
        hits = [Hit(p, scores.get((p.doc, p.label), 1.0), "lookup") for label in named
                for p in sorted(self._labelled[label], key=lambda p: -scores.get((p.doc, p.label), -math.inf))
                if docs is None or p.doc in docs]
        taken = {(h.passage.doc, h.passage.label) for h in hits}
        for key, score in ranked:
            if len(hits) >= k:
                break
            if key not in taken:
                hits.append(Hit(self.by_label[key], score))
                taken.add(key)
        # A bilingual paper's paragraph is one hit, shown in the question's language where it has that version.
        lang = detect_lang(question)
        hits = [Hit(p, h.score, h.via, tuple(self.papers.version(q, lang) for q in self.linked(p)))
                for h in hits[:k] for p in [self.papers.version(h.passage, lang)]]
        # The top passages, folded in one pass (the record separator survives fold).
        top = fold("\x1e".join(" ".join(h.passage.section) + " " + h.passage.text for h in hits[:3])).split("\x1e")
        words = question_words(expanded)
        weights = self._weights(words)
        evidence = self.evidence(words, weights, top_cosine, top)
        unknown = tuple(unknown_names(question, self._names))
        not_given = self._not_given(question, words, weights, [h.passage for h in hits[:3]])
        answerable = bool(named) or (evidence >= self.settings.abstain_below and not unknown and not not_given)
        return SearchResult(question, answerable, tuple(hits), evidence, unknown, not_given, len(self.papers))

    def _weights(self, words: dict[str, frozenset[str]]) -> dict[str, float]:
        """Each question word's rarity in the collection (idf; a word the collection never uses weighs most)."""
        lexical = self.index.lexical
        n = len(lexical)
        return {w: math.log((n + 1) / (max(map(lexical.document_frequency, forms), default=0) + 0.5))
                for w, forms in words.items()}

    def evidence(self, words: dict[str, frozenset[str]], weights: dict[str, float], top_cosine: float,
                 top: list[str]) -> float:
        """How strongly the report answers: best cosine plus weighted coverage of the question's words
        (see assistant.abstain.question_words, of the glossary-expanded question, so an English question
        is compared through the report's words) by the best of the `top` passages (folded texts)."""
        s = self.settings
        if not words:
            return top_cosine + s.coverage_weight * s.coverage_default
        covered = max((coverage(words, weights, text) for text in top), default=0.0)
        return top_cosine + s.coverage_weight * covered

    def _not_given(self, question: str, words: dict[str, frozenset[str]], weights: dict[str, float],
                   top: list[Passage]) -> str:
        """"amount" or "date" when the question asks for one and no sentence of the `top` passages gives
        one about the question's subject: read with its heading (and a footnote's with the paragraph that
        marks it), the sentence holds `subject_coverage` of the weight of the question's words that the
        collection uses."""
        from ingest.chunk import sentences

        kind = asks_for(question)
        if not kind:
            return ""
        used = self.index.lexical.document_frequency
        known = {w: forms for w, forms in words.items() if any(map(used, forms))}
        for p in top:
            marking = [self.by_label[(p.doc, label)].text for label in self._pointing.get((p.doc, p.label), ())
                       if p.label in self.by_label[(p.doc, label)].footnotes]
            context = fold(" ".join([*p.section, *marking]))
            for a, b in sentences(p.text):
                sentence = fold(p.text[a:b])
                if gives(kind, sentence) and (not known or coverage(known, weights, f"{context} {sentence}")
                                              >= self.settings.subject_coverage):
                    return ""
        return kind

    def _translated(self, question: str) -> list[str]:
        """The Chinese words, among those the lexical index knows, that CC-CEDICT gives for an English
        question's words outside the glossary's names: BM25 then matches "ambulance" to 救護車."""
        from assistant.dictionary import translations

        known = self.index.lexical.document_frequency
        return [t for w in english_words(question) for t in sorted(translations(w)) if known(t)]

    def _scores(self, question: str, expanded: str, rows: np.ndarray | None = None
                ) -> tuple[dict[tuple[str, str], float], float]:
        """Fused score per passage: dense cosine + weighted normalised BM25, plus link propagation;
        `rows` (a mask over chunks) keeps both searches to some papers."""
        from index.normalise import cantonese_to_written, detect_lang
        from index.tokenise import tokens

        s = self.settings
        qvec = self.embedder.encode_queries([expanded])[0:1].astype(np.float32)
        cos, ids = nearest(self.index.vectors, qvec, s.pool, rows)
        dense: dict[tuple[str, str], float] = {}
        for c, i in zip(cos, ids):
            if i >= 0:
                key = self._chunk_keys[i]
                dense[key] = max(dense.get(key, -1.0), float(c))
        top_cosine = max(dense.values()) if dense else 0.0
        if s.mode == "dense":
            return dense, top_cosine
        lang = detect_lang(question)
        written = cantonese_to_written(expanded) if lang == "yue" else expanded
        query_tokens = tokens(written if s.normalise else question)
        if s.normalise and lang == "en":
            query_tokens += self._translated(question)
        bm = self.index.lexical.scores(query_tokens)
        if rows is not None:
            bm = np.where(rows, bm, 0.0)
        lexical: dict[tuple[str, str], float] = {}
        top = float(bm.max()) if bm.size else 0.0
        if top > 0:
            pool = np.argpartition(-bm, s.pool)[: s.pool] if bm.size > s.pool else np.arange(bm.size)
            for i in pool:
                if bm[i] > 0:
                    key = self._chunk_keys[i]
                    lexical[key] = max(lexical.get(key, 0.0), float(bm[i]) / top)
        if s.mode == "lexical":
            return lexical, top_cosine
        floor = min(dense.values()) if dense else 0.0
        fused = {key: dense.get(key, floor) + s.lexical_weight * lexical.get(key, 0.0)
                 for key in dense.keys() | lexical.keys()}
        if s.link_bonus:
            bonus: dict[tuple[str, str], float] = {}
            for key, score in fused.items():
                for q in self.linked(self.by_label[key]):
                    bonus[(q.doc, q.label)] = max(bonus.get((q.doc, q.label), 0.0), s.link_bonus * score)
            fused = {key: max(fused.get(key, 0.0), bonus.get(key, 0.0)) for key in fused.keys() | bonus.keys()}
        return fused, top_cosine
