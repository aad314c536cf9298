"""Small pure parsers for what sits inside a paragraph: footnote markers, cross-references, markdown."""
from __future__ import annotations

import re

from ingest.charsets import SUPERSCRIPTS
from ingest.labels import labels_of, mentions
_SUPER_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")
_MARKER = re.compile(f"[ \\t]*([{SUPERSCRIPTS}]{{1,4}})[ \\t]*")  # bounded: int() refuses 4300+ digits
# "m²", "km²", "ft³" are units, not footnotes.
_UNIT_BEFORE = re.compile(r"(?:^|[^A-Za-z])(?:[kcdm]?m|ft|in)$")


def _is_unit(text: str, m: re.Match) -> bool:
    return m[1] in ("²", "³") and bool(_UNIT_BEFORE.search(text[: m.start(1)]))


def footnote_markers(text: str) -> tuple[str, ...]:
    """Footnote labels marked by superscript digits, in order of first use.

    >>> footnote_markers("服務平台，¹ 當局……願景。² 又見¹⁰")
    ('fn1', 'fn2', 'fn10')
    """
    labels = (f"fn{int(m[1].translate(_SUPER_TO_DIGIT))}" for m in _MARKER.finditer(text) if not _is_unit(text, m))
    return tuple(dict.fromkeys(labels))


def strip_footnote_markers(text: str) -> str:
    """The text without its superscript footnote markers (and the spaces around them in Chinese).

    >>> strip_footnote_markers("服務平台，¹ 當局於2024年")
    '服務平台，當局於2024年'
    """

    def replace(m: re.Match) -> str:
        if _is_unit(text, m):
            return m[0]
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        spaced = m[0] != m[1]
        # English keeps one space between words; Chinese is written without spaces.
        return " " if spaced and _is_latin(before) and _is_latin(after) else ""

    return _MARKER.sub(replace, text)


def _is_latin(char: str) -> bool:
    return bool(char) and char.isascii() and not char.isspace()


_CROSS_REF_KINDS = ("paragraph", "appendix", "annex")  # footnotes are linked by their superscript markers


def cross_refs(text: str) -> tuple[str, ...]:
    """Labels of the paragraphs (and appendices) a text refers to, in order, each once.

    The grammar is ingest.labels; footnote words (註, note) are left out, as running text uses
    them for other things and a report marks its footnotes with superscripts.

    >>> cross_refs("(參閱上文第3、5至7段及第67(5)段)，載於附錄1及2")
    ('3', '5', '6', '7', '67(5)', 'appendix1', 'appendix2')
    """
    named = (label for m in mentions(text) if m.kind in _CROSS_REF_KINDS for label in labels_of(m))
    return tuple(dict.fromkeys(named))


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EXPONENT = re.compile(r"\^\{(\d{1,3})\}")  # 10^{15}, left by the PDF → text conversion
_BOLD = re.compile(r"(\*\*|__)(.+?)\1", re.S)


def strip_markdown(text: str) -> str:
    """The text without markdown links, bold and LaTeX exponent braces, keeping their words.

    >>> strip_markdown("《[香港智慧城市藍圖](#)》的**6個智慧範疇**，10^{15}")
    '《香港智慧城市藍圖》的6個智慧範疇，10^15'
    """
    text = _LINK.sub(r"\1", text)
    text = _BOLD.sub(r"\2", text)
    text = _EXPONENT.sub(r"^\1", text)
    return text.replace("**", "")  # an unpaired marker is residue too
