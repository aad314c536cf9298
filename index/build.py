"""Build an index folder from report files: parse, chunk, embed (reusing stored vectors), save."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.lexical import LexicalIndex
from index.tokenise import tokens
from index.tokeniser import current as current_tokeniser
from index.store import check_target, load_index, stored_vectors, write_index
from index.vectors import VectorEngine, engine_for_build
from ingest.passage import InputError, Passage


# The manifest field naming the engines whose vectors the index holds ("openvino", "torch"); vectors
# reused from an index written before the field count as UNRECORDED. Every engine agrees with float32
# torch to a cosine of 0.9999, so an index may mix them; the record says which ran.
PASSAGE_ENGINES = "passage_engines"
UNRECORDED = "unrecorded"


@dataclass(frozen=True)
class BuildReport:
    folder: Path
    manifest: dict
    embedded: int  # passages embedded in this build
    reused: int  # passages whose stored vectors were reused
    seconds: float


def dense_text(p: Passage) -> str:
    """What is embedded for a passage: its heading path as context, then its text."""
    return " › ".join(p.section) + "\n" + p.text if p.section else p.text


def passage_engines(kept_from: dict | None, embedded_by=None) -> dict:
    """The manifest's record of the engines whose vectors an index holds: those of the manifest whose
    vectors are kept (if any are), and the passage engine of the embedder that embedded new ones (if any).

        >>> passage_engines({"passage_engines": ["torch"]}, None)
        {'passage_engines': ['torch']}
        >>> passage_engines({}, None)   # an index written before the record
        {'passage_engines': ['unrecorded']}
    """
    kept = kept_from.get(PASSAGE_ENGINES, [UNRECORDED]) if kept_from is not None else []
    new = [getattr(embedded_by, "passage_engine", UNRECORDED)] if embedded_by is not None else []
    return {PASSAGE_ENGINES: sorted({*kept, *new})}


def lexical_tokens(p: Passage) -> list[str]:
    """What the lexical index sees for a passage: the tokens of its headings and text (tokens() folds them)."""
    return tokens(" ".join(p.section) + " " + p.text)


def collect_passages(paths: list[Path]):
    """Parse and chunk every report; refuse two files that claim the same document (paper number and
    language: the Chinese and English versions of one paper are two documents with one id)."""
    from ingest.chunk import chunk_passages, sentence_pieces
    from ingest.parse import load_report

    documents, passages, chunks, seen = [], [], [], {}
    for path in paths:
        doc, parsed = load_report(path)
        if (doc.doc_id, doc.lang) in seen:
            raise InputError(f"'{path}' and '{seen[doc.doc_id, doc.lang]}' are both document {doc.doc_id} "
                             f"({doc.lang}): index each report once")
        seen[doc.doc_id, doc.lang] = path
        parsed = [replace(p, lang=doc.lang) for p in parsed]  # tells a bilingual pair's passages apart
        documents.append(doc)
        passages.extend(parsed)
        whole = chunk_passages(parsed)
        chunks.extend(whole + sentence_pieces(parsed, whole))
    return documents, passages, chunks


def build(paths: list[Path], folder: Path, embedder, progress: bool = True,
          engine: VectorEngine | None = None) -> BuildReport:
    """Index `paths` into `folder`, embedding only chunks the existing index does not already hold.

    `engine` stores the vectors (index/vectors.py; default FAISS). Stored vectors are reused whatever
    engine held them before, so switching engines embeds nothing again.
    """
    start = time.perf_counter()
    check_target(folder)  # before minutes of embedding, not after
    engine = engine or engine_for_build()
    engine.check_reachable(folder)
    documents, passages, chunks = collect_passages(paths)
    known: dict[str, np.ndarray] = {}
    previous_manifest = None
    tokens_by = current_tokeniser()  # what tokens() below is made of, recorded before it runs
    try:
        previous = load_index(folder, check_tokens=False)  # vectors do not depend on the tokeniser
        if previous.model == embedder.name:
            known = stored_vectors(previous)
            previous_manifest = previous.manifest
    except InputError:
        pass  # nothing reusable: embed everything
    todo = list({c.id: c for c in chunks if c.id not in known}.values())
    # Batches of 16 pad less than 32 and embed faster on CPU (docs/benchmarks.md).
    fresh = embedder.encode_passages([dense_text(c) for c in todo], batch_size=16,
                                     show_progress=progress and len(todo) > 32) \
        if todo else np.zeros((0, embedder.dim), dtype=np.float32)
    by_id = {**known, **{c.id: v for c, v in zip(todo, fresh)}}
    vectors = np.stack([by_id[c.id] for c in chunks]).astype(np.float32)
    lexical = LexicalIndex.build([lexical_tokens(c) for c in chunks])
    reused = len(chunks) - len(todo)
    manifest = write_index(folder, passages=passages, chunks=chunks, vectors=vectors, lexical=lexical,
                           model=embedder.name, documents=documents, engine=engine, tokens_by=tokens_by,
                           extra=passage_engines(previous_manifest if reused else None, embedder if todo else None))
    prepare_queries = getattr(embedder, "load_query_engine", None)
    if prepare_queries is not None:  # convert and compile the query encoder now, not on the first question
        prepare_queries()
    return BuildReport(folder=Path(folder), manifest=manifest, embedded=len(todo),
                       reused=reused, seconds=time.perf_counter() - start)
