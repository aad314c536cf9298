"""Answers with verbatim quotes and citations: extractive by default, an optional checked LLM on top.

    answer = answer_question(Retriever.open(folder), "香港2030年需要多少算力？")
    print(answer.text)
    # 報告指出：
    # 「當局委托的顧問預計，香港於2030年將需要約15 000 PFLOPS的算力。」〔第15段〕
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from assistant.abstain import asked, gives
from assistant.frames import CLOSEST, LEAD, frame_lead, gives_line, links_line, not_stated
from assistant.glosses import gloss, gloss_line, needs_gloss, section_path
from assistant.links import held_heading
from assistant.llm import LLMError, LLMSettings, llm_answer
from assistant.quotes import LANGS, Answer, Quote, check_lang  # noqa: F401  (LANGS, Quote: re-exported)
from assistant.query import Query
from assistant.retrieve import Hit, SearchResult
from assistant.speaking import NAMED_BONUS, Said, said_in, speaker_preference, speaker_preference_folded
from index.glossary import expand
from index.normalise import detect_lang, fold
from ingest.charsets import CJK_RUN
from ingest.labels import citation
from ingest.passage import InputError

RANK_WEIGHT = 1.0  # a sentence of hit r gains RANK_WEIGHT / (1 + r): the first hit dominates
LOOKUP_BONUS = 2.0  # a passage the question named outranks anything found by similarity
MIN_COVERAGE = 0.2  # a further quote must share this share of the question's bigrams
SHORT_OPENING = 20  # an opening sentence shorter than this ("67. 小組委員會建議政府當局：") takes the next one along
KIND_BONUS = 1.0  # a sentence giving the kind of thing asked (a figure, a date, a person) outranks its passage's others
QUOTED_KINDS = ("amount", "date", "person")  # the kinds a single sentence can give (abstain.gives)


# What the extractive answer says around the quotes, per question language (more in assistant.frames).
_LEAD = LEAD  # the name tests and older callers read
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


@functools.lru_cache(maxsize=8192)
def _sentence_bigrams(sentence: str) -> frozenset[str]:
    """bigrams of a passage's sentence, made once: an answer quotes from the same passages again and again."""
    return bigrams(sentence)


def coverage(question: frozenset[str], sentence: frozenset[str]) -> float:
    """The share of the question's bigrams found in the sentence: |Q ∩ S| / |Q| (0 for an empty Q)."""
    return len(question & sentence) / len(question) if question else 0.0


@dataclass(frozen=True)
class _Candidate:
    rank: int
    start: int
    end: int
    score: float  # coverage + RANK_WEIGHT / (1 + rank) (+ LOOKUP_BONUS for a named passage, + speaker and kind bonuses)
    coverage: float
    hit: Hit
    said: Said  # who says the sentence and whether it asks, urges or states
    gives: bool = False  # it gives the kind of thing the question asks for (a figure, a date, a person)


def _candidates(q: frozenset[str], rank: int, hit: Hit, prefer: str = "", skip_asks: bool = False,
                bonus: float = 0.0, kind: str = "") -> list[_Candidate]:
    """The sentences of one hit worth quoting, best first: its opening for a lookup, else by score.

    prefer: the speaker the question asks about, whose sentences gain `bonus` (speaking.speaker_preference);
    skip_asks: leave out questions and concerns (the reply is among the hits);
    kind: what the question asks for (one of QUOTED_KINDS, or ""): a sentence giving it gains KIND_BONUS.
    """
    text = hit.passage.text
    said = said_in(hit.passage)
    if not said:
        return []
    weight = RANK_WEIGHT / (1 + rank)
    if hit.via == "lookup":
        # The question named this passage: what it opens with is what the reader asked for.
        opening = said[:2] if said[0].end - said[0].start < SHORT_OPENING else said[:1]
        return [_Candidate(rank, s.start, s.end, LOOKUP_BONUS + weight, 1.0, hit, s) for s in opening]
    scored = []
    # An appendix's sentences are read under the heading naming what it holds: the terms of reference
    # (職權範圍) never use the words "terms of reference".
    heading = bigrams(held_heading(hit.passage))
    for position, s in enumerate(said):
        if skip_asks and s.act == "asks":
            continue
        c = coverage(q, _sentence_bigrams(text[s.start:s.end]) | heading)
        score = c + weight + (bonus if prefer and s.speaker == prefer else 0.0)
        giving = bool(kind) and _gives(kind, text[s.start:s.end])
        score += KIND_BONUS if giving else 0.0
        scored.append((-score, position, _Candidate(rank, s.start, s.end, score, c, hit, s, giving)))
    scored.sort(key=lambda t: t[:2])  # ties go to the earlier sentence, usually the topic sentence
    per_passage = 2 if rank == 0 else 1
    return [c for _, _, c in scored[:per_passage]]


@functools.lru_cache(maxsize=8192)
def _gives(kind: str, sentence: str) -> bool:
    """abstain.gives on a passage's sentence, read once: the same sentences are scored question after question."""
    return gives(kind, fold(sentence).lower())


