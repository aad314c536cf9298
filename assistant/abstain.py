"""Deciding whether the report answers a question at all.

Three signals, calibrated on the dev split (see eval/):
- the question names something the report never mentions: a Latin-script name or code (5G, MTR,
  ChatGPT) that is neither in the report nor an English name the glossary maps to the report's words;
- the question asks how many, how much or how long, and none of the top passages states an amount;
- the evidence is weak: the best dense similarity plus how much of the question's wording one of the
  top passages covers (words weighted by rarity, so the subject counts more than "plan" or "develop")
  falls under a threshold.
"""
from __future__ import annotations

import re

from index.normalise import CJK_RUN, cantonese_to_written, detect_lang, fold

# Title-case or all-caps words that name nothing specific.
_GENERIC = frozenset("""
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday i it hong kong government departments department committee
subcommittee council office bureau chief executive secretary chairman chair legislative report development
mainland china chinese english sar hksar legco ok what who when where which why how is are does do did can
could will would should has have was were if in on of for and or a an to by with from as at this that
""".split())
_TOKEN = re.compile(r"[a-z0-9][a-z0-9\-.']*[a-z0-9]|[a-z0-9]")

# Question words and generic subjects: they say how a question is asked, not what it is about.
_QUESTION_WORDS = sorted(map(fold, """甚麼 什麼 多少 如何 何時 幾時 哪些 哪個 是否 會否 有否 有沒有 可否 怎樣 怎麼 為何
為什麼 誰 哪天 第幾 時候 目前 現時 請問 報告 小組委員會 政府 當局 香港 是不是 能否 可以 會不會""".split()), key=len, reverse=True)


def _glossary_spans(lower: str) -> list[tuple[int, int]]:
    """Where the glossary's names occur in a lowercased question (names are matched folded, lowercase)."""
    from index.glossary import default_terms, matcher

    return [(a, b) for a, b, _ in matcher(default_terms()).finditer(lower)]


def latin_words(text: str) -> set[str]:
    """The Latin-script words and codes of fold(text): the vocabulary unknown_names checks against."""
    return set(_TOKEN.findall(fold(text)))


def unknown_names(question: str, vocabulary: set[str]) -> list[str]:
    """Latin-script names in the question that neither the report (its latin_words) nor the glossary knows.

    >>> unknown_names("Can I pay MTR fares with iAM Smart?", {"pflops"})
    ['MTR']
    """
    if not re.search(r"[A-Za-z0-9]", question):
        return []
    lower = question.lower()  # same positions as the question
    known = _glossary_spans(lower)
    out = []
    for m in _TOKEN.finditer(lower):
        token = question[m.start():m.end()]
        if m.group(0) in _GENERIC or any(a <= m.start() < b for a, b in known):
            continue
        english_start = (m.start() == 0 or re.search(r"[.?!。？！]\s*$", lower[:m.start()])) \
            and not CJK_RUN.match(lower[m.end():m.end() + 1])
        named = (any(c.isdigit() for c in token) and any(c.isalpha() for c in token)) \
            or (token.isupper() and len(token) >= 2) \
            or any(c.isupper() for c in token[1:]) \
            or (token[:1].isupper() and not english_start)
        if named and m.group(0) not in vocabulary:
            out.append(token)
    return out


def content_words(question: str) -> list[str]:
    """The Chinese words that say what a question is about: jieba words of two or more characters of
    its folded (for Cantonese, written-Chinese) form, question words removed.

    >>> content_words("港鐵車費幾時加價？")
    ['車費', '加價']
    """
    from index.normalise import to_simplified
    from index.tokenise import jieba_tokenizer

    q = cantonese_to_written(question) if detect_lang(question) == "yue" else question
    q = fold(q)
    for word in _QUESTION_WORDS:
        q = q.replace(word, " ")
    out: dict[str, None] = {}
    for run in CJK_RUN.findall(q):
        simplified = to_simplified(run)  # jieba's dictionary is Simplified; cut the original at its positions
        source = simplified if len(simplified) == len(run) else run
        for _, start, end in jieba_tokenizer().tokenize(source, HMM=False):
            if end - start >= 2:
                out[run[start:end]] = None
    return list(out)


