"""The vector seam: where an index keeps its chunk vectors, and how they are searched.

Every engine answers the same two questions the Retriever asks, with ids that are chunk positions
(vector i ↔ chunk i of chunks.jsonl):

    scores, ids = index.vectors.search(queries_float32[q, d], k)   # (q, k) each, ids -1 where short
    index.vectors.ntotal                                            # how many vectors

A FAISS index already is such a store, so the default engine hands it over unwrapped (nothing is
added to the hot path). The Milvus engine (index/milvus.py) wraps a collection to look the same.
An engine also writes its vectors into a build's temporary folder, opens them again from a
manifest, reads every vector back (for incremental rebuilds), and lets go of a replaced index.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from index.ann import AnnSpec, Reranked, apply_search_params, build_ann, choose_index, reconstruct_all
from index.milvus import MilvusEngine
from ingest.passage import InputError

ENGINES = ("faiss", "milvus")
DEFAULT_ENGINE = "faiss"
VECTORS = "vectors.faiss"
EXACT_VECTORS = "vectors.npy"  # beside a lossy index (index.store writes it), read by row to re-score


class VectorStore(Protocol):
    """Searchable chunk vectors: inner product over L2-normalised vectors, ids = chunk positions."""

    ntotal: int
    d: int

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...

    def reconstruct(self, i: int) -> np.ndarray: ...


class VectorEngine(Protocol):
    """Writes, opens and reads back the vectors of one index folder."""

    name: str
    local_files: tuple[str, ...]  # names it may leave in the index folder

    def check_reachable(self, folder: Path) -> None:
        """Refuse, before any embedding, a build whose vectors could not be stored."""

    def write(self, vectors: np.ndarray, tmp: Path, folder: Path) -> dict:
        """Store `vectors` for the index being built in `tmp` (to become `folder`); manifest fields."""

    def checked_files(self) -> tuple[str, ...]:
        """Files written by the last `write` whose checksums go into the manifest."""

    def open(self, folder: Path, manifest: dict) -> VectorStore: ...

    def all_vectors(self, store: VectorStore) -> np.ndarray: ...

    def discard(self, written: dict) -> None:
        """Undo a `write` whose build failed before the swap (a remote collection is dropped)."""

    def retire(self, folder: Path, manifest: dict) -> None:
        """Let go of what the index `manifest` describes, now that a new build replaced it in `folder`."""


class FaissEngine:
    """The default: one FAISS file in the index folder, loaded whole into memory."""

    name = "faiss"
    local_files = (VECTORS,)

    def __init__(self, ann: AnnSpec | None = None):
        self.ann = ann

    def check_reachable(self, folder: Path) -> None:
        pass  # a local file: check_target has already vetted the folder

    def write(self, vectors: np.ndarray, tmp: Path, folder: Path) -> dict:
        import faiss

        ann = self.ann or choose_index(len(vectors), vectors.shape[1])
        faiss.write_index(build_ann(ann, vectors), str(tmp / VECTORS))
        return {"engine": self.name, "faiss": ann.factory, "ann": ann.to_json()}

    def checked_files(self) -> tuple[str, ...]:
        return (VECTORS,)

    def open(self, folder: Path, manifest: dict):
        import faiss

        vectors = faiss.read_index(str(Path(folder) / VECTORS))
        if "ann" in manifest:  # indexes written before AnnSpec were exact: nothing to set
            spec = AnnSpec.from_json(manifest["ann"])
            apply_search_params(vectors, spec.search)
            exact = Path(folder) / EXACT_VECTORS
            if spec.lossy and exact.is_file():  # compressed codes: re-score with the exact vectors on disk
                return Reranked(vectors, np.load(exact, mmap_mode="r"))
        return vectors

    def all_vectors(self, store) -> np.ndarray:
        return np.asarray(store.exact) if isinstance(store, Reranked) else reconstruct_all(store)

    def discard(self, written: dict) -> None:
        pass  # the temporary folder holds everything, and it is removed

    def retire(self, folder: Path, manifest: dict) -> None:
        pass  # the replaced file went with the replaced folder


def engine_for_build(name: str = DEFAULT_ENGINE, *, milvus_uri: str | None = None,
                     ann: AnnSpec | None = None) -> VectorEngine:
    """The engine `legco-rag build --engine NAME [--milvus-uri URI]` writes with."""
    if name == "faiss":
        if milvus_uri:
            raise InputError("--milvus-uri is for --engine milvus: add --engine milvus, or drop --milvus-uri")
        return FaissEngine(ann)
    if name == "milvus":
        return MilvusEngine(milvus_uri)
    raise InputError(f"unknown vector engine {name!r}: use one of {', '.join(ENGINES)}")


def engine_for_manifest(manifest: dict) -> VectorEngine:
    """The engine an index was built with (indexes from before engines were recorded are FAISS)."""
    name = manifest.get("engine", DEFAULT_ENGINE)
    if name == "milvus":
        return MilvusEngine.from_manifest(manifest)
    if name == "faiss":
        return FaissEngine()
    raise InputError(f"the index was built with vector engine {name!r}, which this legco-rag does not know "
                     f"({', '.join(ENGINES)}): upgrade legco-rag, or rebuild with: legco-rag build")


def local_files() -> tuple[str, ...]:
    """Every file or folder name any engine may keep in an index folder."""
    return FaissEngine.local_files + MilvusEngine.local_files
