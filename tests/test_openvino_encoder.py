"""The OpenVINO query encoder on the real model: agreement with float32 torch, no torch at query time, offline."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from eval.query_engines import cosines, eval_query_texts, float32_queries
from index.embed import PASSAGE_ENGINE_ENV, QUERY_ENGINE_ENV, DefaultEmbedder
from index.model_folder import materialise_default_model
from index.offline import OFFLINE

pytestmark = pytest.mark.model
pytest.importorskip("openvino")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def openvino_embedder():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(QUERY_ENGINE_ENV, "openvino")
        embedder = DefaultEmbedder()
        embedder.load_query_engine()
    return embedder


def test_openvino_agrees_with_float32_torch_on_every_eval_question(openvino_embedder):
    # Indexes built before (float32 torch, bf16-autocast torch) stay valid only if this holds everywhere.
    texts = eval_query_texts()
    assert len(texts) > 500
    reference = float32_queries(texts)
    ours = np.concatenate([openvino_embedder.encode_queries([t]) for t in texts])
    cos = cosines(ours, reference)
    worst = int(cos.argmin())
    assert cos.min() >= 0.9999, (texts[worst], float(cos.min()))
    assert ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_a_batch_embeds_each_query_as_it_would_alone(openvino_embedder):
    texts = ["香港2030年需要多少算力？", "How much computing power will Hong Kong need by 2030?",
             "政府何時設立數字政策辦公室？" * 8]
    together = openvino_embedder.encode_queries(texts)
    alone = np.concatenate([openvino_embedder.encode_queries([t]) for t in texts])
    assert cosines(together, alone).min() >= 0.99999


def test_the_default_embedder_answers_with_openvino_without_importing_torch():
    script = ("import sys; from index.embed import load_embedder; e = load_embedder(); "
              "v = e.encode_queries(['香港2030年需要多少算力？']); "
              "print(e.query_engine, v.shape, 'torch' in sys.modules, 'transformers' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != QUERY_ENGINE_ENV}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=900,
                          cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)})
    assert done.stdout.split() == ["openvino", "(1,", "384)", "False", "False"], done.stderr[-2000:]


CONVERT_OFFLINE = r"""
import socket, sys
from pathlib import Path
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args[:2])
    raise OSError("network blocked by test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from index.openvino_encoder import convert
convert(Path(sys.argv[1]), Path(sys.argv[2]))
import threading, time
time.sleep(1)  # a reporting thread would have tried by now
print("network attempts:", attempts)
"""


def test_conversion_uses_only_what_is_installed_and_reports_nothing(tmp_path):
    # OpenVINO's converter would send usage telemetry (and write ~/intel) unless kept from it.
    home, dest = tmp_path / "home", tmp_path / "converted"
    home.mkdir(), dest.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {*OFFLINE, "CI"}}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", CONVERT_OFFLINE, str(materialise_default_model()), str(dest)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "network attempts: []" in run.stdout
    assert (dest / "model.xml").exists() and (dest / "model.bin").stat().st_size > 100_000_000
    assert list(home.iterdir()) == []  # no consent file, no client id


def test_the_converted_tokenizer_gives_the_ids_of_tokenizers_on_every_eval_text_and_bundled_passage():
    # The query path tokenises with the converted tokenizer; indexes were built with `tokenizers`.
    pytest.importorskip("openvino_tokenizers")
    import openvino as ov

    from index.defaults import BUNDLED_REPORT
    from index.openvino_encoder import (TOKENIZER_XML, _HFTokenizer, _OpenVINOTokenizer, ensure_converted)
    from ingest.parse import load_report

    model_folder = materialise_default_model()
    folder = ensure_converted(model_folder)
    assert (folder / TOKENIZER_XML).is_file()
    converted = _OpenVINOTokenizer(ov.Core(), folder / TOKENIZER_XML)
    reference = _HFTokenizer(model_folder / "tokenizer.json")
    texts = [f"query: {t}" for t in eval_query_texts()] + [f"passage: {p.text}" for p in load_report(BUNDLED_REPORT)[1]]
    texts.append("query: " + "算力" * 600)  # longer than MAX_TOKENS: both truncate at the same place
    for text in texts:
        ids, mask = converted([text])
        expected, _ = reference([text])
        assert ids[mask == 1].tolist() == expected[0].tolist(), text


def test_where_the_converted_tokenizer_cannot_load_tokenizer_json_serves_with_the_same_vectors(monkeypatch):
    from index import openvino_encoder
    from index.openvino_encoder import OpenVINOEncoder, _HFTokenizer, _OpenVINOTokenizer

    question = ["query: 香港2030年需要多少算力？"]
    usual = OpenVINOEncoder.load(warm=False)
    assert isinstance(usual._tokenizer, _OpenVINOTokenizer)

    def unloadable(*_):
        raise RuntimeError("Cannot create SpecialTokensSplit layer from unsupported opset: extension")

    monkeypatch.setattr(openvino_encoder, "_OpenVINOTokenizer", unloadable)
    fallback = OpenVINOEncoder.load(warm=False)
    assert isinstance(fallback._tokenizer, _HFTokenizer)
    assert np.array_equal(fallback.encode(question), usual.encode(question))


def test_a_preloaded_encoder_is_the_one_the_next_load_returns():
    from index import openvino_encoder
    from index.openvino_encoder import OpenVINOEncoder, preload

    model_folder = materialise_default_model()
    openvino_encoder.ensure_converted(model_folder)
    preload(model_folder)
    started = openvino_encoder._preloading[model_folder]
    encoder = OpenVINOEncoder.load(model_folder, warm=False)
    assert encoder is started.result()
    assert model_folder not in openvino_encoder._preloading  # taken once; the next load loads afresh
    assert OpenVINOEncoder.load(model_folder, warm=False) is not encoder


KEEPS_LOCALE = """
import locale
import index.offline
import openvino_tokenizers  # imported before any Core exists, as a test run or a user's script may
from index.embed import DefaultEmbedder
embedder = DefaultEmbedder()
embedder.encode_queries(["香港2030年需要多少算力？"])
print(embedder.query_engine, locale.getpreferredencoding(False))
"""


def test_loading_the_encoder_leaves_the_process_reading_files_as_utf8():
    pytest.importorskip("openvino_tokenizers")
    env = {**os.environ, "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    env.pop("LC_ALL", None)
    run = subprocess.run([sys.executable, "-c", KEEPS_LOCALE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["openvino", "UTF-8"]


# Passages: a build embeds them with the same compiled model.

def test_openvino_passages_agree_with_float32_torch_on_the_bundled_report_and_long_passages(monkeypatch):
    # Builds reuse vectors embedded before (torch, bf16 autocast or float32): they mix only if this holds.
    from eval.query_engines import bundled_passage_texts, float32_passages, long_passage_texts
    from index.openvino_encoder import MAX_TOKENS, _HFTokenizer

    texts = bundled_passage_texts() + long_passage_texts(60)
    tokens = [len(_HFTokenizer(materialise_default_model() / "tokenizer.json")([f"passage: {t}"])[0][0])
              for t in texts]
    assert max(tokens) == MAX_TOKENS  # some are cut at the limit: both engines must cut them alike
    monkeypatch.setenv(PASSAGE_ENGINE_ENV, "openvino")
    embedder = DefaultEmbedder()
    ours = embedder.encode_passages(texts, batch_size=16)
    assert embedder.passage_engine == "openvino"
    cos = cosines(ours, float32_passages(texts))
    worst = int(cos.argmin())
    assert cos.min() >= 0.9999, (texts[worst][:200], float(cos.min()))
    assert ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_a_passage_embeds_the_same_whatever_batch_it_is_in(monkeypatch):
    from eval.query_engines import bundled_passage_texts

    monkeypatch.setenv(PASSAGE_ENGINE_ENV, "openvino")
    texts = bundled_passage_texts()[:40]
    embedder = DefaultEmbedder()
    together = embedder.encode_passages(texts, batch_size=16)
    alone = np.concatenate([embedder.encode_passages([t]) for t in texts])
    assert embedder.passage_engine == "openvino"
    assert cosines(together, alone).min() >= 0.99999


BUILD_WITHOUT_TORCH = """
import json, sys
from pathlib import Path
from index.build import build
from index.embed import load_embedder
from tests.fakes import MINI
report = build([MINI], Path(sys.argv[1]), load_embedder(), progress=False)
manifest = json.loads((Path(sys.argv[1]) / "manifest.json").read_text("utf-8"))
print(json.dumps(manifest["passage_engines"]), report.embedded > 0, "torch" in sys.modules)
"""


def test_a_default_build_embeds_with_openvino_records_it_and_never_imports_torch(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in (QUERY_ENGINE_ENV, PASSAGE_ENGINE_ENV)}
    run = subprocess.run([sys.executable, "-c", BUILD_WITHOUT_TORCH, str(tmp_path / "index")], cwd=ROOT,
                         env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ['["openvino"]', "True", "False"]
