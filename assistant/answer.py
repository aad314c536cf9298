"""Answers with verbatim quotes and citations: extractive by default, an optional checked LLM on top.

    answer = answer_question(Retriever.open(folder), "香港2030年需要多少算力？")
    print(answer.text)
    # 報告指出：
    # 「當局委托的顧問預計，香港於2030年將需要約15 000 PFLOPS的算力。」〔第15段〕
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.llm import LLMError, LLMSettings, llm_answer
from assistant.quotes import LANGS, Answer, Quote, check_lang  # noqa: F401  (LANGS, Quote: re-exported)
from index.glossary import expand
from assistant.retrieve import Hit, SearchResult
from index.normalise import detect_lang, fold
from ingest.charsets import CJK_RUN
from ingest.chunk import sentences
from ingest.labels import citation
from ingest.passage import InputError

RANK_WEIGHT = 1.0  # a sentence of hit r gains RANK_WEIGHT / (1 + r): the first hit dominates
LOOKUP_BONUS = 2.0  # a passage the question named outranks anything found by similarity
MIN_COVERAGE = 0.2  # a further quote must share this share of the question's bigrams
SHORT_OPENING = 20  # an opening sentence shorter than this ("67. 小組委員會建議政府當局：") takes the next one along


# What the extractive answer says around the quotes, per question language.
_LEAD = {"zh-Hant": "報告指出：", "zh-Hans": "报告指出：", "yue": "報告話：", "en": "The report says:"}
_ABSTAIN = {
    "zh-Hant": "報告似乎沒有談及這個問題。以下是最接近的段落（相關度較低）：",
    "yue": "報告似乎沒有談及這個問題。以下是最接近的段落（相關度較低）：",
    "zh-Hans": "报告似乎没有谈及这个问题。以下是最接近的段落（相关度较低）：",
    "en": "The report does not appear to address this. The closest passages (weak matches):",
}
_UNKNOWN = {  # the report never mentions a name the question uses
    "zh-Hant": "報告沒有提及{names}。以下是最接近的段落（相關度較低）：",
    "yue": "報告沒有提及{names}。以下是最接近的段落（相關度較低）：",
    "zh-Hans": "报告没有提及{names}。以下是最接近的段落（相关度较低）：",
    "en": "The report never mentions {names}. The closest passages (weak matches):",
}
_NOT_GIVEN = {  # the question asks for a number or a date the closest passages do not give for its subject
    "amount": {"zh-Hant": "報告沒有提供這個數字。以下是最接近的段落：", "yue": "報告沒有提供這個數字。以下是最接近的段落：",
               "zh-Hans": "报告没有提供这个数字。以下是最接近的段落：",
               "en": "The report gives no figure for this. The closest passages:"},
    "date": {"zh-Hant": "報告沒有提供這個日期。以下是最接近的段落：", "yue": "報告沒有提供這個日期。以下是最接近的段落：",
             "zh-Hans": "报告没有提供这个日期。以下是最接近的段落：",
             "en": "The report gives no date for this. The closest passages:"},
}
_WEAK = {"zh-Hant": "（相關度較低）", "yue": "（相關度較低）", "zh-Hans": "（相关度较低）", "en": " (weak match)"}
_NOTHING = {  # the Chinese is the same in both scripts
    "zh-Hant": "索引中找不到任何段落。", "yue": "索引中找不到任何段落。", "zh-Hans": "索引中找不到任何段落。",
    "en": "No passages were found in the index.",
}


def question_lang(question: str) -> str:
    """The language to answer `question` in, by index.normalise.detect_lang."""
    return check_lang(detect_lang(question))


def result_lang(result: SearchResult) -> str:
    """The language to answer a search result in: its Query's (detected only for a result built by hand)."""
    return check_lang(result.query.lang) if result.query else question_lang(result.question)




# ---- scoring ---------------------------------------------------------------------------------

def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of each CJK run of fold(text) (one script, lower case), plus each ASCII word or number.

    >>> sorted(bigrams("香港2030年算力 PFLOPS"))
    ['2030', 'pflops', '年算', '算力', '香港']
    """
    folded = fold(text)
    grams = set(re.findall(r"[a-z0-9]{2,}", folded))
    for run in CJK_RUN.findall(folded):
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
        if len(run) == 1:
            grams.add(run)
    return frozenset(grams)


def coverage(question: frozenset[str], sentence: frozenset[str]) -> float:
    """The share of the question's bigrams found in the sentence: |Q ∩ S| / |Q| (0 for an empty Q)."""
    return len(question & sentence) / len(question) if question else 0.0


@dataclass(frozen=True)
class _Candidate:
    rank: int
    start: int
    end: int
    score: float  # coverage + RANK_WEIGHT / (1 + rank) (+ LOOKUP_BONUS for a named passage)
    coverage: float
    hit: Hit


def _candidates(q: frozenset[str], rank: int, hit: Hit) -> list[_Candidate]:
    """The sentences of one hit worth quoting, best first: its opening for a lookup, else by score."""
    text = hit.passage.text
    spans = sentences(text)
    if not spans:
        return []
    weight = RANK_WEIGHT / (1 + rank)
    if hit.via == "lookup":
        # The question named this passage: what it opens with is what the reader asked for.
        opening = spans[:2] if spans[0][1] - spans[0][0] < SHORT_OPENING else spans[:1]
        return [_Candidate(rank, a, b, LOOKUP_BONUS + weight, 1.0, hit) for a, b in opening]
    scored = []
    for position, (a, b) in enumerate(spans):
        c = coverage(q, bigrams(text[a:b]))
        scored.append((-(c + weight), position, _Candidate(rank, a, b, c + weight, c, hit)))
    scored.sort(key=lambda t: t[:2])  # ties go to the earlier sentence, usually the topic sentence
    per_passage = 2 if rank == 0 else 1
    return [c for _, _, c in scored[:per_passage]]


