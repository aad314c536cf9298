"""Who says each sentence of a committee paper's deliberations, from the paper's own wording.

A LegCo report records a debate in reported speech: 委員詢問… (members ask), 政府當局表示…
(the Administration says), 小組委員會建議… (the subcommittee recommends), 醫管局表示… (a named
body says). A sentence that opens with a speaker and a reporting verb starts a turn; a sentence
without one continues the speaker before it ("當局會循序漸進…" after "政府當局表示…" is still the
Administration). The reporting verb also says what the sentence does: it *asks* (詢問, 關注,
asked whether), *urges* (建議, 促請, urged) or *states* (表示, 指出, said): a question is not an
answer when the reply is in the report.

    >>> [(t.speaker, t.act) for t in turns("委員詢問系統何時推出。政府當局表示，系統於2026年推出。當局會檢討。")]
    [('members', 'asks'), ('administration', 'states'), ('administration', 'states')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.chunk import sentences
from ingest.passage import Passage

MEMBERS, SUBCOMMITTEE, ADMINISTRATION = "members", "subcommittee", "administration"

# Speaker phrases, longest first within each group; a named body is matched by its form (below).
_ZH_SPEAKERS = (
    (MEMBERS, r"(?:部分|部份|有|多位|一些|個別|不少|其他|少數|大部分|大部份)?(?:委員|議員)(?:們)?|另有意見|有意見"),
    (SUBCOMMITTEE, r"(?:本|該)?小組委員會|(?:本|該)?委員會"),
    (ADMINISTRATION, r"政府當局|當局|局方|政府代表|政府"),
)
# A named body: two to ten characters ending as Hong Kong bodies are named (醫院管理局, 運輸署,
# 數字政策辦公室, 消防處), with an optional short form in brackets: 醫院管理局(“醫管局”).
_BODY = r"(?!謹請|請)[\u4e00-\u9fff]{1,9}(?:局|署|處|辦公室|辦|中心|公司|委員會|學會|商會|協會|基金會)(?:[(（][“\"]?[\u4e00-\u9fff]{2,6}[”\"]?[)）])?"
_ZH_VERBS = {
    "asks": "詢問|查詢|質詢|關注|關心|質疑|擔心|憂慮|問及|追問|要求當局解釋|要求當局交代",
    "urges": "建議|促請|要求|呼籲|敦促|提議|期望|希望|認為|提出",
    "states": "表示|指出|解釋|回應|強調|重申|確認|承諾|匯報|告知|補充|透露|預計|察悉|知悉|同意|支持|歡迎|公布|推出|進行|設立|成立"
              "|推行|致力|積極|透過|會|將|已|正|計劃",
}
# Adverbs, and a short time or topic phrase, between the speaker and its verb: 政府當局於2022年12月22日公布,
# 小組委員會曾就上述事宜進行.
_ADVERBS = "(?:亦|也|則|並|更|均|都|普遍|一致|進一步|曾|再|又|隨即|已)*(?:(?:於|就|在)[^，。；]{1,20}?)?"
_CONNECTIVES = r"(?:(?:另外|此外|另一方面|就此|對此|然而|同時|至於[^，]{0,12}|就[^，]{0,16}(?:而言|方面)|在[^，]{0,16}方面)，)?"
_ZH_OPENING = re.compile(
    rf"^\s*(?:\d+[.．]\s*)?{_CONNECTIVES}(?P<who>"
    + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _ZH_SPEAKERS)
    + rf"|(?P<body>{_BODY})){_ADVERBS}(?P<verb>"
    + "|".join(f"(?P<{act}>{verbs})" for act, verbs in _ZH_VERBS.items())
    + ")"
)
_EN_SPEAKERS = (
    (MEMBERS, r"(?:some |a few |several |many |other |individual )?(?:members?|legislators?)"),
    (SUBCOMMITTEE, r"the (?:sub-?committee|committee|panel)"),
    (ADMINISTRATION, r"the (?:administration|government)|government representatives"),
)
_EN_BODY = r"the (?:[A-Z][\w&'-]*\s+){1,6}(?:Bureau|Department|Office|Authority|Council|Corporation|Centre|Center)(?:\s+\(\"?\w+\"?\))?"
_EN_VERBS = {
    "asks": r"asked|enquired|inquired|queried|were concerned|was concerned|expressed concern|sought|questioned",
    "urges": r"urged|suggested|recommends?|recommended|proposed|requested|called on|considered|took the view|hoped",
    "states": r"said|stated|advised|explained|responded|replied|pointed out|informed|confirmed|undertook|added|noted|would|will|has|had|is|was",
}
_EN_OPENING = re.compile(
    r"^\s*(?:\d+\.\s*)?(?:(?:In addition|Besides|Moreover|On the other hand|In response),\s*)?(?P<who>"
    + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _EN_SPEAKERS)
    + rf"|(?P<body>{_EN_BODY}))\s+(?:also\s+|further\s+|generally\s+)?(?P<verb>"
    + "|".join(f"(?P<{act}>{verbs})" for act, verbs in _EN_VERBS.items())
    + r")\b",
    re.I,
)


@dataclass(frozen=True)
class Turn:
    """One sentence of a passage (text[start:end]) with who says it and what it does."""

    start: int
    end: int
    speaker: str | None  # "members", "subcommittee", "administration", a named body, or None
    act: str  # "asks", "urges" or "states"


def opening(sentence: str) -> tuple[str, str] | None:
    """(speaker, act) when a sentence opens with a speaker and a reporting verb, else None.

    >>> opening("委員亦詢問本港有多少個路口。"), opening("醫院管理局(“醫管局”)表示會推行。")
    (('members', 'asks'), ('醫院管理局', 'states'))
    >>> opening("Members asked whether the system would be extended.")
    ('members', 'asks')
    """
    m = _ZH_OPENING.match(sentence) or _EN_OPENING.match(sentence)
    if not m:
        return None
    kind = next(k for k in (MEMBERS, SUBCOMMITTEE, ADMINISTRATION, "body") if m.group(k))
    speaker = _body_name(m.group("body")) if kind == "body" else kind
    act = next(a for a in ("asks", "urges", "states") if m.group(a))
    return speaker, act


_SHORT_FORM = re.compile(r"([\u4e00-\u9fff]{2,10})[(（][“\"]([\u4e00-\u9fff]{2,6})[”\"][)）]")


def _body_name(phrase: str) -> str:
    """A named body without its bracketed short form or a leading "the": 醫院管理局(“醫管局”) → 醫院管理局."""
    name = re.sub(r"\s*[(（].*$", "", phrase).strip()
    return re.sub(r"^the\s+", "", name, flags=re.I)


def turns(text: str, inherited: str | None = None) -> list[Turn]:
    """Each sentence of `text` with its speaker: a sentence with no speaker of its own continues the
    one before it, and the first such sentence takes `inherited` (e.g. the subcommittee for the
    sub-items under 小組委員會建議政府當局：). A body named once in full with its short form
    (香港警務處(“警務處”)) keeps its full name when the short form speaks later."""
    out, speaker, act = [], inherited, "urges" if inherited == SUBCOMMITTEE else "states"
    short_forms = {short: full for full, short in _SHORT_FORM.findall(text)}
    for start, end in sentences(text):
        found = opening(text[start:end])
        if found:
            speaker, act = found
            speaker = short_forms.get(speaker, speaker)
        elif out and out[-1].act == "asks":
            act = "asks"  # 委員詢問…。委員又想知道… : a question continues until someone answers
        out.append(Turn(start, end, speaker, act))
    return out


def speakers(text: str, inherited: str | None = None) -> tuple[str, ...]:
    """The distinct speakers of a passage, in order of appearance.

    >>> speakers("委員建議整合功能。政府當局表示會加強連接。")
    ('members', 'administration')
    """
    return tuple(dict.fromkeys(t.speaker for t in turns(text, inherited) if t.speaker))


_SUB_ITEM = re.compile(r"^(?P<parent>\d+(?:\.\d+)*)\([0-9a-z]+\)$")


def parent_label(label: str) -> str | None:
    """The paragraph a sub-item belongs to: "67" for "67(5)", "2.2" for "2.2(a)"; None for anything else.

    >>> parent_label("67(5)"), parent_label("2.2(a)"), parent_label("15")
    ('67', '2.2', None)
    """
    m = _SUB_ITEM.match(label)
    return m.group("parent") if m else None


def introducer(text: str) -> str | None:
    """Who speaks the last sentence of a paragraph: the speaker of the sub-items it introduces
    (小組委員會建議政府當局： → the subcommittee for each of 67(1), 67(2) …)."""
    said = turns(text)
    return said[-1].speaker if said else None


def with_speakers(passages: list[Passage]) -> list[Passage]:
    """The passages with their `speakers` filled: a sub-item inherits the speaker of the sentence of
    its paragraph that introduces it. New Passages; the ones given are not changed."""
    intro = {(p.doc, p.label): introducer(p.text) for p in passages if parent_label(p.label) is None}
    return [replace(p, speakers=speakers(p.text, intro.get((p.doc, parent_label(p.label) or ""))))
            for p in passages]
