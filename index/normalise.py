"""Chinese text normalisation for lexical matching: fold, script conversion, language, tokens.

`fold` is applied to indexed passages and to queries alike, so both meet in one canonical
form: Hong Kong Traditional characters and vocabulary, half-width ASCII, lower case,
Arabic numerals in citation-like contexts.

OpenCC config: "s2hk". Measured on mainland text "人工智能 数据 无人机 应用程序 信息 网络安全 软件":
s2hk and s2t give 人工智能 數據 無人機 應用程序 信息 網絡安全 軟件 (5 of 7 report forms),
s2twp gives Taiwan words 人工智慧 資料 應用程式 資訊 網路安全 軟體 (2 of 7). s2hk also keeps the
report's 平台 (s2t makes it 臺) and is idempotent on the report. What it misses
(应用程序→應用程式, 信息→資訊, ...) is in data/mainland_hk.tsv.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from ingest.charsets import CJK_CHAR, CJK_RUN, SUPERSCRIPTS  # noqa: F401  (CJK_RUN: re-exported)
from ingest.numerals import DIGITS, LARGE_UNITS, NUMERAL_CHARS, SMALL_UNITS, chinese_number

DATA = Path(__file__).resolve().parent.parent / "data"
VARIANTS_TSV = DATA / "mainland_hk.tsv"
CANTONESE_TSV = DATA / "cantonese.tsv"



# ---------------------------------------------------------------- OpenCC


@functools.lru_cache(maxsize=None)
def _opencc(config: str):
    try:
        import opencc
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("opencc is not installed: run `.venv/bin/pip install opencc`") from err
    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    """Simplified → Hong Kong Traditional, phrase-level (OpenCC s2hk): "数据" → "數據"."""
    return _opencc("s2hk").convert(text)


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s): "數據" → "数据"."""
    return _opencc("t2s").convert(text)


# ---------------------------------------------------------------- phrase tables


def read_pairs(path: Path) -> dict[str, str]:
    """Read a two-column `from<TAB>to` TSV (header `from to`, `#` comments) into a dict."""
    pairs: dict[str, str] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.split("\t")[0] == "from":
            continue
        cols = line.split("\t")
        if len(cols) != 2 or not cols[0]:
            raise ValueError(f"{path}:{n}: expected two tab-separated columns `from<TAB>to`, got {line!r}")
        pairs[cols[0]] = cols[1]
    return pairs


class _Replacer:
    """Longest-match-first, single-pass phrase replacement (a mapping to itself protects a word)."""

    def __init__(self, pairs: dict[str, str]):
        self.pairs = pairs
        keys = sorted(pairs, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, keys))) if keys else None

    def __call__(self, text: str) -> str:
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda m: self.pairs[m.group(0)], text)


@functools.lru_cache(maxsize=None)
def _variants() -> _Replacer:
    # Keys and values go through s2hk so the table may be written in either script and
    # matches text that s2hk has already converted.
    pairs = read_pairs(VARIANTS_TSV)
    return _Replacer({to_traditional(k): to_traditional(v) for k, v in pairs.items()})


@functools.lru_cache(maxsize=None)
def _cantonese() -> _Replacer:
    return _Replacer(read_pairs(CANTONESE_TSV))


def reread_phrase_tables() -> None:
    """Forget the phrase tables read so far: the next fold() or cantonese_to_written() reads the files again."""
    _variants.cache_clear()
    _cantonese.cache_clear()


def cantonese_to_written(text: str) -> str:
    """Colloquial Cantonese → written Chinese via data/cantonese.tsv: "智方便係咩" → "智方便是甚麼"."""
    return _cantonese()(text)


# ---------------------------------------------------------------- width, superscripts, spaces

# Full-width ASCII → half-width, except the full-width marks that are ordinary Chinese
# sentence punctuation (，！？：；); 。、「」 are outside the block and stay too.
_KEEP_FULL = set("，！？：；")
_WIDTH = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c) not in _KEEP_FULL}
_WIDTH[0x3000] = " "  # ideographic space
_SUPERSCRIPTS = dict.fromkeys(map(ord, SUPERSCRIPTS))  # footnote markers are dropped
_DIGIT_GROUP_SPACE = re.compile(r"(?<=\d)[ \u00a0\u2009\u202f](?=\d{3}(?!\d))")


def half_width(text: str) -> str:
    """Full-width letters, digits and ASCII punctuation → half-width: "ＡＩ（５）" → "AI(5)"."""
    return text.translate(_WIDTH)


def join_digit_groups(text: str) -> str:
    """Remove the thin/plain space between thousands groups: "15 000 PFLOPS" → "15000 PFLOPS"."""
    return _DIGIT_GROUP_SPACE.sub("", text)


# ---------------------------------------------------------------- Chinese numerals

_DIGITS, _SMALL, _LARGE, _NUM = DIGITS, SMALL_UNITS, LARGE_UNITS, NUMERAL_CHARS
_RUN = f"[{_NUM}]+"
# Units after which a numeral is a count or a date ("九次會議", "三月"); 分 and 部 are absent on
# purpose (十分, 一部分).
_UNITS = ("年", "月", "日", "天", "次", "個", "項", "位", "名", "人", "歲", "段", "條", "章", "款",
          "節", "屆", "間", "所", "宗", "架", "倍", "小時", "分鐘", "秒")