def _kind_asked(result: SearchResult) -> str:
    """What the question asks for, when a sentence can give it ("amount", "date", "person"), else ""."""
    try:
        query = result.query or Query.parse(result.question)  # a result built by hand has no Query
    except InputError:  # a question with no words asks for nothing in particular
        return ""
    kind = asked(query)
    return kind if kind in QUOTED_KINDS else ""


def _lead(chosen: list[_Candidate], pool: list[_Candidate]) -> list[_Candidate]:
    """The chosen quotes in rank then text order, led by the best ranked sentence giving what the question
    asks for (a date, a figure, a person) when one does: the top hit's when it has one, else another hit's
    (the date of a bill's passing is in its footnote, not in the paragraph ranked first)."""
    ordered = sorted(chosen, key=lambda c: (c.rank, c.start))
    giving = [c for c in pool if c.gives]
    if not giving:
        return ordered
    lead = min(giving, key=lambda c: (c.rank, -c.score, c.start))
    return [lead, *(c for c in ordered if c is not lead)][:len(chosen)]


def _has_reply(hits, prefer: str) -> bool:
    """Whether a sentence among the hits replies (states or urges, by anyone but the members), so that a
    question or concern need not be quoted; never when the question asks what the members asked."""
    if prefer == "members":
        return False
    return any(s.act != "asks" and s.speaker not in (None, "members") for h in hits for s in said_in(h.passage))


def pick_quotes(result: SearchResult, max_quotes: int = 3) -> tuple[Quote, ...]:
    """The best 1..max_quotes sentences of the top hits, in rank order then text order.

    Each sentence scores coverage(question, sentence) + RANK_WEIGHT / (1 + rank), plus a bonus
    when the side the question asks about says it; a hit the question named (via == "lookup") gives
    its opening sentence(s) instead, and when the first hit was named only named hits are quoted (the
    passages around it are links, not answers). A question or concern (委員詢問…) is not quoted when a
    reply is among the hits. The best sentence is always taken; further ones need MIN_COVERAGE, unless
    the question shares no bigram with any passage (an English question on a Chinese report), where
    rank alone decides. For a figure, date or person question the sentence giving one leads (_lead).
    """
    if max_quotes < 1:
        raise InputError(f"max_quotes is {max_quotes}: give 1 or more")
    # Official English names are matched to the report's Chinese words, as in retrieval.
    q = bigrams(result.query.expanded if result.query else expand(result.question))
    hits = result.hits[:max_quotes]
    if hits and hits[0].via == "lookup":
        hits = tuple(h for h in hits if h.via == "lookup")
    query = result.query
    if result.side:  # a follow-up asking for one side ("who replied?"): that side's words, as if named
        prefer, bonus = result.side, NAMED_BONUS
    elif query is not None and query.text == result.question:
        prefer, bonus = speaker_preference_folded(query.folded, query.folded_written)
    else:
        prefer, bonus = speaker_preference(result.question)
    skip_asks = _has_reply(hits, prefer)
    kind = _kind_asked(result)
    pool = [c for rank, hit in enumerate(hits) for c in _candidates(q, rank, hit, prefer, skip_asks, bonus, kind)]
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
    if bonus >= NAMED_BONUS and any(c.said.speaker == prefer for c in chosen):
        # The question names whose words it wants ("what does the subcommittee recommend"): only theirs.
        chosen = [c for c in chosen if c.said.speaker == prefer]
    chosen = _lead(chosen, pool)
    return tuple(Quote(c.hit.passage.text[c.start:c.end], c.hit.passage.label, c.hit.passage.doc,
                       c.said.speaker, c.said.act) for c in chosen)


def attribute(quotes: tuple[Quote, ...], hits: tuple[Hit, ...]) -> tuple[Quote, ...]:
    """The quotes with the speaker and act of the sentence each starts in (for quotes chosen elsewhere,
    e.g. by the LLM); a quote whose passage is not among the hits is kept as it is."""
    passages = {(h.passage.doc, h.passage.label): h.passage for h in hits}
    out = []
    for q in quotes:
        p = passages.get((q.doc, q.label))
        at = p.text.find(q.text) if p else -1
        said = next((s for s in said_in(p) if s.start <= at < s.end), None) if at >= 0 else None
        out.append(replace(q, speaker=said.speaker, act=said.act) if said else q)
    return tuple(out)


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


def _gloss_line(quote: Quote, lang: str, passages: dict) -> str | None:
    """For an English or Simplified reader of a Chinese quote: "  — para. 15 · the Administration · section · names"."""
    p = passages.get((quote.doc, quote.label))
    if p is None or not needs_gloss(quote.text, lang):
        return None
    return "  — " + gloss_line(gloss(quote.text, quote.label, p.section, quote.speaker, lang))


