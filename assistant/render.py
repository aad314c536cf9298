"""HTML for the app: answers with citation chips, the citation panel, the browsable report.

Pure functions of passages and answers. Every piece of report or user text goes through
html.escape, so a passage containing "<script>" is shown as text and never runs. The HTML is
written on one line (newlines become <br>) because the chat renders Markdown, and a blank line
would end the HTML block and let Markdown rewrite the report's text.

A chip is a <button class="cite-chip" value="turn|doc|label"> (the chat's sanitiser keeps `value`
but drops data-* attributes); the app's page script turns a click on any chip, in the chat, the
panel or the report, into "open this passage in the panel".
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

from assistant.glosses import speaker_line
from ingest.charsets import form
from ingest.labels import citation, label_text
from ingest.passage import Document, Passage

SNIPPET_CHARS = 70  # how much of a linked passage the panel shows beside its chip
NO_SECTION = "（未分節）"


def _text(text: str) -> str:
    """Report or user text as HTML: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br>")


# ---- chips -----------------------------------------------------------------------------------

def chip_key(doc: str, label: str, turn: int | None = None) -> str:
    """What a chip tells the app: 'turn|doc|label', turn empty when the chip is not from an answer.

    >>> chip_key("CB(2)1292/2025", "15", 0)
    '0|CB(2)1292/2025|15'
    """
    return f"{'' if turn is None else turn}|{doc}|{label}"


def parse_chip_key(key: object) -> tuple[int | None, str, str]:
    """(turn, doc, label) from a chip key; ValueError for anything else (the key comes from a browser).

    >>> parse_chip_key("|CB(2)1292/2025|fn6")
    (None, 'CB(2)1292/2025', 'fn6')
    """
    if not isinstance(key, str) or key.count("|") < 2:
        raise ValueError(f"not a citation key: {key!r}")
    turn, rest = key.split("|", 1)
    doc, label = rest.rsplit("|", 1)
    if not doc or not label or not (turn == "" or turn.isdigit()):
        raise ValueError(f"not a citation key: {key!r}")
    return (int(turn) if turn else None), doc, label


def citation_chip(doc: str, label: str, lang: str = "zh", turn: int | None = None, kind: str = "cited",
                  text: str | None = None) -> str:
    """A clickable chip showing the citation in the report's form: 第15段 (Chinese) or para. 15 (English)."""
    shown = text if text is not None else label_text(label, form(lang))
    title = f"{doc} {label_text(label, 'zh')} · {label_text(label, 'en')}"
    return (f'<button type="button" class="cite-chip cite-{escape(kind)}" '
            f'value="{escape(chip_key(doc, label, turn))}" title="{escape(title)}">{escape(shown)}</button>')


# ---- highlighting ----------------------------------------------------------------------------

def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """The span of `quote` in `text`: exact first, else ignoring differences in white space."""
    if not quote or not quote.strip():
        return None
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    m = re.search(r"\s*".join(re.escape(piece) for piece in quote.split()), text)
    return (m.start(), m.end()) if m else None


def highlight_html(text: str, quotes: Iterable[str] = ()) -> str:
    """`text` escaped, with each quote found in it wrapped in <mark> (overlapping quotes merged)."""
    spans = sorted(s for s in (find_quote(text, q) for q in quotes) if s)
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, at = [], 0
    for a, b in merged:
        out += [_text(text[at:a]), "<mark>", _text(text[a:b]), "</mark>"]
        at = b
    out.append(_text(text[at:]))
    return "".join(out)


# ---- chat ------------------------------------------------------------------------------------

def question_html(question: str, max_chars: int = 300) -> str:
    """The user's question as a chat bubble, escaped and cut short if very long."""
    shown = question if len(question) <= max_chars else question[:max_chars] + "…"
    return f'<div class="q-text">{_text(shown)}</div>'


def message_html(text: str, kind: str = "warn") -> str:
    """A friendly note in the chat (an empty question, one that is too long…)."""
    return f'<div class="note note-{escape(kind)}">{_text(text)}</div>'


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
        parts.append(f'<div class="flag">⚠ {_text(note)}</div>')
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


# ---- the citation panel ----------------------------------------------------------------------

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


