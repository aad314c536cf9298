"""Milvus as the vector engine: the same ranked chunks as FAISS, read from the manifest, one-line errors."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from assistant.cli import main  # noqa: E402
from index.build import build, dense_text  # noqa: E402
from index.milvus import LITE_FILE, MilvusEngine, connect, index_params  # noqa: E402
from index.store import MANIFEST, load_index  # noqa: E402
from index.vectors import engine_for_build  # noqa: E402
from ingest.passage import InputError  # noqa: E402
from tests.fakes import HashEmbedder  # noqa: E402

MINI_REPORT = Path(__file__).parent / "fixtures" / "mini-report.zh-Hant.txt"


@pytest.fixture
def lite_server(tmp_path):
    """A Milvus server on a free local port (Milvus Lite's own gRPC server), standing in for a cluster."""
    from milvus_lite.adapter.grpc.server import start_server_in_thread

    server, db, port = start_server_in_thread(str(tmp_path / "server.db"))
    yield f"http://127.0.0.1:{port}"
    server.stop(grace=0)
    db.close()


def ranked_ids(index, queries: np.ndarray, k: int) -> list[list[int]]:
    return [index.vectors.search(q[None, :], k)[1][0].tolist() for q in queries]


def questions(index, n: int = 12) -> np.ndarray:
    return HashEmbedder().encode_queries([c.text[:20] for c in index.chunks[:n]]).astype(np.float32)


def test_a_milvus_lite_index_ranks_chunks_exactly_as_faiss_does(tmp_path):
    build([MINI_REPORT], tmp_path / "faiss", HashEmbedder(), progress=False)
    build([MINI_REPORT], tmp_path / "milvus", HashEmbedder(), progress=False, engine=engine_for_build("milvus"))
    faiss_index, milvus_index = load_index(tmp_path / "faiss"), load_index(tmp_path / "milvus")
    queries = questions(faiss_index)
    k = min(20, faiss_index.vectors.ntotal)
    assert milvus_index.vectors.ntotal == faiss_index.vectors.ntotal
    assert ranked_ids(milvus_index, queries, k) == ranked_ids(faiss_index, queries, k)
    np.testing.assert_allclose(milvus_index.vectors.search(queries[:1], k)[0],
                               faiss_index.vectors.search(queries[:1], k)[0], atol=1e-5)


def test_the_manifest_names_the_engine_and_a_lite_folder_inside_the_index(tmp_path):
    report = build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False,
                   engine=engine_for_build("milvus"))
    milvus = report.manifest["milvus"]
    assert report.manifest["engine"] == "milvus" and milvus["uri"] == LITE_FILE
    assert milvus["index"]["index_type"] == "FLAT" and milvus["index"]["metric_type"] == "IP"
    assert (tmp_path / "idx" / LITE_FILE).is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]  # the build folder was swapped in, not left


def test_large_collections_get_an_ivf_index_sized_as_faiss_would():
    assert index_params(50_000)[0]["index_type"] == "FLAT"
    big, search = index_params(1_000_000)
    assert big["index_type"] == "IVF_FLAT" and big["params"] == {"nlist": 4096} and search == {"nprobe": 256}


def test_a_rebuild_reuses_the_vectors_milvus_holds(tmp_path):
    milvus = engine_for_build("milvus")
    build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False, engine=milvus)
    again = build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False, engine=milvus)
    index = load_index(tmp_path / "idx")
    assert again.embedded == 0 and again.reused == index.vectors.ntotal
    for i in (0, index.vectors.ntotal - 1):
        np.testing.assert_allclose(index.vectors.reconstruct(i), HashEmbedder()._vec(dense_text(index.chunks[i])),
                                   atol=1e-6)


def test_switching_engines_embeds_nothing_again(tmp_path):
    build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False)
    switched = build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False,
                     engine=engine_for_build("milvus"))
    back = build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False)
    assert switched.embedded == 0 and back.embedded == 0
    assert not (tmp_path / "idx" / LITE_FILE).exists() and load_index(tmp_path / "idx").manifest["engine"] == "faiss"


