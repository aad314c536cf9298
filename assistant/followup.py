"""Follow-up questions: a question asked after earlier ones is resolved against them before search.

A question that comes with the conversation so far (the earlier questions, oldest first) is read
one of three ways, from its wording alone:
- standalone: it names its own subject ("綠綠賞是甚麼？", "另外，香港的智慧城市指數排名第幾？"):
  searched as it is, the history unused, so a new topic is not polluted by the old one;
- elliptical: it leans on the earlier turn for its subject: a pronoun or demonstrative
  ("佢幾時推出？", "What does it do?"), an "X呢？ / what about X? / and X?" form ("那費用呢？",
  "消防處又點？"), the other speaker's side ("政府當局怎樣回應？", "And the members' view?") or a
  short question with no subject of its own ("涉及多少個路口？"). The earlier turn's subject words
  are carried into the query;
- more: "tell me more" ("講多啲", "請再詳細說明。", "還有呢？"): the passages next to (same
  subsection, reading order) and linked from the earlier answer's top passage, which is left out.

`resolve()` is pure; `search_with_history()` is the one entry point that searches. A history is
only ever searched, never rendered here: whatever shows it must escape it like any question.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from assistant.retrieve import MAX_QUESTION_CHARS, Hit, SearchResult, check_question
from index.glossary import Term, default_terms, matcher
from index.normalise import CJK_RUN, cantonese_to_written, detect_lang, fold
from index.tokenise import words as cjk_words
from ingest.passage import InputError, Passage

MAX_HISTORY_TURNS = 20


@dataclass(frozen=True)
class Resolution:
    """How a question reads in its conversation, and the text to search for it."""

    kind: str  # "standalone", "elliptical" or "more"
    query: str  # the text to search: the question itself, or with the earlier turn's subject carried in
    topic: str = ""  # the earlier turn (itself resolved) that the question leans on; "" when standalone
    speaker: str = ""  # "members", "administration" or "subcommittee" when it asks for one side's words


def check_history(history) -> tuple[str, ...]:
    """The earlier questions, oldest first and cleaned like a question, or an InputError saying why not.

    A turn with no words in it (an empty message, an emoji) carries no subject and is skipped.
    """
    if history is None:
        return ()
    if isinstance(history, str) or not isinstance(history, (list, tuple)):
        raise InputError(f"the history must be a list of earlier questions (strings, oldest first), "
                         f"not {type(history).__name__}: e.g. [\"香港2030年需要多少算力？\"]")
    if len(history) > MAX_HISTORY_TURNS:
        raise InputError(f"the history has {len(history)} turns; give at most {MAX_HISTORY_TURNS} "
                         f"(the most recent ones)")
    turns = []
    for n, turn in enumerate(history, 1):
        if not isinstance(turn, str):
            raise InputError(f"history turn {n} is a {type(turn).__name__}, not text: "
                             f"give each earlier question as a string")
        if len(" ".join(turn.split())) > MAX_QUESTION_CHARS:
            raise InputError(f"history turn {n} is {len(' '.join(turn.split()))} characters long; keep each "
                             f"earlier question under {MAX_QUESTION_CHARS} characters")
        if any(c.isalnum() for c in turn):
            turns.append(check_question(turn))
    return tuple(turns)


# ---------------------------------------------------------------- wording
# Every pattern below reads the folded written form: Traditional, lowercase, Cantonese rewritten
# (佢 → 他, 講多啲 → 講多些, 仲有冇 → 還有沒有), so one pattern serves all four languages' Chinese.

def _written(question: str) -> str:
    q = cantonese_to_written(question) if detect_lang(question) == "yue" else question
    return fold(q)


def _alternation(words: str) -> str:
    """A regex matching any of the words, folded as questions are (说 → 説), longest first."""
    return "|".join(sorted({re.escape(fold(w)) for w in words.split()}, key=len, reverse=True))


_PUNCT = re.compile(r"[\s\W_]+")

# "Tell me more": a wish for more, and nothing else but politeness.
_MORE_ZH = re.compile(_alternation("詳細 具體 多說 多講 多談 說多 講多 多介紹 再說 再講 還有 其他 別的 繼續 補充 進一步 更多 另外"))
_MORE_FILLER_ZH = re.compile(_alternation(
    "請 麻煩 可以 可否 能否 能不能 能 你 再 一些 一點 一下 些 點 說明 解釋 介紹 講解 說 講 談 多 甚麼 什麼 沒有 有沒有 "
    "嗎 呢 啦 吧 呀 啊 喇 嘛 咧 的 東西 資料 資訊 內容 詳情 關於 這 那 個 方面 了 麼 來 我 給 聽 知道 想 情況 事情 還 有"))
_MORE_EN = re.compile(r"\b(?:more|else|elaborate|go on|continue|details?|expand|further)\b")
_MORE_FILLER_EN = frozenset("""tell me more anything something else what on that this it about please can could would
you go continue elaborate details detail further expand and is there say any other the a so info information ok okay
also explain give us some keep going tells""".split())

# Asking for one side of the deliberation, and nothing else.
_SPEAKERS_ZH = {"subcommittee": "小組委員會", "members": "委員 議員 成員", "administration": "政府當局 當局 政府 局方 官員 特區政府"}
_SPEAKERS_EN = {"subcommittee": r"sub-?committee", "members": r"members?|legislators?|lawmakers?|councillors?",
                "administration": r"government|administration|officials?|authorit(?:y|ies)|bureau"}
_SPEECH_FILLER_ZH = re.compile(_alternation(
    "意見 看法 回應 回覆 答覆 反應 立場 觀點 想法 態度 關注 建議 要求 詢問 認為 表示 回答 解釋 說法 怎樣 怎麼樣 怎麼 如何 甚麼 什麼 "
    "說 講 答 又 呢 那邊 這邊 方面 的 是 有 對此 對 此 這 那 點 嗎 了 就 會 如 何 們 他們 些 一方 那方"))
_SPEECH_FILLER_EN = frozenset("""view views say said saying respond responded response reply replied replies think thought
position stance opinion opinions answer answered about and the what did does do how was were is are side on this
that it s of their take feel concerns concern suggest suggested propose proposed ask asked urge urged then so
what's how's hear from point make""".split())

# "Who answered?" names no side but asks for one: in a committee's report the Administration replies
# and members ask, raise and urge.
_WHO_ZH = r"(?:誰|哪個|哪位|甚麼人|什麼人)"
_WHO_SIDES_ZH = {"administration": re.compile(rf"^{_WHO_ZH}(?:作出|負責)?(?:{_alternation('回應 回覆 答覆 回答 答')})"),
                 "members": re.compile(rf"^{_WHO_ZH}(?:{_alternation('提出 提問 詢問 問 關注 要求 促請 建議')})")}
_WHO_SIDES_EN = {"administration": re.compile(r"^who (?:answered|replied|responded|gave (?:the|an) (?:answer|reply))\b"),
                 "members": re.compile(r"^who (?:asked|raised|questioned|urged|suggested|proposed)\b")}
_WHO_FILLER_ZH = re.compile(_alternation("的 了 呢 嗎 這 那 此 個 問題 這個 那個 它 他 對 就"))
_WHO_FILLER_EN = frozenset("the this that it to about question questions first then so and".split())
# What the side said, searched in place of "who answered?" (a "who" would ask the judge for a person).
_SIDE_SAID = {"administration": "政府當局回應", "members": "委員提出"}

# "X呢？", "X又點？", "what about X?", "and X?": X is the new focus, the rest carries over.
_WHAT_ABOUT_ZH = re.compile(r"^(?:那麼|那|至於|而|咁)?(?P<x>.+?)(?:又點樣|又怎樣|又怎麼樣|又如何|又點|又是怎樣|方面呢|呢)$")
_WHAT_ABOUT_EN = re.compile(r"^(?:and |but |so )?(?:what|how) about (?P<x>.+)$|^(?:and|also) (?P<y>.+)$")

# A word that points back ("它", "佢" → 他, "其中", "該系統", "this", "its"); 其他/尤其, 應該, 因此 do not.
_REFERS_ZH = re.compile(r"它|他|她|(?<![尤極])其(?![他實餘次])|(?<!應)該|這|(?<![因如彼])此(?!外)|上述|前者|後者|^那")
_REFERS_EN = re.compile(r"\b(?:it|its|they|their|them|theirs|he|she|his|her|him|these|those|this|that|such)\b")
# Openings that continue the last turn: "那…", "咁…", "So …", "Then …".
_CONTINUES = re.compile(r"^(?:那麼|那|咁|so |then )")
# Openings that change the subject: "另外，", "唔講呢樣住", "by the way".
_SWITCH = re.compile(r"^(?:另外|此外|順便問|換個話題|換個題目|另一個問題|不(?:講|說|談)(?:這|呢|那|它))"
                     r"|\b(?:by the way|another question|different (?:question|topic)|on another note|changing the subject)\b")
# Chinese that asks how, not about what: a question made only of these (and 2 or fewer other words)
# has no subject of its own.
_QUESTION_ZH = re.compile(_alternation(
    "甚麼 什麼 多少 如何 何時 幾時 哪些 哪個 哪裏 哪 是否 會否 有否 有沒有 可否 怎樣 怎麼 為何 為甚麼 誰 第幾 時候 "
    "目前 現時 請問 是不是 能否 可以 會不會 能不能 甚麼時候 什麼時候 是 的 了 嗎 呢 會 有 在 要 多 個 項 次 年 給 用 和 及"))
_OPENS_WITH_QUESTION_ZH = re.compile(r"^(?:何時|幾時|甚麼時候|什麼時候|是否|會否|有沒有|可否|可以|能否|如何|怎樣|為何|多少|哪)")
_QUOTED = re.compile(r"“([^”]+)”|《([^》]+)》|「([^」]+)」|\"([^\"]+)\"")
_LATIN = re.compile(r"[a-z][a-z0-9$'\-]*")


@functools.lru_cache(maxsize=1)
def _name_matcher():
    """The glossary's names, its Chinese terms among them (警務處 as well as police)."""
    return matcher(tuple(Term(t.zh, t.en, (*t.aliases, t.zh)) for t in default_terms()))


