"""Character classes and language forms shared by every layer: one definition each.

CJK covers the ideographs a LegCo paper uses (the unified blocks, extension A, compatibility
ideographs, the supplementary planes and 〇). Punctuation and full-width forms are separate sets,
because some callers count them as Chinese text (language detection) and others must not (words).
"""
from __future__ import annotations

import re

CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_PUNCTUATION = "\u3000-\u303f"  # 、。「」〔〕 and the ideographic space
FULL_WIDTH = "\uff00-\uffef"  # ，！？（）and full-width letters and digits
CJK_CHAR = re.compile(f"[{CJK}]")
CJK_RUN = re.compile(f"[{CJK}]+")
CJK_TEXT_CHAR = re.compile(f"[{CJK}{CJK_PUNCTUATION}{FULL_WIDTH}]")  # anything that marks Chinese text

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"  # footnote markers
SUPERSCRIPT_DIGITS = str.maketrans(SUPERSCRIPTS, "0123456789")
TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPTS)  # a <sup>6</sup> read from markup or a PDF


def form(lang: str) -> str:
    """The citation form for an answer language: "en" for English, "zh" for every Chinese one.

    >>> form("en"), form("yue"), form("zh-Hans")
    ('en', 'zh', 'zh')
    """
    return "en" if lang == "en" else "zh"
