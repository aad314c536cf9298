"""A paper's metadata read from its own front matter: paper number, title, date, committee, language.

Each reader returns "" when the paper does not say; a sidecar .json overrides any of them.
"""
from __future__ import annotations

import re

from ingest.charsets import CJK, CJK_TEXT_CHAR

# CB(2)1292/2025, CB(3)710/2026(06), CB(2)1292/24-25, CB(4)123/20-21(01); some series have no "(n)".
_PAPER = r"([A-Z]{1,5}\s*(?:\(\d\))?\s*\d{1,5}\s*/\s*\d{2,4}(?:\s*-\s*\d{2})?(?:\s*\(\d{1,2}\))?)"
_DOC_ID = (re.compile(rf"立法會\s*{_PAPER}\s*號文件"),
           re.compile(rf"LC\s+Paper\s+No\.?\s*{_PAPER}", re.I))
HEAD_LINES = 15  # the front matter; later mentions of a paper number cite other papers


def _head(text: str, n: int) -> list[str]:
    lines = []
    for line in text.splitlines():
        if line.strip():
            lines.append(line.strip())
            if len(lines) == n:
                break
    return lines


def doc_id_in(text: str) -> str:
    """The paper number in the front matter, or "".

    >>> doc_id_in("立法會CB(3)710/2026(06)號文件"), doc_id_in("LC Paper No. CB(2) 1292/24-25")
    ('CB(3)710/2026(06)', 'CB(2)1292/24-25')
    """
    head = "\n".join(_head(text, HEAD_LINES))
    for pattern in _DOC_ID:
        if m := pattern.search(head):
            return re.sub(r"\s+", "", m[1])
    return ""


_STARTS_BODY = re.compile(r"目的|Purpose|引言|Introduction|摘要|Executive Summary|Summary|背景|Background", re.I)
_FRONT = re.compile(rf"立法會|Legislative Council|LC Paper|檔\s*號|Ref|File|本處檔號|{_PAPER}|\d{{4}}\s*年|"
                    r"\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|For (?:discussion|information)|供討論|供參考|會議文件", re.I)


def title_in(text: str) -> str:
    """The paper's title: the line before 目的/Purpose if it names a report, else the first such line,
    else the last front-matter line before the body that is not a file reference, date or paper number."""
    lines = _head(text, 20)
    for before, line in zip(lines, lines[1:]):
        if line in ("目的", "Purpose") and _is_report(before):
            return before
    if report := next((line for line in lines if _is_report(line)), ""):
        return report
    front = []
    for line in lines:
        if _STARTS_BODY.fullmatch(_bare(line)) or re.match(r"\d{1,3}(?:\.\d+)*[.．]?\s", line):
            break
        front.append(line)
    titles = [line for line in front if not _FRONT.match(line) and len(line) <= 200]
    return titles[-1] if titles else ""


def _bare(line: str) -> str:
    """A heading without its section number ("A. Purpose" -> "Purpose", "一、目的" -> "目的")."""
    return re.sub(r"^(?:[A-Z]|[IVX]{1,5}|[一二三四五六七八九十]{1,3})\s*[.、．]\s*", "", line.strip("#* "))


def _is_report(line: str) -> bool:
    return line.endswith("報告") or bool(re.match(r"Report (of|on)\b", line))


_MONTHS = "January February March April May June July August September October November December".split()
_DATE_LINE = (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
              re.compile(rf"(\d{{1,2}})\s+({'|'.join(_MONTHS)})\s+(\d{{4}})"))


def date_in(text: str) -> str:
    """The ISO date of the last line that is only a date (the signature), or ""."""
    return next((iso for line in reversed(text.splitlines()) if (iso := date_of(line))), "")


def date_of(line: str) -> str:
    """The ISO date if the line is only a date ("2025年6月25日", "25 June 2025"), else ""."""
    if m := _DATE_LINE[0].fullmatch(line.strip()):
        return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    if m := _DATE_LINE[1].fullmatch(line.strip()):
        return f"{int(m[3]):04d}-{_MONTHS.index(m[2]) + 1:02d}-{int(m[1]):02d}"
    return ""


_COMMITTEE_ZH = re.compile(rf"([{CJK}]{{2,40}}?(?:事務委員會|小組委員會|法案委員會|專責委員會|調查委員會"
                           r"|財務委員會|內務委員會|委員會))")
_COMMITTEE_EN = re.compile(r"((?:Panel|Subcommittee|Sub-committee|Bills Committee|Select Committee|Committee)"
                           r"\s+on\s+[A-Z][A-Za-z,&'\- ]{3,120}?|House Committee|Finance Committee)"
                           r"(?=\s*(?:$|\n|meeting|Report|\(|,|\.|:))")


def committee_in(text: str, title: str = "") -> str:
    """The committee the paper is from: the one its title names, else the first named in the front matter.

    >>> committee_in("", "發展智慧城市事宜小組委員會報告"), committee_in("Panel on Security\\nMeeting on 3 May")
    ('發展智慧城市事宜小組委員會', 'Panel on Security')
    """
    for source in (title, "\n".join(_head(text, 20))):
        for line in source.splitlines():
            line = re.sub(r"^立法會", "", line.strip())
            if m := _COMMITTEE_EN.search(line):
                return m[1].strip()
            if m := _COMMITTEE_ZH.search(line):
                return m[1]
    return ""


def lang_of(text: str, name: str = "") -> str:
    """The language: from a file name ending .zh-Hant / .zh-Hans / .zh / .en, else "zh-Hant" when more
    than a tenth of the text is Chinese, else "en"."""
    if m := re.search(r"\.(zh-Han[st]|zh|en)$", name):
        return m[1]
    return "zh-Hant" if len(CJK_TEXT_CHAR.findall(text)) > len(text) / 10 else "en"