# Units after 第 that make it a citation or an ordinal ("第十五段", "第六十七(五)段").
_ORDINAL_UNITS = "段|項|條|章|節|款|次|屆|號|期|頁|名|位|個|部分|階段"
_ORDINAL = re.compile(rf"第(\d+|{_RUN})((?:\({_RUN}\))*)(?={_ORDINAL_UNITS})")
_PAREN_RUN = re.compile(rf"\(({_RUN})\)")
_YEAR = re.compile(rf"(?<![{_NUM}])([〇零一二三四五六七八九]{{4}})(?=年)")
_ANY_RUN = re.compile(rf"(?<![{_NUM}]){_RUN}")
_IS_CJK = CJK_CHAR


def _number_text(run: str) -> str | None:
    """Arabic form of a numeral run, keeping a trailing 萬/億 as the report does: "三百四十萬" → "340萬"."""
    if run[-1] in _LARGE and len(run) > 1:
        head = chinese_number(run[:-1])
        return None if head is None else f"{head}{run[-1]}"
    value = chinese_number(run)
    return None if value is None else str(value)


def _ordinal(m: re.Match) -> str:
    main = m.group(1) if m.group(1).isdigit() else _number_text(m.group(1))
    parens = _PAREN_RUN.sub(lambda p: f"({_number_text(p.group(1)) or p.group(1)})", m.group(2))
    return f"第{main}{parens}" if main is not None else m.group(0)


def _count(m: re.Match) -> str:
    run, text, start, end = m.group(0), m.string, m.start(), m.end()
    if run[0] in _LARGE or (run[0] in _SMALL and run[0] != "十"):
        return run  # 百年, 千萬, 萬一: words, not numbers
    if all(c in _DIGITS for c in run) and len(run) > 1:
        return run  # 七八個, 一一: approximations and lists
    if len(run) == 1:
        if not text.startswith(_UNITS, end):
            return run  # 十分, 一站式, 一網通辦
        before = text[start - 1] if start else ""
        if run == "一" and _IS_CJK.match(before) and before not in "年月第":
            return run  # 統一, 唯一, 之一: 一 is part of the word before it
    converted = _number_text(run)
    return converted if converted is not None else run


def fold_numerals(text: str) -> str:
    """Chinese numerals → Arabic where they are numbers: "第六十七(五)段" → "第67(5)段", "十分" unchanged.

    Converted: 第…段/項/條/章…, four-digit years (二零二四年), counts and dates before a unit
    (九次, 三月, 十四位), and multi-character numerals (十五, 三百四十萬 → 340萬). Left alone:
    single numerals not followed by a unit, 一 glued to the word before it, 七八/兩三 ranges.
    """
    text = _ORDINAL.sub(_ordinal, text)
    text = _YEAR.sub(lambda m: "".join(str(_DIGITS[c]) for c in m.group(1)), text)
    return _ANY_RUN.sub(_count, text)


# ---------------------------------------------------------------- fold


def fold(text: str) -> str:
    """Canonical form for lexical matching: fold("人工智能应用程序 第十五段 １５ ０００") → "人工智能應用程式 第15段 15000"."""
    text = half_width(text).translate(_SUPERSCRIPTS)
    text = _variants()(to_traditional(text))
    text = join_digit_groups(fold_numerals(text))
    return text.lower()


# ---------------------------------------------------------------- language

# Characters and words found in colloquial Cantonese, scored: 2 = only Cantonese,
# 1 = also in written Chinese (係 in 關係, 呢 as a Mandarin particle).
_YUE_MARKERS = {
    **dict.fromkeys("唔嘅咗啲乜冇嚟佢喺嘢睇咩哋嗰噉攞諗搵揾畀啱㗎嘞喎囉吖啩", 2),
    **dict.fromkeys(["點樣", "點解", "幾多", "幾時", "邊個", "邊度", "而家", "依家", "有冇",
                     "係咪", "咁樣", "咁多"], 2),
    "係": 1, "咁": 1, "呢": 1, "俾": 1, "仲": 1,
}
_YUE_PATTERN = re.compile("|".join(sorted(map(re.escape, _YUE_MARKERS), key=len, reverse=True)))
_NOT_YUE = re.compile("關係|聯係|維係|係數|仲裁")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def cantonese_score(text: str) -> int:
    """Sum of colloquial-Cantonese marker scores: "智方便係咩" → 3, "兩者的關係" → 0."""
    text = _NOT_YUE.sub("", text)
    return sum(_YUE_MARKERS[m.group(0)] for m in _YUE_PATTERN.finditer(text))


def detect_lang(text: str) -> str:
    """"en", "yue", "zh-Hans" or "zh-Hant": detect_lang("點樣用智方便") → "yue".

    Cantonese when the marker score reaches 2 ("HA Go 係乜"); English when there are at least as
    many Latin words as Chinese characters; Simplified when OpenCC s2t changes more characters
    than t2s; Traditional otherwise.
    """
    if cantonese_score(to_traditional(text)) >= 2:
        return "yue"
    words = len(_LATIN_WORD.findall(text))
    if words and words >= len(_IS_CJK.findall(text)):
        return "en"
    s2t = sum(a != b for a, b in zip(text, _opencc("s2t").convert(text)))
    t2s = sum(a != b for a, b in zip(text, to_simplified(text)))
    return "zh-Hans" if s2t > t2s else "zh-Hant"
