"""What each line of a paper's text is: a numbered paragraph, a sub-item, a footnote, a page number or text.

Also the tests on lines and passages the walk over them needs: may this number come next, is this
a heading, does this text end a sentence, and how pieces of one passage join.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.charsets import SUPERSCRIPT_DIGITS, SUPERSCRIPTS, TO_SUPERSCRIPT
from ingest.refs import strip_footnote_markers, strip_markdown

_PARA = re.compile(r"(\d{1,3})[.．](?!\d)\s*(.*)|(\d{1,3}(?:\.\d{1,3}){1,3})\.?(?:\s+(.*)|$)")
_ITEM = re.compile(r"(?:[-‧•·*]\s*)?[(（]([0-9]{1,2}|[a-z]{1,4}|[一二三四五六七八九十]{1,3})[)）]\s*(.*)")
_NOTE = re.compile(f"([{SUPERSCRIPTS}]{{1,4}})\\s*(.*)")  # bounded: int() refuses 4300+ digits
_NOTE_OTHER = re.compile(r"(?:\[(\d{1,3})\]|註\s*(\d{1,3})\s*[:：.．]?)\s*(.*)")  # "[6] ...", "註6 ..."
_INLINE_NOTE = re.compile(r"(?<=[^\s\[])\[(\d{1,3})\](?!\()")  # "...the Bill.[6]" marks footnote 6
PAGE_NUMBER = re.compile(r"[-–—]?\s*\d{1,3}\s*[-–—]?|第\s*\d+\s*頁|Page \d+", re.I)
_SENTENCE_END = "。；：！？.;:!?…"
_CLOSERS = "”’」』)）]\"' "


@dataclass(frozen=True)
class Line:
    kind: str  # "blank", "para", "item", "note" or "text"
    raw: str
    key: str = ""  # paragraph number, item key or footnote number
    body: str = ""  # the text after the number or marker


BLANK = Line("blank", "")  # shared: a file of blank lines costs a pointer per line, not an object


def classify(raw: str) -> Line:
    """One line of a paper, read for its number or marker.

    >>> classify("15. 政府當局表示……"), classify("⁶ 算力單位")
    (Line(kind='para', raw='15. 政府當局表示……', key='15', body='政府當局表示……'), Line(kind='note', raw='⁶ 算力單位', key='6', body='算力單位'))
    """
    line = raw.strip()
    if not line:
        return BLANK
    if PAGE_NUMBER.fullmatch(line):
        return Line("blank", line)
    if "[" in line:
        line = _INLINE_NOTE.sub(lambda m: m[1].translate(TO_SUPERSCRIPT), line)
    for kind, pattern in (("note", _NOTE), ("para", _PARA), ("item", _ITEM)):
        if m := pattern.fullmatch(line):
            if kind == "para" and m[3]:  # "1.1 ...": the key is the dotted number
                return Line(kind, line, m[3], m[4] or "")
            key = str(int(m[1].translate(SUPERSCRIPT_DIGITS))) if kind == "note" else m[1]
            return Line(kind, line, key, m[2])
    if m := _NOTE_OTHER.fullmatch(line):
        return Line("note", line, str(int(m[1] or m[2])), m[3])
    return Line("text", line)


def section_numbers(lines: list[Line]) -> list[Line]:
    """Lines numbered "2. Background" whose next numbered line is 2.1 are section headings, not paragraphs."""
    paras = [i for i, line in enumerate(lines) if line.kind == "para"]
    out = list(lines)
    for i, j in zip(paras, paras[1:]):
        key, body = lines[i].key, lines[i].body
        if "." not in key and lines[j].key == f"{int(key)}.1" and is_heading(body) and len(body) <= 80:
            out[i] = Line("text", lines[i].raw)
    return out


def follows(key: str, before: str) -> bool:
    """True if paragraph number `key` may come next after `before`: the next at any level, or a first
    sub-number ("2" or "1.2" or "1.1.1" after "1.1"; "2.1" after "1.3"; "6" or "5.1" after "5").

    >>> [follows(k, "1.1") for k in ("1.2", "1.1.1", "2", "2.1", "1.3", "3")]
    [True, True, True, True, False, False]
    """
    if "." not in key and "." not in before:
        return int(key) == int(before) + 1  # the common case, kept exact
    have, want = [int(n) for n in before.split(".")], [int(n) for n in key.split(".")]
    if want == have + [1]:
        return True
    for level in range(len(have), 0, -1):
        nxt = have[:level - 1] + [have[level - 1] + 1]
        if want[:level] == nxt and all(n == 1 for n in want[level:]):
            return True
    return False


def number(key: str) -> str:
    """The label of a paragraph number: "02" -> "2", "1.01" -> "1.1"."""
    return ".".join(str(int(n)) for n in key.split("."))


def first_number(key: str) -> bool:
    """True if a numbered paragraph may be the first of a paper: 1, 2 (after an unnumbered 1), 1.1, 1.1.1."""
    return number(key) in ("1", "2") or bool(re.fullmatch(r"1(?:\.1){1,3}", number(key)))


def is_heading(line: str) -> bool:
    """A short line that does not end a sentence: a heading (or a line cut by a page break)."""
    text = strip_markdown(line).strip()
    return 0 < len(text) <= 50 and text[-1] not in _SENTENCE_END + "，、,"


def ends_sentence(text: str) -> bool:
    """True if the text ends a sentence or a list item ("。", "；", "；及", "：")."""
    text = strip_markdown(strip_footnote_markers(text)).rstrip(_CLOSERS)
    text = re.sub(r"(?<=[；;,，])\s*(及|或|and|or)$", "", text)
    return bool(text) and text[-1] in _SENTENCE_END


def join_pieces(pieces: list[str]) -> str:
    """Pieces of one passage joined: Chinese without a space, English words with one."""
    parts, last = [], ""  # a list joined once: `text += piece` is quadratic for a long passage
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if last and _latin(last) and _latin(piece[0]):
            parts.append(" ")
        parts.append(piece)
        last = piece[-1]
    return "".join(parts)


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum() or char in ",.;:)"
