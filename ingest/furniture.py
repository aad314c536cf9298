"""Remove page furniture from the pages of a paper: running headers and footers, page numbers.

A running header or footer is a line near the top or bottom of a page that recurs, digits aside,
on most pages: the file reference (本處檔號：CB1/HS/1/22), the paper number, "Page 3 of 10".
A page number is a line that is only a number, "- 2 -", "第 2 頁" or "Page 2". Lines inside the
page's body are never removed, however often they recur: only the edges carry furniture.

A paragraph number printed alone on its line ("12.", "1.1", "(a)", "[3]") with its text on the next
line is body, even at the top of a page and however often numbers of that shape open a page: a
printer leaves a number alone when the paragraph's first word does not fit beside it. A bare "12"
is a page number; a lone number with no text after it on its page counts as furniture only if its
shape recurs at the edges of most pages, as a page number "3." would.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from ingest.lines import lone_number

EDGE = 3  # lines at the top and at the bottom of a page that may be furniture
PAGE_NUMBER = re.compile(r"[-–—]?\s*\d{1,4}\s*[-–—]?|第\s*\d+\s*頁(?:\s*[，,]?\s*共\s*\d+\s*頁)?"
                         r"|(?:Page|P\.)\s*\d+(?:\s*of\s*\d+)?|\d+\s*/\s*\d+", re.I)


@dataclass(frozen=True)
class Cleaned:
    """Pages without their furniture, and the lines taken away (so nothing is lost unseen)."""

    pages: list[list[str]]
    removed: list[str]


def _shape(line: str) -> str:
    """The line with its digits masked: "- 2 -" and "- 3 -" share a shape, as do "Page 2 of 9" and "Page 3 of 9"."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def strip_furniture(pages: list[str]) -> Cleaned:
    """Each page's lines without its running headers, footers and page numbers (and blank lines at its edges).

    >>> strip_furniture(["檔號：X\\n甲。\\n- 1 -", "檔號：X\\n乙。\\n- 2 -"]).pages
    [['甲。'], ['乙。']]
    """
    split = [[line.strip() for line in page.split("\n")] for page in pages]
    filled = [[line for line in lines if line] for lines in split]
    running = _recurring(filled, lambda lines, i: lone_number(lines[i]))
    # Lone numbers count only where no text follows them on the page: then they may be page numbers.
    recurring = running | _recurring(filled, lambda lines, i: lone_number(lines[i]) and _text_follows(lines, i, running))
    kept, removed = [], []
    for lines in split:
        filled = [i for i, line in enumerate(lines) if line]  # blank lines are kept: they end paragraphs
        k = max(1, min(EDGE, len(filled) // 3))  # a short last page is not all edges
        edge = set(filled[:k] + filled[-k:])
        page = []
        for i, line in enumerate(lines):
            if i in edge and (PAGE_NUMBER.fullmatch(line) or _shape(line) in recurring) \
                    and not (lone_number(line) and _text_follows(lines, i, running)):
                removed.append(line)
            else:
                page.append(line)
        while page and not page[0]:
            page.pop(0)
        while page and not page[-1]:
            page.pop()
        kept.append(page)
    return Cleaned(kept, removed)


def _text_follows(lines: list[str], i: int, running: set[str]) -> bool:
    """True if the next filled line after line i is text: not a page number, not a running header or footer."""
    after = next((line for line in lines[i + 1:] if line), None)
    return after is not None and not PAGE_NUMBER.fullmatch(after) and _shape(after) not in running


def _recurring(pages: list[list[str]], body: Callable[[list[str], int], bool]) -> set[str]:
    """Shapes of edge lines found on more than half of the pages (of two or more), leaving out the
    lines `body(lines, i)` says are the page's body."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = [i for i in range(len(lines)) if i < EDGE or i >= max(EDGE, len(lines) - EDGE)]
        counts.update({_shape(lines[i]) for i in edge if not body(lines, i)})
    return {shape for shape, n in counts.items() if n > len(pages) / 2 and n >= 2}
