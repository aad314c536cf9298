"""Embed queries and passages with OpenVINO: the default model converted once, then run without torch.

The materialised multilingual-e5-small folder (index/model_folder.py) is converted once into an
OpenVINO model (torch is imported for that step only) and cached beside the folder:

    $LEGCO_RAG_CACHE/models/multilingual-e5-small.openvino/
        model.xml, model.bin     the converted BERT (weights kept in fp16, as the folder stores them)
        tokenizer.xml, .bin      the folder's tokenizer as an OpenVINO model (openvino-tokenizers), when installed
        legco-rag-openvino.json  what it was converted from; written last, so its presence means complete
        compiled/                OpenVINO's own cache of compiled models (a second process loads fast)

The folder is rebuilt when the model folder's marker, this converter's version or the installed
OpenVINO change. At query time the converted tokenizer and the compiled model are all that run:
mean pooling over the attention mask and L2 normalisation follow in numpy. The converted tokenizer
gives the same ids as `tokenizers` (tests/test_openvino_encoder.py) and loads in a fraction of the
time tokenizer.json's 250,000 pieces take (which also holds the GIL throughout); where it is missing
or cannot load, tokenizer.json is read with `tokenizers` instead.

    >>> encoder = OpenVINOEncoder.load()   # doctest: +SKIP
    >>> encoder.encode(["query: 香港2030年需要多少算力？"]).shape  # doctest: +SKIP
    (1, 384)
    >>> encoder.encode_passages(["passage: 政府當局表示……"] * 40, batch_size=16).shape  # doctest: +SKIP
    (40, 384)
"""
from __future__ import annotations

import functools
import importlib.metadata
import json
import locale
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from index.atomic import replace_folder
from index.model_folder import MARKER as MODEL_MARKER
from index.model_folder import materialise_default_model
from index.offline import child_environment

# Bump when the conversion below changes, so stale cached models are rebuilt.
CONVERTER_VERSION = 2  # 2: the tokenizer is converted too
MARKER = "legco-rag-openvino.json"
XML = "model.xml"
TOKENIZER_XML = "tokenizer.xml"
COMPILED = "compiled"
MAX_TOKENS = 512  # e5's position table; sentence-transformers truncates there too
# Queries are padded up to one of these lengths (the mask keeps mean pooling exact), so the few
# shapes a reader asks for are compiled once at start-up instead of on a first query of each length.
LENGTH_BUCKETS = (16, 32, 64, 128, 256, MAX_TOKENS)
WARM_BUCKETS = LENGTH_BUCKETS[:4]  # questions are short; longer ones compile on first use
PASSAGE_BATCH = 16  # texts per inference in a build (docs/benchmarks.md: embedding throughput)


class OpenVINOUnavailable(RuntimeError):
    """OpenVINO cannot embed here (not installed, conversion failed, the CPU is not supported)."""


def openvino_folder(model_folder: Path) -> Path:
    """Where the converted model of `model_folder` is cached: beside it, named after it."""
    return model_folder.parent / f"{model_folder.name}.openvino"


def _import_openvino():
    """The openvino module, with its usage telemetry left out.

    `import openvino` (and the converter) would report usage to the vendor unless a consent file says
    no; legco-rag sends nothing anywhere, so the telemetry package is made unimportable for this
    process and OpenVINO falls back to its built-in no-op stub.
    """
    sys.modules.setdefault("openvino_telemetry", None)
    try:
        import openvino
    except ImportError as e:
        raise OpenVINOUnavailable(f"openvino is not installed ({e}): pip install 'openvino>=2025.4'") from None
    return openvino


def _openvino_version() -> str:
    try:
        return importlib.metadata.version("openvino")
    except importlib.metadata.PackageNotFoundError:
        raise OpenVINOUnavailable("openvino is not installed: pip install 'openvino>=2025.4'") from None


