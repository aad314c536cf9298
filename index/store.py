"""An index is a boring folder: manifest.json, passages.jsonl, chunks.jsonl, vectors.faiss, lexical/.

passages.jsonl holds each whole passage as the report numbers it; chunks.jsonl holds the pieces
that were embedded, row i matching vector i of vectors.faiss and document i of lexical/.
Beside them, so a large index opens in seconds and holds little: each jsonl's line offsets
(passages are read by row, PassageFile), the key table (index/key_table.py), and for an index of
compressed codes the exact vectors (vectors.npy, read by row to re-score). An index written before
these files opens as before: offsets are found by a scan, the Retriever reads the passages.
The vectors may instead live in Milvus (index/milvus.py: a vectors.db folder inside the index, or
a server); the manifest's "engine" says which, and index/vectors.py opens either.

Builds are written to a temporary folder beside the target and swapped in by rename, so a
failed or killed build never damages the index that was there before.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from index import atomic, key_table, tokeniser
from index.defaults import cache_dir
from index.ann import AnnSpec
from index.key_table import KeyTable
from index.lexical import LexicalIndex
from index.vectors import EXACT_VECTORS, VectorEngine, engine_for_build, engine_for_manifest, local_files
from ingest.passage import Document, InputError, Passage
from ingest.read import file_sha256

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
CHUNKS = "chunks.jsonl"
LEXICAL = "lexical"
# Byte offset of each line of passages.jsonl / chunks.jsonl (int64, one more than lines: the end), so
# a loaded index reads a passage by row instead of holding every passage in memory. Indexes written
# before these files existed find the offsets by scanning the jsonl once on load.
OFFSETS = {PASSAGES: "passages.offsets.npy", CHUNKS: "chunks.offsets.npy"}
# The exact float32 vectors, kept beside an ANN index that stores compressed codes (IVF…,SQ8): a
# search re-scores its candidates with them (memory-mapped, read by row: index.ann.Reranked), and an
# incremental rebuild reuses the vectors themselves, not their approximations. The file name,
# EXACT_VECTORS, is index.vectors', which reads them.


@dataclass(frozen=True)
class Index:
    """A loaded index: its manifest, whole passages, embedded chunks and both search structures."""

    folder: Path
    manifest: dict
    passages: Sequence[Passage]  # a PassageFile when loaded (read by row from disk), or a tuple
    chunks: Sequence[Passage]  # chunk i ↔ vector i ↔ lexical document i
    vectors: object  # an index.vectors.VectorStore (a faiss.Index by default): inner product, ids = chunk rows
    lexical: LexicalIndex
    keys: KeyTable | None = None  # passages' and chunks' keys as numbers; None for an index written before

    @property
    def model(self) -> str:
        return self.manifest["model"]

    @property
    def documents(self) -> dict[str, Document]:
        """Each paper by its id (of a bilingual pair, the version indexed first)."""
        out: dict[str, Document] = {}
        for d in self.versions:
            out.setdefault(d.doc_id, d)
        return out

    @property
    def versions(self) -> tuple[Document, ...]:
        """Every indexed document, both language versions of a bilingual paper included, in index order."""
        return tuple(document_from_manifest(d) for d in self.manifest["documents"])


def document_from_manifest(entry: dict) -> Document:
    """A manifest's "documents" entry as a Document (indexes written before committees were recorded
    give "" for what they lack)."""
    return Document(**{k: entry[k] for k in ("doc_id", "title", "date", "lang", "source")},
                    committee=entry.get("committee", ""), checksum=entry.get("sha256", ""),
                    url=entry.get("url", ""))


def document_entry(d: Document, passages: int) -> dict:
    """A Document as the manifest lists it. "sha256" is the source's checksum as read when the document
    was indexed (kept when the source has since moved); "passages" counts its passages."""
    checksum = d.checksum or (file_sha256(Path(d.source)) if d.source and Path(d.source).is_file() else "")
    return {"doc_id": d.doc_id, "title": d.title, "date": d.date, "lang": d.lang, "source": d.source,
            "sha256": checksum, "committee": d.committee, "url": d.url, "passages": passages}


def _write_jsonl(path: Path, passages) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_json(), ensure_ascii=False) + "\n")


def line_offsets(path: Path, block: int = 1 << 24) -> np.ndarray:
    """Byte offsets of the non-empty lines of a file, plus its length: line i is bytes [o[i], o[i+1]).

    An empty line joins the line before it (json.loads ignores the trailing whitespace).

    >>> # b'{"a": 1}\\n\\n{"b": 2}\\n' → [0, 10, 19]
    """
    ends, size = [], 0
    with open(path, "rb") as f:
        while chunk := f.read(block):
            ends.append(np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10) + size + 1)
            size += len(chunk)
    starts = np.concatenate([[0], *ends]).astype(np.int64)
    if starts[-1] != size:
        starts = np.append(starts, size)  # a last line without a newline
    blank = np.diff(starts) <= 1  # a lone newline: its bytes join the line before
    return np.append(starts[:-1][~blank], size)


class PassageFile(Sequence):
    """The passages of a jsonl file, read from disk by row: only the lines' byte offsets are held.

        passages = PassageFile(folder / "passages.jsonl", offsets)
        passages[41], len(passages), list(passages[:3])

    A million passages cost 8 MB of offsets instead of about 700 MB of Passage objects. Recently
    read rows are kept (a question reads the same hits several times).
    """

    def __init__(self, path: Path, offsets: np.ndarray):
        self.path = Path(path)
        self._offsets = np.asarray(offsets, dtype=np.int64)
        self._fd: int | None = None
        self._opening = threading.Lock()  # two threads reading their first rows open the file once
        self._row = lru_cache(maxsize=4096)(self._read_row)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self._row(j) for j in range(*i.indices(len(self))))
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"passage row {i} is outside 0..{n - 1} of '{self.path}'")
        return self._row(int(i) % n)

    def __iter__(self):
        with open(self.path, "rb") as f:  # rows are contiguous: one sequential read
            f.seek(int(self._offsets[0]))
            for length in np.diff(self._offsets).tolist():
                yield Passage.from_json(json.loads(f.read(length)))

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and \
            len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None

    def __repr__(self) -> str:
        return f"PassageFile('{self.path}', {len(self)} passages)"

    def _read_row(self, i: int) -> Passage:
        if self._fd is None:
            with self._opening:
                if self._fd is None:
                    self._fd = os.open(self.path, os.O_RDONLY)
        start, end = int(self._offsets[i]), int(self._offsets[i + 1])
        return Passage.from_json(json.loads(os.pread(self._fd, end - start, start)))

    def __del__(self):
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)


def _passage_file(folder: Path, name: str) -> PassageFile:
    """passages.jsonl or chunks.jsonl of an index, with its offsets file or (older indexes) a scan."""
    offsets_path = folder / OFFSETS[name]
    offsets = np.load(offsets_path) if offsets_path.is_file() else line_offsets(folder / name)
    return PassageFile(folder / name, offsets)


def write_index(folder: Path, *, passages: list[Passage], chunks: list[Passage], vectors: np.ndarray,
                lexical: LexicalIndex, model: str, documents: list[Document], extra: dict | None = None,
                ann: AnnSpec | None = None, engine: VectorEngine | None = None,
                tokens_by: dict | None = None, keys: KeyTable | None = None) -> dict:
    """Write a complete index to `folder` atomically and return its manifest.

    The vectors go to `engine` (default FAISS). The FAISS index is `ann` or, by default, the one
    `choose_index` picks for the collection's size; its kind and search parameters go into the
    manifest and are applied again by `load_index`.

    `tokens_by` is the record of the tokeniser that made `lexical`'s tokens (index.tokeniser.current()
    when not given); loading the index compares it with the tokeniser of the code that loads it.
    `keys` is the collection's KeyTable when the caller already has it (made from the passages if not).
    """
    engine = engine or engine_for_build(ann=ann)
    if len(chunks) != len(vectors):
        raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
    folder = Path(folder)
    check_target(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.building-{os.getpid()}-", dir=folder.parent))
    stored: dict = {}
    counts = Counter((p.doc, p.lang) for p in passages)  # a passage with no language: any version's
    try:
        tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it owner-only; an index is an ordinary folder
        for name, rows in ((PASSAGES, passages), (CHUNKS, chunks)):
            _write_jsonl(tmp / name, rows)
            np.save(tmp / OFFSETS[name], line_offsets(tmp / name))
        (keys or KeyTable.of(passages, chunks)).save(tmp)
        stored = engine.write(vectors, tmp, folder)
        exact = "ann" in stored and AnnSpec.from_json(stored["ann"]).lossy
        if exact:
            np.save(tmp / EXACT_VECTORS, np.ascontiguousarray(vectors, dtype=np.float32))
        lexical.save(tmp / LEXICAL)
        manifest = {
            "format_version": FORMAT_VERSION,
            "model": model,
            "dimension": int(vectors.shape[1]),
            "count": len(passages),
            "chunks": len(chunks),
            **stored,
            "tokeniser": tokens_by or tokeniser.current(),
            "documents": [document_entry(d, counts[(d.doc_id, d.lang)] + counts[(d.doc_id, "")])
                          for d in documents],
            "files": {name: file_sha256(tmp / name) for name in (PASSAGES, CHUNKS, *OFFSETS.values(),
                                                                 *key_table.FILES,
                                                                 *((EXACT_VECTORS,) if exact else ()),
                                                                 *engine.checked_files(), *sorted(
                f.relative_to(tmp).as_posix() for f in (tmp / LEXICAL).rglob("*") if f.is_file()))},
            **(extra or {}),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        replaced = _previous_manifest(folder)
        atomic.replace_folder(tmp, folder)  # the old index stays whole and in place until the new one is
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        engine.discard(stored)
        raise
    if replaced:
        engine_for_manifest(replaced).retire(folder, replaced)
    return manifest


def _previous_manifest(folder: Path) -> dict | None:
    """The manifest of the index about to be replaced, if one can be read (to let go of its vectors)."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def check_target(folder: Path) -> None:
    """Refuse to build into a file or a folder of other things: swapping it out would delete them."""
    if Path(folder).exists() and not _replaceable(Path(folder)):
        raise InputError(f"'{folder}' exists and is not a legco-rag index: give --index a new or empty folder, "
                         f"or an index folder")


