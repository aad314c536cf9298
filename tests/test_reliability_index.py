"""Index integrity: a build killed at any moment leaves the previous index loadable; damage, a model
or format mismatch is a one-line message with the command that fixes it.

Most tests use a fake embedder (fast, exact); the kill of a real `legco-rag build` is marked `model`.
Rerun: .venv/bin/python -m pytest -q tests/test_reliability_index.py
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import index.atomic as atomic
import index.store as store
from assistant.cli import main
from assistant.retrieve import Retriever
from index.build import build
from index.store import MANIFEST, load_index
from ingest.parse import load_report
from ingest.passage import InputError

from fakes import MINI, HashEmbedder

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "reports" / "cb2-1292-2025.zh-Hant.txt"
MINI_COUNT, BUNDLED_COUNT = (len(load_report(path)[1]) for path in (MINI, BUNDLED))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a folder → its sha256: equal snapshots mean an untouched index."""
    return {str(p.relative_to(folder)): store.file_sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir())


@pytest.fixture
def index_dir(tmp_path) -> Path:
    """The mini report indexed with the fake embedder: the 'previous index' a later build must not harm."""
    folder = tmp_path / "indexes" / "index"  # alone in its parent, so leftovers beside it show
    build([MINI], folder, HashEmbedder(), progress=False)
    return folder


# ---- damage: one line naming the fix ---------------------------------------------------------

def _edit_manifest(**changes):
    def edit(folder: Path) -> None:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        manifest.update(changes)
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return edit


def _without(key):
    def edit(folder: Path) -> None:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        del manifest[key]
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return edit


