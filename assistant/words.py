"""What a question is about and what it asks for, read from its text: its Chinese content words, its
English words, the Latin-script names it uses, and whether it asks for an amount or a date.

Each function has a core taking the forms a `Query` has already made (folded, written, glossary
spans), which is what a search uses, and a convenience taking a raw question for one-off use.
"""
from __future__ import annotations

import re

from index.normalise import CJK_RUN, cantonese_to_written, detect_lang, fold
from index.key_table import LATIN_WORD
from index.tokenise import words as cut_words

# Title-case or all-caps words that name nothing specific.
GENERIC = frozenset("""
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday i it hong kong government departments department committee
subcommittee council office bureau chief executive secretary chairman chair legislative report development
mainland china chinese english sar hksar legco ok what who when where which why how is are does do did can
could will would should has have was were if in on of for and or a an to by with from as at this that
""".split())
_TOKEN = LATIN_WORD  # one definition: the index records the collection's words with it (index.key_table)

# Question words and generic subjects: they say how a question is asked, not what it is about.
_QUESTION_WORDS = sorted(map(fold, """甚麼 什麼 多少 如何 何時 幾時 哪些 哪個 是否 會否 有否 有沒有 可否 怎樣 怎麼 為何
為什麼 誰 哪天 第幾 時候 目前 現時 請問 報告 小組委員會 政府 當局 香港 是不是 能否 可以 會不會 可不可以
能不能 有冇""".split()), key=len, reverse=True)

Spans = tuple[tuple[int, int], ...]


def glossary_spans(lower: str) -> Spans:
    """Where the glossary's names occur in a lowercased question (names are matched folded, lowercase)."""
    from index.glossary import default_matcher

    return tuple((a, b) for a, b, _ in default_matcher().finditer(lower))


def latin_names(question: str, spans: Spans) -> tuple[tuple[str, str], ...]:
    """(as written, lowercase) of each Latin-script word in the question that looks like a name or a
    code (5G, MTR, ChatGPT, a capital inside a sentence), outside the glossary's names at `spans`.

    >>> latin_names("Can I pay MTR fares with iAM Smart?", glossary_spans("can i pay mtr fares with iam smart?"))
    (('MTR', 'mtr'),)
    """
    if not re.search(r"[A-Za-z0-9]", question):
        return ()
    lower = question.lower()  # same positions as the question
    out = []
    for m in _TOKEN.finditer(lower):
        token = question[m.start():m.end()]
        if m.group(0) in GENERIC or any(a <= m.start() < b for a, b in spans):
            continue
        english_start = (m.start() == 0 or re.search(r"[.?!。？！]\s*$", lower[:m.start()])) \
            and not CJK_RUN.match(lower[m.end():m.end() + 1])
        named = (any(c.isdigit() for c in token) and any(c.isalpha() for c in token)) \
            or (token.isupper() and len(token) >= 2) \
            or any(c.isupper() for c in token[1:]) \
            or (token[:1].isupper() and not english_start)
        if named:
            out.append((token, m.group(0)))
    return tuple(out)


def written_form(question: str, lang: str) -> str:
    """The question in written Chinese: Cantonese ("yue") goes through data/cantonese.tsv, the rest as is."""
    return cantonese_to_written(question) if lang == "yue" else question


def chinese_words(folded_written: str) -> list[str]:
    """The Chinese words that say what a question is about: jieba words of two or more characters of
    its folded written form (index.tokenise.words, as the index cuts them), question words removed."""
    q = folded_written
    for word in _QUESTION_WORDS:
        q = q.replace(word, " ")
    return cut_words(q)


def content_words(question: str) -> list[str]:
    """chinese_words of a raw question (for one-off use; a search reads Query.words).

    >>> content_words("港鐵車費幾時加價？")
    ['車費', '加價']
    """
    return chinese_words(fold(written_form(question, detect_lang(question))))


def english_words(question: str, spans: Spans | None = None) -> list[str]:
    """The English words of a question outside the glossary's names (at `spans` of its lowercase form,
    found here when not given), minus stopwords, lowercase.

    >>> english_words("How many ambulances use iAM Smart?")
    ['ambulances', 'use']
    """
    from assistant.dictionary import STOPWORDS

    if not re.search(r"[A-Za-z]", question):
        return []
    lower = question.lower()
    named = glossary_spans(lower) if spans is None else spans
    out: dict[str, None] = {}
    for m in re.finditer(r"[a-z]+", lower):
        word = m.group(0)
        if len(word) >= 3 and word not in STOPWORDS and word not in GENERIC \
                and not any(a <= m.start() < b for a, b in named):
            out[word] = None
    return list(out)


def word_forms(chinese: list[str], english: list[str]) -> dict[str, frozenset[str]]:
    """Each word with the forms that count as finding it in a passage: a Chinese word is found as
    itself, an English word as any of its CC-CEDICT translations."""
    from assistant.dictionary import translations

    words = {w: frozenset([w]) for w in chinese}
    words.update((w, translations(w)) for w in english)
    return words


def question_words(question: str) -> dict[str, frozenset[str]]:
    """word_forms of a raw question's Chinese and English words (for one-off use; a search reads Query.words)."""
    return word_forms(content_words(question), english_words(question))


# What a question asks for. English "when" only opening a question ("When was …", "… and when?"),
# not in a clause ("… do when it went").
_ASKS = {
    "amount": re.compile(r"多少|幾多|多久|幾耐|多長|多高|幾高|多遠|幾遠|\bhow (?:many|much|long|high|far|often)\b"),
    "date": re.compile(r"何時|幾時|甚麼時候|什麼時候|哪一?年|哪一?天|哪個月|幾月|幾號|(?:^|[,.?!;]\s*|\band )when\b"
                       r"|\b(?:by|since|until) when\b|\b(?:what|which) (?:date|year|month|day)\b"),
}


