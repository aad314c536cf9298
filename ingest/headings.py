"""A paper's headings: which open its body, what an unnumbered passage under one is called, and the
heading path (section › topic › sub-topic) above each passage."""
from __future__ import annotations

import re

from ingest.line_kinds import is_heading
from ingest.refs import strip_markdown

# The fixed parts of a LegCo committee report; its topics and sub-topics are found from structure.
_PART = re.compile(
    r"目的|背景|引言|結論|建議|徵詢意見|諮詢|商議工作|參觀活動"
    r"|(?:小組|法案|事務|專責|聯合|調查)?委員會(?:的(?:商議工作|工作|參觀活動|.{0,4}活動))?"
    r"|Purpose|Background|Conclusions?|Recommendations?|Advice sought"
    r"|(?:The |Deliberations of the |Visits? of the )?(?:Sub-?committee|Bills Committee|Panel)",
    re.I,
)
_SECTION = re.compile(r"(?:[一二三四五六七八九十]{1,3}\s*、|[A-Z]\s*[.．]|[IVX]{1,5}\s*[.．]|\d{1,2}\s*[.．](?!\d))\s*\S.*")
_UNNUMBERED = {"summary": re.compile(r"(?:executive\s+)?summary|摘要|內容提要|撮要|摘 要", re.I),
               "intro": re.compile(r"introduction|preamble|引言|前言|緒言", re.I)}


def heading_paths(runs: list[list[str]], list_headings: set[str]) -> list[tuple[str, ...]]:
    """The heading path after each run of consecutive heading lines.

    Levels come from structure: a heading directly above another is its parent; a heading that
    also groups a list's sub-items (as the recommendations do) is a topic, level 2; the fixed
    parts of a report (目的, 背景, 建議, ...) are level 1; any other heading is a sub-topic under
    the open topic. A numbered section heading (一、, A., I.) is level 1.

    >>> heading_paths([["商議工作", "智慧出行", "自動駕駛車輛"], ["實時交通燈號"], ["建議"]], set())
    [('商議工作', '智慧出行', '自動駕駛車輛'), ('商議工作', '智慧出行', '實時交通燈號'), ('建議',)]
    """
    stack: list[tuple[int, str, bool]] = []  # (level, heading, may hold sub-headings)
    paths = []
    for run in runs:
        head = run[0]
        if not stack or _PART.fullmatch(head) or _SECTION.fullmatch(head) or (len(run) > 1 and run[1] in list_headings):
            level = 1
        elif head in list_headings or len(run) > 1:
            level = 2
        else:  # a sub-topic: one level below the deepest open parent
            level = max((lv for lv, _, parent in stack if parent), default=1) + 1
        stack = [e for e in stack if e[0] < level] + [
            (level + k, h, k < len(run) - 1 or level + k == 1 or h in list_headings) for k, h in enumerate(run)]
        paths.append(tuple(h for _, h, _ in stack))
    return paths


def opens_body(line: str) -> bool:
    """True for a heading that opens a paper's body: 目的, Purpose, 摘要, Summary, 引言, or a numbered section."""
    if not is_heading(line):
        return False
    text = strip_markdown(line).strip()
    return bool(_PART.fullmatch(text) or _SECTION.fullmatch(text)
                or any(p.fullmatch(_section_name(text)) for p in _UNNUMBERED.values()))


def unnumbered_name(heading: str) -> str:
    """"summary", "intro", or the heading without its section number ("A. Purpose" -> "purpose").

    >>> unnumbered_name("A. Purpose"), unnumbered_name("一、引言"), unnumbered_name("內容提要")
    ('purpose', 'intro', 'summary')
    >>> unnumbered_name("(b) Scope"), unnumbered_name("(a)")  # a sub-item mark is no name: "(" opens one in a label
    ('scope', 'intro')
    >>> unnumbered_name("一、(i) "), unnumbered_name("(")  # marks one after the other; a stray bracket
    ('intro', 'intro')
    """
    # Leading punctuation is no name either ("(" would read as a sub-item mark in a citation).
    bare = re.sub(r"^[\W_]+", "", _section_name(strip_markdown(heading).strip()))
    for name, pattern in _UNNUMBERED.items():
        if pattern.fullmatch(bare):
            return name
    return bare.lower() if bare and bare.isascii() else bare or "intro"


def _section_name(heading: str) -> str:
    """A heading without its section numbers and marks: "A. Purpose" -> "Purpose", "一、引言" -> "引言"."""
    return re.sub(r"^(?:(?:[(（]\s*(?:[0-9a-zA-Z]{1,4}|[一二三四五六七八九十]{1,3})\s*[)）]|[一二三四五六七八九十]{1,3}\s*、|[A-Z]\s*[.．]|[IVX]{1,5}\s*[.．]|\d{1,2}\s*[.．](?!\d))\s*)+", "", heading)
