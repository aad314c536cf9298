"""A library of papers in one index: add papers one at a time, list them, remove one; bilingual pairs.

    add([Path("cb2-0420-2026.en.pdf")], folder, embedder)   # embeds only the new paper's chunks
    entries(load_index(folder))                             # what is indexed
    remove(folder, "CB(2)1292/2025")                        # every language version of that paper

`add` and `remove` take the other papers' passages, chunks, vectors and lexical tokens from the index
itself, never from their source files (which may have moved), and write the new index atomically
(index/store.py), so a refused or failed change leaves the library as it was.

A paper published in Chinese and English is two documents with one id (its paper number) and two
languages; passages with the same label in the two versions are each other's `parallel`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.build import build, collect_passages, dense_text, lexical_tokens, passage_engines
from index.lexical import LexicalIndex
from index.store import LEXICAL, MANIFEST, Index, document_from_manifest, load_index, write_index
from index.vectors import engine_for_manifest
from ingest.charsets import form
from ingest.passage import Document, InputError, Passage


@dataclass(frozen=True)
class LibraryChange:
    """What `add` or `remove` did to the index in `folder`."""

    folder: Path
    manifest: dict
    documents: tuple[Document, ...]  # the documents added or removed
    embedded: int  # chunks embedded by this change
    seconds: float
    created: bool = False  # `add` made a new index


@dataclass(frozen=True)
class Entry:
    """One indexed document and how many passages it has."""

    document: Document
    passages: int

    def to_json(self) -> dict:
        return {**self.document.to_json(), "passages": self.passages}


def add(paths: list[Path], folder: Path, embedder, progress: bool = True) -> LibraryChange:
    """Add papers to the index in `folder`, embedding only their chunks; create the index if there is none.

    A paper whose number and language are already indexed is refused (remove it first to replace it).
    """
    start = time.perf_counter()
    folder = Path(folder)
    if not (folder / MANIFEST).is_file() and not _has_content(folder):
        report = build(paths, folder, embedder, progress=progress)
        return LibraryChange(folder, report.manifest, tuple(_versions(report.manifest)), report.embedded,
                             time.perf_counter() - start, created=True)
    index = load_index(folder)
    documents, passages, chunks = collect_passages(paths)
    _refuse_indexed(documents, index, folder)  # before the model loads
    if embedder.name != index.model:
        raise InputError(f"index '{folder}' was built with model {index.model}, not {embedder.name}: "
                         f"drop --model, or rebuild everything with: legco-rag build --model {embedder.name}")
    engine = engine_for_manifest(index.manifest)
    old = engine.all_vectors(index.vectors)
    known = {c.id: old[i] for i, c in enumerate(index.chunks)}  # a re-added text keeps its vector
    todo = list({c.id: c for c in chunks if c.id not in known}.values())
    fresh = embedder.encode_passages([dense_text(c) for c in todo], batch_size=16,
                                     show_progress=progress and len(todo) > 32) \
        if todo else np.zeros((0, index.manifest["dimension"]), dtype=np.float32)
    by_id = {c.id: v for c, v in zip(todo, fresh)}
    added = np.stack([by_id.get(c.id, known.get(c.id)) for c in chunks]).astype(np.float32)
    tokens = _stored_tokens(index) + [lexical_tokens(c) for c in chunks]
    manifest = write_index(folder, passages=[*index.passages, *passages], chunks=[*index.chunks, *chunks],
                           vectors=np.concatenate([old, added]), lexical=LexicalIndex.build(tokens),
                           model=index.model, documents=[*index.versions, *documents], engine=engine,
                           extra=passage_engines(index.manifest, embedder if todo else None))
    return LibraryChange(folder, manifest, tuple(documents), len(todo), time.perf_counter() - start)


def remove(folder: Path, doc_id: str, lang: str | None = None) -> LibraryChange:
    """Remove paper `doc_id` (every language version, or only `lang`) from the index in `folder`."""
    start = time.perf_counter()
    index = load_index(folder)
    gone = [d for d in index.versions if d.doc_id == doc_id and lang in (None, d.lang)]
    if not gone:
        raise InputError(f"{_described(doc_id, lang)} is not in index '{folder}' ({_known(index)}): "
                         f"give an id that `legco-rag docs --index {folder}` lists")
    if len(gone) == len(index.versions):
        raise InputError(f"{_described(doc_id, lang)} is the only document in index '{folder}', which cannot be "
                         f"empty: add another paper first, or delete the folder")
    langs = {d.lang for d in gone}

    def kept(p: Passage) -> bool:
        return not (p.doc == doc_id and (p.lang in langs or (not p.lang and lang is None)))

    rows = [i for i, c in enumerate(index.chunks) if kept(c)]
    engine = engine_for_manifest(index.manifest)
    vectors = engine.all_vectors(index.vectors)[rows]
    tokens = _stored_tokens(index)
    manifest = write_index(folder, passages=[p for p in index.passages if kept(p)],
                           chunks=[index.chunks[i] for i in rows], vectors=vectors,
                           lexical=LexicalIndex.build([tokens[i] for i in rows]), model=index.model,
                           documents=[d for d in index.versions if d not in gone], engine=engine,
                           extra=passage_engines(index.manifest))
    return LibraryChange(Path(folder), manifest, tuple(gone), 0, time.perf_counter() - start)


def entries(index: Index) -> list[Entry]:
    """Every indexed document with its passage count, in the order they were indexed."""
    counted = {(d["doc_id"], d["lang"]): d.get("passages") for d in index.manifest["documents"]}
    out = []
    for d in index.versions:
        n = counted.get((d.doc_id, d.lang))
        if n is None:  # an index written before the manifest counted passages
            n = sum(p.doc == d.doc_id and p.lang in ("", d.lang) for p in index.passages)
        out.append(Entry(d, n))
    return out


def check_docs(index: Index, doc_ids: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """`doc_ids` if each names an indexed paper, else an InputError naming the first that does not."""
    known = {d.doc_id for d in index.versions}
    for doc_id in doc_ids:
        if doc_id not in known:
            raise InputError(f"--doc {doc_id} is not in index '{index.folder}' ({_known(index)}): "
                             f"give an id that `legco-rag docs --index {index.folder}` lists")
    return tuple(doc_ids)


def parallels(passages: list[Passage] | tuple[Passage, ...]) -> dict[tuple[str, str, str], Passage]:
    """(doc, label, lang) → the same-labelled passage of the paper's version in the other language.

    Only papers indexed in both a Chinese and an English version have entries. Chunk pieces are
    skipped: a parallel is a whole passage.
    """
    versions: dict[tuple[str, str], dict[str, Passage]] = {}  # (doc, label) → form → passage
    for p in passages:
        if p.lang and p.chunk == 0:
            versions.setdefault((p.doc, p.label), {}).setdefault(form(p.lang), p)
    out = {}
    for (doc, label), by_form in versions.items():
        if len(by_form) == 2:
            zh, en = by_form["zh"], by_form["en"]
            out[(doc, label, zh.lang)], out[(doc, label, en.lang)] = en, zh
    return out


def parallel_json(p: Passage, pairs: dict[tuple[str, str, str], Passage]) -> dict | None:
    """The `"parallel"` field of a passage row: the other version's language and text, or None."""
    other = pairs.get((p.doc, p.label, p.lang))
    return {"lang": other.lang, "text": other.text} if other else None


