"""Plain text to take elsewhere: a quote with its full citation, an answer's copy text, a conversation as Markdown."""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

from assistant.render.pieces import official_url
from ingest.charsets import form
from ingest.labels import label_text
from ingest.passage import Document


def quote_with_citation(text: str, doc: str, label: str, lang: str = "zh") -> str:
    """A quote as plain text with its full citation, for pasting elsewhere:
    「…」(CB(2)1292/2025，第15段) in Chinese, "…" (LC Paper CB(2)1292/2025, para. 15) in English."""
    if form(lang) == "en":
        return f'"{text}" (LC Paper {doc}, {label_text(label, "en")})'
    return f"「{text}」({doc}，{label_text(label, 'zh')})"


def answer_copy_text(answer) -> str:
    """What an answer's copy button copies: each quote with its full citation, one a line (or the
    answer's own text when it quotes nothing, e.g. when the report does not answer)."""
    if not answer.quotes:
        return answer.text
    return "\n".join(quote_with_citation(q.text, q.doc, q.label, answer.lang) for q in answer.quotes)


def copy_button(text: str) -> str:
    """A button that copies `text` (the app's page script reads its value; newlines kept as &#10;)."""
    return (f'<button type="button" class="copy-btn" value="{escape(text).replace(chr(10), "&#10;")}" '
            f'title="複製（連引文） · Copy with citation">複製 · Copy</button>')


def conversation_markdown(answers: Sequence, documents: dict[str, Document]) -> str:
    """A conversation as Markdown: the reports' titles and dates, then each question with its quotes
    and their full citations (or the answer's text when it quotes nothing)."""
    lines = ["# 立法會報告引文搜尋 · LegCo Report Search", ""]
    for d in documents.values():
        about = " · ".join(bit for bit in (d.title, d.doc_id, d.date) if bit)
        url = official_url(d)
        lines.append(f"- 報告 Report: {about}" + (f" <{url}>" if url else ""))
    for n, answer in enumerate(answers, 1):
        lines += ["", f"## {n}. {' '.join(answer.question.split())}", ""]
        if answer.quotes:
            lines += [f"> {quote_with_citation(q.text, q.doc, q.label, answer.lang)}\n>" for q in answer.quotes]
            lines[-1] = lines[-1].removesuffix("\n>")
        else:
            lines.append(answer.text)
    return "\n".join(lines) + "\n"
