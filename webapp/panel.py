"""The citation panel and the "Read the report" tab: one passage with its links, or the report's text."""
from __future__ import annotations

import gradio as gr

from assistant import render
from index.library import parallels
from webapp.settings import ALL


def version_key(doc: str, lang: str) -> str:
    """The browse menu's value for one language version of a paper.

    >>> version_key("CB(2)1292/2025", "en")
    'CB(2)1292/2025|en'
    """
    return f"{doc}|{lang}"


class Panel:
    """The passages of one loaded Retriever as the panel and the report tab show them.

    Event handlers keep Gradio's names (`show_section`, `show_version`): the queue's limits and the
    tests refer to them.
    """

    def __init__(self, retriever):
        self.retriever = retriever
        self.passages = passages = retriever.index.passages
        self.documents = documents = retriever.index.documents
        self.by_label = retriever.by_label
        self.parts = parts = render.sections(passages)
        many = len({doc for doc, _ in parts}) > 1
        self.section_choices = [("全部 · Whole report", ALL)] + [
            ((f"{doc} › " if many else "") + " › ".join(section), str(i)) for i, (doc, section) in enumerate(parts)]
        # The library: each paper's language versions, browsable one at a time, and the bilingual pairs.
        self.versions = versions = {version_key(d.doc_id, d.lang): d for d in retriever.index.versions}
        self.of_version = {
            key: [p for p in passages if version_key(p.doc, p.lang) == key or not p.lang and p.doc == d.doc_id]
            for key, d in versions.items()}
        self.pairs = parallels(passages)
        self.doc_choices = [(f"{d.doc_id} · {d.title}" if d.title else d.doc_id, d.doc_id)
                            for d in documents.values()]
        self.version_choices = [("全部 · All papers", ALL)] + [
            (f"{d.doc_id} · {d.lang}" + (f" · {d.title}" if d.title else ""), key) for key, d in versions.items()]

    def open_passage(self, doc: str, label: str, highlight=()):
        """Panel HTML, report section and report HTML for one passage (or a note if it is unknown)."""
        p = self.by_label.get((doc, label))
        if p is None:
            note = render.message_html(f"找不到這段 · Passage not found: {doc} {label}")
            return note, gr.skip(), gr.skip()
        # Retriever.linked gives footnotes, cited and citing passages; a footnote also links back
        # to the paragraph that carries its marker.
        linked = self.retriever.linked(p)
        own = version_key(p.doc, p.lang)
        same = self.of_version.get(own, self.passages)  # neighbours in its own language
        document = self.versions.get(own) or self.documents.get(p.doc)  # its own language's title
        panel = render.passage_html(p, document, highlight, linked, render.neighbours(same, p),
                                    parallel=self.pairs.get((p.doc, p.label, p.lang)))
        part = (p.doc, render.section_of(p))
        if part not in self.parts:  # a footnote filed under a heading with no paragraph of its own
            return panel, ALL, render.report_html(self.passages, self.documents, None, p)
        return panel, str(self.parts.index(part)), render.report_html(self.passages, self.documents, part, p)

    def placeholder(self) -> str:
        """The panel before any passage is opened."""
        return render.panel_placeholder_html()

    def whole_report(self) -> str:
        """The report tab showing every paper, nothing marked."""
        return render.report_html(self.passages, self.documents)

    def show_section(self, choice: str, version: str = ALL):
        """The part of the report picked in the section menu (of the paper picked in the paper menu)."""
        whole = choice in (None, ALL) or not str(choice).isdigit() or int(choice) >= len(self.parts)
        return render.report_html(self.of_version.get(version, self.passages), self.documents,
                                  None if whole else self.parts[int(choice)])

    def show_version(self, version: str):
        """One paper in one language (or every paper): its sections in the section menu, and its text."""
        shown = self.of_version.get(version, self.passages)
        mine = set(render.sections(shown))
        choices = [self.section_choices[0]] + [c for c, part in zip(self.section_choices[1:], self.parts)
                                               if part in mine]
        return gr.update(choices=choices, value=ALL), render.report_html(shown, self.documents)
