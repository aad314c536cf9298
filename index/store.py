"""An index is a boring folder: manifest.json, passages.jsonl, chunks.jsonl, vectors.faiss, lexical/.

passages.jsonl holds each whole passage as the report numbers it; chunks.jsonl holds the pieces
that were embedded, row i matching vector i of vectors.faiss and document i of lexical/.

Builds are written to a temporary folder beside the target and swapped in by rename, so a
failed or killed build never damages the index that was there before.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.ann import AnnSpec, apply_search_params, build_ann, choose_index, reconstruct_all
from index.lexical import LexicalIndex
from ingest.passage import Document, InputError, Passage

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.faiss"
LEXICAL = "lexical"


@dataclass(frozen=True)
class Index:
    """A loaded index: its manifest, whole passages, embedded chunks and both search structures."""

    folder: Path
    manifest: dict
    passages: tuple[Passage, ...]
    chunks: tuple[Passage, ...]  # chunk i ↔ vector i ↔ lexical document i
    vectors: object  # a faiss.Index, inner product over L2-normalised vectors
    lexical: LexicalIndex

    @property
    def model(self) -> str:
        return self.manifest["model"]

    @property
    def documents(self) -> dict[str, Document]:
        return {d["doc_id"]: Document(**{k: d[k] for k in ("doc_id", "title", "date", "lang", "source")})
                for d in self.manifest["documents"]}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_jsonl(path: Path, passages) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_json(), ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> tuple[Passage, ...]:
    with open(path, encoding="utf-8") as f:
        return tuple(Passage.from_json(json.loads(line)) for line in f if line.strip())


def write_index(folder: Path, *, passages: list[Passage], chunks: list[Passage], vectors: np.ndarray,
                lexical: LexicalIndex, model: str, documents: list[Document], extra: dict | None = None,
                ann: AnnSpec | None = None) -> dict:
    """Write a complete index to `folder` atomically and return its manifest.

    The FAISS index is `ann` or, by default, the one `choose_index` picks for the collection's size;
    its kind and search parameters go into the manifest and are applied again by `load_index`.
    """
    import faiss

    if len(chunks) != len(vectors):
        raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.building-", dir=folder.parent))
    try:
        _write_jsonl(tmp / PASSAGES, passages)
        _write_jsonl(tmp / CHUNKS, chunks)
        ann = ann or choose_index(len(vectors), vectors.shape[1])
        faiss.write_index(build_ann(ann, vectors), str(tmp / VECTORS))
        lexical.save(tmp / LEXICAL)
        manifest = {
            "format_version": FORMAT_VERSION,
            "model": model,
            "dimension": int(vectors.shape[1]),
            "count": len(passages),
            "chunks": len(chunks),
            "faiss": ann.factory,
            "ann": ann.to_json(),
            "documents": [
                {"doc_id": d.doc_id, "title": d.title, "date": d.date, "lang": d.lang, "source": d.source,
                 "sha256": file_sha256(Path(d.source)) if d.source and Path(d.source).is_file() else ""}
                for d in documents
            ],
            "files": {name: file_sha256(tmp / name) for name in (PASSAGES, CHUNKS, VECTORS)},
            **(extra or {}),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap_in(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _swap_in(new: Path, folder: Path) -> None:
    """Replace `folder` by `new` with renames; the old index survives until the new one is in place."""
    if not folder.exists():
        os.rename(new, folder)
        return
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    os.rename(folder, old)
    try:
        os.rename(new, folder)
    except BaseException:
        os.rename(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


def read_manifest(folder: Path) -> dict:
    """The manifest of the index in `folder`, checked for a format this version can read."""
    folder = Path(folder)
    rebuild = f"run: legco-rag build --index {folder}"
    path = folder / MANIFEST
    if not path.is_file():
        if folder.is_dir() and any(folder.iterdir()):
            raise InputError(f"'{folder}' is not a legco-rag index (no {MANIFEST}): {rebuild}")
        raise InputError(f"no index at '{folder}': {rebuild}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        version = int(manifest["format_version"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputError(f"index manifest '{path}' is damaged: {rebuild}") from None
    if version > FORMAT_VERSION:
        raise InputError(f"index '{folder}' has format version {version}, newer than this legco-rag "
                         f"reads ({FORMAT_VERSION}): upgrade legco-rag or {rebuild}")
    return manifest


def load_index(folder: Path) -> Index:
    """Load and verify an index folder; any damage is reported with the command that fixes it."""
    import faiss

    folder = Path(folder)
    manifest = read_manifest(folder)
    rebuild = f"run: legco-rag build --index {folder}"
    for name, expected in manifest.get("files", {}).items():
        if not (folder / name).is_file():
            raise InputError(f"index file '{folder / name}' is missing: {rebuild}")
        if file_sha256(folder / name) != expected:
            raise InputError(f"index file '{folder / name}' does not match its checksum in the manifest "
                             f"(corrupted or edited): {rebuild}")
    try:
        passages = _read_jsonl(folder / PASSAGES)
        chunks = _read_jsonl(folder / CHUNKS)
        vectors = faiss.read_index(str(folder / VECTORS))
        if "ann" in manifest:  # indexes written before AnnSpec were exact: nothing to set
            apply_search_params(vectors, AnnSpec.from_json(manifest["ann"]).search)
        lexical = LexicalIndex.load(folder / LEXICAL)
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        raise InputError(f"index '{folder}' cannot be read ({type(e).__name__}): {rebuild}") from None
    if not (len(passages) == manifest["count"] and len(chunks) == vectors.ntotal == manifest["chunks"]):
        raise InputError(f"index '{folder}' is inconsistent: manifest says {manifest['count']} passages in "
                         f"{manifest['chunks']} chunks, found {len(passages)} passages, {len(chunks)} chunks "
                         f"and {vectors.ntotal} vectors: {rebuild}")
    if vectors.d != manifest["dimension"]:
        raise InputError(f"index '{folder}' vectors have dimension {vectors.d}, manifest says "
                         f"{manifest['dimension']}: {rebuild}")
    return Index(folder=folder, manifest=manifest, passages=passages, chunks=chunks, vectors=vectors,
                 lexical=lexical)


def stored_vectors(index: Index) -> dict[str, np.ndarray]:
    """Chunk id → stored vector, so a rebuild can skip chunks it has already embedded."""
    matrix = reconstruct_all(index.vectors)
    return {c.id: matrix[i] for i, c in enumerate(index.chunks)}
