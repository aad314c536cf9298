"""Citations in the report's own form: 第15段 / para. 15, 第67(5)段 / 67(5), 註6 / fn 6, 附錄2 / Appendix 2."""
from __future__ import annotations

import re


def citation_text(label: str, lang: str = "zh") -> str:
    """The bare citation of a label, in Chinese ("zh") or English ("en").

    >>> citation_text("67(5)"), citation_text("fn6", "en")
    ('第67(5)段', 'fn 6')
    """
    english = lang == "en"
    if m := re.fullmatch(r"fn(\d+)", label):
        return f"fn {m[1]}" if english else f"註{m[1]}"
    if m := re.fullmatch(r"appendix(\d+)", label):
        return f"Appendix {m[1]}" if english else f"附錄{m[1]}"
    if english:
        return label if "(" in label else f"para. {label}"
    return f"第{label}段"


def citation(label: str, lang: str = "zh") -> str:
    """A citation in brackets as it follows a quote: 〔第15段〕 or [para. 15]."""
    text = citation_text(label, lang)
    return f"[{text}]" if lang == "en" else f"〔{text}〕"
