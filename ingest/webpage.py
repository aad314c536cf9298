"""The text of an HTML paper: one block element a paragraph, markup and scripts dropped.

The standard library's html.parser, not a dependency: a LegCo HTML paper is plain paragraphs,
headings, lists and tables, and the parser is forgiving of unclosed tags. A footnote reference
in <sup>6</sup> becomes ⁶, the marker the parser reads as a footnote.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from ingest.charsets import TO_SUPERSCRIPT

_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
           "section", "article", "header", "footer", "blockquote", "dt", "dd", "hr", "title", "pre"}
_SKIPPED = {"script", "style", "noscript", "template", "svg", "head"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.skipping = 0
        self.in_title = False
        self.in_sup = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "sup":
            self.in_sup = True
        elif tag in ("td", "th"):
            self.parts.append(" ")
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "title":
            self.in_title = False
        elif tag == "sup":
            self.in_sup = False
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
            return  # metadata, not the paper's text
        if self.skipping:
            return
        if self.in_sup and data.strip().isdigit():
            data = data.strip().translate(TO_SUPERSCRIPT)
        self.parts.append(re.sub(r"\s+", " ", data))


def html_text(source: str) -> tuple[str, str]:
    """(text, the <title>) of an HTML page: blocks separated by blank lines, spaces collapsed.

    >>> html_text("<title>T</title><p>1. The <b>Bill</b>.<sup>2</sup></p><p>Next</p>")
    ('1. The Bill.²\\n\\nNext', 'T')
    """
    parser = _Text()
    parser.feed(source)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, " ".join("".join(parser.title).split())