def _names(written: str) -> list[tuple[int, int]]:
    """Where the question names something itself: a glossary name or a quoted title."""
    spans = [(a, b) for a, b, _ in _name_matcher().finditer(written)]
    spans += [m.span() for m in _QUOTED.finditer(written)]
    return sorted(spans)


def _english_words(written: str, filler: frozenset[str] = frozenset()) -> list[str]:
    from assistant.dictionary import STOPWORDS

    return [w for w in _LATIN.findall(written) if len(w) >= 3 and w not in STOPWORDS and w not in filler]


def _only(text: str, pattern: re.Pattern) -> bool:
    """Whether `text` holds nothing but `pattern`'s words and punctuation."""
    return not _PUNCT.sub("", pattern.sub("", text))


def _is_more(written: str) -> bool:
    if CJK_RUN.search(written):
        return bool(_MORE_ZH.search(written)) and _only(_MORE_ZH.sub("", written), _MORE_FILLER_ZH)
    words = _LATIN.findall(written)
    return bool(words) and bool(_MORE_EN.search(written)) and all(w in _MORE_FILLER_EN for w in words)


def _speaker(written: str) -> str:
    """The side asked for when the question asks for nothing else ("政府怎麼回應？", "And the members' view?",
    "who answered?")."""
    if CJK_RUN.search(written):
        for side, words in _SPEAKERS_ZH.items():
            pattern = re.compile(_alternation(words))
            if pattern.search(written):
                return side if not _PUNCT.sub("", _SPEECH_FILLER_ZH.sub("", pattern.sub("", written))) else ""
        return _who_side(written)
    for side, pattern in _SPEAKERS_EN.items():
        rest = re.sub(rf"\b(?:{pattern})\b", " ", written)
        if rest != written:
            return side if all(w in _SPEECH_FILLER_EN for w in _LATIN.findall(rest)) else ""
    return _who_side(written)


