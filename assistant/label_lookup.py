"""Label lookup: the passages a question names outright ("第15段", "para 67(5)", "footnote 6")."""
from __future__ import annotations

import math
from typing import Collection, Mapping

from assistant.hit import Hit, Key
from assistant.lookup import cited_labels
from assistant.query import Query
from ingest.passage import Passage


class LabelLookup:
    """Finds the labels a question names among a collection's labels, each in every report that has it."""

    def __init__(self, passages: tuple[Passage, ...] | list[Passage]):
        self._labelled: dict[str, list[Passage]] = {}  # a bare label ("15") → that passage of each report
        for p in passages:
            self._labelled.setdefault(p.label, []).append(p)
        self.labels = set(self._labelled)

    @classmethod
    def from_keys(cls, by_label: Mapping[Key, Passage]) -> "LabelLookup":
        """The same over a mapping read by key (Links.by_label): each label's passages are read when
        a question names it."""
        lookup = cls(())
        keys: dict[str, list[Key]] = {}
        for key in by_label:
            keys.setdefault(key[1], []).append(key)
        lookup._labelled = _Labelled(keys, by_label)
        lookup.labels = set(keys)
        return lookup

    def named(self, query: Query) -> list[str]:
        """The labels the question names, in the order named (read folded, so 第十五段 names "15")."""
        return cited_labels(query.folded, self.labels) or cited_labels(query.text, self.labels)

    def search(self, query: Query, scores: Mapping[Key, float], docs: Collection[str] | None = None) -> list[Hit]:
        """A "lookup" hit for each named passage, in the order named; a label several reports have
        gives the passage of the report the rest of the question is about (by `scores`) first.
        `docs` (paper numbers) keeps to those papers."""
        return [Hit(p, scores.get((p.doc, p.label), 1.0), "lookup") for label in self.named(query)
                for p in sorted(self._labelled[label], key=lambda p: -scores.get((p.doc, p.label), -math.inf))
                if docs is None or p.doc in docs]


class _Labelled(Mapping):
    """label → the passages with that label, read by key when first asked for."""

    def __init__(self, keys: dict[str, list[Key]], by_label: Mapping[Key, Passage]):
        self._keys, self._by_label, self._read = keys, by_label, {}

    def __getitem__(self, label: str) -> list[Passage]:
        if label not in self._read:
            self._read[label] = [self._by_label[key] for key in self._keys[label]]
        return self._read[label]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)
