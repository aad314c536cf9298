"""The collection's structure: which passages link to which (footnotes, cited paragraphs, recommendations
citing them), for showing a hit with its links and for passing a share of a hit's score along them."""
from __future__ import annotations

from collections import Counter
from typing import Mapping

from assistant.hit import Key
from index.key_table import KeyTable, PassagesByKey, last_rows
from index.normalise import fold
from ingest.passage import Passage

POINTER_LIFT = 1e-6  # how far above the passage pointing to it an appendix goes: just above
POINTER_DEPTH = 5  # how many of the best passages may hand their place to an appendix they cite
_HOLDERS = ("appendix", "annex")  # labels of the passages a paragraph points to for a list or a text


def held_heading(p: Passage) -> str:
    """What an appendix or annex holds, by its own heading (職權範圍, 委員名單); "" for other passages
    (a paragraph's heading names its section's topic, shared by its neighbours, not what it holds)."""
    return p.section[-1] if p.label.startswith(_HOLDERS) and p.section else ""


class Links:
    """Every passage by (doc, label), its place in the collection, and who cites or marks it."""

    def __init__(self, passages: tuple[Passage, ...] | list[Passage]):
        self.by_label: dict[Key, Passage] = {(p.doc, p.label): p for p in passages}
        self.position: dict[Key, int] = {key: i for i, key in enumerate(self.by_label)}
        # Who cites or marks each passage, so linked() does not scan the collection.
        self._pointing: dict[Key, list[str]] = {}
        for q in passages:
            for label in (*q.refs, *q.footnotes):
                self._pointing.setdefault((q.doc, label), []).append(q.label)
        self._linked_keys: dict[Key, tuple[Key, ...]] = {}  # spread() reads each passage's links once
        # From a key table (from_table): the labels each passage cites or marks, for the keys held by one
        # passage row, so spread() reads no passage for them (None: read each passage, as above).
        self._citing: dict[Key, list[str]] | None = None
        self._repeated: frozenset[Key] = frozenset()

    def linked_keys(self, key: Key) -> tuple[Key, ...]:
        """The keys of linked(by_label[key]) (in any order), worked out on first use and kept.

        At a million passages, reading each scored passage for its footnotes and cross-references
        was a question's most costly disk reads (about 95 rows, mostly not in the page cache); the
        key table gives them for a key held by one row. A key of several rows (a bilingual paper's two
        versions) is read, as its versions may cite differently and linked() reads the last.
        """
        keys = self._linked_keys.get(key)
        if keys is None:
            if self._citing is not None and key not in self._repeated:
                doc = key[0]
                labels = (*self._citing.get(key, ()), *self._pointing.get(key, ()))
                keys = tuple(dict.fromkeys((doc, label) for label in labels if (doc, label) in self.by_label))
            else:
                keys = tuple((q.doc, q.label) for q in self.linked(self.by_label[key]))
            self._linked_keys[key] = keys
        return keys

    @classmethod
    def from_table(cls, passages, table: KeyTable) -> "Links":
        """The same, from an index's key table: passages are read by row when asked for, not up front."""
        links = cls(())
        keys = table.passage_keys()
        rows = last_rows(keys)
        links.by_label = PassagesByKey(rows, passages)
        links.position = dict(zip(rows, range(len(rows))))
        links._pointing = table.pointing
        links._citing = {}  # the pointing table turned round: who points at whom, by the one pointing
        for (doc, label), by in table.pointing.items():
            for source in dict.fromkeys(by):
                links._citing.setdefault((doc, source), []).append(label)
        if len(rows) < len(keys):
            links._repeated = frozenset(key for key, n in Counter(keys).items() if n > 1)
        return links

    def linked(self, p: Passage) -> tuple[Passage, ...]:
        """Passages a reader wants beside `p`: its footnotes, the paragraphs it cites, what cites it,
        and for a footnote the paragraphs that mark it."""
        keys = [*p.footnotes, *p.refs, *self._pointing.get((p.doc, p.label), ())]
        seen, out = set(), []
        for label in keys:
            q = self.by_label.get((p.doc, label))
            if q is not None and label not in seen:
                seen.add(label)
                out.append(q)
        return tuple(out)

    def pointing(self, key: Key) -> tuple[str, ...]:
        """Labels of the passages (of the same paper) citing or marking the passage at `key`."""
        return tuple(self._pointing.get(key, ()))

    def marking(self, footnote: Passage) -> list[Passage]:
        """The passages that mark `footnote` (none for a passage that is not a footnote)."""
        key = (footnote.doc, footnote.label)
        pointing = [self.by_label[(footnote.doc, label)] for label in self._pointing.get(key, ())]
        return [q for q in pointing if footnote.label in q.footnotes]

    def spread(self, scores: Mapping[Key, float], share: float) -> dict[Key, float]:
        """Each passage's score, raised to `share` × the score of the best passage linking to it.

        A recommendation found by search brings the paragraph it cites along, a paragraph its footnotes.
        """
        bonus: dict[Key, float] = {}
        for key, score in scores.items():
            for linked in self.linked_keys(key):
                bonus[linked] = max(bonus.get(linked, 0.0), share * score)
        keys = [*scores, *(key for key in bonus if key not in scores)]
        return {key: max(scores.get(key, 0.0), bonus.get(key, 0.0)) for key in keys}

    def pointed_to(self, scores: Mapping[Key, float], ranked: list[Key], folded_written: str) -> dict[Key, float]:
        """Scores with an appendix or annex lifted just above a best passage (of POINTER_DEPTH) citing it,
        when the question names the appendix's own heading.

        A report points to its appendices for what it does not print in full ("小組委員會的職權範圍及
        委員名單，分別載於附錄1及2"): asked for the terms of reference (職權範圍), the appendix headed
        職權範圍 holds them, not the paragraph saying where they are. `folded_written`: the question
        folded, in written Chinese with its glossary terms (an English "terms of reference" reads 職權範圍).
        """
        out = dict(scores)
        for key in ranked[:POINTER_DEPTH]:
            p = self.by_label[key]
            for label in p.refs:
                held = self.by_label.get((p.doc, label))
                heading = fold(held_heading(held)).strip() if held is not None else ""
                if len(heading) >= 2 and heading in folded_written and out.get((p.doc, label), float("-inf")) <= out[key]:
                    out[(p.doc, label)] = out[key] + POINTER_LIFT
        return out