def _who_side(written: str) -> str:
    """The side a question asks for by what it did, without naming it ("誰回應？", "who asked?"), or ""."""
    if CJK_RUN.search(written):
        return next((side for side, who in _WHO_SIDES_ZH.items()
                     if (m := who.match(written)) and _only(written[m.end():], _WHO_FILLER_ZH)), "")
    return next((side for side, who in _WHO_SIDES_EN.items()
                 if (m := who.match(written)) and all(w in _WHO_FILLER_EN for w in _LATIN.findall(written[m.end():]))), "")


def _speaker_en(word: str) -> bool:
    return any(re.fullmatch(pattern, word) for pattern in _SPEAKERS_EN.values())


def _what_about(written: str) -> str:
    """The X of "X呢？" / "X又點？" / "what about X?" / "and X?", or ""."""
    bare = written.strip().rstrip("?？!！.。 ")
    m = (_WHAT_ABOUT_EN if not CJK_RUN.search(bare) else _WHAT_ABOUT_ZH).match(bare)
    return next((g for g in m.groups() if g), "").strip(" ,，、") if m else ""


def _refers_outside(written: str) -> bool:
    """Whether a pointing word points outside the question: it comes before anything the question names."""
    pattern = _REFERS_ZH if CJK_RUN.search(written) else _REFERS_EN
    m = pattern.search(written)
    if not m:
        return False
    names = _names(written)
    return not names or m.start() < names[0][0]


