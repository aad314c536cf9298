"""Milvus against FAISS on one index's vectors: store-write seconds, query p50, recall@10 against exact.

    python -m eval.milvus_bench --index /tmp/milvus-idx [--scale 100000] [--output OUT.json]

The vectors are read back from the index (either engine); the queries are the eval questions
embedded with the index's model. Each engine writes the same vectors into a scratch folder, then
answers every question with k = 50 (the Retriever's dense pool); recall@10 is measured against an
exact inner-product scan. --scale N adds N synthetic vectors drawn around the real ones
(eval/synthetic.py), where Milvus switches to IVF_FLAT.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

POOL = 50


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def compare(vectors: np.ndarray, queries: np.ndarray) -> dict:
    """Both engines over `vectors`: write seconds, p50/p95 ms per query, recall@10 against exact."""
    from index.ann import exact_search, recall_at_k
    from index.store import MANIFEST
    from index.vectors import engine_for_build

    truth = exact_search(vectors, queries, 10)
    k = min(POOL, len(vectors))
    row = {"n": len(vectors), "dim": int(vectors.shape[1]), "queries": len(queries)}
    for name in ("faiss", "milvus"):
        engine = engine_for_build(name)
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "index"
            folder.mkdir()
            fields, seconds = _timed(lambda: engine.write(vectors, folder, folder))
            manifest = {"dimension": int(vectors.shape[1]), **fields}
            (folder / MANIFEST).write_text(json.dumps(manifest))
            store = engine.open(folder, manifest)
            for q in queries[:3]:  # warm-up
                store.search(q[None, :], k)
            times, found = [], []
            for q in queries:
                (_, ids), t = _timed(lambda: store.search(q[None, :], k))
                times.append(t * 1000)
                found.append(ids[0][:10])
            if name == "milvus":
                engine.retire(folder, manifest)
        row[name] = {"write_s": round(seconds, 2), "p50_ms": round(float(np.percentile(times, 50)), 2),
                     "p95_ms": round(float(np.percentile(times, 95)), 2),
                     "recall@10": round(recall_at_k(np.array(found), truth, 10), 4),
                     "index": fields.get("milvus", {}).get("index", {}).get("index_type") or fields.get("faiss")}
    return row


def main(argv: list[str] | None = None) -> int:
    from eval.run import load_questions
    from eval.synthetic import synthetic_queries, synthetic_vectors
    from index.embed import load_embedder
    from index.store import load_index, stored_vectors

    ap = argparse.ArgumentParser(prog="python -m eval.milvus_bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True, help="an index folder (either engine)")
    ap.add_argument("--scale", type=int, default=0, help="also a synthetic collection of this many vectors")
    ap.add_argument("--output", default=None)
    args = ap.parse_args(argv)

    index = load_index(Path(args.index))
    by_id = stored_vectors(index)
    vectors = np.stack([by_id[c.id] for c in index.chunks]).astype(np.float32)
    questions = [q["question"] for q in load_questions()]
    queries = load_embedder(index.model).encode_queries(questions).astype(np.float32)
    rows = [{"collection": "bundled report", **compare(vectors, queries)}]
    if args.scale:
        synthetic = synthetic_vectors(vectors, args.scale)
        rows.append({"collection": f"synthetic {args.scale}",
                     **compare(synthetic, synthetic_queries(vectors, args.scale, len(questions)))})
    text = json.dumps(rows, indent=2)
    print(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
