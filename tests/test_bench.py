"""The benchmark's pure pieces and its scale section, on tiny sizes (speed is reported, never asserted)."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from eval.bench import sizes_from
from eval.bench_report import table
from eval.scale import scale
from eval.targets import Target, targets
from eval.timing import Latency, latency, time_each
from eval.synthetic import (Sentences, neighbour_cosines, report_sentences, split_report, synthetic_corpus,
                            synthetic_queries, synthetic_vectors)
from ingest.passage import InputError

SENTENCES = Sentences(zh=("甲乙。", "丙丁。", "戊己。"), en=("One.", "Two.", "Three."),
                      headings_zh=("背景",), headings_en=("Background",))


def test_latency_takes_percentiles_in_milliseconds():
    assert latency([0.001, 0.002, 0.003]) == Latency(n=3, p50_ms=2.0, p95_ms=2.9, mean_ms=2.0)


def test_latency_of_nothing_is_refused():
    with pytest.raises(ValueError, match="no timings"):
        latency([])


def test_time_each_times_every_item_once_after_warmup():
    seen = []
    result = time_each(seen.append, [1, 2, 3], warmup=1)
    assert seen == [1, 1, 2, 3] and result.n == 3


def test_targets_compare_values_with_limits():
    results = {"retrieve": {"hybrid": {"p50_ms": 20.0}, "dense": {"p50_ms": 30.0}},
               "cold": {"seconds": 6.0}, "build": {"seconds": 4.0},
               "langchain": {"search": {"p50_ms": 25.0}, "build_seconds": 5.0},
               "serving": {"dense": {"p50_ms": 30.0}, "hybrid": {"p50_ms": 20.0}},
               "scale": {"sizes": {"1000": {"dense": {"p50_ms": 1.0, "recall_at_10": 0.9},
                                            "dense_with_embedding": {"p50_ms": 20.0}, "memory_mb": 10.0}}}}
    met = {t.name: t.met for t in targets(results)}
    assert met["hybrid retrieve p50 (bundled report)"] is True
    assert met["cold start (process start → first answer)"] is False
    assert met["index build ÷ LangChain build"] is True  # 4 / 5 = 0.8
    assert met["dense retrieve p50 ÷ LangChain p50 (each in its own process)"] is False  # 30 / 25 = 1.2
    assert met["hybrid retrieve p50 ÷ LangChain p50 (each in its own process)"] is True  # 20 / 25 = 0.8
    assert met["recall@10 vs exact at 1,000"] is False
    assert met["resident memory at 1,000 (vectors + BM25)"] is True


def test_a_target_not_measured_is_neither_met_nor_missed():
    assert Target("x", None, 1, "s").met is None
    assert all(t.met is None for t in targets({}))


def test_table_aligns_columns():
    assert table([("a", 1.5), ("bb", None)], ("name", "ms")).splitlines() == ["name   ms", "a     1.5", "bb      -"]


def test_sizes_are_parsed_and_checked():
    class Args:
        sizes = "10_000,200000"

    assert sizes_from(Args) == [10_000, 200_000]
    Args.sizes = "ten"
    with pytest.raises(InputError, match="--sizes"):
        sizes_from(Args)


def test_report_sentences_split_on_chinese_full_stops_and_drop_markup():
    sentences, headings = split_report("背景\n\n2. 政府當局公布《[藍圖](#)》。**委員**察悉有關安排。")
    assert sentences == ["政府當局公布《藍圖》。", "委員察悉有關安排。"]
    assert headings == ["背景"]


def test_the_bundled_report_gives_both_languages():
    s = report_sentences()
    assert len(s.zh) > 100 and len(s.en) > 40
    assert not any("Legislative" in h for h in s.headings_zh)


def test_synthetic_passages_are_labelled_deterministic_and_of_one_language():
    corpus = synthetic_corpus(500, SENTENCES, seed=3)
    again = synthetic_corpus(500, SENTENCES, seed=3)
    assert [corpus.text(i) for i in range(500)] == [again.text(i) for i in range(500)]
    assert corpus.label(0) == ("SYN-000000", "1") and corpus.label(201) == ("SYN-000001", "2")
    for i in range(500):
        p = corpus.passage(i)
        english = p.section == ("Background",)
        assert all(s in SENTENCES.en if english else s in SENTENCES.zh
                   for s in (p.text.split(" ") if english else [x + "。" for x in p.text.split("。") if x]))
    assert 0.2 < corpus.lang.mean() < 0.4  # about 30 % English


def test_token_lists_are_heading_then_sentence_tokens():
    corpus = synthetic_corpus(50, SENTENCES, seed=1)
    for i, toks in enumerate(corpus.token_lists(str.split)):
        if corpus.lang[i]:
            p = corpus.passage(i)
            assert toks == (p.section[0] + " " + p.text).split()


def _anchors(n: int = 60, dim: int = 16) -> np.ndarray:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, dim)).astype(np.float32) + 2.0  # anisotropic, like real embeddings
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_synthetic_vectors_are_unit_deterministic_and_near_their_anchors():
    anchors = _anchors()
    x = synthetic_vectors(anchors, 3000, seed=1, block=1000)
    assert x.shape == (3000, 16) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1, atol=1e-5)
    np.testing.assert_array_equal(x, synthetic_vectors(anchors, 3000, seed=1, block=1000))
    stats = neighbour_cosines(x, sample=200)
    assert stats["nearest"] > stats["random_pair"]
    q = synthetic_queries(anchors, 3000, 10, seed=1)
    assert q.shape == (10, 16) and not any((x == v).all(axis=1).any() for v in q)


def test_synthetic_vectors_need_real_anchors():
    with pytest.raises(ValueError, match="anchor"):
        synthetic_vectors(np.ones((1, 4), np.float32), 10)


class HashEmbedder:
    name, dim = "hash", 16

    def encode_queries(self, texts, batch_size: int = 32):
        out = []
        for t in texts:
            seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32) + 2.0
            out.append(v / np.linalg.norm(v))
        return np.stack(out)


def test_scale_section_runs_end_to_end_on_a_tiny_collection(tmp_path):
    result = scale([2000], _anchors(), HashEmbedder(), ["香港的算力", "How many meetings?", "醫健通"], tmp_path,
                   compare_hnsw_up_to=2000, open_from_folder=False)  # the fresh process would load a real model
    row = result["sizes"]["2000"]
    assert row["ann"]["kind"] == "flat" and row["dense"]["recall_at_10"] == 1.0
    assert row["hnsw_for_comparison"]["recall_at_10"] > 0.5
    assert row["ivf_for_comparison"]["kind"] == "ivf"
    assert row["lexical_build_seconds"] >= 0 and row["lexical"]["n"] == 3
    assert row["memory_mb"] > 0 and row["ann"]["disk_mb"] > 0
    assert row["retriever"]["hybrid"]["n"] == 3  # the project's Retriever, on the synthetic collection


def test_hybrid_breakdown_times_each_stage_the_retriever_composes(tmp_path):
    from eval.hybrid_breakdown import hybrid_breakdown
    from fakes import MINI, HashEmbedder
    from index.build import build
    from index.store import load_index

    build([MINI], tmp_path / "idx", HashEmbedder(), progress=False)
    questions = ["香港需要多少算力？", "How many users?", "第2段"]
    steps = hybrid_breakdown(load_index(tmp_path / "idx"), HashEmbedder(), questions)
    assert {"glossary_expand", "embed_query", "faiss_search", "normalise_tokens", "bm25_scores",
            "fuse_and_links", "rank", "label_lookup", "judge"} <= set(steps)
    assert all(step["n"] == len(questions) for step in steps.values())