def _source_key(model_folder: Path) -> dict:
    """What the converted model depends on: the model folder's own marker, this converter, OpenVINO."""
    try:
        model = json.loads((model_folder / MODEL_MARKER).read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise OpenVINOUnavailable(f"model folder {model_folder} has no readable {MODEL_MARKER} ({e})") from None
    return {"model": model, "converter": CONVERTER_VERSION, "openvino": _openvino_version()}


def _read_marker(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def convert(model_folder: Path, dest: Path) -> None:
    """Convert the BertModel in `model_folder` into `dest/model.xml` (+ .bin): input ids and mask in,
    the last hidden state out (pooling stays outside, in float32). Imports torch and transformers."""
    import torch
    from transformers import BertModel

    ov = _import_openvino()
    from transformers.utils import logging as tf_logging

    tf_logging.disable_progress_bar()
    bert = BertModel.from_pretrained(str(model_folder), dtype=torch.float32, local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    example = {"input_ids": torch.ones(1, 16, dtype=torch.long),
               "attention_mask": torch.ones(1, 16, dtype=torch.long)}
    dynamic = [("input_ids", ov.PartialShape([-1, -1]), ov.Type.i64),
               ("attention_mask", ov.PartialShape([-1, -1]), ov.Type.i64)]
    with torch.no_grad():
        converted = ov.convert_model(LastHiddenState(bert), example_input=example, input=dynamic)
    # fp16 storage is lossless here: the folder's weights are fp16 already. Compute stays as hinted.
    ov.save_model(converted, str(dest / XML), compress_to_fp16=True)
    convert_tokenizer(model_folder, dest)


def convert_tokenizer(model_folder: Path, dest: Path) -> None:
    """The folder's tokenizer as `dest/tokenizer.xml` when openvino-tokenizers is installed (else nothing:
    queries are tokenised with `tokenizers`). Truncates at MAX_TOKENS as _load_tokenizer does."""
    try:
        from openvino_tokenizers import convert_tokenizer as to_openvino
    except ImportError:
        return
    from transformers import AutoTokenizer

    ov = _import_openvino()
    hf = AutoTokenizer.from_pretrained(str(model_folder), local_files_only=True)
    ov.save_model(to_openvino(hf, with_detokenizer=False, truncation=True, max_length=MAX_TOKENS), str(dest / TOKENIZER_XML))


def _keeps_locale(load):
    """`load`, with the process's C locale put back afterwards.

    Creating a Core once openvino-tokenizers is imported resets the locale to "C" (openvino-tokenizers
    2026.4), and Python then reads every file opened without an encoding as ASCII.
    """
    @functools.wraps(load)
    def kept(*args, **kwargs):
        saved = locale.setlocale(locale.LC_ALL)
        try:
            return load(*args, **kwargs)
        finally:
            if locale.setlocale(locale.LC_ALL) != saved:
                locale.setlocale(locale.LC_ALL, saved)
    return kept


class ConversionFailed(OpenVINOUnavailable):
    """The converter exited with an error: the same inputs would fail again, so it is remembered."""


def convert_in_child(model_folder: Path, dest: Path, timeout: float = 1800) -> None:
    """Run `convert` in a fresh interpreter: torch and transformers are loaded there and freed with it,
    so a process that embeds queries never holds them, and a converter crash cannot take it down."""
    root = str(Path(__file__).resolve().parents[1])
    env = child_environment()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    try:
        done = subprocess.run([sys.executable, "-m", "index.openvino_encoder", str(model_folder), str(dest)],
                              env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise OpenVINOUnavailable(f"converting the model took over {timeout:.0f} s") from None
    if done.returncode < 0:  # killed (out of memory, interrupted): may well work next time
        raise OpenVINOUnavailable(f"the converter was stopped by signal {-done.returncode}")
    if done.returncode > 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise ConversionFailed(lines[-1].strip() if lines else f"exit status {done.returncode}")


def ensure_converted(model_folder: Path) -> Path:
    """The cached OpenVINO folder of `model_folder`, converting it first if it is missing or stale.

    Converted beside its destination and put in place whole (index.atomic). A conversion that fails
    is remembered in the marker, so later processes fall back at once instead of failing again; a
    new model folder, converter version or OpenVINO tries afresh.
    """
    dest = openvino_folder(model_folder)
    key = _source_key(model_folder)
    marker = _read_marker(dest)
    if marker is not None and marker.get("source") == key:
        if marker.get("error"):
            raise ConversionFailed(f"converting the model failed earlier: {marker['error']}")
        return dest

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        error = None
        try:
            convert_in_child(model_folder, tmp)
        except ConversionFailed as e:
            error = str(e)
            for path in tmp.iterdir():  # keep only the marker that says why
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        (tmp / MARKER).write_text(json.dumps({"source": key, "error": error}, indent=2) + "\n", encoding="utf-8")
        for path in (tmp, *tmp.iterdir()):  # mkdtemp creates an owner-only folder
            path.chmod(0o755 if path.is_dir() else 0o644)
        current = _read_marker(dest)
        if current is None or current.get("source") != key:  # else another process finished first
            try:
                replace_folder(tmp, dest)
            except OSError:
                current = _read_marker(dest)
                if current is None or current.get("source") != key:
                    raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        for old in dest.parent.glob(f".{dest.name}.old-*"):
            shutil.rmtree(old, ignore_errors=True)
    marker = _read_marker(dest) or {}
    if marker.get("error"):
        raise ConversionFailed(f"converting the model failed: {marker['error']}")
    return dest


def _bucket(length: int) -> int:
    """The padded length for a batch whose longest text has `length` tokens.

    >>> _bucket(9), _bucket(16), _bucket(17), _bucket(512)
    (16, 16, 32, 512)
    """
    return next(b for b in LENGTH_BUCKETS if b >= length)


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Unit vectors: the mean of each row's token states where `mask` is 1, L2-normalised.

    >>> mean_pool(np.array([[[3., 0.], [1., 4.], [9., 9.]]]), np.array([[1, 1, 0]]))
    array([[0.70710677, 0.70710677]], dtype=float32)
    """
    weights = mask.astype(np.float32)[:, :, None]
    summed = (hidden.astype(np.float32) * weights).sum(axis=1)
    means = summed / np.maximum(weights.sum(axis=1), 1.0)
    return np.ascontiguousarray(means / np.linalg.norm(means, axis=1, keepdims=True), dtype=np.float32)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class _HFTokenizer:
    """Texts -> (ids, mask) int64 [n, longest] with `tokenizers` reading the folder's tokenizer.json."""

    def __init__(self, path: Path):
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(path))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()

    def __call__(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
        ids = np.zeros((len(encodings), max(len(e.ids) for e in encodings)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        return ids, mask


class _OpenVINOTokenizer:
    """The same, with the tokenizer converted by openvino-tokenizers (TOKENIZER_XML), compiled."""

    def __init__(self, core, path: Path):
        import openvino_tokenizers  # the tokenizer's operations live in its extension library

        core.add_extension(str(openvino_tokenizers._ext_path))  # a Core made before the import lacks it
        self._compiled = core.compile_model(str(path), "CPU")
        self._local = threading.local()
        self(["query: warm"])  # the first run builds the vocabulary's lookup tables: pay it while loading

    def __call__(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self._compiled.create_infer_request()
        out = request.infer([np.array(list(texts))])
        return (np.asarray(out["input_ids"], dtype=np.int64), np.asarray(out["attention_mask"], dtype=np.int64))


def _load_tokenizer(core, ov_folder: Path, model_folder: Path):
    """The converted tokenizer where it exists and loads; else tokenizer.json with `tokenizers`."""
    if (ov_folder / TOKENIZER_XML).is_file():
        try:
            return _OpenVINOTokenizer(core, ov_folder / TOKENIZER_XML)
        except Exception:  # noqa: BLE001  openvino-tokenizers missing or unloadable: the slower reader serves
            pass
    return _HFTokenizer(model_folder / "tokenizer.json")


class _Background:
    """fn() run in a thread; result() waits for it and re-raises what it raised."""

    def __init__(self, fn):
        self._value, self._error = None, None

        def run():
            try:
                self._value = fn()
            except BaseException as e:  # noqa: BLE001  handed to result()
                self._error = e

        # Not a daemon: a process that exits early (a refused question) waits for the load to end.
        # OpenVINO's native threads torn down mid-compile abort the process ("terminate called
        # without an active exception", exit status -6) instead of the clean exit 2.
        self._thread = threading.Thread(target=run)
        self._thread.start()

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


_preloading: dict[Path, _Background] = {}
_preloading_lock = threading.Lock()


def preload(model_folder: Path | None = None) -> None:
    """Start loading the query encoder in a thread, for the next OpenVINOEncoder.load to take.

    Compiling the model and building the tokenizer's tables run in OpenVINO without the GIL, so a
    command that will embed one question (`legco-rag ask`) overlaps them with its own start-up
    (imports, reading the index). Errors wait for that load, which raises them. Nothing is started
    while the model still needs converting: a process that exits early would leave the converter behind.
    """
    model_folder = Path(model_folder) if model_folder is not None else materialise_default_model()
    marker = _read_marker(openvino_folder(model_folder))
    if marker is None or marker.get("error") or marker.get("source") != _source_key(model_folder):
        return
    with _preloading_lock:
        if model_folder not in _preloading:
            _preloading[model_folder] = _Background(lambda: OpenVINOEncoder._load(model_folder, warm=False))


class OpenVINOEncoder:
    """Texts (prompt included) -> float32 unit vectors, with a compiled OpenVINO model and `tokenizers`.

    Safe to call from several threads: each thread gets its own inference request.
    """

    def __init__(self, compiled, tokenizer, precision: str):
        self._compiled = compiled
        self._tokenizer = tokenizer
        self.precision = precision  # the inference precision OpenVINO runs at ("bf16" or "f32")
        self._local = threading.local()

    @property
    def dim(self) -> int:
        """Dimension of the vectors: the model's hidden size, from the compiled output's shape."""
        return self._compiled.output(0).get_partial_shape()[2].get_length()

    @classmethod
    def load(cls, model_folder: Path | None = None, warm: bool = True,
             precision: str | None = None) -> OpenVINOEncoder:
        """Convert (once), compile (cached by OpenVINO) and warm the default model's query encoder.

        warm: run every length in WARM_BUCKETS now (for a server); else only the first run is paid
        here, which any first query would pay anyway. Takes the encoder `preload` started, if any.
        precision: "bf16" or "f32" to compile at that inference precision (benchmarks compare them);
        None for bf16 where the CPU has it, else f32.
        """
        model_folder = Path(model_folder) if model_folder is not None else materialise_default_model()
        if precision is not None:
            return cls._load(model_folder, warm, precision)
        with _preloading_lock:
            started = _preloading.pop(model_folder, None)
        if started is not None:
            try:
                encoder = started.result()
            except Exception:  # noqa: BLE001  load again here, so the error is raised where it is asked for
                pass
            else:
                if warm:
                    encoder.warm()
                return encoder
        return cls._load(model_folder, warm)

    @classmethod
    @_keeps_locale
    def _load(cls, model_folder: Path, warm: bool, precision: str | None = None) -> OpenVINOEncoder:
        ov = _import_openvino()
        folder = ensure_converted(model_folder)
        core = ov.Core()
        core.set_property({"CACHE_DIR": str(folder / COMPILED)})
        # Loading the tokenizer takes about as long as compiling: do both at once (both release the GIL).
        tokenizer = _Background(lambda: _load_tokenizer(core, folder, model_folder))
        try:
            if precision is None:
                precision = "bf16" if "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES") else "f32"
            compiled = core.compile_model(str(folder / XML), "CPU", {
                "PERFORMANCE_HINT": "LATENCY",
                # bf16 where the CPU has it (cosine >= 0.9999 to float32 on every eval question,
                # tests/test_openvino_encoder.py); elsewhere float32.
                "INFERENCE_PRECISION_HINT": precision,
            })
        except RuntimeError as e:
            raise OpenVINOUnavailable(f"OpenVINO could not compile the model on this CPU: {_first_line(e)}") from None
        encoder = cls(compiled, tokenizer.result(), precision)
        encoder.warm(WARM_BUCKETS if warm else WARM_BUCKETS[:1])
        return encoder

    def warm(self, lengths=WARM_BUCKETS) -> None:
        """Run each padded length once: a shape's first run is several times slower than the next."""
        for length in lengths:
            self._run(np.zeros((1, length), dtype=np.int64), np.ones((1, length), dtype=np.int64))

    def encode(self, texts: list[str], buckets: bool = True) -> np.ndarray:
        """float32 [n, dim] unit rows; each text is embedded as given (add the query prompt first).

        buckets: pad to one of LENGTH_BUCKETS (the shapes warmed at start-up) rather than to the longest
        text; off for passage batches, whose lengths vary too much for a few shapes to pay."""
        ids, mask = self._tokenizer(list(texts))
        if buckets and _bucket(ids.shape[1]) > ids.shape[1]:  # pad id 0: masked out
            pad = ((0, 0), (0, _bucket(ids.shape[1]) - ids.shape[1]))
            ids, mask = np.pad(ids, pad), np.pad(mask, pad)
        return mean_pool(self._run(ids, mask), mask)

    def encode_passages(self, texts: list[str], batch_size: int = PASSAGE_BATCH, buckets: bool = False,
                        progress=None) -> np.ndarray:
        """float32 [n, dim] unit rows for many texts (prompt included), in the order given.

        Embedded longest first, `batch_size` at a time, each batch padded to its own longest text (or,
        with `buckets`, up to a LENGTH_BUCKETS length), as sentence-transformers orders a build's
        batches; the mask keeps padding out of the mean, so the order changes no vector.
        progress: called with the number of texts each batch embedded (a progress bar's update).
        """
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            out[rows] = self.encode([texts[i] for i in rows], buckets=buckets)
            if progress is not None:
                progress(len(rows))
        return out

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self._compiled.create_infer_request()
        return request.infer({"input_ids": ids, "attention_mask": mask})[0]


if __name__ == "__main__":  # python -m index.openvino_encoder MODEL_FOLDER DEST: what convert_in_child runs
    if len(sys.argv) != 3:
        sys.exit("usage: python -m index.openvino_encoder MODEL_FOLDER DEST")
    try:
        convert(Path(sys.argv[1]), Path(sys.argv[2]))
    except Exception as e:  # noqa: BLE001  one line for the parent to remember, not a traceback
        sys.exit(f"{type(e).__name__}: {' '.join(str(e).split())[:300]}")
