"""jieba's word frequencies in a file that opens in a millisecond: exact look-ups without reading it all.

jieba keeps its dictionary as one dict of ~500,000 words (and their prefixes) -> frequency. Its
own cache (a marshal of that dict) takes about half a second to read, longer than everything a
short question needs from it: a few dozen look-ups. This file holds the same words sorted, so a
look-up is a binary search over the mapped file; a process that looks up many words (building an
index) reads them all into a dict once, after PROMOTE_AFTER look-ups. Either way a look-up gives
exactly what the dict would.

Layout (little-endian): MAGIC, count n and total (int64 each), n frequencies (int64), n + 1 byte
offsets (uint32) into the UTF-8 words that follow, sorted by their bytes.
"""
from __future__ import annotations

import bisect
import mmap
import struct
from collections.abc import Mapping
from pathlib import Path

from index import atomic

MAGIC = b"LRJWF01\n"
_HEADER = struct.Struct("<8sqq")
PROMOTE_AFTER = 20_000  # look-ups; then the whole table is read into a dict (≈ 0.2 s, paid once)


class WordFrequencies(Mapping):
    """word -> jieba frequency, read-only, from a file written by `write`; `total` as jieba's Tokenizer has it."""

    def __init__(self, data, total: int, count: int):
        self.total = total
        self._data = data
        self._count = count
        freq_start = _HEADER.size
        offsets_start = freq_start + 8 * count
        self._words_start = offsets_start + 4 * (count + 1)
        view = memoryview(data)
        self._freqs = view[freq_start:offsets_start].cast("q")
        self._offsets = view[offsets_start:self._words_start].cast("I")
        self._lookups = 0
        self._dict: dict[str, int] | None = None

    def _word_at(self, i: int) -> bytes:
        start = self._words_start
        return self._data[start + self._offsets[i]:start + self._offsets[i + 1]]

    def _index(self, word: str) -> int:
        """The row of `word`, or -1."""
        key = word.encode("utf-8")
        i = bisect.bisect_left(_Rows(self), key)
        return i if i < self._count and self._word_at(i) == key else -1

    def _promoted(self) -> dict[str, int] | None:
        self._lookups += 1
        if self._dict is None and self._lookups > PROMOTE_AFTER:
            words = bytes(self._data[self._words_start:])
            ends = self._offsets.tolist()
            self._dict = dict(zip((words[a:b].decode("utf-8") for a, b in zip(ends, ends[1:])),
                                  self._freqs.tolist()))
        return self._dict

    def read_whole(self) -> dict[str, int]:
        """The whole table as a dict, read now: a server answers many questions, and a dict look-up is
        faster than a binary search over the file (about 2 ms a question at a million passages)."""
        self._lookups = PROMOTE_AFTER
        return self._promoted()

    def get(self, word, default=None):
        table = self._promoted()
        if table is not None:
            return table.get(word, default)
        i = self._index(word)
        return self._freqs[i] if i >= 0 else default

    def __contains__(self, word) -> bool:
        table = self._promoted()
        return word in table if table is not None else self._index(word) >= 0

    def __getitem__(self, word: str) -> int:
        value = self.get(word, _MISSING)
        if value is _MISSING:
            raise KeyError(word)
        return value

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        return (self._word_at(i).decode("utf-8") for i in range(self._count))


class _Rows:
    """The sorted words as a sequence of bytes, for bisect (which reads only the rows it visits)."""

    def __init__(self, table: WordFrequencies):
        self._table = table

    def __len__(self) -> int:
        return self._table._count

    def __getitem__(self, i: int) -> bytes:
        return self._table._word_at(i)


_MISSING = object()


def write(path: Path, freq: Mapping[str, int], total: int) -> None:
    """Write `freq` (jieba's FREQ after its user words were added) and `total` to `path`, whole or not at all."""
    encoded = sorted((word.encode("utf-8"), int(n)) for word, n in freq.items())
    offsets, end = [0], 0
    for word, _ in encoded:
        end += len(word)
        offsets.append(end)
    data = b"".join([
        _HEADER.pack(MAGIC, len(encoded), int(total)),
        struct.pack(f"<{len(encoded)}q", *(n for _, n in encoded)),
        struct.pack(f"<{len(offsets)}I", *offsets),
        *(word for word, _ in encoded),
    ])
    atomic.write_bytes(Path(path), data)


def open_table(path: Path) -> WordFrequencies | None:
    """The table in `path`, mapped; None when it is missing or not a complete table (then rebuild it)."""
    try:
        with open(path, "rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return None
    if len(data) < _HEADER.size:
        return None
    magic, count, total = _HEADER.unpack_from(data)
    if magic != MAGIC or count < 0:
        return None
    words_start = _HEADER.size + 8 * count + 4 * (count + 1)
    if len(data) < words_start:
        return None
    table = WordFrequencies(data, total, count)
    if words_start + table._offsets[count] != len(data):
        return None
    return table