def _has_content(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def _versions(manifest: dict) -> list[Document]:
    return [document_from_manifest(d) for d in manifest["documents"]]


def _refuse_indexed(documents: list[Document], index: Index, folder: Path) -> None:
    """One line for the first new document whose paper number and language the index already holds."""
    indexed = {(d.doc_id, d.lang): d for d in index.versions}
    for d in documents:
        if (old := indexed.get((d.doc_id, d.lang))) is not None:
            raise InputError(f"'{d.source}' is paper {d.doc_id} ({d.lang}), already indexed from "
                             f"'{old.source}': to replace it, first run: legco-rag remove '{d.doc_id}' "
                             f"--lang {d.lang} --index {folder}")


def _stored_tokens(index: Index) -> list[list[str]]:
    """Each chunk's lexical tokens as the index stored them (tokenised again for an index that did not).

    load_index has already checked that this code's tokeniser is the one that made them."""
    stored = LexicalIndex.stored_tokens(index.folder / LEXICAL)
    if stored is not None and len(stored) == len(index.chunks):
        return stored
    return [lexical_tokens(c) for c in index.chunks]


def _described(doc_id: str, lang: str | None) -> str:
    return f"document {doc_id}" + (f" ({lang})" if lang else "")


def _known(index: Index) -> str:
    ids = sorted({d.doc_id for d in index.versions})
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return f"it holds {shown}"
