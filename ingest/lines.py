"""Join the lines a PDF was wrapped into back into paragraphs, one paragraph a line.

A line runs on into the next when it is full (nearly as wide as the widest lines of its page)
or ends in a hyphen, and the next line does not start a numbered paragraph, a sub-item or a
footnote. A number printed alone on its line ("12.", "1.1", "(a)", "（一）", "一、", "A.", "[3]", "¹"), as a
printer leaves it when the paragraph's first word does not fit beside it, starts a block and takes
the next line as its text, on the same page or the next. A paragraph cut by a page break is
rejoined across the break; footnotes printed at the bottom of that page follow the rejoined paragraph. Joins: Chinese to Chinese without a space;
Latin to Latin with one; Chinese to Latin with one only where the source had one, which a
wrapped line cannot show, so none; a hyphen at a line end before a lowercase letter joins the word.
"""
from __future__ import annotations

import re
from ingest.charsets import CJK_TEXT_CHAR, SUPERSCRIPTS

FULL = 0.8  # a line at least this share of the page's text width is wrapped, not ended
# What starts a new block: a numbered paragraph, a sub-item, a section number, a footnote.
_STARTS = re.compile(
    rf"(?:\d{{1,3}}(?:\.\d{{1,3}}){{0,3}}[.．]?\s|[(（](?:\d{{1,2}}|[a-z]{{1,4}}|[一二三四五六七八九十]{{1,3}})[)）]"
    rf"|[{SUPERSCRIPTS}]|\[\d{{1,3}}\]|註\s*\d|[一二三四五六七八九十]{{1,3}}、|[A-Z]\.\s|[IVX]{{1,5}}\.\s|[-•‧·]\s)"
)
# A number or mark with nothing after it on its line. A bare "12" is not one: that is a page number.
_LONE = re.compile(
    rf"(?:[-•‧·]\s*)?[(（](?:\d{{1,2}}|[a-z]{{1,4}}|[一二三四五六七八九十]{{1,3}})[)）]"
    rf"|\d{{1,3}}[.．]|\d{{1,3}}(?:\.\d{{1,3}}){{1,3}}[.．]?|[{SUPERSCRIPTS}]{{1,4}}|\[\d{{1,3}}\]|註\s*\d{{1,3}}"
    rf"|[一二三四五六七八九十]{{1,3}}、|[A-Z]\.|[IVX]{{1,5}}\."
)
_NOTE = re.compile(rf"[{SUPERSCRIPTS}]|\[\d{{1,3}}\](?:\s|$)|註\s*\d")
_SENTENCE_END = "。；！？.;!?：:」』”’)）"


def width(line: str) -> int:
    """Display width: 2 for a wide (CJK) character, 1 for any other.

    >>> width("政府 AI")
    7
    """
    return len(line) + len(CJK_TEXT_CHAR.findall(line))  # a regex: 20x faster than east_asian_width per character


def join(left: str, right: str) -> str:
    """Two pieces of one paragraph joined as the language wants.

    >>> join("政府當局", "表示"), join("the Hong", "Kong"), join("cyber-", "security"), join("Smart City", "藍圖")
    ('政府當局表示', 'the Hong Kong', 'cybersecurity', 'Smart City藍圖')
    """
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    if left[-1] in "-‐" and len(left) > 1 and left[-2].isalpha() and right[0].islower():
        return left[:-1] + right
    if _latin(left[-1]) and _latin(right[0]):
        return f"{left} {right}"
    return left + right


def lone_number(line: str) -> bool:
    """True if the line is a paragraph number, sub-item or footnote mark alone, its text on the next line.

    >>> [lone_number(s) for s in ("12.", "1.1", "（一）", "[3]", "¹", "12", "- 12 -", "12. 政府")]
    [True, True, True, True, True, False, False, False]
    """
    return _LONE.fullmatch(line) is not None


def _after_number(number: str, text: str) -> str:
    """A lone number and its text as one line, spaced as the parser reads it: "12. 政府", "一、引言"."""
    return number + text.lstrip() if number[-1] in "、）．" else f"{number} {text.lstrip()}"


def _latin(char: str) -> bool:
    return (char.isascii() and (char.isalnum() or char in ",.;:)(%\"'-/&")) or char in "’”“‘–—"


def paragraphs(pages: list[list[str]]) -> list[str]:
    """The pages' lines rejoined into paragraphs, in reading order.

    >>> paragraphs([["1. 政府當局表示會繼續致力落實", "措施。", "2. 另一段。"]])
    ['1. 政府當局表示會繼續致力落實措施。', '2. 另一段。']
    """
    out: list[str] = []
    open_: str | None = None  # the paragraph being built
    held: list[str] = []  # footnotes from the foot of a page, waiting for the paragraph it cut

    def close() -> None:
        nonlocal open_, held
        if open_ is not None:
            out.append(open_)
        out.extend(held)
        open_, held = None, []

    for lines in pages:
        body, notes = _split_notes(lines)
        full = FULL * max((width(line) for line in lines), default=0)
        for line in body:
            if open_ is not None and lone_number(open_):
                if line and not lone_number(line):
                    open_ = _after_number(open_, line)  # the number's text, however short or long
                    if width(line) < full and not line.endswith(("-", "‐")):
                        close()
                    continue
                if not line:
                    continue  # a gap between a number and its text does not part them
            if not line:  # a blank line inside a page ends the paragraph
                close()
                continue
            if open_ is None or _starts_block(open_, line, full):
                close()
                open_ = line
            else:
                open_ = join(open_, line)
            if width(line) < full and not line.endswith(("-", "‐")) and not lone_number(line):
                close()  # a short line ends its paragraph
        held += _notes(notes)
        if open_ is None:
            close()
    close()
    return out


def _starts_block(before: str, line: str, full: float) -> bool:
    """True if `line` starts a new block after the paragraph `before` rather than continuing it."""
    if _STARTS.match(line) or lone_number(line):
        return True
    # After a finished sentence, a short line that is not one is a heading, not the paragraph's tail.
    return before.endswith(tuple(_SENTENCE_END)) and width(line) < full and not line.endswith(tuple(_SENTENCE_END))


def _split_notes(lines: list[str]) -> tuple[list[str], list[str]]:
    """The page's body, and the footnotes at its foot (each note may run on for a few lines)."""
    start = len(lines)
    for i in range(len(lines) - 1, 0, -1):
        if _NOTE.match(lines[i]):
            start = i
        elif not lines[i]:
            continue
        elif _STARTS.match(lines[i]) or lone_number(lines[i]) or i < start - 3:
            break
    return lines[:start], lines[start:]


def _notes(lines: list[str]) -> list[str]:
    """Footnote lines joined into one line per footnote."""
    notes: list[str] = []
    for line in filter(None, lines):
        if notes and lone_number(notes[-1]) and not _NOTE.match(line):
            notes[-1] = _after_number(notes[-1], line)  # "[3]" or "¹" alone, its note on the next line
        elif _NOTE.match(line) or not notes or notes[-1].endswith(tuple(_SENTENCE_END)):
            notes.append(line)  # a new note, or what follows a finished one (a signature, say)
        else:
            notes[-1] = join(notes[-1], line)
    return notes
