"""What lets a large index open quickly and small: passages read by row, the key table, exact vectors
beside compressed ones; and indexes written before these files still open and answer the same."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieve import Retriever
from fakes import HashEmbedder
from index.ann import exact_search, ivf_lists, ivf_spec, recall_at_k
from index.build import build
from index.key_table import FILES, KeyTable, PassagesByKey, parallel_rows
from index.lexical import LexicalIndex
from index.library import parallels
from index.store import (EXACT_VECTORS, MANIFEST, OFFSETS, PassageFile, line_offsets, load_index, stored_vectors,
                         write_index)
from ingest.passage import Passage

FIXTURES = Path(__file__).parent / "fixtures"
ZH, EN = FIXTURES / "mini-report.zh-Hant.txt", FIXTURES / "mini-report.en.txt"


def test_line_offsets_skip_empty_lines_and_find_a_last_line_without_newline(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"a": 1}\n\n{"b": 22}')
    assert line_offsets(path).tolist() == [0, 10, 19]


def test_a_passage_file_reads_each_row_as_written(tmp_path):
    rows = [Passage("D1", str(i), ("背景",), f"第{i}段的內容。", refs=("1",) if i > 1 else ()) for i in range(1, 6)]
    path = tmp_path / "passages.jsonl"
    path.write_text("".join(json.dumps(p.to_json(), ensure_ascii=False) + "\n" for p in rows), encoding="utf-8")
    passages = PassageFile(path, line_offsets(path))
    assert len(passages) == 5
    assert passages[3] == rows[3] and passages[-1] == rows[-1] and passages[1:3] == tuple(rows[1:3])
    assert list(passages) == rows and passages == rows
    with pytest.raises(IndexError):
        passages[5]


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory):
    """An index of a bilingual paper, built as `legco-rag build` builds it."""
    folder = tmp_path_factory.mktemp("bilingual") / "idx"
    build([ZH, EN], folder, HashEmbedder(), progress=False)
    return folder


def test_a_built_index_holds_offsets_and_a_key_table_that_match_its_passages(bilingual):
    index = load_index(bilingual)
    assert isinstance(index.passages, PassageFile) and index.keys is not None
    manifest = json.loads((bilingual / MANIFEST).read_text(encoding="utf-8"))
    assert {*OFFSETS.values(), *FILES} <= set(manifest["files"])
    assert index.keys.passage_keys() == [(p.doc, p.label) for p in index.passages]
    assert index.keys.chunk_keys() == [(c.doc, c.label) for c in index.chunks]
    read = KeyTable.of(index.passages, index.chunks)
    assert index.keys.pointing == read.pointing and index.keys.pointing  # the fixture cites and marks
    assert index.keys.names == read.names and "kwun" in index.keys.names


def test_the_key_tables_parallels_are_the_passages_parallels(bilingual):
    index = load_index(bilingual)
    by_rows = PassagesByKey(parallel_rows(index.keys), index.passages)
    expected = parallels(index.passages)
    assert expected and dict(by_rows) == expected


def test_an_index_written_before_offsets_and_key_table_opens_and_answers_the_same(bilingual, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    manifest = json.loads((bilingual / MANIFEST).read_text(encoding="utf-8"))
    for name in manifest["files"]:
        if name not in (*OFFSETS.values(), *FILES):
            (old / name).parent.mkdir(parents=True, exist_ok=True)
            (old / name).write_bytes((bilingual / name).read_bytes())
    manifest["files"] = {k: v for k, v in manifest["files"].items() if k not in (*OFFSETS.values(), *FILES)}
    (old / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    before, now = load_index(old), load_index(bilingual)
    assert before.keys is None and list(before.passages) == list(now.passages)
    embedder = HashEmbedder()
    for question in ("委員關注甚麼？", "What did members ask about?", "第2段", "footnote 1"):
        a, b = Retriever(before, embedder).search(question), Retriever(now, embedder).search(question)
        assert [(h.key, h.score, h.linked) for h in a.hits] == [(h.key, h.score, h.linked) for h in b.hits]
        assert (a.answerable, a.unknown) == (b.answerable, b.unknown)


def test_an_index_of_compressed_vectors_keeps_the_exact_vectors_to_rescore_and_rebuild(tmp_path):
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((3000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    passages = [Passage(f"D{i // 100}", str(i % 100 + 1), (), f"text {i}") for i in range(3000)]
    write_index(tmp_path / "idx", passages=passages, chunks=passages, vectors=vectors,
                lexical=LexicalIndex.build([p.text.split() for p in passages]), model="fake", documents=[],
                ann=ivf_spec(3000, nprobe=ivf_lists(3000), codes="SQ8"))  # every list probed: only the codes approximate
    index = load_index(tmp_path / "idx", check_tokens=False)
    assert (tmp_path / "idx" / EXACT_VECTORS).is_file()
    queries = vectors[:50] + 0.3 * rng.standard_normal((50, 16)).astype(np.float32)
    scores, ids = index.vectors.search(queries, 10)
    assert recall_at_k(ids, exact_search(vectors, queries, 10)) == 1.0
    assert np.allclose(scores, np.take_along_axis(queries @ vectors.T, ids, axis=1), atol=1e-5)
    reused = stored_vectors(index)
    assert np.array_equal(np.stack([reused[p.id] for p in passages]), vectors)


def test_an_index_of_exact_vectors_keeps_no_copy(bilingual):
    assert not (bilingual / EXACT_VECTORS).exists()


def test_a_synthetic_index_folder_opens_with_its_key_table_and_answers_as_in_memory(tmp_path):
    from eval.scale import _lexical_tokenizer, write_synthetic_index
    from eval.synthetic import report_sentences, synthetic_corpus

    corpus = synthetic_corpus(600, report_sentences())
    vectors = HashEmbedder().encode_passages([p.text for p in corpus.passages()])
    write_synthetic_index(tmp_path / "idx", corpus, vectors, HashEmbedder.name, _lexical_tokenizer())
    index = load_index(tmp_path / "idx")
    assert index.keys.names == KeyTable.of(corpus.passages(), corpus.passages()).names
    fresh = Retriever(index, HashEmbedder())
    held = Retriever(replace(index, keys=None), HashEmbedder())  # the path of an index without the table
    for question in ("委員關注甚麼？", "How many meetings were held?", "第15段"):
        assert [h.key for h in fresh.search(question).hits] == [h.key for h in held.search(question).hits]
