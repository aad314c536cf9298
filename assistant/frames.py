"""The words around the quotes, in the asker's language, for each of the judge's three verdicts.

- answered: "報告指出：" / "The report says:" and the quotes;
- uncertain: the report does not say what was asked ("The report does not say how many registered
  users eHealth has."), what it does give instead, and the closest passages; never "The report says";
- not_answered: the names the report never mentions, or that nothing relevant was found.

    >>> not_stated("How many registered users does eHealth have?", "en")
    'The report does not say how many registered users eHealth has.'
    >>> not_stated("醫健通有多少登記用戶？", "zh-Hant")
    '報告沒有說明醫健通有多少登記用戶。'

The report is not named twice ("does not say what the report recommends"):

    >>> not_stated("What does the report recommend on ambulances?", "en")
    'The report does not say what it recommends on ambulances.'
    >>> not_stated("報告建議點樣處理救護車？", "yue")
    '報告冇講建議點樣處理救護車。'
"""
from __future__ import annotations

import re

from index.normalise import to_simplified


LEAD = {"zh-Hant": "報告指出：", "zh-Hans": "报告指出：", "yue": "報告話：", "en": "The report says:"}
_NOT_STATED = {"zh-Hant": "報告沒有說明{what}。", "yue": "報告冇講{what}。", "zh-Hans": "报告没有说明{what}。",
               "en": "The report does not say {what}."}
_NOT_STATED_THIS = {"zh-Hant": "報告沒有說明這一點。", "yue": "報告冇講到呢一點。", "zh-Hans": "报告没有说明这一点。",
                    "en": "The report does not state this."}
CLOSEST = {"zh-Hant": "以下是最接近的段落：", "yue": "以下是最接近的段落：", "zh-Hans": "以下是最接近的段落：",
           "en": "The closest passages:"}
_GIVES = {"zh-Hant": "報告提供的是：", "yue": "報告提供嘅係：", "zh-Hans": "报告提供的是：",
          "en": "What it does give:"}
_LINKS = {"zh-Hant": "相關連結：", "yue": "相關連結：", "zh-Hans": "相关链接：", "en": "Linked passages:"}

MAX_WHAT_CHARS = 80  # a longer question is not repeated back: the generic "this" form is used

# ---- "how many registered users eHealth has", from the question ------------------------------

_EN_WH = r"(?P<wh>how (?:many|much|long|often|far)(?: [a-z-]+){0,3}?|when|where|who|whom|what(?: [a-z-]+){0,2}?|which(?: [a-z-]+){0,2}?|why|how)"
# "How many users does eHealth have?" → how many users eHealth has
_EN_DO = re.compile(rf"^{_EN_WH}\s+(?P<aux>does|do)\s+(?P<subject>.+?)\s+(?P<verb>[a-z]+)(?P<rest>(?:\s+(?:to|for|in|on|with|by|at|from|of|about)\b.*)?)$", re.I)
# "How much will the centre cost?" → how much the centre will cost; "When will it be launched?"
_EN_MODAL = re.compile(rf"^{_EN_WH}\s+(?P<aux>will|would|can|could|should|may|might)\s+(?P<subject>.+?)\s+(?P<rest>(?:be|have|get|start|begin|cost|take|launch|open|complete|finish)\b.*|[a-z]+)$", re.I)
# "When was X launched?" → when X was launched; "What is X?" → what X is
_EN_BE = re.compile(rf"^{_EN_WH}\s+(?P<aux>is|are|was|were|has|have)\s+(?P<subject>.+?)(?:\s+(?P<rest>[a-z]+ed|[a-z]+en|done|set up|built))?$", re.I)
# "Who chaired the subcommittee?": no auxiliary, the question is already in statement order
_EN_PLAIN = re.compile(rf"^{_EN_WH}\s+(?!does\b|do\b|did\b|will\b|would\b|can\b|could\b|should\b|is\b|are\b|was\b|were\b|has\b|have\b)\S.*$", re.I)
# A polar question: "Does the report say X?" / "Is there …?" → whether …
_EN_POLAR = re.compile(r"^(?P<aux>is|are|was|were|will|would|can|could|should|has|have)\s+(?P<subject>there|it|[a-z-]+(?:\s+[a-z-]+)?)\s+(?P<rest>.+)$", re.I)


def _third_person(verb: str, plural: bool) -> str:
    if plural:
        return verb
    if verb == "have":
        return "has"
    if re.search(r"(?:s|sh|ch|x|o)$", verb):
        return verb + "es"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + "s"


def _what_en(question: str) -> str:
    q = " ".join(question.split()).strip().rstrip("?？.!").strip()
    if not q:
        return ""
    q = q[0].lower() + q[1:]
    if re.search(r"\bdid\b", q, re.I):  # "what did members ask": the past tense of any verb is beyond a table
        return ""
    if m := _EN_DO.match(q):
        verb = _third_person(m["verb"], m["aux"].lower() == "do")
        return f"{m['wh']} {m['subject']} {verb}{m['rest']}"
    if m := _EN_MODAL.match(q):
        return f"{m['wh']} {m['subject']} {m['aux']} {m['rest']}"
    if m := _EN_BE.match(q):
        return " ".join(bit for bit in (m["wh"], m["subject"], m["aux"], m["rest"]) if bit)
    if _EN_PLAIN.match(q):
        return q
    if m := _EN_POLAR.match(q):
        return f"whether {m['subject']} {m['aux']} {m['rest']}"
    return ""


_ZH_TRIM = re.compile(r"^(?:請問|请问|想問|想问|問|问)[，,]?|[？?！!。．.\s]+$|(?<=[^\s])(?:呢|嗎|吗|啊|呀|嘛|嘅|咩)[？?]*$")


def _what_zh(question: str) -> str:
    q = " ".join(question.split())
    for _ in range(2):
        q = _ZH_TRIM.sub("", q).strip()
    return q


def what_was_asked(question: str, lang: str) -> str:
    """The question as an embedded clause ("how many users eHealth has", "醫健通有多少登記用戶"),
    or "" when it cannot be turned into one safely."""
    what = _what_en(question) if lang == "en" else _what_zh(question)
    what = to_simplified(what) if lang == "zh-Hans" else what
    return what if what and len(what) <= MAX_WHAT_CHARS and "\n" not in what else ""


_THE_REPORT = {"en": (re.compile(r"\bthe report\b", re.I), "it"), "zh": (re.compile(r"^(?:報告|报告)(?=\S)"), "")}


def not_stated(question: str, lang: str) -> str:
    """That the report does not say what was asked, in the asker's language."""
    what = what_was_asked(question, lang)
    pattern, pronoun = _THE_REPORT["en" if lang == "en" else "zh"]  # the frame already names the report
    what = pattern.sub(pronoun, what, count=1)
    return _NOT_STATED[lang].format(what=what) if what else _NOT_STATED_THIS[lang]


def frame_lead(lang: str) -> str:
    """The line before the quotes of an answered question."""
    return LEAD[lang]


def gives_line(lang: str) -> str:
    """The line before what the report gives instead (a figure or date about something else)."""
    return _GIVES[lang]


def links_line(lang: str) -> str:
    """The line before the passages linked to one the question named."""
    return _LINKS[lang]
