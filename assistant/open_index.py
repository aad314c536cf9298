"""Open the retriever every entry point uses (CLI, app, eval): the given index, or the default one.

The default index holds the bundled report and belongs to legco-rag, so it is built on first use
and rebuilt when the tokeniser has changed since; any other index is the user's, and a stale one
is refused with the command that rebuilds it (index.tokeniser.TokeniserChanged).
"""
from __future__ import annotations

import sys
from pathlib import Path

from index.defaults import BUNDLED_REPORT, default_index_dir


def open_retriever(index: str | None, model: str | None = None):
    """The retriever over `index`; the default index of the bundled report is built on first use."""
    from assistant.retrieve import Retriever

    folder = Path(index) if index else default_index_dir()
    if index is None:
        ensure_default_index(folder, model)
    return Retriever.open(folder, model)


def ensure_default_index(folder: Path, model: str | None = None) -> None:
    """Build the default index if it is missing; rebuild it from its own reports if its tokeniser is stale."""
    from index.build import build
    from index.embed import load_embedder
    from index.store import MANIFEST, read_manifest
    from index.tokeniser import TokeniserChanged, check

    if not (folder / MANIFEST).exists():
        print(f"building the index of the bundled report into {folder} (once)…", file=sys.stderr)
        build([BUNDLED_REPORT], folder, load_embedder(model))
        return
    try:
        check(folder, read_manifest(folder))
    except TokeniserChanged as stale:
        sources = [Path(s) for s in stale.sources]
        if not sources or not all(s.is_file() for s in sources):
            raise  # its reports are gone: the message says how to rebuild it by hand
        print(f"rebuilding the index {folder}: it {stale.reason}…", file=sys.stderr)
        build(sources, folder, load_embedder(model))