def _quoted(quotes: tuple[Quote, ...], lang: str, hits: tuple[Hit, ...], library: bool = False) -> list[str]:
    """Each quote on its line, with its gloss under it for a reader of another language or script."""
    with_doc = library or len({q.doc for q in quotes}) > 1  # library: the index holds several papers
    passages = {(h.passage.doc, h.passage.label): h.passage for h in hits}
    lines = []
    for q in quotes:
        lines.append(quote_line(q, lang, with_doc))
        if (g := _gloss_line(q, lang, passages)) is not None:
            lines.append(g)
    return lines


def _passage_list(hits, lang: str, weak: str = "", library: bool = False) -> list[str]:
    """"- 〔第15段〕 section path" for each hit, the path in the reader's language."""
    with_doc = library or len({h.passage.doc for h in hits}) > 1  # library: the index holds several papers
    lines = []
    for h in hits:
        section = section_path(h.passage.section, lang)
        where = f" {section}" if section else ""
        lines.append(f"- {cite(h.passage.label, h.passage.doc, lang, with_doc)}{where}{weak}")
    return lines


def given_quotes(result: SearchResult, n: int = 2) -> tuple[Quote, ...]:
    """What the report does give instead (a figure or date about something else: result.gives), as
    verbatim quotes; a span outside its passage's text is left out."""
    passages = {}
    for h in result.hits:
        for p in (h.passage, *h.linked):
            passages.setdefault((p.doc, p.label), p)
    out = []
    for g in getattr(result, "gives", ()) or ():
        p = passages.get((g.doc, g.label))
        if p is None or not 0 <= g.start < g.end <= len(p.text) or not p.text[g.start:g.end].strip():
            continue
        said = next((s for s in said_in(p) if s.start <= g.start < s.end), None)
        out.append(Quote(p.text[g.start:g.end].strip(), p.label, p.doc,
                         said.speaker if said else None, said.act if said else ""))
        if len(out) >= n:
            break
    return tuple(out)


def uncertain_text(result: SearchResult, lang: str, n: int = 3) -> tuple[str, tuple[Quote, ...]]:
    """The report does not say what was asked; what it gives instead; the closest passages."""
    hits = result.hits[:n]
    if not hits:
        return _NOTHING[lang], ()
    lines = [not_stated(result.question, lang)]
    given = given_quotes(result)
    if given:
        lines += [gives_line(lang), *_quoted(given, lang, result.hits, result.papers > 1)]
    return "\n".join([*lines, CLOSEST[lang], *_passage_list(hits, lang, library=result.papers > 1)]), given


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
    return "\n".join([header, *_passage_list(hits, lang, weak, result.papers > 1)])


def _links(result: SearchResult, quotes: tuple[Quote, ...], lang: str) -> list[str]:
    """For a question that named a passage: the passages linked to it, listed as links (not quoted)."""
    named = [h for h in result.hits if h.via == "lookup"]
    quoted = {(q.doc, q.label) for q in quotes}
    seen, linked = set(quoted), []
    for h in named:
        for p in h.linked:
            if (p.doc, p.label) not in seen:
                seen.add((p.doc, p.label))
                linked.append(p)
    if not linked:
        return []
    with_doc = result.papers > 1 or len({p.doc for p in linked}) > 1
    return [links_line(lang) + " " + " ".join(cite(p.label, p.doc, lang, with_doc) for p in linked)]


def compose(result: SearchResult, lang: str | None = None, max_quotes: int = 3) -> Answer:
    """The extractive answer in the asker's language, worded for the judge's verdict: the best sentences
    of the top passages quoted verbatim and cited (answered); that the report does not say it, with what
    it gives instead and the closest passages (uncertain); or the names it never mentions, or that
    nothing relevant was found (not_answered).

    lang: "zh-Hant", "zh-Hans", "yue" or "en"; detected from the question when None.
    """
    lang = check_lang(lang) if lang else result_lang(result)
    verdict = result.verdict
    if verdict == "answered" and result.hits:
        quotes = pick_quotes(result, max_quotes)
        lines = [frame_lead(lang), *_quoted(quotes, lang, result.hits, result.papers > 1)]
        if result.hits[0].via == "lookup":
            lines += _links(result, quotes, lang)
        return Answer(result.question, lang, "\n".join(lines), True, quotes, result.hits, verdict=verdict)
    if verdict == "uncertain":
        text, given = uncertain_text(result, lang, max(max_quotes, 1))
        return Answer(result.question, lang, text, False, given, result.hits, verdict=verdict)
    return Answer(result.question, lang, abstention(result, lang, max(max_quotes, 1)), False, (), result.hits,
                  verdict="not_answered")


def ask_json(result: SearchResult, answer: Answer) -> dict:
    """The `legco-rag ask --json` and /ask shape: the search result's fields as before, plus the verdict
    and the answer (its text, language and quotes, each with its speaker)."""
    return {**result.to_json(), "verdict": answer.verdict or result.verdict, "answer": answer.answer_json()}


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
        written = llm_answer(result, llm, lang)
        return replace(written, quotes=attribute(written.quotes, result.hits), verdict=extractive.verdict)
    except LLMError as e:
        note = f"the LLM was unreachable ({e}); showing the extractive answer instead"
        return replace(extractive, flagged=(*extractive.flagged, note))
