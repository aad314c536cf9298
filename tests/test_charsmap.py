"""The precompiled charsmap, read back by the normaliser that uses it (no model needed)."""
from __future__ import annotations

import struct

import pytest

from index.charsmap import precompiled_charsmap

normalizers = pytest.importorskip("tokenizers.normalizers")


def normalise(norm: dict[int, tuple[int, ...]], text: str) -> str:
    return normalizers.Precompiled(precompiled_charsmap(norm)).normalize_str(text)


def test_each_code_point_is_replaced_and_others_pass_through():
    norm = {ord("Ａ"): (ord("A"),), ord("①"): (ord("1"),), ord("ﬁ"): (ord("f"), ord("i")),
            ord("\u3000"): (ord(" "),), ord("😀"): (ord("x"),)}  # 1- to 4-byte UTF-8 keys
    assert normalise(norm, "Ａ①ﬁ\u3000😀z") == "A1fi xz"


def test_a_map_larger_than_one_block_of_units_is_laid_out_without_collisions():
    block = range(0x4E00, 0x4E00 + 3000)  # shared UTF-8 prefixes, thousands of leaves
    norm = {cp: (ord("A") + cp % 26,) for cp in block}
    text = "".join(map(chr, block))
    assert normalise(norm, text) == "".join(chr(ord("A") + cp % 26) for cp in block)


def outputs(charsmap: bytes) -> bytes:
    """What follows the trie: the replacements, NUL-terminated."""
    (trie_size,) = struct.unpack_from("<I", charsmap)
    return charsmap[4 + trie_size:]


def test_identical_replacements_are_stored_once():
    norm = {ord("Ａ"): (ord("A"),), ord("Ｂ"): (ord("B"),), ord("𝐀"): (ord("A"),)}
    assert outputs(precompiled_charsmap(norm)) == b"A\0B\0"
