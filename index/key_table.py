"""The collection's keys as numbers, saved beside the passages so a large index opens without reading them.

Retrieval needs, before any question, each passage's and chunk's (doc, label), which passages cite or
mark which, each passage's language, and the Latin-script words of the collection (the names it
knows). Reading a million passages to find them took minutes; this table holds them as arrays of
numbers into short string lists:

    key_table.json   the strings (docs, labels, langs), who points at whom, the Latin-script words
    key_table.npz    per passage row: doc, label, lang, chunk; per chunk row: doc, label

    table = KeyTable.of(passages, chunks)      # at build
    table.save(folder); KeyTable.load(folder)  # None for an index written before the table
    table.passage_key(41), table.chunk_key(7)  # ("CB(2)1292/2025", "15")
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.normalise import fold

TABLE_JSON = "key_table.json"
TABLE_ARRAYS = "key_table.npz"
FILES = (TABLE_JSON, TABLE_ARRAYS)
# A Latin-script word or code of folded text ("5g", "ehealth", "cb(2)" gives "cb", "2").
LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9\-.']*[a-z0-9]|[a-z0-9]")

Key = tuple[str, str]


def latin_words(text: str) -> set[str]:
    """The Latin-script words and codes of fold(text): the vocabulary unknown names are checked against."""
    return set(LATIN_WORD.findall(fold(text)))


def passage_words(p) -> set[str]:
    """The Latin-script words of a passage's headings and text."""
    return latin_words(" ".join(p.section) + " " + p.text)


@dataclass(frozen=True)
class KeyTable:
    """Keys, languages and links of every passage and chunk, as numbers (see the module docstring)."""

    docs: tuple[str, ...]
    labels: tuple[str, ...]
    langs: tuple[str, ...]
    passage_doc: np.ndarray  # (passages,) int32 into docs
    passage_label: np.ndarray  # (passages,) int32 into labels
    passage_lang: np.ndarray  # (passages,) int32 into langs
    passage_chunk: np.ndarray  # (passages,) int32: the Passage's chunk field
    chunk_doc: np.ndarray  # (chunks,) int32 into docs
    chunk_label: np.ndarray  # (chunks,) int32 into labels
    pointing: dict[Key, tuple[str, ...]]  # (doc, label) → labels of the passages citing or marking it
    names: frozenset[str]  # the Latin-script words of every passage (passage_words)

    @classmethod
    def of(cls, passages, chunks, names: frozenset[str] | None = None) -> "KeyTable":
        """The table of a collection; `names` when already known (else read from every passage)."""
        docs, labels, langs = {}, {}, {}

        def number(table: dict, value: str) -> int:
            return table.setdefault(value, len(table))

        rows = [(number(docs, p.doc), number(labels, p.label), number(langs, p.lang), p.chunk) for p in passages]
        chunk_rows = [(number(docs, c.doc), number(labels, c.label)) for c in chunks]
        pointing: dict[Key, list[str]] = {}
        for q in passages:
            for label in (*q.refs, *q.footnotes):
                pointing.setdefault((q.doc, label), []).append(q.label)
        if names is None:
            names = frozenset().union(*(passage_words(p) for p in passages))
        p_arr = np.array(rows, dtype=np.int32).reshape(-1, 4)
        c_arr = np.array(chunk_rows, dtype=np.int32).reshape(-1, 2)
        return cls(tuple(docs), tuple(labels), tuple(langs), *p_arr.T.copy(), *c_arr.T.copy(),
                   {k: tuple(v) for k, v in pointing.items()}, frozenset(names))

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        strings = {"docs": self.docs, "labels": self.labels, "langs": self.langs,
                   "pointing": [[doc, label, list(by)] for (doc, label), by in self.pointing.items()],
                   "names": sorted(self.names)}
        (folder / TABLE_JSON).write_text(json.dumps(strings, ensure_ascii=False), encoding="utf-8")
        with open(folder / TABLE_ARRAYS, "wb") as f:
            np.savez(f, passage_doc=self.passage_doc, passage_label=self.passage_label,
                     passage_lang=self.passage_lang, passage_chunk=self.passage_chunk,
                     chunk_doc=self.chunk_doc, chunk_label=self.chunk_label)

    @classmethod
    def load(cls, folder: Path) -> "KeyTable | None":
        """The saved table, or None for an index written before it (the caller reads the passages)."""
        folder = Path(folder)
        if not all((folder / name).is_file() for name in FILES):
            return None
        strings = json.loads((folder / TABLE_JSON).read_text(encoding="utf-8"))
        with np.load(folder / TABLE_ARRAYS) as arrays:
            columns = {name: arrays[name] for name in arrays.files}
        return cls(tuple(strings["docs"]), tuple(strings["labels"]), tuple(strings["langs"]),
                   columns["passage_doc"], columns["passage_label"], columns["passage_lang"],
                   columns["passage_chunk"], columns["chunk_doc"], columns["chunk_label"],
                   {(doc, label): tuple(by) for doc, label, by in strings["pointing"]},
                   frozenset(strings["names"]))

    def passage_key(self, row: int) -> Key:
        return self.docs[self.passage_doc[row]], self.labels[self.passage_label[row]]

    def chunk_key(self, row: int) -> Key:
        return self.docs[self.chunk_doc[row]], self.labels[self.chunk_label[row]]

    def passage_keys(self) -> list[Key]:
        """(doc, label) of every passage row, in order."""
        docs, labels = self.docs, self.labels
        return [(docs[d], labels[b]) for d, b in zip(self.passage_doc.tolist(), self.passage_label.tolist())]

    def chunk_keys(self) -> list[Key]:
        """(doc, label) of every chunk row, in order."""
        docs, labels = self.docs, self.labels
        return [(docs[d], labels[b]) for d, b in zip(self.chunk_doc.tolist(), self.chunk_label.tolist())]


class PassagesByKey(Mapping):
    """(doc, label) → Passage over a collection read by row: holds the rows, reads a passage when asked."""

    def __init__(self, rows: dict, passages):
        self._rows = rows
        self._passages = passages

    def __getitem__(self, key):
        return self._passages[self._rows[key]]

    def __contains__(self, key) -> bool:
        return key in self._rows

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def last_rows(keys: list[Key]) -> dict[Key, int]:
    """Each key's last row: the passage a dict built over the rows in order would keep."""
    return dict(zip(keys, range(len(keys))))


def parallel_rows(table: KeyTable) -> dict[tuple[str, str, str], int]:
    """(doc, label, lang) → row of the same-labelled whole passage in the paper's other language
    (index.library.parallels over the table: first passage of each form, papers in both forms only)."""
    from ingest.charsets import form

    versions: dict[Key, dict[str, int]] = {}
    forms = [form(lang) if lang else "" for lang in table.langs]
    whole = np.flatnonzero((table.passage_chunk == 0) & np.isin(table.passage_lang,
                                                                [i for i, lang in enumerate(table.langs) if lang]))
    for row in whole.tolist():
        versions.setdefault(table.passage_key(row), {}).setdefault(forms[table.passage_lang[row]], row)
    out = {}
    for (doc, label), by_form in versions.items():
        if len(by_form) == 2:
            zh, en = by_form["zh"], by_form["en"]
            out[(doc, label, table.langs[table.passage_lang[zh]])] = en
            out[(doc, label, table.langs[table.passage_lang[en]])] = zh
    return out
