"""A saved BM25 index scores as bm25s scores it, and reading it back does not need bm25s (or scipy)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.lexical import LexicalIndex, SavedScores

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [["智慧", "燈柱", "數據"], ["燈柱", "燈柱", "交通"], [], ["醫健通", "數據", "私隱"], ["算力", "超算"]]
QUERIES = [["燈柱"], ["數據", "燈柱"], ["燈柱", "燈柱"], ["醫健通", "算力", "數據"], ["超算"]]


@pytest.fixture()
def saved(tmp_path):
    LexicalIndex.build(TEXTS).save(tmp_path)
    return tmp_path


@pytest.mark.parametrize("query", QUERIES)
def test_saved_scores_are_bm25s_scores_to_the_bit(saved, query):
    import bm25s

    expected = np.asarray(bm25s.BM25.load(str(saved), mmap=True).get_scores(query), dtype=np.float32)
    assert np.array_equal(LexicalIndex.load(saved).scores(query), expected)


def test_an_unknown_token_scores_nothing_and_counts_no_document(saved):
    lexical = LexicalIndex.load(saved)
    assert not lexical.scores(["地鐵"]).any()
    assert lexical.document_frequency("燈柱") == 2 and lexical.document_frequency("地鐵") == 0
    assert len(lexical) == len(TEXTS)


def test_a_variant_with_a_non_occurrence_term_is_left_to_bm25s(tmp_path):
    import bm25s

    bm25 = bm25s.BM25(method="bm25+")
    bm25.index([t or [""] for t in TEXTS], show_progress=False)
    bm25.save(str(tmp_path))
    assert SavedScores.load(tmp_path) is None
    assert np.allclose(LexicalIndex.load(tmp_path).scores(["燈柱"]), bm25.get_scores(["燈柱"]))


def test_reading_a_saved_index_imports_neither_bm25s_nor_scipy(saved):
    code = ("import sys; from index.lexical import LexicalIndex; "
            f"LexicalIndex.load({str(saved)!r}).scores(['燈柱']); "
            "print(sorted(m for m in ('bm25s', 'scipy') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize("size, positive", [(10, 10), (1000, 3), (20_000, 20_000), (20_000, 40), (20_000, 0)])
def test_top_rows_are_the_k_highest_positive_scores(size, positive):
    from index.lexical import top_rows

    rng = np.random.default_rng(size + positive)
    scores = np.zeros(size, dtype=np.float32)
    scores[rng.choice(size, positive, replace=False)] = rng.permutation(positive).astype(np.float32) + 1  # distinct
    k = 50
    expected = set(np.argsort(-scores, kind="stable")[:k].tolist()) & set(np.flatnonzero(scores > 0).tolist())
    assert set(top_rows(scores, k).tolist()) == expected
