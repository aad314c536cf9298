"""HTML for the app: answers with citation chips, the citation panel, the browsable report.

Pure functions of passages and answers. Every piece of report or user text goes through
html.escape (render.pieces.text_html), so a passage containing "<script>" is shown as text and
never runs. The HTML is written on one line (newlines become <br>) because the chat renders
Markdown, and a blank line would end the HTML block and let Markdown rewrite the report's text.

A chip is a <button class="cite-chip" value="turn|doc|label"> (the chat's sanitiser keeps `value`
but drops data-* attributes); the app's page script turns a click on any chip, in the chat, the
panel or the report, into "open this passage in the panel".

One module a view: pieces (chips, highlighting, the document line), chat, panel, report, share
(copy and export text) and evaluation. This package is the app's one entry point to them.
"""
from __future__ import annotations

from assistant.render.chat import answer_html, example_buttons, header_html, message_html, question_html
from assistant.render.evaluation import eval_case_html
from assistant.render.panel import panel_placeholder_html, passage_html
from assistant.render.pieces import (
    NO_SECTION, SNIPPET_CHARS, chip_key, citation_chip, document_line, find_quote, highlight_html, official_url,
    parse_chip_key, snippet, text_html,
)
from assistant.render.report import (
    SECTION_DEPTH, in_section, is_footnote, neighbours, reading_order, report_html, section_of, sections,
)
from assistant.render.share import answer_copy_text, conversation_markdown, copy_button, quote_with_citation

__all__ = [
    "NO_SECTION", "SECTION_DEPTH", "SNIPPET_CHARS", "answer_copy_text", "answer_html", "chip_key", "citation_chip",
    "conversation_markdown", "copy_button", "document_line", "eval_case_html", "example_buttons", "find_quote",
    "header_html", "highlight_html", "in_section", "is_footnote", "message_html", "neighbours", "official_url",
    "panel_placeholder_html", "parse_chip_key", "passage_html", "question_html", "quote_with_citation",
    "reading_order", "report_html", "section_of", "sections", "snippet", "text_html",
]
