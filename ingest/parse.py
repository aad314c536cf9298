"""Parse a LegCo paper's text into citable passages: paragraphs, sub-items, footnotes, appendices.

The layout (as in data/reports/*.txt): front matter, then numbered paragraphs under short heading
lines; lists of sub-items; footnotes dropped wherever a page ended, sometimes in the middle of a
paragraph; a signature ending in a date; then the appendices and annexes.

Numbering schemes and the labels they give:
- paragraphs "2." / "1.1" / "1.1.1" -> "2", "1.1", "1.1.1";
- sections "一、" / "A." / "I." -> headings (the top level of the heading path), never labels; so is
  "2. Background" when the next numbered line is 2.1;
- sub-items "(a)" / "(i)" / "(1)" / "（一）" under paragraph 2.2 -> "2.2(a)", "2.2(i)", "2.2(1)", "2.2(一)";
- footnotes and endnotes "⁶ ..." / "[6] ..." / "註6 ..." -> "fn6" (an inline "[6]" marks footnote 6);
- 附錄 / Appendix -> "appendix1", 附件 / Annex -> "annex1", numbered in order of appearance.
Unnumbered text before the first numbered paragraph is kept, labelled by the heading above it:
- paragraph "1" when the first numbered paragraph is 2 (LegCo reports leave paragraph 1 unnumbered);
- else "summary" under 摘要 / 內容提要 / (Executive) Summary, "intro" under 引言 / Introduction or
  no heading, or the heading's own name without its section number ("目的", "purpose");
  a repeated label gets "-2", "-3".
A paper with no numbered paragraph at all is kept the same way, with a warning.

The steps, a module each: ingest.line_kinds (what each line is), ingest.walk (one pass that
assembles the passages), ingest.headings (heading paths), ingest.appendices (the tail).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from ingest import appendices
from ingest.headings import heading_paths
from ingest.line_kinds import classify, join_pieces, section_numbers
from ingest.passage import Document, Passage
from ingest.read import ReportWarning, read_report
from ingest.speakers import with_speakers
from ingest.refs import cross_refs, footnote_markers, strip_footnote_markers, strip_markdown
from ingest.walk import ODD, Unit, walk


def load_report(path: str | Path) -> tuple[Document, list[Passage]]:
    """Read and parse a report file.

    >>> doc, passages = load_report("data/reports/cb2-1292-2025.zh-Hant.txt")
    >>> doc.doc_id, passages[14].label
    ('CB(2)1292/2025', '15')
    """
    doc, text = read_report(path)
    return doc, parse_report(text, doc.doc_id)


@dataclass(frozen=True)
class Layout:
    """A paper's passages, and what was read but is no passage: its headings, front matter and signature."""

    passages: list[Passage]
    headings: list[str]
    front: list[str]  # lines above the body: paper number, file reference, title, date
    signature: list[str]  # lines between the last paragraph and the appendices


def parse_report(text: str, doc_id: str) -> list[Passage]:
    """Passages of a report's text: paragraphs and their sub-items, then footnotes, then appendices.

    >>> [p.label for p in parse_report("目的\\n\\n本文件旨在匯報。\\n\\n背景\\n\\n2. 見附錄。¹\\n\\n¹ 註。", "X")]
    ['1', '2', 'fn1']
    """
    return parse_layout(text, doc_id).passages


def parse_layout(text: str, doc_id: str) -> Layout:
    """The passages of a paper's text, with the headings, front matter and signature read around them."""
    found = walk(section_numbers([classify(line) for line in text.splitlines()]))
    paths = heading_paths(found.runs, found.list_headings)

    def section(unit: Unit) -> tuple[str, ...]:
        return (paths[unit.run] if unit.run >= 0 else ()) + unit.group

    passages = [_passage(doc_id, u.label, section(u), u.pieces) for u in found.units]
    cited_in = {}
    for p in passages:
        for note in p.footnotes:
            cited_in.setdefault(note, p.section)
    for label, unit in sorted(found.notes.items(), key=lambda item: int(item[0][2:])):
        passages.append(_passage(doc_id, label, cited_in.get(label, section(unit)), unit.pieces))
    counts = {"appendix": 0, "annex": 0}
    for heading, body in appendices.appendices(found.tail):
        kind = appendices.kind(heading[0])
        counts[kind] += 1
        passages.append(Passage(doc_id, f"{kind}{counts[kind]}", heading, strip_markdown(body)))
    headings = [h for run in found.runs for h in run]
    if not passages and found.leftover:  # headings only: keep them
        passages = [Passage(doc_id, "intro", (), strip_markdown("\n".join(found.leftover)))]
        found.odd.setdefault(ODD["none"], (1, "line 1"))
    for what, (times, first) in found.odd.items():  # one warning per kind, however often it happened
        warnings.warn(f"report {doc_id}: {times} {what} (first at {first})", ReportWarning, stacklevel=3)
    return Layout(with_speakers(passages), headings, found.front, found.signature)


def _passage(doc_id: str, label: str, section: tuple[str, ...], pieces: list[str]) -> Passage:
    raw = join_pieces(pieces)
    text = strip_markdown(strip_footnote_markers(raw)).strip()
    notes = () if label.startswith("fn") else footnote_markers(raw)
    return Passage(doc_id, label, section, text, footnotes=notes, refs=cross_refs(text))
