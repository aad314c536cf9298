"""Who says each sentence of a passage, and whose words a question asks for.

The sentences of a passage are read with ingest.speakers (members ask, the Administration states,
the subcommittee urges). A sub-item (67(5)) has no speaker of its own: it speaks with the sentence of
its paragraph that introduced it, which ingest recorded as the passage's first speaker.

    >>> wanted_speaker("What did members urge the Government to do?"), wanted_speaker("政府當局幾時推出？")
    ('members', 'administration')
"""
from __future__ import annotations

import functools
import re

from assistant.speaker_preference import side_asked
from index.normalise import cantonese_to_written, detect_lang, fold
from ingest.passage import Passage
from ingest.speakers import ADMINISTRATION, MEMBERS, SUBCOMMITTEE, Turn, parent_label, turns

Said = Turn  # a sentence (start, end) of a passage, with its speaker and act


def said_in(passage: Passage | None) -> list[Said]:
    """Each sentence of a passage with who says it; a sub-item's opening sentences take the speaker
    ingest gave it (from the paragraph that introduces it)."""
    if passage is None:
        return []
    return list(_said(passage.text, passage.label, passage.speakers[:1]))


@functools.lru_cache(maxsize=8192)
def _said(text: str, label: str, first_speaker: tuple[str, ...]) -> tuple[Said, ...]:
    """said_in, read once per passage text: an answer reads the same top passages question after question."""
    said = turns(text)
    if said and said[0].speaker is None and parent_label(label) and first_speaker:
        said = turns(text, first_speaker[0])
    return tuple(said)


# Read on the folded question (Traditional, lower case), so Simplified and English share one table.
_SUBCOMMITTEE = re.compile(r"小組委員會|(?<![a-z])(?:sub-?committee|committee)(?![a-z])")
_RECOMMENDS = re.compile(r"建議|推薦|recommend")
_MEMBERS = re.compile(r"委員(?!會)|議員|(?<![a-z])(?:members?|legislators?)(?![a-z])")
_MEMBERS_SAY = re.compile(r"詢問|問|關注|建議|促請|要求|認為|意見|提出|(?<![a-z])(?:ask|urge|suggest|concern|view|propos|rais|think|request)")
_ADMINISTRATION = re.compile(r"政府|當局|局方|(?<![a-z])(?:government|administration)(?![a-z])")
_WHEN_HOW_MANY = re.compile(r"幾時|何時|甚麼時候|什麼時候|多少|幾多|幾耐|會否|會不會|(?<![a-z])(?:when|how many|how much|how long|will)(?![a-z])")


NAMED_BONUS, INFERRED_BONUS = 1.0, 0.5  # the question names the side / its kind (when, how many) suggests it


def speaker_preference(question: str) -> tuple[str, float]:
    """(the side whose sentences to prefer, by how much): a side the question names outweighs the rank of
    a passage (a full RANK_WEIGHT); one inferred from "when / how many" only half of it."""
    return speaker_preference_folded(*_folded_forms(question))


def speaker_preference_folded(folded: str, folded_written: str) -> tuple[str, float]:
    """speaker_preference of a question's folded forms (Query.folded, Query.folded_written).

    The government named as the one who acts ("When did the Government and Guangdong sign …?") is not
    asked for its words: only a question asking what it says or does (side_asked) names the side."""
    side = wanted_speaker_folded(folded, folded_written)
    if not side:
        return "", 0.0
    named = {SUBCOMMITTEE: _SUBCOMMITTEE, MEMBERS: _MEMBERS, ADMINISTRATION: _ADMINISTRATION}[side].search(folded)
    if side == ADMINISTRATION and not side_asked(folded_written):
        named = None
    return side, NAMED_BONUS if named else INFERRED_BONUS


def _folded_forms(question: str) -> tuple[str, str]:
    """fold(question) and the folded written form of a raw question (what a Query holds as folded, folded_written)."""
    q = fold(question)
    return q, fold(cantonese_to_written(question)) if detect_lang(question) == "yue" else q


def wanted_speaker(question: str) -> str:
    """The side whose words answer `question`: "subcommittee" for what the subcommittee recommends,
    "members" for what members asked or urged, "administration" for what the government will do,
    when, or how many; "" when the question asks no one in particular.

    A question naming both sides asks for the one ranking reads from it (speaker_preference.side_asked):
    "委員要求…，當局如何回應？" wants the Administration's reply, not the members' request."""
    return wanted_speaker_folded(*_folded_forms(question))


def wanted_speaker_folded(folded: str, folded_written: str) -> str:
    """wanted_speaker of a question's folded forms (Query.folded, Query.folded_written)."""
    q = folded
    side = side_asked(folded_written)
    if side:
        return side
    if _SUBCOMMITTEE.search(q) and _RECOMMENDS.search(q):
        return SUBCOMMITTEE
    if _MEMBERS.search(q) and _MEMBERS_SAY.search(q):
        return MEMBERS
    if _ADMINISTRATION.search(q) or _WHEN_HOW_MANY.search(q):
        return ADMINISTRATION
    return ""