def _snippet(text: str, n: int = SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    return escape(text if len(text) <= n else text[:n] + "…")


def official_url(document: Document | None) -> str:
    """The official document's web address from its metadata (a `url` in the sidecar), if it is http(s)."""
    url = str(getattr(document, "url", "") or "")
    return url if re.match(r"https?://", url, re.I) else ""


def document_line(document: Document | None, doc_id: str) -> str:
    """'title · id · date' for the top of the panel and the report view, and a link to the official
    document when the metadata gives one."""
    bits = [f'<span class="doc-title">{escape(document.title)}</span>'] if document and document.title else []
    bits.append(f'<span class="doc-id">{escape(doc_id)}</span>')
    if document and document.date:
        bits.append(f'<span class="doc-date">{escape(document.date)}</span>')
    if url := official_url(document):
        bits.append(f'<a class="doc-url" href="{escape(url)}" target="_blank" rel="noopener noreferrer">'
                    f'官方文件 Official document ↗</a>')
    return '<div class="doc-line">' + '<span class="sep">·</span>'.join(bits) + "</div>"


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
                     f'<div class="panel-h">{name}</div><div class="panel-text">{_text(parallel.text)}</div></div>')
    footnotes = [q for q in linked if q.label in passage.footnotes]
    others = [q for q in linked if q.label not in passage.footnotes]
    if footnotes:
        items = "".join(f'<li>{citation_chip(q.doc, q.label, lang, kind="footnote")}'
                        f'<span class="fn-text">{_text(q.text)}</span></li>' for q in footnotes)
        parts.append(f'<div class="panel-block"><div class="panel-h">註釋 Footnotes</div>'
                     f'<ul class="fn-list">{items}</ul></div>')
    if others:
        items = "".join(f'<li>{citation_chip(q.doc, q.label, lang, kind="linked")}'
                        f'<span class="rel">{escape(_relation(passage, q))}</span>'
                        f'<span class="snippet">{_snippet(q.text)}</span></li>' for q in others)
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


# ---- the browsable report --------------------------------------------------------------------

SECTION_DEPTH = 2  # the report view is split by the first two heading levels


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
                     f'<div class="rp-text">{_text(p.text)}</div></div>')
    if not shown:
        parts.append('<p class="note">這部分沒有段落 · No passages in this part</p>')
    parts.append("</div>")
    return "".join(parts)


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


# ---- share and cite --------------------------------------------------------------------------

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


def example_buttons(questions: Sequence[str]) -> str:
    """Example questions as buttons; the page script asks one when it is clicked."""
    buttons = "".join(f'<button type="button" class="example-q" value="{escape(q)}">{escape(q)}</button>'
                      for q in questions)
    return f'<div class="examples"><span class="examples-label">示例問題 · Try</span>{buttons}</div>'


# ---- the evaluation tab ----------------------------------------------------------------------

def eval_case_html(case: dict, passages: dict[tuple[str, str], Passage], doc: str) -> str:
    """One question the evaluation got wrong: why, the gold passages and the ranked ones, each a chip.

    case: a row of eval.run.missed (question, why, gold and ranked labels); passages: by (doc, label).
    """
    gold = list(case.get("gold", []))

    def item(label: str, mark: str = "") -> str:
        p = passages.get((doc, label))
        text = _snippet(p.text, 120) if p else "（索引中沒有這段 · not in the index）"
        return f'<li>{mark}{citation_chip(doc, label, kind="linked")}<span class="snippet">{text}</span></li>'

    ranked = "".join(item(label, "✓ " if label in gold else "") for label in case.get("ranked", []))
    golds = "".join(item(label) for label in gold) or "<li>（報告沒有答案 · the report does not answer）</li>"
    return (f'<div class="eval-case"><div class="eval-q">{_text(str(case.get("question", "")))}</div>'
            f'<div class="eval-why">{escape(str(case.get("id", "")))} · {escape(str(case.get("why", "")))}</div>'
            f'<div class="panel-block"><div class="panel-h">正確段落 Gold</div><ul class="linked-list">{golds}</ul></div>'
            f'<div class="panel-block"><div class="panel-h">排名 Ranked</div><ol class="linked-list eval-ranked">'
            f'{ranked}</ol></div></div>')
