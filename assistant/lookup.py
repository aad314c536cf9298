"""Direct lookup: a question that names a citation ("第15段", "para 67(5)", "footnote 6") gets it first."""
from __future__ import annotations

import re

_NUM = r"(\d+)(?:\s*\(\s*([a-z]|\d+)\s*\))?"
_MORE = r"((?:\s*(?:、|,|及|和|與|与|and|&|至|to|-|–)\s*\d+(?:\s*\(\s*(?:[a-z]|\d+)\s*\))?)*)"

# Each pattern yields labels through its kind: "para", "rec", "fn" or "appendix".
_PATTERNS = [
    ("para", re.compile(r"第\s*" + _NUM + _MORE + r"\s*段")),
    ("para", re.compile(r"\b(?:paragraphs?|paras?\.?|¶)\s*" + _NUM + _MORE, re.I)),
    ("rec", re.compile(r"(?:建議|建议|recommendations?|rec\.?)\s*(?:第|no\.?|number)?\s*[\(（]?\s*(\d+)\s*[\)）]?(?!\s*年)", re.I)),
    ("rec", re.compile(r"第\s*(\d+)\s*(?:項|项|條|条)\s*(?:建議|建议)")),
    ("fn", re.compile(r"(?:腳註|脚注|註|注|footnotes?|fn\.?|note)\s*(?:第|no\.?)?\s*(\d+)", re.I)),
    ("appendix", re.compile(r"(?:附錄|附录|appendix|annex)\s*(\d+)", re.I)),
]


def _expand_more(first: int, more: str) -> list[str]:
    """'及49' → ['49']; '至7' after 5 → ['6', '7'] (a range), keeping sub-item suffixes."""
    out, prev = [], first
    for sep, num, sub in re.findall(r"(、|,|及|和|與|与|and|&|至|to|-|–)\s*(\d+)(?:\s*\(\s*([a-z]|\d+)\s*\))?", more):
        n = int(num)
        if sep in ("至", "to", "-", "–") and prev < n <= prev + 50:
            out += [str(i) for i in range(prev + 1, n + 1)]
        else:
            out.append(f"{n}({sub})" if sub else str(n))
        prev = n
    return out


def cited_labels(question: str, labels: set[str]) -> list[str]:
    """Labels the question names explicitly, in the order named, kept only if they exist.

    >>> cited_labels("第47及49段講咩？", {"47", "49"})
    ['47', '49']
    """
    found: list[tuple[int, str]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(question):
            if kind == "para":
                first, sub, more = int(m.group(1)), m.group(2), m.group(3) or ""
                names = [f"{first}({sub})" if sub else str(first), *_expand_more(first, more)]
            elif kind == "rec":
                names = sorted(l for l in labels if re.fullmatch(rf"\d+\({int(m.group(1))}\)", l))
            elif kind == "fn":
                names = [f"fn{int(m.group(1))}"]
            else:
                names = [f"appendix{int(m.group(1))}"]
            found += [(m.start(), n) for n in names]
    ordered = []
    for _, name in sorted(found, key=lambda t: t[0]):
        if name in labels and name not in ordered:
            ordered.append(name)
    return ordered