def _has_no_subject(written: str) -> bool:
    """A short question that names nothing and asks only how, when or how many of something unstated."""
    if _names(written):
        return False
    if CJK_RUN.search(written):
        if _OPENS_WITH_QUESTION_ZH.match(written):
            return True
        return len(cjk_words(_QUESTION_ZH.sub(" ", written))) <= 2 and not _LATIN.search(written)
    return len(_english_words(written)) <= 1


def subject(text: str, keep_names: bool = True) -> list[str]:
    """What an (earlier) question is about: the names it uses (glossary names, quoted titles) and its
    content words, without the words that only say how it asks. Without `keep_names` the first name,
    the one the question is about, is left out (a follow-up puts another in its place).

    >>> subject("How much computing power will Hong Kong need by 2030?")
    ['computing power', 'hong kong', 'need', '2030']
    """
    written = _written(text)
    names = _names(written)
    out: dict[str, None] = {}
    out.update((written[a:b].strip("“”《》「」\""), None) for a, b in (names if keep_names else names[1:]))
    rest = written
    for a, b in reversed(names):
        rest = rest[:a] + " " + rest[b:]
    for w in cjk_words(_QUESTION_ZH.sub(" ", rest)):
        out.setdefault(w, None)
    for w in _english_words(rest, _SPEECH_FILLER_EN):
        out.setdefault(w, None)
    out.update((n, None) for n in re.findall(r"\d{4}", rest))  # a year the question is about
    return [w for w in out if w]


def resolve(question: str, history: tuple[str, ...] | list[str] = ()) -> Resolution:
    """How `question` reads after `history` (earlier questions, oldest first, already checked).

    >>> resolve("那費用呢？", ["超算中心何時投入服務？"]).kind
    'elliptical'
    >>> resolve("綠綠賞是甚麼？", ["超算中心何時投入服務？"]).kind
    'standalone'
    """
    if not history:
        return Resolution("standalone", question)
    written = _written(question)
    earlier = resolve(history[-1], tuple(history[:-1]))
    topic = earlier.topic if earlier.kind == "more" else earlier.query
    if _is_more(written):
        return Resolution("more", topic, topic)
    if _SWITCH.search(written):
        return Resolution("standalone", question)
    side = _speaker(written)
    if side:
        # The earlier turn's speaker ("政府…") is not carried: the question asks for the other side.
        speakers = re.compile(_alternation(" ".join(_SPEAKERS_ZH.values())))
        carried = [w for w in subject(topic) if not speakers.search(w) and not _speaker_en(w)]
        said = _SIDE_SAID[side] if _who_side(written) else question
        return Resolution("elliptical", _join(said, carried), topic, side)
    focus = _what_about(written)
    if focus:
        # A new name in focus ("消防處又點？") replaces the names of the earlier turn; a new aspect
        # ("那費用呢？") is added to its subject.
        return Resolution("elliptical", _join(question, subject(topic, keep_names=not _names(focus))), topic)
    if _refers_outside(written) or _CONTINUES.match(written) or _has_no_subject(written):
        return Resolution("elliptical", _join(question, subject(topic)), topic)
    return Resolution("standalone", question)


