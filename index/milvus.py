"""Milvus as the vector engine: an embedded Milvus Lite folder inside the index, or a Milvus server.

    legco-rag build --engine milvus                                  # Lite: INDEX/vectors.db
    legco-rag build --engine milvus --milvus-uri http://HOST:19530   # a Milvus server or cluster

Only the vectors move: passages, chunks and the lexical index stay files in the index folder. One
collection holds the chunk vectors, primary key = chunk position, so search returns the ids the
Retriever already uses. Up to EXACT_UP_TO vectors the index is FLAT (exact inner product over
L2-normalised vectors, the same ranking as FAISS's flat index); beyond, IVF_FLAT with the nlist and
nprobe `index.ann.ivf_spec` chose and measured for FAISS (the same algorithm: recall@10 ≥ 0.97).

What a rebuild swaps atomically: the index folder, and with it a Lite folder inside it. On a server
each build writes a new collection (`legco_<folder hash>_<build>`) before the swap and drops the one
the old manifest named after it; the manifest therefore switches collections in one step, but a
process still serving the old folder loses its collection then (restart `legco-rag serve`), and a
build killed between the swap and the drop leaves the old collection behind on the server.
Milvus Lite admits one process at a time: `ask` while `serve` holds the same index is refused.
"""
from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path

import numpy as np

from index.ann import EXACT_UP_TO, ivf_spec
from ingest.passage import InputError

LITE_FILE = "vectors.db"  # a folder, despite the name: pymilvus recognises Milvus Lite by ".db"
FIELD_ID, FIELD_VECTOR = "id", "vector"
INSERT_BATCH = 2048
READ_BATCH = 4096  # below Milvus's 16384-row cap on one query
TIMEOUT_S = 10.0
INSTALL = "pip install 'legco-rag[milvus]' (pymilvus and milvus-lite)"
# milvus-lite logs a traceback when it cannot open its folder; the one-line error below says why.
logging.getLogger("milvus_lite").addHandler(logging.NullHandler())


def index_params(n: int) -> tuple[dict, dict]:
    """The Milvus index for n vectors and its search parameters: exact FLAT, or IVF_FLAT beyond EXACT_UP_TO.

    >>> index_params(1_500)
    ({'index_type': 'FLAT', 'metric_type': 'IP', 'params': {}}, {})
    >>> index_params(1_000_000)[0]["params"], index_params(1_000_000)[1]
    ({'nlist': 4096}, {'nprobe': 256})
    """
    if n <= EXACT_UP_TO:
        return {"index_type": "FLAT", "metric_type": "IP", "params": {}}, {}
    spec = ivf_spec(n)
    nlist = int(spec.factory.removeprefix("IVF").split(",")[0])
    return {"index_type": "IVF_FLAT", "metric_type": "IP", "params": {"nlist": nlist}}, dict(spec.search)


def collection_name(folder: Path) -> str:
    """A collection name derived from the index folder, new for each build: legco_<folder>_<build>."""
    where = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:12]
    return f"legco_{where}_{uuid.uuid4().hex[:8]}"


def check_uri(uri: str | None) -> str | None:
    """None (Milvus Lite inside the index folder) or a server address http(s)://HOST:PORT."""
    if uri is None or uri.startswith(("http://", "https://")) and len(uri.split("://", 1)[1]) > 0:
        return uri
    raise InputError(f"--milvus-uri {uri!r} is not a Milvus server address: give http://HOST:19530, or leave "
                     f"it out for a Milvus Lite file inside the index folder")


def connect(uri: str, what: str):
    """A MilvusClient for `uri` (a server address, or the path of a Lite folder); errors in one line."""
    try:
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException
    except ImportError:
        raise InputError(f"{what} uses the Milvus engine, which is not installed: {INSTALL}") from None
    try:
        return MilvusClient(uri=uri, timeout=TIMEOUT_S)
    except MilvusException as e:
        if uri.startswith(("http://", "https://")):
            raise InputError(f"cannot reach the Milvus server at {uri} for {what} ({e.message}): start it, or "
                             f"check --milvus-uri") from None
        raise InputError(f"cannot open the Milvus Lite data '{uri}' for {what}: another process probably has it "
                         f"open (a running `legco-rag serve`?); stop it, or use a Milvus server "
                         f"(--milvus-uri http://HOST:19530)") from None


def release_lite(path: Path) -> None:
    """Close this process's embedded Milvus Lite server for `path`, so the folder can move or be reopened."""
    try:
        from milvus_lite.server_manager import server_manager_instance
    except ImportError:
        return
    server_manager_instance.release_server(str(path))


