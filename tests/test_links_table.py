"""Links read from an index's key table give each passage the links its own text gives, reading no
passage for a key one passage row holds."""
from __future__ import annotations

from assistant.links import Links
from index.key_table import KeyTable
from ingest.passage import Passage

PASSAGES = (
    Passage("A", "1", (), "見第2段及註1", footnotes=("fn1",), refs=("2",), lang="zh-Hant"),
    Passage("A", "2", (), "第2段", lang="zh-Hant"),
    Passage("A", "fn1", (), "註1", lang="zh-Hant"),
    Passage("A", "3", (), "見第9段（不存在）", refs=("9", "1"), lang="zh-Hant"),
    Passage("B", "1", (), "中文版引第2段", refs=("2",), lang="zh-Hant"),  # a bilingual paper whose
    Passage("B", "2", (), "第2段", lang="zh-Hant"),
    Passage("B", "1", (), "the English version cites footnote 1", footnotes=("fn1",), lang="en"),  # versions differ
    Passage("B", "2", (), "paragraph 2", lang="en"),
    Passage("B", "fn1", (), "footnote 1", lang="en"),
)


class CountingRows(tuple):
    """The passages, counting reads by row."""

    reads = 0

    def __getitem__(self, i):
        CountingRows.reads += 1
        return tuple.__getitem__(self, i)


def test_table_links_are_the_keys_of_each_passages_own_links():
    in_memory = Links(PASSAGES)
    from_table = Links.from_table(PASSAGES, KeyTable.of(PASSAGES, PASSAGES))
    for key in in_memory.by_label:
        expected = {(q.doc, q.label) for q in in_memory.linked(in_memory.by_label[key])}
        assert set(from_table.linked_keys(key)) == expected, key
        assert len(from_table.linked_keys(key)) == len(expected)
    assert set(from_table.linked_keys(("A", "1"))) == {("A", "fn1"), ("A", "2"), ("A", "3")}  # cited by 3
    assert set(from_table.linked_keys(("B", "1"))) == {("B", "fn1")}  # the English version, read: the last row


def test_only_a_key_of_several_rows_is_read_for_its_links():
    rows = CountingRows(PASSAGES)
    links = Links.from_table(rows, KeyTable.of(PASSAGES, PASSAGES))
    CountingRows.reads = 0
    for key in [("A", "1"), ("A", "2"), ("A", "3"), ("A", "fn1"), ("B", "fn1")]:
        links.linked_keys(key)
    assert CountingRows.reads == 0
    links.linked_keys(("B", "1"))
    assert CountingRows.reads >= 1  # the passage (and, through linked(), those it links to)
