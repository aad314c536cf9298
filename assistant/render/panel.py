"""The citation panel: one passage with its place, quoted sentences, footnotes, linked passages and neighbours."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from assistant.render.pieces import NO_SECTION, citation_chip, document_line, highlight_html, snippet, text_html
from assistant.render.share import copy_button, quote_with_citation
from ingest.charsets import form
from ingest.labels import label_text
from ingest.passage import Document, Passage


def panel_placeholder_html() -> str:
    """What the panel shows before any citation is opened."""
    return ('<div class="panel-empty"><div class="panel-empty-title">引文原文 · Cited passage</div>'
            '<p>點擊答案中的引文（例如 <span class="cite-chip cite-demo">第15段</span>），即可在此閱讀報告原文、'
            '註釋及相關段落。</p><p>Click a citation in an answer (e.g. '
            '<span class="cite-chip cite-demo">para. 15</span>) to read the passage here, with its '
            'footnotes and linked paragraphs.</p></div>')


def _relation(passage: Passage, other: Passage) -> str:
    """How `other` relates to `passage`, in both interface languages."""
    if other.label in passage.refs:
        return "本段提及 Referred to here"
    if passage.label in other.refs:
        return "提及本段 Refers to this"
    if passage.label in other.footnotes:
        return "註釋所屬段落 Footnote of"
    return "相關 Related"


def passage_html(passage: Passage, document: Document | None = None, highlight: Iterable[str] = (),
                 linked: Sequence[Passage] = (), neighbours: tuple[Passage | None, Passage | None] = (None, None),
                 lang: str = "zh", parallel: Passage | None = None) -> str:
    """The citation panel for one passage: where it is, its text with the quoted sentence marked,
    the same paragraph in the paper's other language, its footnotes, the passages linked to it and
    its neighbours, each of them a chip that opens it.

    highlight: the sentences the answer quoted from this passage (exact substrings of its text).
    linked: e.g. Retriever.linked(passage); its footnotes are listed with their text.
    parallel: the same-labelled passage of the paper's other language version (index.library.parallels).
    """
    zh, en = label_text(passage.label, "zh"), label_text(passage.label, "en")
    path = " › ".join(passage.section) or NO_SECTION
    parts = ['<div class="cite-panel">', document_line(document, passage.doc),
             f'<div class="panel-label" data-label="{escape(passage.label)}">{escape(zh)}'
             f'<span class="panel-label-en">{escape(en)}</span></div>',
             f'<div class="panel-path">{escape(path)}</div>',
             f'<div class="panel-text">{highlight_html(passage.text, highlight)}</div>',
             f'<div class="tools">{copy_button(quote_with_citation(passage.text, passage.doc, passage.label, lang))}</div>']
    if parallel is not None:
        name = "英文版本 English version" if form(parallel.lang) == "en" else "中文版本 Chinese version"
        parts.append(f'<div class="panel-block panel-parallel" lang="{escape(parallel.lang)}">'
                     f'<div class="panel-h">{name}</div><div class="panel-text">{text_html(parallel.text)}</div></div>')
    footnotes = [q for q in linked if q.label in passage.footnotes]
    others = [q for q in linked if q.label not in passage.footnotes]
    if footnotes:
        items = "".join(f'<li>{citation_chip(q.doc, q.label, lang, kind="footnote")}'
                        f'<span class="fn-text">{text_html(q.text)}</span></li>' for q in footnotes)
        parts.append(f'<div class="panel-block"><div class="panel-h">註釋 Footnotes</div>'
                     f'<ul class="fn-list">{items}</ul></div>')
    if others:
        items = "".join(f'<li>{citation_chip(q.doc, q.label, lang, kind="linked")}'
                        f'<span class="rel">{escape(_relation(passage, q))}</span>'
                        f'<span class="snippet">{snippet(q.text)}</span></li>' for q in others)
        parts.append(f'<div class="panel-block"><div class="panel-h">相關段落 Linked passages</div>'
                     f'<ul class="linked-list">{items}</ul></div>')
    before, after = neighbours
    if before or after:
        nav = ['<div class="panel-nav">']
        nav.append(citation_chip(before.doc, before.label, lang, kind="nav",
                                 text=f"← 上一段 {label_text(before.label, form(lang))}") if before else "<span></span>")
        nav.append(citation_chip(after.doc, after.label, lang, kind="nav",
                                 text=f"下一段 {label_text(after.label, form(lang))} →") if after else "<span></span>")
        nav.append("</div>")
        parts.append("".join(nav))
    parts.append("</div>")
    return "".join(parts)
