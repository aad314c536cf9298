"""The chat: the page header, example questions, the question and answer bubbles, notes."""
from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from assistant.glosses import speaker_line
from assistant.render.pieces import citation_chip, document_line, text_html
from assistant.render.share import answer_copy_text, copy_button
from ingest.labels import citation
from ingest.passage import Document


HEADER_DOCUMENTS = 3  # more papers than this are counted in the header, not listed


def header_html(documents: dict[str, Document], count: int) -> str:
    """The page header: what the app is and which reports it searches (a library, by its size)."""
    docs = "".join(f'<div class="app-doc"><span class="app-doc-h">報告 Report</span>{document_line(d, d.doc_id)}</div>'
                   for d in documents.values()) if len(documents) <= HEADER_DOCUMENTS else (
        f'<div class="app-doc"><span class="app-doc-h">文件庫 Library</span>{len(documents)} 份文件 papers</div>')
    return (f'<div class="app-header"><div class="app-title">立法會報告引文搜尋 '
            f'<span class="app-title-en">LegCo Report Search</span></div>'
            f'<div class="app-sub">每個答案均直接引用報告原文並註明段落 · Every answer quotes the report '
            f'verbatim and cites the paragraph · {count} 段 passages</div>{docs}</div>')


def example_buttons(questions: Sequence[str]) -> str:
    """Example questions as buttons; the page script asks one when it is clicked."""
    buttons = "".join(f'<button type="button" class="example-q" value="{escape(q)}">{escape(q)}</button>'
                      for q in questions)
    return f'<div class="examples"><span class="examples-label">示例問題 · Try</span>{buttons}</div>'


def question_html(question: str, max_chars: int = 300) -> str:
    """The user's question as a chat bubble, escaped and cut short if very long."""
    shown = question if len(question) <= max_chars else question[:max_chars] + "…"
    return f'<div class="q-text">{text_html(shown)}</div>'


def message_html(text: str, kind: str = "warn") -> str:
    """A friendly note in the chat (an empty question, one that is too long…)."""
    return f'<div class="note note-{escape(kind)}">{text_html(text)}</div>'


def _cited(answer) -> list[tuple[str, str]]:
    """(doc, label) of the answer's quotes, in order, once each."""
    out: list[tuple[str, str]] = []
    for q in answer.quotes:
        if (q.doc, q.label) not in out:
            out.append((q.doc, q.label))
    return out


def _inline_chips(escaped: str, answer, turn: int | None, cited: Sequence[tuple[str, str]],
                  placed: set[tuple[str, str]] | None = None) -> str:
    """Turn the bracketed citations in an (escaped) answer text into chips: 〔第15段〕 → [第15段].

    placed: filled with the (doc, label) of every chip made, so they are not listed again below.
    """
    keys = list(cited) + [(h.passage.doc, h.passage.label) for h in answer.hits] + [
        (p.doc, p.label) for h in answer.hits for p in h.linked]  # a named passage's links, listed as links
    found: dict[str, tuple[str, str]] = {}
    for doc, label in keys:
        for written in (citation(label, answer.lang, doc), citation(label, answer.lang)):
            found.setdefault(escape(written), (doc, label))
    if not found:
        return escaped
    pattern = re.compile("|".join(re.escape(w) for w in sorted(found, key=len, reverse=True)))

    def chip(m: re.Match) -> str:
        doc, label = found[m.group(0)]
        if placed is not None:
            placed.add((doc, label))
        kind = "cited" if (doc, label) in cited else "related"
        return citation_chip(doc, label, answer.lang, turn, kind)

    return pattern.sub(chip, escaped)


def _with_speakers(escaped: str, answer) -> str:
    """The (escaped) answer text with who says each quote above its line: "政府當局表示 · the Administration"."""
    lines = escaped.split("\n")
    for q in answer.quotes:
        said = speaker_line(getattr(q, "speaker", None), getattr(q, "act", "") or "states")
        if not said:
            continue
        opening = escape(f"「{q.text}」")
        for i, line in enumerate(lines):
            if line.startswith(opening):
                lines[i] = f'<span class="speaker">{escape(said)}</span>{line}'
                break
    return "\n".join(lines)


def answer_html(answer, turn: int | None = None) -> str:
    """An assistant.answer.Answer as a chat bubble: its text, then its citations as chips.

    Each citation is shown once: where the text cites it, or else in a row below ("引文 Citations");
    the other passages the search returned follow as "其他相關段落 Also relevant", so a reader can
    open any of them. A copy button carries the answer as plain text with full citations.
    """
    cited = _cited(answer)
    placed: set[tuple[str, str]] = set()
    body = _inline_chips(_with_speakers(escape(answer.text), answer), answer, turn, cited, placed).replace("\n", "<br>")
    cls = "answer" if answer.answerable else "answer answer-weak"
    parts = [f'<div class="{cls}"><div class="answer-text">{body}</div>']
    for note in answer.flagged:
        parts.append(f'<div class="flag">⚠ {text_html(note)}</div>')
    unplaced = [key for key in cited if key not in placed]
    if unplaced:
        chips = "".join(citation_chip(d, l, answer.lang, turn, "cited") for d, l in unplaced)
        parts.append(f'<div class="chips"><span class="chips-label">引文 Citations</span>{chips}</div>')
    others = []
    for h in answer.hits:
        key = (h.passage.doc, h.passage.label)
        if key not in cited and key not in placed and key not in others:
            others.append(key)
    if others:
        chips = "".join(citation_chip(d, l, answer.lang, turn, "related") for d, l in others)
        title = "相關段落 Closest passages" if not cited else "其他相關段落 Also relevant"
        parts.append(f'<div class="chips chips-related"><span class="chips-label">{title}</span>{chips}</div>')
    if getattr(answer, "source", "extractive") == "llm":
        parts.append('<div class="source">由語言模型撰寫，引文已核對 · Written by an LLM, quotes checked</div>')
    parts.append(f'<div class="tools">{copy_button(answer_copy_text(answer))}</div>')
    parts.append("</div>")
    return "".join(parts)