def pick_quotes(result: SearchResult, max_quotes: int = 3) -> tuple[Quote, ...]:
    """The best 1..max_quotes sentences of the top hits, in rank order then text order.

    Each sentence scores coverage(question, sentence) + RANK_WEIGHT / (1 + rank); a hit the
    question named (via == "lookup") gives its opening sentence(s) instead. The best sentence
    is always taken; further ones need MIN_COVERAGE, unless the question shares no bigram with
    any passage (an English question on a Chinese report), where rank alone decides.
    """
    if max_quotes < 1:
        raise InputError(f"max_quotes is {max_quotes}: give 1 or more")
    # Official English names are matched to the report's Chinese words, as in retrieval.
    q = bigrams(result.query.expanded if result.query else expand(result.question))
    pool = [c for rank, hit in enumerate(result.hits[:max_quotes]) for c in _candidates(q, rank, hit)]
    if not pool:
        return ()
    pool.sort(key=lambda c: (-c.score, c.rank, c.start))
    any_overlap = any(c.coverage > 0 for c in pool if c.hit.via != "lookup")
    chosen = [pool[0]]
    for c in pool[1:]:
        if len(chosen) >= max_quotes:
            break
        if c.hit.via == "lookup" or not any_overlap or c.coverage >= MIN_COVERAGE:
            chosen.append(c)
    chosen.sort(key=lambda c: (c.rank, c.start))
    return tuple(Quote(c.hit.passage.text[c.start:c.end], c.hit.passage.label, c.hit.passage.doc)
                 for c in chosen)


# ---- composing -------------------------------------------------------------------------------

def cite(label: str, doc: str, lang: str, with_doc: bool = False) -> str:
    """〔第15段〕 for Chinese answers, [para. 15] for English ones; the report id too when asked."""
    return citation(label, lang, doc if with_doc else None)


def quote_line(quote: Quote, lang: str, with_doc: bool = False) -> str:
    """「sentence」〔第15段〕 or 「sentence」 [para. 15]: the sentence stays as the report wrote it.

    「」 in both languages: the report's own quotation marks are “ ”, which would double up.
    """
    space = " " if lang == "en" else ""
    return f"「{quote.text}」{space}{cite(quote.label, quote.doc, lang, with_doc)}"


def abstention(result: SearchResult, lang: str, n: int = 3) -> str:
    """Why the report is taken not to answer, then the closest passages.

    The names it never mentions, or that it gives no figure or date (then the passages are on the subject),
    or else 'The report does not appear to address this', with the passages as weak matches.
    """
    hits = result.hits[:n]
    if not hits:
        return _NOTHING[lang]
    if result.unknown:
        header, weak = _UNKNOWN[lang].format(names=(", " if lang == "en" else "、").join(result.unknown)), _WEAK[lang]
    elif result.not_given:
        header, weak = _NOT_GIVEN[result.not_given][lang], ""
    else:
        header, weak = _ABSTAIN[lang], _WEAK[lang]
    with_doc = result.papers > 1 or len({h.passage.doc for h in hits}) > 1
    lines = [header]
    for h in hits:
        section = " › ".join(h.passage.section)
        where = f" {section}" if section else ""
        lines.append(f"- {cite(h.passage.label, h.passage.doc, lang, with_doc)}{where}{weak}")
    return "\n".join(lines)


def compose(result: SearchResult, lang: str | None = None, max_quotes: int = 3) -> Answer:
    """The extractive answer: the best sentences of the top passages, quoted verbatim and cited.

    lang: "zh-Hant", "zh-Hans", "yue" or "en"; detected from the question when None.
    """
    lang = check_lang(lang) if lang else result_lang(result)
    if not result.answerable or not result.hits:
        return Answer(result.question, lang, abstention(result, lang, max(max_quotes, 1)),
                      False, (), result.hits)
    quotes = pick_quotes(result, max_quotes)
    with_doc = result.papers > 1 or len({q.doc for q in quotes}) > 1  # a library: every citation names its paper
    text = "\n".join([_LEAD[lang], *(quote_line(q, lang, with_doc) for q in quotes)])
    return Answer(result.question, lang, text, True, quotes, result.hits)


def answer_question(retriever, question: str, k: int = 5, llm: LLMSettings | None = None,
                    lang: str | None = None) -> Answer:
    """Search, then answer: extractively, or with the LLM in `llm` when given (checked, with fallback).

    The LLM is asked only when the report appears to answer; if it cannot be reached the
    extractive answer is returned with a flag saying so.
    """
    result = retriever.search(question, k=k)
    lang = check_lang(lang) if lang else result_lang(result)
    extractive = compose(result, lang)
    if llm is None or not extractive.answerable:
        return extractive
    try:
        return llm_answer(result, llm, lang)
    except LLMError as e:
        note = f"the LLM was unreachable ({e}); showing the extractive answer instead"
        return replace(extractive, flagged=(*extractive.flagged, note))
