"""Which FAISS index to build for a collection of a given size, and building it.

Exact search (a flat inner-product scan) up to EXACT_UP_TO vectors, where one query still scans
the whole matrix in a few milliseconds on 2 cores; beyond that an inverted file (IVF) whose
nlist grows with the square root of the collection and whose nprobe keeps recall@10 against
exact search at or above 0.95 (measured by `python -m eval bench`, see docs/benchmarks.md).

    spec = choose_index(len(vectors), vectors.shape[1])
    index = build_ann(spec, vectors)   # trained, filled, search parameters applied
    scores, ids = index.search(queries, 10)

All indexes use inner product over L2-normalised vectors (= cosine similarity).
"""
from __future__ import annotations

import math
import mmap
import os
from dataclasses import dataclass, field

import numpy as np

# Measured on 2 cores (docs/benchmarks.md): one query scans a flat 100k × 384 matrix in ~12 ms and
# 1M in ~113 ms (1 thread), while IVF4096 at nprobe 256 answers 1M in ~8 ms at recall@10 ≥ 0.97.
# Exact search stays around 4 ms up to 50k vectors, a few hundred reports' worth of chunks.
EXACT_UP_TO = 50_000
# k-means sees at most this many points per centroid: enough for stable centroids, and keeps
# training at 1M vectors (262k points, 4096 lists) to a few minutes on 2 cores.
TRAIN_POINTS_PER_LIST = 64
KINDS = ("flat", "ivf", "hnsw")


@dataclass(frozen=True)
class AnnSpec:
    """A FAISS index recipe: its kind, faiss factory string, and build- and search-time parameters.

    kind: "flat" (exact), "ivf" (inverted file, exact vectors) or "hnsw" (graph).
    factory: the `faiss.index_factory` description, e.g. "Flat", "IVF4096,Flat", "HNSW32,Flat".
    search: search-time parameters applied after load, e.g. {"nprobe": 48} or {"efSearch": 96}.
    build: build-time parameters, e.g. {"train_size": 262144} or {"efConstruction": 80}.
    """

    kind: str
    factory: str
    search: dict = field(default_factory=dict)
    build: dict = field(default_factory=dict)

    @property
    def lossy(self) -> bool:
        """True when the index stores compressed codes (SQ8, PQ…) rather than the vectors themselves,
        so the exact vectors must be kept elsewhere for a rebuild to reuse them."""
        return self.factory.rsplit(",", 1)[-1] != "Flat"

    def to_json(self) -> dict:
        return {"kind": self.kind, "factory": self.factory, "search": dict(self.search), "build": dict(self.build)}

    @classmethod
    def from_json(cls, obj: dict) -> "AnnSpec":
        if obj.get("kind") not in KINDS:
            raise ValueError(f"unknown ANN index kind {obj.get('kind')!r}: expected one of {', '.join(KINDS)}")
        return cls(kind=obj["kind"], factory=obj["factory"], search=dict(obj.get("search", {})),
                   build=dict(obj.get("build", {})))


def ivf_lists(n: int) -> int:
    """nlist for an IVF over n vectors: the power of two nearest 4·√n, between 64 and 65536."""
    target = 4 * math.sqrt(max(n, 1))
    return int(min(65536, max(64, 2 ** round(math.log2(target)))))


def flat_spec() -> AnnSpec:
    return AnnSpec("flat", "Flat")


