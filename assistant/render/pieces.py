"""Small pieces every view of the app is made of: escaped text, citation chips, highlighted quotes,
the line that names a document."""
from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from ingest.charsets import form
from ingest.labels import label_text
from ingest.passage import Document


SNIPPET_CHARS = 70  # how much of a linked passage the panel shows beside its chip
NO_SECTION = "（未分節）"


def text_html(text: str) -> str:
    """Report or user text as HTML: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br>")


def snippet(text: str, n: int = SNIPPET_CHARS) -> str:
    """The first `n` characters of a passage on one line, escaped: what a list shows beside a chip."""
    text = " ".join(text.split())
    return escape(text if len(text) <= n else text[:n] + "…")


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
        out += [text_html(text[at:a]), "<mark>", text_html(text[a:b]), "</mark>"]
        at = b
    out.append(text_html(text[at:]))
    return "".join(out)


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