def _join(question: str, carried: list[str]) -> str:
    """The question with the carried words after it, within the question limit."""
    query = question
    for word in carried:
        if len(query) + 1 + len(word) > MAX_QUESTION_CHARS:
            break
        query += " " + word
    return query


# ---------------------------------------------------------------- search

def neighbours(passages: tuple[Passage, ...] | list[Passage], p: Passage) -> list[Passage]:
    """The passages of `p`'s subsection other than `p`, nearest in reading order first; when the
    subsection holds only `p`, the nearest passage before and after it in the enclosing section
    (at the top level, the report)."""
    same_doc = [q for q in passages if q.doc == p.doc]
    at = next((i for i, q in enumerate(same_doc) if q.label == p.label), None)
    if at is None:
        return []
    for depth in range(len(p.section), -1, -1):
        within = [i for i, q in enumerate(same_doc) if q.section[:depth] == p.section[:depth] and i != at]
        if within:
            if depth < len(p.section):  # widened: only the passage on either side
                before = [i for i in within if i < at][-1:]
                after = [i for i in within if i > at][:1]
                within = before + after
            return [same_doc[i] for i in sorted(within, key=lambda i: (abs(i - at), i))]
    return []


def more(retriever, question: str, topic: str, k: int = 5) -> SearchResult:
    """"Tell me more" after `topic`: the passages next to and linked from the topic's top passage
    (without it), the likeliest first, then the topic's other hits."""
    found = retriever.search(topic, k=max(k, 10))
    if not found.hits:
        return replace(found, question=question)
    top = found.hits[0].passage
    score = {(h.passage.doc, h.passage.label): h.score for h in found.hits}
    floor = min(score.values())
    near = [*neighbours(retriever.index.passages, top), *retriever.linked(top)]
    ordered: dict[tuple[str, str], Passage] = {}
    for p in sorted(near, key=lambda p: -score.get((p.doc, p.label), floor)):
        ordered.setdefault((p.doc, p.label), p)
    for h in found.hits[1:]:
        ordered.setdefault((h.passage.doc, h.passage.label), h.passage)
    ordered.pop((top.doc, top.label), None)
    hits = tuple(Hit(p, score.get(key, floor), "search", retriever.linked(p)) for key, p in list(ordered.items())[:k])
    return replace(found, question=question, hits=hits)


def search_with_history(retriever, question: str, history=None, k: int = 5) -> SearchResult:
    """`retriever.search` for a question asked after `history` (earlier questions, oldest first).

    The result's `question` is the question as asked; its hits are for the question as resolved.
    """
    question = check_question(question)
    resolution = resolve(question, check_history(history))
    if resolution.kind == "standalone":
        return retriever.search(question, k=k)
    if resolution.kind == "more":
        return _in_askers_language(more(retriever, question, resolution.topic, k), question)
    # The follow-up's own words must be found, not only the carried ones; the side it asks for leads.
    # A question for the other side ("政府怎么回应？") has no words of its own but its speaker: the
    # side's passage is what it asks for, so there is nothing more to find.
    own = "" if resolution.speaker else question
    found = retriever.search(resolution.query, k=k, speaker=resolution.speaker, own=own)
    return _in_askers_language(replace(found, question=question), question)


def _in_askers_language(found: SearchResult, question: str) -> SearchResult:
    """The result answered in the language of the question as asked: "who answered?" after a Chinese
    question is searched with the Chinese words carried over, and answered in English."""
    lang = detect_lang(question)
    return replace(found, query=replace(found.query, lang=lang)) if found.query and found.query.lang != lang else found


class WithHistory:
    """A retriever whose `search` reads each question after `history`; everything else is the
    retriever's own, so code written for a Retriever (answer_question) follows a conversation."""

    def __init__(self, retriever, history=None):
        self._retriever = retriever
        self.history = check_history(history)

    def search(self, question: str, k: int = 5) -> SearchResult:
        return search_with_history(self._retriever, question, self.history, k)

    def __getattr__(self, name: str):
        return getattr(self._retriever, name)
