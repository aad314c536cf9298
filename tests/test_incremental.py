"""Adding or changing a report re-embeds only the chunks the index does not already hold."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.build import build, dense_text
from index.defaults import BUNDLED_REPORT
from index.store import load_index
from fakes import CountingEmbedder

MINI_REPORT = Path(__file__).parent / "fixtures" / "mini-report.zh-Hant.txt"


@pytest.fixture
def bundled_index(tmp_path):
    """The bundled report indexed once with the counting embedder: (folder, embedder, report)."""
    embedder = CountingEmbedder()
    report = build([BUNDLED_REPORT], tmp_path / "idx", embedder, progress=False)
    return tmp_path / "idx", embedder, report


def test_first_build_embeds_every_chunk(bundled_index):
    folder, embedder, report = bundled_index
    assert report.reused == 0
    assert report.embedded == len(embedder.embedded) == report.manifest["chunks"] > 50


def test_rebuilding_the_same_report_embeds_nothing(bundled_index):
    folder, _, first = bundled_index
    again = CountingEmbedder()
    report = build([BUNDLED_REPORT], folder, again, progress=False)
    assert (report.embedded, report.reused) == (0, first.embedded)
    assert again.embedded == []


def test_adding_a_second_report_embeds_only_its_chunks(bundled_index):
    folder, _, first = bundled_index
    second = CountingEmbedder()
    report = build([BUNDLED_REPORT, MINI_REPORT], folder, second, progress=False)
    index = load_index(folder)
    mini = [c for c in index.chunks if c.doc != index.chunks[0].doc]
    assert mini and report.embedded == len(mini) == len(second.embedded)
    assert report.reused == first.embedded
    assert sorted(second.embedded) == sorted(dense_text(c) for c in mini)
    assert len(index.manifest["documents"]) == 2


def test_a_changed_paragraph_is_the_only_chunk_re_embedded(bundled_index, tmp_path):
    folder, _, first = bundled_index
    text = BUNDLED_REPORT.read_text(encoding="utf-8")
    old = "政府當局表示，超算中心的目的主要是用作支援本地大學"
    assert text.count(old) == 1
    edited = tmp_path / BUNDLED_REPORT.name
    edited.write_text(text.replace(old, "政府當局表示，超算中心的首要目的是支援本地大學"), encoding="utf-8")
    shutil.copy(BUNDLED_REPORT.with_suffix(".json"), edited.with_suffix(".json"))  # same document metadata
    again = CountingEmbedder()
    report = build([edited], folder, again, progress=False)
    assert report.embedded == len(again.embedded) >= 1
    assert all("首要目的" in t for t in again.embedded)
    assert report.reused == first.embedded - report.embedded


def test_vectors_reused_are_the_ones_stored(bundled_index):
    folder, _, _ = bundled_index
    before = load_index(folder)
    build([BUNDLED_REPORT, MINI_REPORT], folder, CountingEmbedder(), progress=False)
    after = load_index(folder)
    fake = CountingEmbedder()
    for i, chunk in enumerate(after.chunks[: before.vectors.ntotal]):
        np.testing.assert_allclose(after.vectors.reconstruct(i), fake._vec(dense_text(chunk)), atol=1e-6)


def test_a_different_model_re_embeds_everything(bundled_index):
    folder, _, first = bundled_index

    class OtherModel(CountingEmbedder):
        name = "another-model"

    other = OtherModel()
    report = build([BUNDLED_REPORT], folder, other, progress=False)
    assert (report.embedded, report.reused) == (first.embedded, 0)