def ivf_spec(n: int, nprobe: int | None = None, codes: str = "Flat") -> AnnSpec:
    """IVF with nlist from `ivf_lists(n)`; nprobe defaults to nlist/16 (6 % of the lists), at least 128.

    Sized for real questions, whose vectors lie farther from the passages than passages do from
    each other: on synthetic vectors around real e5 embeddings, the 228 eval questions reach
    recall@10 0.975 at 100k (IVF1024, nprobe 128, 1.1 ms) and 0.979 at 1M (IVF4096, nprobe 256,
    7.6 ms); nprobe 64 gave only 0.94 and 0.92.
    """
    nlist = ivf_lists(n)
    nprobe = nprobe or min(nlist, max(128, nlist // 16))
    return AnnSpec("ivf", f"IVF{nlist},{codes}", {"nprobe": nprobe},
                   {"train_size": min(n, TRAIN_POINTS_PER_LIST * nlist)})


def hnsw_spec(m: int = 32, ef_construction: int = 80, ef_search: int = 128) -> AnnSpec:
    return AnnSpec("hnsw", f"HNSW{m},Flat", {"efSearch": ef_search}, {"efConstruction": ef_construction})


def choose_index(n: int, dim: int) -> AnnSpec:
    """The index for n vectors of dimension dim: exact up to EXACT_UP_TO, IVF of 8-bit codes beyond.

    The codes take a quarter of the vectors' memory; a search re-scores its candidates with the exact
    vectors read from disk (Reranked), which keeps recall@10 at 1M at 0.999 (synthetic queries) and
    0.971 (real questions) at nprobe 256, against 0.978 / 0.949 for the codes alone (2026-12-03).

    >>> choose_index(5_000, 384).kind, choose_index(1_000_000, 384).factory
    ('flat', 'IVF4096,SQ8')
    """
    if n < 0 or dim <= 0:
        raise ValueError(f"cannot choose an index for {n} vectors of dimension {dim}")
    if n <= EXACT_UP_TO:
        return flat_spec()
    return ivf_spec(n, codes="SQ8")


def make_empty(spec: AnnSpec, dim: int):
    """An untrained, empty faiss index for `spec` (inner product)."""
    import faiss

    index = faiss.index_factory(dim, spec.factory, faiss.METRIC_INNER_PRODUCT)
    if spec.kind == "hnsw" and "efConstruction" in spec.build:
        index.hnsw.efConstruction = int(spec.build["efConstruction"])
    return index


def apply_search_params(index, params: dict) -> None:
    """Set search-time parameters (nprobe, efSearch, …) on a built or loaded index, in place."""
    import faiss

    if isinstance(index, Reranked):
        index = index.index
    space = faiss.ParameterSpace()
    for name, value in params.items():
        space.set_index_parameter(index, name, value)


def build_ann(spec: AnnSpec, vectors: np.ndarray, seed: int = 0):
    """Train (on a seeded sample of `vectors`), fill and parameterise the index `spec` describes."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be a 2-D matrix, got shape {vectors.shape}")
    index = make_empty(spec, vectors.shape[1])
    if not index.is_trained:
        size = min(len(vectors), int(spec.build.get("train_size", len(vectors))))
        nlist = _ivf(index).nlist if spec.kind == "ivf" else 0
        if len(vectors) < nlist:
            raise ValueError(f"{spec.factory} needs at least {nlist} vectors to train, got {len(vectors)}: "
                             f"use choose_index(n, dim), which picks an exact index for small collections")
        sample = vectors if size >= len(vectors) else \
            vectors[np.sort(np.random.default_rng(seed).choice(len(vectors), size, replace=False))]
        if spec.kind == "ivf":
            # the sample is sized on purpose (TRAIN_POINTS_PER_LIST); silence faiss's "too few points"
            _ivf(index).cp.min_points_per_centroid = 1
            _ivf(index).cp.seed = seed
        index.train(sample)
    for start in range(0, len(vectors), 1 << 16):
        index.add(vectors[start:start + (1 << 16)])
    apply_search_params(index, spec.search)
    return index


def reconstruct_all(index) -> np.ndarray:
    """Every stored vector, in id order, for any of the KINDS (an IVF gets a direct map first)."""
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    ivf = _ivf(index)
    if ivf is not None and ivf.direct_map.type == 0:  # 0 = NoMap
        ivf.make_direct_map()
    return index.reconstruct_n(0, index.ntotal)


def exact_search(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Ids of the k nearest vectors by inner product, per query: the ground truth for recall."""
    import faiss

    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return flat.search(np.ascontiguousarray(queries, dtype=np.float32), k)[1]


def recall_at_k(found: np.ndarray, truth: np.ndarray, k: int = 10) -> float:
    """Mean share of the true top-k ids found in the top-k returned (recall@k against exact search).

    >>> recall_at_k(np.array([[1, 2, 9]]), np.array([[1, 2, 3]]), 3)
    0.6666666666666666
    """
    found, truth = np.asarray(found)[:, :k], np.asarray(truth)[:, :k]
    if found.shape[0] != truth.shape[0]:
        raise ValueError(f"{found.shape[0]} result rows but {truth.shape[0]} ground-truth rows")
    hits = sum(len(set(f[f >= 0].tolist()) & set(t[t >= 0].tolist())) for f, t in zip(found, truth))
    return hits / max(1, sum(int((t >= 0).sum()) for t in truth))


def _ivf(index):
    """The IndexIVF inside `index`, or None for other kinds."""
    import faiss

    try:
        return faiss.extract_index_ivf(index)
    except RuntimeError:
        return None


class Reranked:
    """A compressed-code index (IVF…,SQ8) whose candidates are re-scored with the exact vectors.

    The exact float32 vectors stay on disk (a memory-mapped .npy); each query reads only its
    candidates' rows, so recall is that of the uncompressed index at the same nprobe while memory
    holds the codes (a quarter of the vectors). `search`, `ntotal`, `d` and `reconstruct` as faiss.

        store = Reranked(faiss.read_index("vectors.faiss"), np.load("vectors.npy", mmap_mode="r"))
        scores, ids = store.search(queries, 10)
    """

    CANDIDATES = 4  # candidates re-scored per result wanted

    def __init__(self, index, exact: np.ndarray):
        if exact.shape != (index.ntotal, index.d):
            raise ValueError(f"exact vectors of shape {exact.shape} do not match an index of {index.ntotal} "
                             f"vectors of dimension {index.d}")
        self.index, self.exact = index, exact
        self.ntotal, self.d = index.ntotal, index.d
        self._file = _RowFile.of(exact)

    def _rows(self, rows: np.ndarray) -> np.ndarray:
        """The exact vectors of `rows` (sorted): read by pread from a memory-mapped .npy, else indexed."""
        return self._file.read(rows) if self._file is not None else self.exact[rows]

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        _, candidates = self.index.search(queries, min(self.ntotal, max(k, k * self.CANDIDATES)))
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        for q, row in enumerate(candidates):
            rows = np.sort(row[row >= 0])  # read in file order
            exact = self._rows(rows) @ queries[q]
            order = np.argsort(-exact, kind="stable")[:k]
            scores[q, :len(order)], ids[q, :len(order)] = exact[order], rows[order]
        return scores, ids

    def reconstruct(self, i: int) -> np.ndarray:
        return np.array(self.exact[i], dtype=np.float32)


class _RowFile:
    """Rows of a float32 matrix memory-mapped from a .npy file, read with one pread each.

    Indexing the memory map touches each row's page for the first time: a page fault apiece, which at a
    million vectors cost a question's 200 re-scored rows about 1.5 ms of CPU (2.5 ms wall); pread copies
    the same bytes from the page cache in half of that. Thread-safe: pread keeps no file position.
    """

    def __init__(self, path: str, offset: int, row_bytes: int):
        self._fd = os.open(path, os.O_RDONLY)
        self._offset, self._row_bytes = offset, row_bytes

    @classmethod
    def of(cls, matrix: np.ndarray) -> "_RowFile | None":
        """The file under `matrix`, when it is a whole 2-D float32 .npy memory map (np.load(mmap_mode="r"))."""
        whole = isinstance(matrix, np.memmap) and isinstance(matrix.base, mmap.mmap) and matrix.filename
        if not whole or matrix.ndim != 2 or matrix.dtype != np.float32 or not matrix.flags.c_contiguous:
            return None
        return cls(matrix.filename, int(matrix.offset), matrix.shape[1] * 4)

    def read(self, rows: np.ndarray) -> np.ndarray:
        size = self._row_bytes
        out = np.empty((len(rows), size // 4), dtype=np.float32)
        view = memoryview(out).cast("B")
        for j, row in enumerate(rows.tolist()):
            if os.preadv(self._fd, [view[j * size:(j + 1) * size]], self._offset + row * size) != size:
                raise OSError(f"exact vectors file ended before row {row}: the index folder is damaged; "
                              f"rebuild it with legco-rag build")
        return out

    def __del__(self):
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)