def english_words(question: str) -> list[str]:
    """The English words of a question outside the glossary's names, minus stopwords (lowercase).

    >>> english_words("How many ambulances use iAM Smart?")
    ['ambulances', 'use']
    """
    from assistant.dictionary import STOPWORDS

    if not re.search(r"[A-Za-z]", question):
        return []
    lower = question.lower()
    named = _glossary_spans(lower)
    out: dict[str, None] = {}
    for m in re.finditer(r"[a-z]+", lower):
        word = m.group(0)
        if len(word) >= 3 and word not in STOPWORDS and word not in _GENERIC \
                and not any(a <= m.start() < b for a, b in named):
            out[word] = None
    return list(out)


def question_words(question: str) -> dict[str, frozenset[str]]:
    """What a question is about, each word with the forms that count as finding it in a passage:
    a Chinese word is found as itself, an English word as any of its CC-CEDICT translations."""
    from assistant.dictionary import translations

    words = {w: frozenset([w]) for w in content_words(question)}
    words.update((w, translations(w)) for w in english_words(question))
    return words


def coverage(words: dict[str, frozenset[str]], weights: dict[str, float], text: str) -> float:
    """Share of the words' weight found in `text` (folded): 1.0 when the text holds every word.
    `weights` may hold other words too."""
    total = sum(weights[w] for w in words)
    return sum(weights[w] for w, forms in words.items() if any(f in text for f in forms)) / total if total else 0.0


# What a question asks for, and the text that gives it. An amount is a number that is not a date
# (2024年), a citation (第15段, 附錄2, (5)) or part of one or of a code (CV/2023/01); a date is a year,
# month, day or quarter.
_ASKS = {
    "amount": re.compile(r"多少|幾多|多久|幾耐|多長|多高|幾高|多遠|幾遠|\bhow (?:many|much|long|high|far|often)\b"),
    # English "when" only opening a question ("When was …", "… and when?"), not in a clause ("… do when it went")
    "date": re.compile(r"何時|幾時|甚麼時候|什麼時候|哪一?年|哪一?天|哪個月|幾月|幾號|(?:^|[,.?!;]\s*|\band )when\b"
                       r"|\b(?:by|since|until) when\b|\b(?:what|which) (?:date|year|day)\b"),
}
_GIVES = {
    "amount": re.compile(r"(?<![第錄(\d.,/\-a-z])\d[\d,.]*(?![\d,.)/\-]|\s*[年月日段章條款號])"),
    "date": re.compile(r"\d\s*[年月日]|[今明去本上下]年|年[初中底內]|季"),
}


def asks_for(question: str) -> str:
    """What kind of answer a question asks for: "amount" (多少 / 幾多 / how many …), "date" (何時 / 幾時 /
    when …) or "" for anything else.

    >>> asks_for("數碼港有幾多間初創公司？"), asks_for("When was it set up?"), asks_for("智方便是甚麼？")
    ('amount', 'date', '')
    """
    q = fold(cantonese_to_written(question) if detect_lang(question) == "yue" else question).lower()
    return next((kind for kind, pattern in _ASKS.items() if pattern.search(q)), "")


def gives(kind: str, text: str) -> bool:
    """Whether folded text gives an answer of that kind: an amount ("340萬", "9次", "15000 PFLOPS", not
    dates or citations) or a date ("2025 年 3 月").

    >>> gives("amount", "於 2024 年12月投入服務(參閱上文第14段)"), gives("amount", "超過340萬登記用戶")
    (False, True)
    >>> gives("date", "立法會於 2025 年 3 月 19 日通過"), gives("date", "載於附錄2")
    (True, False)
    """
    return _GIVES[kind].search(text) is not None