class MilvusVectors:
    """A Milvus collection that searches like a FAISS index: `search(q, k)`, `ntotal`, `d`, `reconstruct(i)`."""

    def __init__(self, client, collection: str, dim: int, search_params: dict):
        self.client, self.collection, self.d = client, collection, dim
        self.search_params = {"metric_type": "IP", "params": dict(search_params)}
        self.ntotal = int(client.get_collection_stats(collection)["row_count"])

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and chunk ids, (len(queries), k) each; -1 ids (and the lowest score) pad short results."""
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        scores = np.full((len(queries), k), np.finfo(np.float32).min, dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        if k <= 0 or self.ntotal == 0:
            return scores, ids
        results = self.client.search(self.collection, data=queries.tolist(), limit=k, anns_field=FIELD_VECTOR,
                                     search_params=self.search_params, output_fields=[FIELD_ID])
        for row, hits in enumerate(results):
            for col, hit in enumerate(hits[:k]):
                scores[row, col], ids[row, col] = hit["distance"], hit["id"]
        return scores, ids

    def reconstruct(self, i: int) -> np.ndarray:
        rows = self.client.get(self.collection, ids=[int(i)], output_fields=[FIELD_VECTOR])
        if not rows:
            raise KeyError(f"no vector {i} in Milvus collection {self.collection}")
        return np.asarray(rows[0][FIELD_VECTOR], dtype=np.float32)

    def all_vectors(self) -> np.ndarray:
        """Every vector, in id order, read back in batches."""
        matrix = np.zeros((self.ntotal, self.d), dtype=np.float32)
        for start in range(0, self.ntotal, READ_BATCH):
            stop = min(self.ntotal, start + READ_BATCH)
            rows = self.client.query(self.collection, filter=f"{FIELD_ID} >= {start} and {FIELD_ID} < {stop}",
                                     output_fields=[FIELD_ID, FIELD_VECTOR], limit=stop - start)
            for row in rows:
                matrix[int(row[FIELD_ID])] = row[FIELD_VECTOR]
        return matrix


class MilvusEngine:
    """Vectors in Milvus: Lite inside the index folder (uri None) or on a server at `uri`."""

    name = "milvus"
    local_files = (LITE_FILE,)

    def __init__(self, uri: str | None = None):
        self.uri = check_uri(uri)

    @classmethod
    def from_manifest(cls, manifest: dict) -> "MilvusEngine":
        uri = manifest.get("milvus", {}).get("uri", LITE_FILE)
        return cls(None if uri == LITE_FILE else uri)

    def _where(self, folder: Path) -> str:
        return self.uri or str(Path(folder) / LITE_FILE)

    def check_reachable(self, folder: Path) -> None:
        """Refuse an unreachable server before minutes of embedding (Lite needs nothing)."""
        if self.uri:
            connect(self.uri, f"index '{folder}'").close()

    def write(self, vectors: np.ndarray, tmp: Path, folder: Path) -> dict:
        from pymilvus import DataType

        where = self._where(tmp)
        client = connect(where, f"index '{folder}'")
        name = collection_name(folder)
        index, search = index_params(len(vectors))
        try:
            schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field(FIELD_ID, DataType.INT64, is_primary=True)
            schema.add_field(FIELD_VECTOR, DataType.FLOAT_VECTOR, dim=int(vectors.shape[1]))
            params = client.prepare_index_params()
            params.add_index(field_name=FIELD_VECTOR, **index)
            client.create_collection(name, schema=schema, index_params=params)
            for start in range(0, len(vectors), INSERT_BATCH):
                block = vectors[start:start + INSERT_BATCH]
                client.insert(name, [{FIELD_ID: start + j, FIELD_VECTOR: v.tolist()} for j, v in enumerate(block)])
            client.flush(name)
        except BaseException:
            if self.uri:
                self._drop(self.uri, name)
            raise
        finally:
            client.close()
            if not self.uri:
                release_lite(Path(where))  # the folder is about to be renamed
        return {"engine": self.name, "milvus": {"uri": self.uri or LITE_FILE, "collection": name,
                                                "index": index, "search": search}}

    def checked_files(self) -> tuple[str, ...]:
        return ()  # Milvus Lite rewrites its own files when opened; counts and dimension are checked instead

    def open(self, folder: Path, manifest: dict) -> MilvusVectors:
        from pymilvus.exceptions import MilvusException

        settings = manifest.get("milvus", {})
        collection = settings.get("collection", "")
        client = connect(self._where(folder), f"index '{folder}'")
        rebuild = f"run: legco-rag build --engine milvus --index {folder}" + (
            f" --milvus-uri {self.uri}" if self.uri else "")
        try:
            if not client.has_collection(collection):
                raise InputError(f"index '{folder}' names Milvus collection {collection!r}, which "
                                 f"{self.uri or 'its Lite data'} does not hold: {rebuild}")
            client.load_collection(collection)
            return MilvusVectors(client, collection, int(manifest["dimension"]), settings.get("search", {}))
        except MilvusException as e:
            raise InputError(f"index '{folder}': Milvus collection {collection!r} cannot be read "
                             f"({e.message}): {rebuild}") from None

    def all_vectors(self, store: MilvusVectors) -> np.ndarray:
        return store.all_vectors()

    def discard(self, written: dict) -> None:
        if self.uri and written:
            self._drop(self.uri, written["milvus"]["collection"])

    def retire(self, folder: Path, manifest: dict) -> None:
        if not self.uri:
            release_lite(Path(folder) / LITE_FILE)  # a server this process opened there serves the old data
        else:
            self._drop(self.uri, manifest.get("milvus", {}).get("collection", ""))

    @staticmethod
    def _drop(uri: str, collection: str) -> None:
        """Drop a collection no index names any more; best effort (an unreachable server keeps it)."""
        try:
            client = connect(uri, f"dropping collection {collection}")
            try:
                client.drop_collection(collection)
            finally:
                client.close()
        except Exception:  # noqa: BLE001 - tidying must never fail a build that has already succeeded
            pass
