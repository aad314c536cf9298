"""Small pure parsers for what sits inside a paragraph: footnote markers, cross-references, markdown."""
from __future__ import annotations

import re

from ingest.charsets import SUPERSCRIPTS  # noqa: E402,F401  (parse.py imports it from here)
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


_ZH_REF = re.compile(r"第\s*([0-9()（）a-z、,，及和與至第\s]+?)\s*段")
_ZH_PUNCT = str.maketrans({"（": "(", "）": ")", "第": ""})
_EN_REF = re.compile(
    r"\bparas?(?:graphs?)?\.?\s+(\d+(?:\([0-9a-z]+\))?(?:\s*(?:,|and|to|-|–)\s*\d+(?:\([0-9a-z]+\))?)*)", re.I
)
_APPENDIX_REF = re.compile(r"附錄\s*(\d+(?:\s*[、,，及和與至]\s*\d+)*)|\bAppendi(?:x|ces)\s+(\d+(?:\s*(?:,|and|to)\s*\d+)*)")
_ITEM = re.compile(r"(\d+)?\s*(?:\(([0-9a-z]+)\))?")
MAX_RANGE = 200  # a wider "第1至99999段" is a typo or an attack, not a reference: keep just its ends


def cross_refs(text: str) -> tuple[str, ...]:
    """Labels of the paragraphs (and appendices) a text refers to, in order, each once.

    >>> cross_refs("(參閱上文第3、5至7段及第67(5)段)，載於附錄1及2")
    ('3', '5', '6', '7', '67(5)', 'appendix1', 'appendix2')
    """
    labels: list[str] = []
    for m in _ZH_REF.finditer(text):
        labels += _expand(re.split(r"[、,，及和與]", m[1].translate(_ZH_PUNCT)), "至")
    for m in _EN_REF.finditer(text):
        labels += _expand(re.split(r",|\band\b", m[1]), r"to|-|–")
    for m in _APPENDIX_REF.finditer(text):
        numbers = _expand(re.split(r"[、,，及和與]|\band\b", m[1] or m[2]), r"至|to")
        labels += [f"appendix{n}" for n in numbers]
    return tuple(dict.fromkeys(labels))


def _expand(parts: list[str], range_word: str) -> list[str]:
    """["3", "5至7", "67(1)至(3)"] -> ["3", "5", "6", "7", "67(1)", "67(2)", "67(3)"]."""
    labels: list[str] = []
    for part in parts:
        ends = [e.replace(" ", "") for e in re.split(range_word, part.strip())]
        if not ends[0]:
            continue
        labels.append(ends[0])
        if len(ends) == 2 and ends[1]:
            labels += _range(ends[0], ends[1])[1:]
    return labels


def _range(first: str, last: str) -> list[str]:
    """Labels from first to last: "5".."7", "67(1)".."(3)", "66(a)".."(c)"; just the ends if unclear."""
    a, b = _ITEM.fullmatch(first), _ITEM.fullmatch(last)
    if not (a and b):
        return [first, last]
    if a[1] and b[1] and not a[2] and not b[2] and _short(a[1], b[1]):
        return [str(n) for n in range(int(a[1]), int(b[1]) + 1)]
    para = a[1] or ""
    if a[2] and b[2] and (not b[1] or b[1] == para):
        lo, hi = a[2], b[2]
        if lo.isdigit() and hi.isdigit() and _short(lo, hi):
            return [f"{para}({n})" for n in range(int(lo), int(hi) + 1)]
        if len(lo) == len(hi) == 1 and lo.isalpha() and hi.isalpha():
            return [f"{para}({chr(c)})" for c in range(ord(lo), ord(hi) + 1)]
    return [first, last]


def _short(lo: str, hi: str) -> bool:
    """True if the numbers lo..hi are few enough to list (length first: int() refuses 4300+ digits)."""
    return len(lo) <= 6 and len(hi) <= 6 and int(hi) - int(lo) <= MAX_RANGE


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