def _flip_byte(name):
    def edit(folder: Path) -> None:
        data = bytearray((folder / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (folder / name).write_bytes(bytes(data))
    return edit


def _truncate(name):
    def edit(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2])
    return edit


def _lexical_file(folder: Path) -> str:
    return next(p.relative_to(folder).as_posix() for p in sorted((folder / "lexical").iterdir()))


DAMAGE = {  # what was done → (how, what the message says besides the fix)
    "vectors truncated": (_truncate("vectors.faiss"), "does not match its checksum"),
    "one bit of a passage flipped": (_flip_byte("passages.jsonl"), "does not match its checksum"),
    "chunks deleted": (lambda f: (f / "chunks.jsonl").unlink(), "is missing"),
    "a lexical file edited": (lambda f: _flip_byte(_lexical_file(f))(f), "does not match its checksum"),
    "lexical folder deleted": (lambda f: shutil.rmtree(f / "lexical"), "is missing"),
    "manifest truncated": (_truncate(MANIFEST), "is damaged"),
    "manifest not JSON": (lambda f: (f / MANIFEST).write_bytes(b"\xff\xfe\x00{oops"), "is damaged"),
    "manifest a list": (lambda f: (f / MANIFEST).write_text("[]"), "is damaged"),
    "manifest without count": (_without("count"), "is damaged"),
    "manifest files not a dict": (_edit_manifest(files="x"), "is damaged"),
    "manifest file outside the index": (_edit_manifest(files={"../../etc/passwd": "0"}), "is damaged"),
    "manifest checksum edited": (_edit_manifest(files={"passages.jsonl": "0" * 64}), "does not match its checksum"),
    "manifest count edited": (_edit_manifest(count=1), "is inconsistent"),
    "manifest dimension edited": (_edit_manifest(dimension=768), "manifest says 768"),
    "manifest deleted": (lambda f: (f / MANIFEST).unlink(), "has no manifest.json"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_index_is_refused_with_the_command_that_rebuilds_it(index_dir, damage):
    how, says = DAMAGE[damage]
    how(index_dir)
    with pytest.raises(InputError) as refused:
        load_index(index_dir)
    message = str(refused.value)
    assert says in message and message.endswith(f"legco-rag build --index {index_dir}"), message
    assert "\n" not in message


@pytest.mark.parametrize("damage", ["vectors truncated", "manifest not JSON", "manifest deleted"])
def test_the_cli_says_it_in_one_line_and_exits_2(index_dir, capsys, damage):
    DAMAGE[damage][0](index_dir)
    assert main(["ask", "香港2030年需要多少算力？", "--index", str(index_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("legco-rag: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert f"legco-rag build --index {index_dir}" in err


def test_an_index_from_a_newer_version_says_upgrade_or_rebuild(index_dir):
    _edit_manifest(format_version=store.FORMAT_VERSION + 1)(index_dir)
    with pytest.raises(InputError, match=rf"format version {store.FORMAT_VERSION + 1}, newer than this legco-rag "
                                         rf"reads \({store.FORMAT_VERSION}\): upgrade legco-rag or run: "
                                         rf"legco-rag build --index {index_dir}$"):
        load_index(index_dir)


def test_asking_with_another_model_than_the_index_was_built_with_names_both_and_the_fix(index_dir):
    with pytest.raises(InputError, match=rf"built with model hash-fake, not other-model: drop --model, or rebuild "
                                         rf"with: legco-rag build --model other-model --index {index_dir}$"):
        Retriever.open(index_dir, "other-model")


def test_a_query_model_of_another_dimension_is_refused_with_the_fix(index_dir):
    class Wide(HashEmbedder):
        name, dim = "wide", 32

    with pytest.raises(InputError, match=r"built with model hash-fake \(dim 16\) but the query model wide has dim 32: "
                                         r"use --model hash-fake or rebuild with legco-rag build"):
        Retriever(load_index(index_dir), Wide())


@pytest.mark.model
def test_an_index_whose_model_is_not_here_says_rebuild(index_dir):
    with pytest.raises(InputError, match=rf"built with model hash-fake, which cannot be loaded here .* "
                                         rf"legco-rag build --index {index_dir}$"):
        Retriever.open(index_dir)


def test_no_index_at_all_says_how_to_build_one(tmp_path):
    with pytest.raises(InputError, match=rf"^no index at '{tmp_path / 'none'}': run: legco-rag build --index"):
        load_index(tmp_path / "none")


# ---- builds that fail or are refused leave everything as it was -------------------------------

def test_a_build_that_fails_midway_leaves_the_old_index_untouched_and_no_temporary_folder(index_dir):
    before, names = snapshot(index_dir), siblings(index_dir)

    class Failing(HashEmbedder):
        def encode_passages(self, texts, **kw):
            raise RuntimeError("out of memory while embedding")

    with pytest.raises(RuntimeError):
        build([BUNDLED], index_dir, Failing(), progress=False)
    assert snapshot(index_dir) == before and siblings(index_dir) == names
    load_index(index_dir)


def test_a_build_into_a_folder_of_other_files_is_refused_before_embedding_and_deletes_nothing(tmp_path):
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "thesis.docx").write_bytes(b"precious")

    class Watching(HashEmbedder):
        used = False

        def encode_passages(self, texts, **kw):
            Watching.used = True
            return super().encode_passages(texts)

    for target in (documents, documents / "thesis.docx"):
        with pytest.raises(InputError, match="exists and is not a legco-rag index: give --index a new or empty folder"):
            build([MINI], target, Watching(), progress=False)
    assert (documents / "thesis.docx").read_bytes() == b"precious" and not Watching.used
    assert siblings(documents) == ["Documents"]


def test_rebuilding_over_an_index_swaps_it_whole(index_dir):
    old = load_index(index_dir)
    build([BUNDLED], index_dir, HashEmbedder(), progress=False)
    new = load_index(index_dir)
    assert len(new.passages) == BUNDLED_COUNT != len(old.passages)
    assert siblings(index_dir) == ["index"]


def test_without_an_atomic_exchange_the_two_renames_still_leave_a_whole_index(index_dir, monkeypatch):
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)  # as on macOS or Windows
    build([BUNDLED], index_dir, HashEmbedder(), progress=False)
    assert len(load_index(index_dir).passages) == BUNDLED_COUNT and siblings(index_dir) == ["index"]


def test_a_swap_cut_between_its_two_renames_says_where_the_previous_index_is(index_dir):
    old = index_dir.parent / f".index.old-{2**22 + 7}"
    os.rename(index_dir, old)  # what a kill between the renames leaves (only where the exchange is missing)
    with pytest.raises(InputError, match=rf"a build stopped while swapping left the previous one at '{old}': "
                                         rf"move it back \(mv '{old}' '{index_dir}'\)"):
        load_index(index_dir)


# ---- killed builds: SIGKILL at each stage ----------------------------------------------------

KILLED_BUILD = textwrap.dedent('''
    """Build with a fake embedder, stopping at STAGE until killed."""
    import sys, time
    from pathlib import Path
    sys.path[:0] = [{root!r}, {tests!r}]
    import index.atomic, index.build, index.store
    from fakes import HashEmbedder

    stage, report, folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])

    def pause():
        print("PAUSED", flush=True)
        time.sleep(600)

    class Slow(HashEmbedder):
        def encode_passages(self, texts, **kw):
            if stage == "embedding":
                pause()
            return super().encode_passages(texts)

    save = index.store.LexicalIndex.save
    def save_then_pause(self, folder_):
        save(self, folder_)  # passages, chunks, vectors and the lexical index are written; no manifest yet
        if stage == "writing":
            pause()
    index.store.LexicalIndex.save = save_then_pause

    swap = index.atomic.replace_folder
    def pause_then_swap(new, target):
        if stage == "swapping":  # the new index is complete beside the old one
            pause()
        swap(new, target)
    index.atomic.replace_folder = pause_then_swap

    index.build.build([report], folder, Slow(), progress=False)
''')


def start_killable_build(tmp_path: Path, stage: str, folder: Path) -> subprocess.Popen:
    script = tmp_path / "killed_build.py"
    script.write_text(KILLED_BUILD.format(root=str(ROOT), tests=str(ROOT / "tests")), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), stage, str(BUNDLED), str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if line.strip() != "PAUSED":
        proc.kill()
        raise AssertionError(f"the build did not reach {stage}: {proc.stderr.read()[-2000:]}")
    return proc


@pytest.mark.parametrize("stage", ["embedding", "writing", "swapping"])
def test_a_build_killed_while_stage_leaves_the_previous_index_loadable(tmp_path, index_dir, stage):
    before = snapshot(index_dir)
    proc = start_killable_build(tmp_path, stage, index_dir)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()

    assert snapshot(index_dir) == before  # not a byte changed
    assert len(load_index(index_dir).passages) == MINI_COUNT  # the mini report, not the half-built bundled one
    leftovers = [n for n in siblings(index_dir) if n != "index"]  # the killed build's own temporary folder
    assert len(leftovers) == (0 if stage == "embedding" else 1)
    assert all(n.startswith(f".index.building-{proc.pid}-") for n in leftovers)

    build([BUNDLED], index_dir, HashEmbedder(), progress=False)  # the next build clears what the killed one left
    assert siblings(index_dir) == ["index"] and len(load_index(index_dir).passages) == BUNDLED_COUNT


@pytest.mark.model
def test_a_real_legco_rag_build_killed_while_embedding_leaves_the_previous_index_loadable(tmp_path, app_index):
    """The real CLI and model: over an index of the bundled report, kill a rebuild mid-embedding."""
    from app_server import _env
    from index.normalise import to_simplified

    folder = tmp_path / "indexes" / "index"
    shutil.copytree(app_index, folder)
    before = snapshot(folder)
    changed = tmp_path / "changed.txt"  # in Simplified Chinese every chunk differs, so all are embedded again
    changed.write_text(to_simplified(BUNDLED.read_text(encoding="utf-8")), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "build", str(changed), "--index", str(folder)],
                            cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen, deadline = b"", time.monotonic() + 300
    try:
        while b"Batches" not in seen and time.monotonic() < deadline:  # tqdm's bar: embedding has begun
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
        assert b"Batches" in seen, seen.decode("utf-8", "replace")[-2000:]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()

    assert snapshot(folder) == before
    assert siblings(folder) == ["index"]
    assert len(load_index(folder).passages) == BUNDLED_COUNT
