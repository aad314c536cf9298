"""The browsable report: passages in reading order, split into sections, each label a chip."""
from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from assistant.render.pieces import NO_SECTION, citation_chip, document_line, text_html
from ingest.passage import Document, Passage


SECTION_DEPTH = 2  # the report view is split by the first two heading levels


def is_footnote(passage: Passage) -> bool:
    return passage.label.startswith("fn")


def reading_order(passages: Sequence[Passage]) -> list[Passage]:
    """Passages as a reader meets them: each footnote right after the first passage that marks it."""
    footnotes = {(p.doc, p.label): p for p in passages if is_footnote(p)}
    out: list[Passage] = []
    for p in passages:
        if is_footnote(p):
            continue
        out.append(p)
        for label in p.footnotes:
            if (fn := footnotes.pop((p.doc, label), None)) is not None:
                out.append(fn)
    return out + [p for p in passages if (p.doc, p.label) in footnotes]


def neighbours(passages: Sequence[Passage], passage: Passage) -> tuple[Passage | None, Passage | None]:
    """The passages of the same kind just before and after `passage` in its report: 第14段 and 第16段
    for 第15段, 註5 and 註7 for 註6."""
    same = [p for p in passages if p.doc == passage.doc and is_footnote(p) == is_footnote(passage)]
    keys = [p.label for p in same]
    if passage.label not in keys:
        return None, None
    i = keys.index(passage.label)
    return (same[i - 1] if i > 0 else None), (same[i + 1] if i + 1 < len(same) else None)


def section_of(passage: Passage) -> tuple[str, ...]:
    """The part of the report a passage is shown in: its first SECTION_DEPTH headings."""
    return passage.section[:SECTION_DEPTH] or (NO_SECTION,)


def sections(passages: Sequence[Passage]) -> list[tuple[str, tuple[str, ...]]]:
    """(doc, section) of every part of the report(s), in reading order, once each."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for p in reading_order(passages):
        key = (p.doc, section_of(p))
        if not is_footnote(p) and key not in out:
            out.append(key)
    return out


def in_section(passage: Passage, section: tuple[str, tuple[str, ...]]) -> bool:
    """Whether `passage` is shown under `section` (doc, headings): in it or in one of its sub-sections."""
    doc, path = section
    return passage.doc == doc and section_of(passage)[:len(path)] == path


def _anchor(doc: str, label: str) -> str:
    return "rp-" + re.sub(r"[^0-9A-Za-z]+", "-", f"{doc}-{label}").strip("-")


def report_html(passages: Sequence[Passage], documents: dict[str, Document] | None = None,
                section: tuple[str, tuple[str, ...]] | None = None, current: Passage | None = None) -> str:
    """The report(s) as one page, headed section by section, each footnote after its paragraph;
    every passage's label is a chip that opens it in the panel.

    section: (doc, section) to show only that part; current: the passage to mark.
    """
    documents = documents or {}
    parts = ['<div class="report">']
    doc, path, shown = None, (), 0
    for p in reading_order(passages):
        if section and not in_section(p, section):
            continue
        shown += 1
        if p.doc != doc:
            doc, path = p.doc, ()
            parts.append(document_line(documents.get(doc), doc))
        if p.section != path and not is_footnote(p):
            shared = 0
            while shared < min(len(path), len(p.section)) and path[shared] == p.section[shared]:
                shared += 1
            for level, heading in enumerate(p.section[shared:], start=shared):
                tag = f"h{min(3 + level, 6)}"
                parts.append(f'<{tag} class="rh rh-{level}">{escape(heading)}</{tag}>')
            path = p.section
        is_current = current is not None and (p.doc, p.label) == (current.doc, current.label)
        cls = "rp rp-fn" if is_footnote(p) else "rp"
        cls += " current" if is_current else ""
        parts.append(f'<div class="{cls}" id="{_anchor(p.doc, p.label)}">'
                     f'{citation_chip(p.doc, p.label, kind="label")}'
                     f'<div class="rp-text">{text_html(p.text)}</div></div>')
    if not shown:
        parts.append('<p class="note">這部分沒有段落 · No passages in this part</p>')
    parts.append("</div>")
    return "".join(parts)
