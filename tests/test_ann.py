"""The FAISS index chosen by size, built, saved and loaded with its search parameters."""
from __future__ import annotations

import numpy as np
import pytest

from index.ann import (EXACT_UP_TO, AnnSpec, build_ann, choose_index, exact_search, hnsw_spec, ivf_lists,
                       ivf_spec, reconstruct_all, recall_at_k)

faiss = pytest.importorskip("faiss")


def clustered(n: int, dim: int = 32, centres: int = 40, seed: int = 0) -> np.ndarray:
    """Unit vectors around a few centres: structured like embeddings, unlike uniform noise."""
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centres, dim)).astype(np.float32)
    x = c[rng.integers(0, centres, n)] + 0.3 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_small_collections_get_exact_search():
    assert choose_index(0, 384).kind == "flat"
    assert choose_index(EXACT_UP_TO, 384).kind == "flat"


def test_large_collections_get_an_inverted_file_of_8_bit_codes_sized_by_the_square_root():
    spec = choose_index(1_000_000, 384)
    assert (spec.kind, spec.factory, spec.lossy) == ("ivf", "IVF4096,SQ8", True)
    assert spec.search["nprobe"] >= 16
    assert choose_index(EXACT_UP_TO + 1, 384).kind == "ivf"


def test_nlist_is_a_power_of_two_near_four_root_n():
    assert ivf_lists(1_000_000) == 4096
    assert ivf_lists(10_000) == 512  # 4·√10000 = 400 → 512
    assert ivf_lists(1) == 64


def test_a_nonsense_size_is_refused():
    with pytest.raises(ValueError, match="cannot choose"):
        choose_index(10, 0)


def test_spec_round_trips_through_json():
    spec = ivf_spec(300_000)
    assert AnnSpec.from_json(spec.to_json()) == spec
    with pytest.raises(ValueError, match="unknown ANN index kind"):
        AnnSpec.from_json({"kind": "lsh", "factory": "LSH"})


def test_recall_counts_shared_ids():
    assert recall_at_k(np.array([[1, 2, 9]]), np.array([[1, 2, 3]]), 3) == pytest.approx(2 / 3)
    assert recall_at_k(np.array([[3, 2, 1]]), np.array([[1, 2, 3]]), 3) == 1.0


@pytest.mark.parametrize("spec", [choose_index(2000, 32), AnnSpec("ivf", "IVF16,Flat", {"nprobe": 8}),
                                  hnsw_spec(m=16, ef_construction=40, ef_search=64)],
                         ids=["flat", "ivf", "hnsw"])
def test_every_kind_agrees_with_exact_search_on_a_small_set(spec):
    both = clustered(2050)  # queries from the same distribution, held out of the index
    x, queries = both[:2000], both[2000:]
    index = build_ann(spec, x)
    truth = exact_search(x, queries, 10)
    assert recall_at_k(index.search(queries, 10)[1], truth, 10) >= 0.95
    assert index.ntotal == 2000


@pytest.mark.parametrize("spec", [AnnSpec("flat", "Flat"), AnnSpec("ivf", "IVF16,Flat", {"nprobe": 4}),
                                  hnsw_spec(m=8, ef_construction=20, ef_search=20)], ids=["flat", "ivf", "hnsw"])
def test_stored_vectors_can_be_read_back_from_every_kind(spec, tmp_path):
    x = clustered(500)
    faiss.write_index(build_ann(spec, x), str(tmp_path / "v.faiss"))
    np.testing.assert_allclose(reconstruct_all(faiss.read_index(str(tmp_path / "v.faiss"))), x, atol=1e-6)


def test_an_ivf_too_large_for_its_data_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="choose_index"):
        build_ann(AnnSpec("ivf", "IVF64,Flat", {"nprobe": 4}), clustered(10))


def test_write_index_records_the_kind_and_load_index_applies_its_parameters(tmp_path):
    from index.lexical import LexicalIndex
    from index.store import load_index, stored_vectors, write_index
    from ingest.passage import Document, Passage

    x = clustered(300)
    chunks = [Passage("D", str(i + 1), (), f"text {i}") for i in range(300)]
    spec = AnnSpec("ivf", "IVF8,Flat", {"nprobe": 3})
    manifest = write_index(tmp_path / "idx", passages=chunks, chunks=chunks, vectors=x,
                           lexical=LexicalIndex.build([["t", str(i)] for i in range(300)]), model="fake",
                           documents=[Document("D")], ann=spec)
    assert manifest["ann"] == spec.to_json()
    loaded = load_index(tmp_path / "idx")
    assert faiss.extract_index_ivf(loaded.vectors).nprobe == 3
    assert len(stored_vectors(loaded)) == 300


def test_write_index_chooses_exact_search_for_one_report(tmp_path):
    from index.lexical import LexicalIndex
    from index.store import load_index, write_index
    from ingest.passage import Document, Passage

    chunks = [Passage("D", str(i + 1), (), f"text {i}") for i in range(20)]
    manifest = write_index(tmp_path / "idx", passages=chunks, chunks=chunks, vectors=clustered(20),
                           lexical=LexicalIndex.build([["t"]] * 20), model="fake", documents=[Document("D")])
    assert manifest["ann"]["kind"] == "flat"
    assert load_index(tmp_path / "idx").vectors.ntotal == 20


def test_reranking_from_a_memory_mapped_file_reads_the_rows_the_array_holds(tmp_path):
    from index.ann import Reranked, _RowFile

    vectors = clustered(3000)
    np.save(tmp_path / "vectors.npy", vectors)
    mapped = np.load(tmp_path / "vectors.npy", mmap_mode="r")
    index = build_ann(ivf_spec(len(vectors), codes="SQ8"), vectors)
    queries = clustered(20, seed=1)
    from_file, from_memory = Reranked(index, mapped).search(queries, 10), Reranked(index, vectors).search(queries, 10)
    assert np.array_equal(from_file[1], from_memory[1]) and np.array_equal(from_file[0], from_memory[0])
    rows = np.array([0, 7, 2999])
    assert np.array_equal(_RowFile.of(mapped).read(rows), vectors[rows])
    assert _RowFile.of(vectors) is None and _RowFile.of(mapped[1:]) is None  # only a whole .npy map is read by file
