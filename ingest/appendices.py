"""A paper's appendices and annexes: the text after its signature, cut where each one starts."""
from __future__ import annotations

import re

from ingest.line_kinds import PAGE_NUMBER

APPENDIX_HEADING = re.compile(r"(附錄|附件|Appendix|Annex)\s*[0-9IVX一二三四五六七八九十A-Z]{1,4}", re.I)
_ANNEX = re.compile(r"附件|Annex", re.I)


def appendices(lines: list[str]) -> list[tuple[tuple[str, ...], str]]:
    """(heading lines, text) of each appendix; each starts with the line the first one starts with.

    >>> appendices(["附錄1", "委員名單", "甲", "乙", "附錄2", "會議", "丙"])
    [(('附錄1', '委員名單'), '甲\\n乙'), (('附錄2', '會議'), '丙')]
    """
    lines = [line.strip() for line in lines if line.strip() and not PAGE_NUMBER.fullmatch(line.strip())]
    blocks: list[list[str]] = []
    for line in lines:
        starts = not blocks or line == lines[0] or APPENDIX_HEADING.fullmatch(line)
        if starts and (not blocks or len(blocks[-1]) > 2):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return [(tuple(b[:2]), "\n".join(b[2:])) if len(b) > 2 else (tuple(b[:1]), "\n".join(b[1:])) for b in blocks]


def kind(heading: str) -> str:
    """"annex" for 附件 / Annex, else "appendix": the label's stem."""
    return "annex" if _ANNEX.match(heading) else "appendix"