def test_a_server_index_gets_a_collection_per_build_and_the_replaced_one_is_dropped(tmp_path, lite_server):
    engine = engine_for_build("milvus", milvus_uri=lite_server)
    first = build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False, engine=engine).manifest
    second = build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False, engine=engine).manifest
    client = connect(lite_server, "the test")
    assert first["milvus"]["uri"] == lite_server and not (tmp_path / "idx" / LITE_FILE).exists()
    assert client.list_collections() == [second["milvus"]["collection"]]
    faiss_dir = tmp_path / "faiss"
    build([MINI_REPORT], faiss_dir, HashEmbedder(), progress=False)
    queries = questions(load_index(faiss_dir))
    assert ranked_ids(load_index(tmp_path / "idx"), queries, 10) == ranked_ids(load_index(faiss_dir), queries, 10)


def fake_model(monkeypatch):
    import index.embed

    monkeypatch.setattr(index.embed, "load_embedder", lambda name=None: HashEmbedder())


def test_build_with_milvus_then_ask_needs_no_engine_flag(tmp_path, capsys, monkeypatch):
    fake_model(monkeypatch)
    folder = str(tmp_path / "idx")
    assert main(["build", str(MINI_REPORT), "--engine", "milvus", "--index", folder, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["ask", "數據中心", "--index", folder, "--json", "--k", "3"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"question", "answerable", "verdict", "citations", "answer"}
    labels = {p.label for p in load_index(Path(folder)).passages}
    assert result["citations"] and all(c["label"] in labels for c in result["citations"])


@pytest.mark.parametrize("uri, says", [
    ("ftp://example.org/milvus", "is not a Milvus server address"),
    ("milvus.db", "is not a Milvus server address"),
    ("http://127.0.0.1:1", "cannot reach the Milvus server at http://127.0.0.1:1"),
])
def test_a_bad_milvus_uri_is_one_line_and_leaves_the_existing_index_alone(tmp_path, capsys, monkeypatch, uri, says):
    fake_model(monkeypatch)
    folder = tmp_path / "idx"
    build([MINI_REPORT], folder, HashEmbedder(), progress=False)
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    code = main(["build", str(MINI_REPORT), "--engine", "milvus", "--milvus-uri", uri, "--index", str(folder)])
    err = capsys.readouterr().err
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1
    assert {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]


def test_milvus_uri_without_the_milvus_engine_is_refused():
    with pytest.raises(InputError, match="--milvus-uri is for --engine milvus"):
        engine_for_build("faiss", milvus_uri="http://localhost:19530")


def test_a_milvus_index_without_pymilvus_says_what_to_install(tmp_path, monkeypatch):
    build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False, engine=engine_for_build("milvus"))
    monkeypatch.setitem(sys.modules, "pymilvus", None)  # import pymilvus now fails as if not installed
    with pytest.raises(InputError, match=r"not installed: pip install 'legco-rag\[milvus\]'") as e:
        load_index(tmp_path / "idx")
    assert "\n" not in str(e.value)


def test_a_manifest_naming_a_missing_collection_asks_for_a_rebuild(tmp_path):
    build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False, engine=engine_for_build("milvus"))
    path = tmp_path / "idx" / MANIFEST
    manifest = json.loads(path.read_text())
    manifest["milvus"]["collection"] = "legco_gone"
    path.write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="does not hold: run: legco-rag build --engine milvus"):
        load_index(tmp_path / "idx")


def test_an_unknown_engine_in_the_manifest_is_refused(tmp_path):
    build([MINI_REPORT], tmp_path / "idx", HashEmbedder(), progress=False)
    path = tmp_path / "idx" / MANIFEST
    path.write_text(json.dumps({**json.loads(path.read_text()), "engine": "qdrant"}))
    with pytest.raises(InputError, match="vector engine 'qdrant'"):
        load_index(tmp_path / "idx")


def test_an_engine_restored_from_a_manifest_points_where_the_build_wrote():
    assert MilvusEngine.from_manifest({"milvus": {"uri": LITE_FILE}}).uri is None
    assert MilvusEngine.from_manifest({"milvus": {"uri": "http://db:19530"}}).uri == "http://db:19530"