def kind_asked(folded_written: str) -> str:
    """"amount", "date" or "" for a question's folded written form (see asks_for)."""
    q = folded_written.lower()
    return next((kind for kind, pattern in _ASKS.items() if pattern.search(q)), "")


def asks_for(question: str) -> str:
    """What kind of answer a raw question asks for: "amount" (多少 / 幾多 / how many …), "date" (何時 /
    幾時 / when …) or "" for anything else (for one-off use; a search reads Query.asks).

    >>> asks_for("數碼港有幾多間初創公司？"), asks_for("When was it set up?"), asks_for("智方便是甚麼？")
    ('amount', 'date', '')
    """
    return kind_asked(fold(written_form(question, detect_lang(question))))


# The words that ask (written form, folded): what a question asks about is the content word next to
# one of them: 哪個「數據中心」, 怎樣「運作」, 用甚麼「資料」, 會否「資助」, 可不可以換「現金」.
_ASKING_ZH = re.compile(r"哪一?(?:個|些|間|家|所|位|種|類|項)?|甚麼|什麼|怎樣|怎麼|如何|是否|會否|有否|有沒有|可否|能否"
                        r"|會不會|是不是|能不能|可不可以|有沒|何")
_ASKS_HOW = re.compile(r"怎樣|怎麼|如何")
_NEAR = 3  # characters between the asking word and its focus (的, 是, 用, 換 …)


def focus(words: list[str], folded_written: str, open_ended: re.Pattern | None = None) -> tuple[str, ...]:
    """The words a Chinese question asks about (its focus), among its content `words`: the nearest just after
    the asking word (哪個數據中心 → 數據中心; 怎樣運作 → 運作) and the nearest just before it (存放在哪個 →
    存放), for 怎樣 / 如何 only when nothing follows (運作是怎樣的 → 運作); the longest where several start
    there; () when none is near.
    An asking word next to a word of `open_ended` (回應, 進展: asking for whatever was said or is so) gives none.

    >>> focus(["醫健通", "數據", "存放", "數據中心"], "醫健通的數據存放在哪個數據中心？")
    ('數據中心', '存放')
    >>> focus(["資助", "斜坡"], "政府會否資助私人斜坡？"), focus(["港文通", "回應"], "港文通，政府怎樣回應？", re.compile("回應"))
    (('資助',), ())
    """
    q = folded_written.lower()
    out: dict[str, None] = {}
    for m in _ASKING_ZH.finditer(q):
        after = [(q.find(w, m.end()) - m.end(), -len(w), w) for w in words if 0 <= q.find(w, m.end()) - m.end() <= _NEAR]
        before = [(m.start() - q.rfind(w, 0, m.start()) - len(w), -len(w), w) for w in words
                  if 0 <= q.rfind(w, 0, m.start()) and m.start() - q.rfind(w, 0, m.start()) - len(w) <= _NEAR]
        near = [min(side)[2] for side in (after, before) if side]
        if open_ended is not None and any(open_ended.fullmatch(w) for w in near):
            continue
        # 怎樣運作 asks about 運作, and 港文通 in 港文通是怎樣運作 is the subject; but 存放 in 存放在哪個數據中心
        # is what is asked as much as the kind of thing (數據中心) named after the asking word.
        out.update(dict.fromkeys(near[:1] if after and _ASKS_HOW.fullmatch(m.group(0)) else near))
    return tuple(out)


# English asking words and what follows them: "which department manages …", "what fines …", "how does … work",
# "how will … be connected".
_EN_TOKEN = re.compile(r"[a-z]+")
_EN_AUX = frozenset("do does did is are was were will would can could should may might has have had".split())
_EN_BE = frozenset("be been being".split())
_EN_RUN = 2  # content words read after which / what: "which online platforms"


def english_focus(lower: str, words: list[str]) -> tuple[str, ...]:
    """The English `words` a question asks about (its focus), in a lowercase question: the content
    words just after which / what ("which online platforms" → online, platforms; none after a generic
    noun such as department, whose kind the judge's body_asked reads), and for "how" with an auxiliary the word after "be"
    ("how will eHealth be connected" → connected) or else the question's last word ("how does the
    system work" → work); () when none is near.

    >>> english_focus("which online platforms do departments use?", ["online", "platforms", "use"])
    ('online', 'platforms')
    >>> english_focus("how does the screening system work?", ["screening", "system", "work"])
    ('work',)
    >>> english_focus("what did the subcommittee recommend?", ["recommend"])
    ()
    """
    tokens = _EN_TOKEN.findall(lower)
    content = set(words)
    out: dict[str, None] = {}
    for i, token in enumerate(tokens):
        if token in ("which", "what"):
            run = []
            for t in tokens[i + 1:]:
                if t in content and len(run) < _EN_RUN:
                    run.append(t)
                else:
                    break
            out.update(dict.fromkeys(run))
        elif token == "how" and i + 1 < len(tokens) and tokens[i + 1] in _EN_AUX:
            rest = tokens[i + 2:]
            after_be = [rest[j + 1] for j, t in enumerate(rest[:-1]) if t in _EN_BE and rest[j + 1] in content]
            if after_be:
                out[after_be[0]] = None
            elif rest and rest[-1] in content:
                out[rest[-1]] = None
    return tuple(out)
