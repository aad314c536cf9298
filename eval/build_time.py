"""Index build speed on the bundled report: from nothing, unchanged, and in float32."""
from __future__ import annotations

from pathlib import Path

from eval.memory import folder_mb
from index.defaults import BUNDLED_REPORT


def build_bundled(folder: Path, embedder) -> dict:
    """Build the bundled report's index from nothing, then again (everything reused)."""
    from index.build import build

    first = build([BUNDLED_REPORT], folder, embedder, progress=False)
    again = build([BUNDLED_REPORT], folder, embedder, progress=False)
    chunks = first.manifest["chunks"]
    out = {"passages": first.manifest["count"], "chunks": chunks, "bf16": embedder.bf16,
           "seconds": round(first.seconds, 2), "chunks_per_second": round(chunks / first.seconds, 1),
           "rebuild_unchanged_seconds": round(again.seconds, 2), "rebuild_embedded": again.embedded,
           "index_mb": folder_mb(folder), "ann": first.manifest.get("ann")}
    if embedder.bf16:  # the same build in float32, as on a CPU without bf16 in hardware
        embedder.bf16 = False
        try:
            out["seconds_float32"] = round(build([BUNDLED_REPORT], folder.with_name("index-float32"), embedder,
                                                 progress=False).seconds, 2)
        finally:
            embedder.bf16 = True
    return out
