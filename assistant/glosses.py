"""What stands beside a verbatim quote for a reader of another language or script: who said it, where
it is, and the official names of the terms it uses.

The quote itself is never translated here. An English reader gets "para. 15", "the Administration",
the section path from data/headings_en.tsv and the glossary's official English names; a Simplified
Chinese reader gets the speaker and the section path in Simplified (OpenCC).

    >>> speaker_name("administration", "en"), speaker_name("members", "zh-Hans")
    ('the Administration', '委员')
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from index.glossary import Term, default_terms, folded_zh
from index.normalise import fold, to_simplified
from ingest.charsets import form
from ingest.labels import label_text
from ingest.speakers import ADMINISTRATION, MEMBERS, SUBCOMMITTEE

HEADINGS_TSV = Path(__file__).resolve().parent.parent / "data" / "headings_en.tsv"
HEADING_COLUMNS = ("zh", "en")

# The three speakers every report has, as each reader calls them (a named body is called by its name).
_SPEAKERS = {
    MEMBERS: {"zh-Hant": "委員", "yue": "委員", "zh-Hans": "委员", "en": "members"},
    SUBCOMMITTEE: {"zh-Hant": "小組委員會", "yue": "小組委員會", "zh-Hans": "小组委员会", "en": "the Subcommittee"},
    ADMINISTRATION: {"zh-Hant": "政府當局", "yue": "政府當局", "zh-Hans": "政府当局", "en": "the Administration"},
}
# What each speaker does in a quoted sentence, for the line "政府當局表示 · the Administration".
_ACTS = {
    "asks": {"zh-Hant": "詢問", "yue": "詢問", "zh-Hans": "询问", "en": "asked"},
    "urges": {"zh-Hant": "建議", "yue": "建議", "zh-Hans": "建议", "en": "urged"},
    "states": {"zh-Hant": "表示", "yue": "表示", "zh-Hans": "表示", "en": "said"},
}


@functools.lru_cache(maxsize=4)
def load_headings(path: str | Path | None = None) -> dict[str, str]:
    """{Chinese heading: English heading} from a two-column TSV (`#` lines are comments)."""
    path = Path(path or HEADINGS_TSV)
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    if not rows or tuple(rows[0][1].split("\t")) != HEADING_COLUMNS:
        raise ValueError(f"{path}: the first row must be the header {'<TAB>'.join(HEADING_COLUMNS)}")
    table = {}
    for n, line in rows[1:]:
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) != 2 or not all(cols):
            raise ValueError(f"{path}:{n}: expected zh<TAB>en with both filled, got {line!r}")
        table[cols[0]] = cols[1]
    return table


def _official_english(name: str, terms: tuple[Term, ...]) -> str:
    """The glossary's English name for a Chinese name (the term itself or one of its Chinese aliases)."""
    folded = fold(name)
    for zh, term in folded_zh(None if terms is default_terms() else terms):
        if folded == zh or any(folded == fold(a) for a in term.aliases if not a.isascii()):
            return term.en
    return ""


def speaker_name(speaker: str | None, lang: str, terms: tuple[Term, ...] | None = None) -> str:
    """A speaker as a reader of `lang` calls it: 政府當局 / 政府当局 / the Administration; a named body
    as the report names it (in Simplified for zh-Hans; with its official English name for "en", when
    the glossary has one: "醫院管理局 (Hospital Authority)"). "" for no speaker."""
    if not speaker:
        return ""
    if speaker in _SPEAKERS:
        return _SPEAKERS[speaker][lang]
    if lang == "zh-Hans":
        return to_simplified(speaker)
    if lang == "en":
        english = _official_english(speaker, terms if terms is not None else default_terms())
        return f"{speaker} ({english})" if english else speaker
    return speaker


def speaker_line(speaker: str | None, act: str = "states") -> str:
    """What the app shows above a quote: "政府當局表示 · the Administration" ("" for no speaker)."""
    if not speaker:
        return ""
    zh = speaker_name(speaker, "zh-Hant") + _ACTS.get(act, _ACTS["states"])["zh-Hant"]
    return f"{zh} · {speaker_name(speaker, 'en')}"


def section_path(section: tuple[str, ...] | list[str], lang: str, table: dict[str, str] | None = None) -> str:
    """A section path for a reader of `lang`: English headings for "en" (a heading the table lacks is
    kept as written), Simplified for "zh-Hans", as the report writes it otherwise."""
    if lang == "en":
        table = table if table is not None else load_headings()
        return " › ".join(table.get(h, h) for h in section)
    path = " › ".join(section)
    return to_simplified(path) if lang == "zh-Hans" else path


MAX_NAMES = 4  # beside one quote: the longest names first (the most specific), shown in text order


def glossary_names(text: str, terms: tuple[Term, ...] | None = None, most: int = MAX_NAMES) -> tuple[Term, ...]:
    """The glossary terms a (Chinese) text uses, in order of first use, at most `most` of them (the
    longest win); a term inside a longer one that is also used (數碼港 inside 數碼港人工智能超算中心)
    is left out."""
    folded = fold(text)
    found: list[tuple[int, int, Term]] = []
    for zh, term in folded_zh(terms):
        if zh and (at := folded.find(zh)) >= 0:
            found.append((at, at + len(zh), term))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, Term]] = []
    for start, end, term in found:
        if any(a <= start and end <= b for a, b, _ in kept) or any(t.zh == term.zh for *_, t in kept):
            continue
        kept.append((start, end, term))
    longest = sorted(kept, key=lambda k: -(k[1] - k[0]))[:most]
    return tuple(t for *_, t in sorted(longest, key=lambda k: k[0]))


@dataclass(frozen=True)
class Gloss:
    """What a reader of `lang` sees beside one verbatim quote."""

    label: str  # "para. 15" / "第15段"
    speaker: str  # "the Administration" / "政府当局"; "" when no one is named
    section: str  # the section path in the reader's language
    names: tuple[str, ...] = ()  # "智方便: iAM Smart" for an English reader; empty otherwise


def gloss(quote_text: str, label: str, section: tuple[str, ...], speaker: str | None, lang: str) -> Gloss:
    """The gloss of a quote for a reader of `lang`."""
    names = (tuple(f"{t.zh}: {t.en}" for t in glossary_names(quote_text)) if lang == "en" else ())
    return Gloss(label_text(label, form(lang)), speaker_name(speaker, lang), section_path(section, lang), names)


def gloss_line(g: Gloss, with_label: bool = False) -> str:
    """A gloss as one plain line: "the Administration · Deliberations › … · 智方便: iAM Smart" (with
    "para. 15 · " first when asked: a line under a cited quote leaves it out, the citation says it).
    A section named as its speaker is said once:

    >>> gloss_line(Gloss("para. 6", "the Subcommittee", "The Subcommittee", ("主席: chairman",)))
    'the Subcommittee · 主席: chairman'
    """
    section = "" if g.section.casefold() == g.speaker.casefold() else g.section
    return " · ".join(bit for bit in (g.label if with_label else "", g.speaker, section, "; ".join(g.names)) if bit)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def needs_gloss(quote_text: str, lang: str) -> bool:
    """Whether a quote is in another language or script than its reader's: a Chinese quote for an
    English or Simplified reader."""
    return lang in ("en", "zh-Hans") and bool(_CJK.search(quote_text))