def _replaceable(folder: Path) -> bool:
    """True for a folder a build may replace: empty, or holding only what an index holds."""
    kept = (MANIFEST, PASSAGES, CHUNKS, LEXICAL, *OFFSETS.values(), EXACT_VECTORS, *key_table.FILES, *local_files())
    return folder.is_dir() and all(child.name in kept for child in folder.iterdir())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_stale(folder: Path) -> None:
    """Delete what builds of `folder` killed before they finished left behind (their process is gone)."""
    for leftover in folder.parent.glob(f".{glob.escape(folder.name)}.*-*"):
        kind, _, rest = leftover.name[len(folder.name) + 2:].partition("-")
        pid = rest.split("-")[0]
        if kind in ("building", "old") and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def read_manifest(folder: Path) -> dict:
    """The manifest of the index in `folder`, checked for a format this version can read."""
    folder = Path(folder)
    rebuild = f"run: legco-rag build --index {folder}"
    path = folder / MANIFEST
    if not path.is_file():
        if folder.exists() and not _replaceable(folder):
            raise InputError(f"'{folder}' is not a legco-rag index (no {MANIFEST}): give --index the folder "
                             f"`legco-rag build` wrote")
        if folder.is_dir() and any(folder.iterdir()):
            raise InputError(f"index '{folder}' has no {MANIFEST} (damaged or half-copied): {rebuild}")
        for old in folder.parent.glob(f".{glob.escape(folder.name)}.old-*"):  # a swap cut short (not on Linux)
            if (old / MANIFEST).is_file():
                raise InputError(f"no index at '{folder}', but a build stopped while swapping left the previous "
                                 f"one at '{old}': move it back (mv '{old}' '{folder}') or {rebuild}")
        raise InputError(f"no index at '{folder}': {rebuild}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        version = int(manifest["format_version"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputError(f"index manifest '{path}' is damaged: {rebuild}") from None
    if version > FORMAT_VERSION:
        raise InputError(f"index '{folder}' has format version {version}, newer than this legco-rag "
                         f"reads ({FORMAT_VERSION}): upgrade legco-rag or {rebuild}")
    if not _well_formed(manifest):
        raise InputError(f"index manifest '{path}' is damaged (a field is missing or of the wrong type): {rebuild}")
    return manifest


def _well_formed(manifest: dict) -> bool:
    """True if the manifest has every field load_index and the app read, each of the right type."""
    ints = all(isinstance(manifest.get(k), int) for k in ("dimension", "count", "chunks"))
    files = manifest.get("files", {})
    documents = manifest.get("documents")
    return (ints and isinstance(manifest.get("model"), str) and isinstance(files, dict)
            and all(isinstance(k, str) and isinstance(v, str) and ".." not in Path(k).parts
                    and not Path(k).is_absolute() for k, v in files.items())
            and isinstance(documents, list)
            and all(isinstance(d, dict) and all(isinstance(d.get(k), str) for k in ("doc_id", "title", "date",
                                                                                     "lang", "source"))
                    for d in documents))


def load_index(folder: Path, check_tokens: bool = True) -> Index:
    """Load and verify an index folder; any damage is reported with the command that fixes it.

    An index whose tokens another tokeniser made raises index.tokeniser.TokeniserChanged: its lexical
    search would quietly miss. `check_tokens=False` is for a rebuild that only reuses the vectors.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    if check_tokens:
        tokeniser.check(folder, manifest)
    rebuild = f"run: legco-rag build --index {folder}"
    _verify_files(folder, manifest.get("files", {}), rebuild)
    try:
        passages = _passage_file(folder, PASSAGES)
        chunks = _passage_file(folder, CHUNKS)
        vectors = engine_for_manifest(manifest).open(folder, manifest)
        lexical = LexicalIndex.load(folder / LEXICAL)
        keys = KeyTable.load(folder)
    except InputError:
        raise  # the engine's own one-line reason (not installed, unreachable, in use)
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        raise InputError(f"index '{folder}' cannot be read ({type(e).__name__}): {rebuild}") from None
    if not (len(passages) == manifest["count"] and len(chunks) == vectors.ntotal == manifest["chunks"]):
        raise InputError(f"index '{folder}' is inconsistent: manifest says {manifest['count']} passages in "
                         f"{manifest['chunks']} chunks, found {len(passages)} passages, {len(chunks)} chunks "
                         f"and {vectors.ntotal} vectors: {rebuild}")
    if vectors.d != manifest["dimension"]:
        raise InputError(f"index '{folder}' vectors have dimension {vectors.d}, manifest says "
                         f"{manifest['dimension']}: {rebuild}")
    if keys is not None and (len(keys.passage_doc), len(keys.chunk_doc)) != (len(passages), len(chunks)):
        raise InputError(f"index '{folder}' is inconsistent: its key table has {len(keys.passage_doc)} passages "
                         f"and {len(keys.chunk_doc)} chunks, found {len(passages)} and {len(chunks)}: {rebuild}")
    return Index(folder=folder, manifest=manifest, passages=passages, chunks=chunks, vectors=vectors,
                 lexical=lexical, keys=keys)


def _verify_files(folder: Path, files: dict[str, str], rebuild: str) -> None:
    """Check each manifest-listed file against its checksum; a file unchanged since it was last checked
    (same size, modification time and inode, recorded in the cache) is not read again: hashing a
    million passages' files took most of a large index's opening time."""
    record = cache_dir() / "verified" / (hashlib.sha1(str(folder.resolve()).encode("utf-8")).hexdigest() + ".json")
    try:
        checked = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        checked = {}
    now = {}
    for name, expected in files.items():
        path = folder / name
        if not path.is_file():
            raise InputError(f"index file '{path}' is missing: {rebuild}")
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino, expected]
        if checked.get(name) != stamp and file_sha256(path) != expected:
            raise InputError(f"index file '{path}' does not match its checksum in the manifest "
                             f"(corrupted or edited): {rebuild}")
        now[name] = stamp
    if now != checked:
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            atomic.write_text(record, json.dumps(now))
        except OSError:
            pass  # a read-only cache: the files are hashed again next time


def stored_vectors(index: Index) -> dict[str, np.ndarray]:
    """Chunk id → stored vector, so a rebuild can skip chunks it has already embedded."""
    exact = Path(index.folder) / EXACT_VECTORS
    matrix = np.load(exact, mmap_mode="r") if exact.is_file() else \
        engine_for_manifest(index.manifest).all_vectors(index.vectors)
    return {c.id: matrix[i] for i, c in enumerate(index.chunks)}
