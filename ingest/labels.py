"""The citation grammar: passage labels read from 第15段 / para. 67(5) / 建議(5) / 註6 / Appendix 2, and written back.

A label is how every layer names a passage:

    "15", "1.1", "1.1.1"                  numbered paragraphs
    "66(a)", "67(5)", "3(i)", "2.2(a)"    sub-items of a paragraph (a recommendation is one: 67(5))
    "fn6"                                 footnotes and endnotes
    "appendix2", "annex1"                 附錄 / Appendix and 附件 / Annex, as the report names them
    "summary", "intro" or a heading       text before the first numbered paragraph

Reading: `mentions(text)` finds every citation written in a text, `cited(text, labels)` keeps the
ones that exist (resolving 建議(5) against the recommendations paragraph), `parse_label(ref)` reads
one whole reference, as an LLM writes it in brackets. Writing: `label_text(label, lang, doc)` gives
第15段 / para. 15, and `citation(...)` the bracketed form an answer uses, 〔第15段〕 / [para. 15].
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.charsets import CJK, form
from ingest.numerals import NUMERAL_CHARS, chinese_number

# A range wider than this ("第1至99999段") is a typo or an attack, not a reference: only its two ends
# are kept. 200 is far above the paragraphs of any LegCo paper seen (the bundled report has 68, and
# 29 recommendation items), so no real range is cut; the lookup's former 50 would cut "paras 1 to 68".
MAX_RANGE = 200
MAX_DIGITS = 6  # a longer number is no paragraph (and int() refuses 4300+ digits)

_WIDE = str.maketrans("（）０１２３４５６７８９", "()0123456789")  # one to one: positions are kept
_CN = f"[{NUMERAL_CHARS}]+"
_NUMBER = rf"(?:\d+(?:\.\d+)*|{_CN})"  # 15, 1.1.1, 十五
_SUB = rf"\(\s*(?:\d{{1,3}}|[ivx]{{1,5}}|[a-z]|{_CN})\s*\)"  # (5), (iii), (a), (五)
_ITEM = rf"(?:{_NUMBER}(?:\s*{_SUB})?|{_SUB})"  # a bare (3) continues a range: 67(1)至(3)
_LIST = r"(?:、|,|，|;|；|及|和|與|与|&|\band\b)"
_RANGE = r"(?:至|到|\bto\b|-|–|—)"
_ITEMS = rf"{_ITEM}(?:\s*(?:{_LIST}|{_RANGE})\s*(?:第\s*)?{_ITEM})*"
_NAMED_NUMBER = rf"(?:\d+|[ivx]{{1,4}}|{_CN})"  # Appendix 2, Appendix II, 附錄二
_NAMED_NUMBERS = rf"{_NAMED_NUMBER}(?:\s*(?:{_LIST}|{_RANGE})\s*{_NAMED_NUMBER})*"
_EN = "(?<![A-Za-z])"  # an English keyword starts a word: "note" is not inside "denote"

_PARAGRAPH = [
    re.compile(rf"第\s*({_ITEMS})\s*段", re.I),
    re.compile(rf"{_EN}(?:paragraphs?|paras?\.?|¶+)\s*(?:nos?\.?\s*)?({_ITEMS})", re.I),
]
_RECOMMENDATION = [
    # 建議(5), recommendation 5, rec. 5; not 建議2025年. A Chinese numeral needs its brackets:
    # "建議一併" is a verb and a word, not recommendation (1).
    re.compile(rf"(?:建議|建议|{_EN}recommendations?|{_EN}recs?\.?)\s*(?:第|no\.?|number)?\s*"
               rf"(?:\(?\s*(\d+)(?!\d)\s*\)?(?!\s*年)|\(\s*({_CN})\s*\))", re.I),
    re.compile(rf"第\s*(\d+|{_CN})\s*(?:項|项|條|条)\s*(?:建議|建议)"),
]
# 注 closes many words (關注, 專注): only a 注 that starts one is a note, and 關注第3段 names no footnote.
_FOOTNOTE = re.compile(rf"(?:腳註|脚注|註|(?<![{CJK}])注|{_EN}(?:footnotes?|endnotes?|notes?|fn\.?))\s*(?:no\.?\s*)?"
                       rf"(\d+(?:\s*(?:{_LIST}|{_RANGE})\s*\d+)*)", re.I)
_APPENDIX = re.compile(rf"(附錄|附录|附件|{_EN}appendix|{_EN}appendices|{_EN}annex(?:es)?)\s*(?:no\.?\s*)?"
                       rf"({_NAMED_NUMBERS})(?![A-Za-z])", re.I)
_ROMAN = {"i": 1, "v": 5, "x": 10}


@dataclass(frozen=True)
class Mention:
    """A citation written in a text: where it is, what kind it is, and the labels it names.

    kind is "paragraph", "footnote", "appendix", "annex" or "recommendation"; a recommendation's
    labels are its item numbers ("5"), which `cited` resolves against the report's labels.
    """

    start: int
    end: int
    kind: str
    labels: tuple[str, ...]


def mentions(text: str) -> tuple[Mention, ...]:
    """Every citation written in a text, in order.

    >>> [(m.kind, m.labels) for m in mentions("見第3、5至7段、建議(5)及註6，載於附錄2")]
    [('paragraph', ('3', '5', '6', '7')), ('recommendation', ('5',)), ('footnote', ('6',)), ('appendix', ('2',))]
    """
    text = text.translate(_WIDE)
    found = [Mention(m.start(), m.end(), "paragraph", _items(m[1])) for p in _PARAGRAPH for m in p.finditer(text)]
    for pattern in _RECOMMENDATION:
        for m in pattern.finditer(text):
            n = _whole(next(g for g in m.groups() if g))
            if n is not None:
                found.append(Mention(m.start(), m.end(), "recommendation", (n,)))
    found += [Mention(m.start(), m.end(), "footnote", _numbers(m[1])) for m in _FOOTNOTE.finditer(text)]
    for m in _APPENDIX.finditer(text):
        kind = "annex" if m[1] in ("附件",) or m[1].lower().startswith("annex") else "appendix"
        found.append(Mention(m.start(), m.end(), kind, _numbers(m[2])))
    return tuple(sorted((m for m in found if m.labels), key=lambda m: m.start))


def labels_of(mention: Mention) -> tuple[str, ...]:
    """The labels a mention names, without knowing the report (a recommendation names none)."""
    if mention.kind == "paragraph":
        return mention.labels
    if mention.kind == "footnote":
        return tuple(f"fn{n}" for n in mention.labels)
    if mention.kind in ("appendix", "annex"):
        return tuple(f"{mention.kind}{n}" for n in mention.labels)
    return ()


def cited(text: str, labels: set[str] | frozenset[str]) -> list[str]:
    """Labels a text names that exist in `labels`, in the order named, each once.

    建議(5) is item 5 of the recommendations paragraph ("67(5)"); an appendix asked for as an annex
    (or the reverse) is found when the report has only the other.

    >>> cited("第47及49段、建議(5)、annex 1 講咩？", {"47", "49", "67(5)", "appendix1"})
    ['47', '49', '67(5)', 'appendix1']
    """
    out: list[str] = []
    for m in mentions(text):
        if m.kind == "recommendation":
            names = sorted(label for label in labels if re.fullmatch(rf"\d+(?:\.\d+)*\({m.labels[0]}\)", label))
        else:
            names = [_either_appendix(label, labels) for label in labels_of(m)]
        out += [n for n in names if n in labels and n not in out]
    return out


def _either_appendix(label: str, labels) -> str:
    """appendix2 ↔ annex2 when the report has only the other: translations swap the two words."""
    if label in labels:
        return label
    if m := re.fullmatch(r"(appendix|annex)(\d+)", label):
        return f"{'annex' if m[1] == 'appendix' else 'appendix'}{m[2]}"
    return label


# ---- one whole reference ---------------------------------------------------------------------

_WHOLE_FOOTNOTE = re.compile(r"(?:fn|footnote|endnote|note|註|注|腳註|脚注)\s*\.?\s*(?:第\s*|no\.?\s*)?(\d+)", re.I)
_WHOLE_APPENDIX = re.compile(rf"(附錄|附录|附件|appendix|annex)\s*({_NAMED_NUMBER})", re.I)
_WHOLE_RECOMMENDATION = re.compile(rf"(?:建議|建议|recommendation|rec\.?)\s*(?:\(\s*(\d+|{_CN})\s*\)|(\d+))", re.I)
_PREFIX = re.compile(r"^(?:第|paragraph|paras?\.?|¶)\s*", re.I)
_NAMED = {"summary": ("摘要", "Summary"), "intro": ("引言", "Introduction")}


def parse_label(ref: str, labels=None) -> str | None:
    """The label one whole reference names, or None if it is not a citation.

    Forms that name a report's own items need its labels: a recommendation (建議(5) → "67(5)"), a
    bare decimal ("1.1", which could be a figure), a named passage ("summary").

    >>> [parse_label(s) for s in ("15", "第15段", "para. 67(5)", "註6", "附錄2", "第十五段", "sic")]
    ['15', '15', '67(5)', 'fn6', 'appendix2', '15', None]
    """
    s = ref.translate(_WIDE).strip()
    if m := _WHOLE_FOOTNOTE.fullmatch(s):
        return f"fn{_whole(m[1])}"
    if m := _WHOLE_APPENDIX.fullmatch(s):
        kind = "annex" if m[1] == "附件" or m[1].lower() == "annex" else "appendix"
        label = f"{kind}{_whole(m[2])}" if _whole(m[2]) else None
        return _either_appendix(label, labels) if label and labels is not None else label
    if m := _WHOLE_RECOMMENDATION.fullmatch(s):
        return (cited(f"建議({_whole(m[1] or m[2])})", labels) or [None])[0] if labels else None
    if labels is not None:
        named = {s.lower(), *(name for name, forms in _NAMED.items() if s in forms)}
        if hit := next((label for label in labels if label.lower() in named), None):
            return hit
    prefixed = bool(_PREFIX.match(s)) or s.endswith("段")
    body = re.sub(r"\s*段$", "", _PREFIX.sub("", s))
    if not re.fullmatch(_ITEM, body, re.I) or body.startswith("("):
        return None
    label = _items(body)[0] if _items(body) else None
    if label and "." in label.split("(")[0] and not prefixed and label not in (labels or ()):
        return None  # a bare 1.5 is a number, unless the report has a paragraph 1.5
    if label and not prefixed and not body[0].isdigit():
        return None  # a bare 十五 is a word
    return label


# ---- writing ---------------------------------------------------------------------------------

_PARAGRAPH_LABEL = re.compile(r"\d+(?:\.\d+)*(?:\(([0-9a-z]+)\))?")


def label_text(label: str, lang: str = "zh", doc: str | None = None, recommendation: bool = False) -> str:
    """A label as the report writes it, in Chinese or English (any zh-* or yue is Chinese), after its report id if given.

    recommendation=True names a sub-item as a recommendation: 建議(5) / recommendation (5).

    >>> label_text("67(5)"), label_text("67(5)", "en"), label_text("fn6", "en", "CB(2)1292/2025")
    ('第67(5)段', 'para. 67(5)', 'CB(2)1292/2025 footnote 6')
    """
    english = form(lang) == "en"
    if m := re.fullmatch(r"fn(\d+)", label):
        text = f"footnote {m[1]}" if english else f"註{m[1]}"
    elif m := re.fullmatch(r"appendix(\d+)", label):
        text = f"Appendix {m[1]}" if english else f"附錄{m[1]}"
    elif m := re.fullmatch(r"annex(\d+)", label):
        text = f"Annex {m[1]}" if english else f"附件{m[1]}"
    elif m := _PARAGRAPH_LABEL.fullmatch(label):
        if recommendation and m[1]:
            text = f"recommendation ({m[1]})" if english else f"建議({m[1]})"
        else:
            text = f"para. {label}" if english else f"第{label}段"
    else:
        text = _NAMED.get(label, (label, label))[english]
    return f"{doc} {text}" if doc else text


def citation(label: str, lang: str = "zh", doc: str | None = None, recommendation: bool = False) -> str:
    """The bracketed citation that follows a quote: 〔第15段〕 / [para. 15], 〔CB(2)1292/2025 第15段〕 with its report.

    Answers and the HTML both build it here, so the chips find the citations in an answer's text.

    >>> citation("15"), citation("15", "en", "CB(2)1292/2025")
    ('〔第15段〕', '[CB(2)1292/2025 para. 15]')
    """
    text = label_text(label, lang, doc, recommendation)
    return f"[{text}]" if form(lang) == "en" else f"〔{text}〕"


# ---- numbers and ranges ----------------------------------------------------------------------

def _whole(s: str) -> str | None:
    """"15" / "十五" / "II" → "15"; None if it is not a short number."""
    s = s.strip()
    if s.isdigit():
        return str(int(s)) if len(s) <= MAX_DIGITS else None
    if re.fullmatch(r"[ivx]+", s, re.I):
        return _roman(s.lower())
    value = chinese_number(s)
    return None if value is None else str(value)


def _roman(s: str) -> str | None:
    values = [_ROMAN[c] for c in s]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return str(total) if 0 < total < 40 and s == _to_roman(total) else None


def _to_roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


_SPLIT_LIST = re.compile(rf"\s*{_LIST}\s*", re.I)
_SPLIT_RANGE = re.compile(rf"\s*{_RANGE}\s*", re.I)
_PARTS = re.compile(rf"({_NUMBER})?\s*(?:\(\s*([^()]+?)\s*\))?")


def _numbers(text: str) -> tuple[str, ...]:
    """"1及2" / "I to III" / "1 and 2" → ("1", "2") / ("1", "2", "3"): appendix and footnote numbers."""
    out: list[str] = []
    for part in _SPLIT_LIST.split(text):
        ends = [_whole(e) for e in _SPLIT_RANGE.split(part.strip()) if e]
        ends = [e for e in ends if e is not None]
        if len(ends) == 2 and 0 <= int(ends[1]) - int(ends[0]) <= MAX_RANGE:
            out += [str(n) for n in range(int(ends[0]), int(ends[1]) + 1)]
        else:
            out += ends
    return tuple(dict.fromkeys(out))


def _items(text: str) -> tuple[str, ...]:
    """"3、5至7" / "67(1)至(3)" / "第十五" → paragraph labels ("3", "5", "6", "7") / ("67(1)", "67(2)", "67(3)")."""
    out: list[str] = []
    for part in _SPLIT_LIST.split(text):
        ends = [_item(e) for e in _SPLIT_RANGE.split(part.strip().lstrip("第").strip())]
        if not ends or ends[0] is None or ends[0][0] is None:
            continue
        first = ends[0]
        out.append(_join(first))
        if len(ends) == 2 and ends[1] is not None:
            out += _range(first, ends[1])
    return tuple(dict.fromkeys(out))


def _item(text: str) -> tuple[str | None, str | None] | None:
    """"67(5)" → ("67", "5"), "(c)" → (None, "c"), "十五" → ("15", None); None if unreadable."""
    m = _PARTS.fullmatch(text.strip().lstrip("第").strip())
    if not m or not (m[1] or m[2]):
        return None
    number = None
    if m[1]:
        parts = [_whole(p) if p.isdigit() or not p.isascii() else None for p in m[1].split(".")]
        if any(p is None for p in parts):
            return None
        number = ".".join(parts)
    sub = None
    if m[2]:
        s = m[2].lower()
        sub = s if re.fullmatch(r"[a-z]|[ivx]+", s) else _whole(s)
        if sub is None:
            return None
    return number, sub


def _join(item: tuple[str | None, str | None]) -> str:
    number, sub = item
    return f"{number}({sub})" if sub else number


def _range(first, last) -> list[str]:
    """The labels after `first` up to `last`: 5..7, 1.1..1.3, 67(1)..(3), 66(a)..(c), 3(i)..(iii); else just `last`."""
    (a, a_sub), (b, b_sub) = first, last
    if not a_sub and not b_sub and b:
        *head_a, lo = a.split(".")
        *head_b, hi = b.split(".")
        if head_a == head_b and 0 <= int(hi) - int(lo) <= MAX_RANGE:
            prefix = "".join(f"{h}." for h in head_a)
            return [f"{prefix}{n}" for n in range(int(lo) + 1, int(hi) + 1)]
    if a_sub and b_sub and (b is None or b == a):
        subs = _sub_range(a_sub, b_sub)
        if subs is not None:
            return [f"{a}({s})" for s in subs[1:]]
    return [_join((b or a, b_sub) if b or b_sub else last)]


def _sub_range(lo: str, hi: str) -> list[str] | None:
    """Sub-items lo..hi: "1".."3", "a".."c", "i".."iii" (Roman when both are); None if not a range."""
    if lo.isdigit() and hi.isdigit():
        return [str(n) for n in range(int(lo), int(hi) + 1)] if 0 <= int(hi) - int(lo) <= MAX_RANGE else None
    if re.fullmatch(r"[ivx]+", lo) and re.fullmatch(r"[ivx]+", hi) and _roman(lo) and _roman(hi):
        if len(lo) + len(hi) > 2 or lo == "i":
            return [_to_roman(n) for n in range(int(_roman(lo)), int(_roman(hi)) + 1)] or None
    if len(lo) == len(hi) == 1 and lo.isalpha() and hi.isalpha() and lo <= hi:
        return [chr(c) for c in range(ord(lo), ord(hi) + 1)]
    return None
